/* bb_context.h: the plugin's context (everything that would otherwise be a global) and the
 * threads and lock order of janus.plugin.buergerbuero.
 *
 * Threads
 *   - Janus core threads call handle_message, create_session, destroy_session, query_session and
 *     handle_admin_message; they only touch the registry and queue work for the handler thread.
 *   - One handler thread (app/bb_plugin.c) owns all signalling state and runs every work item in
 *     arrival order: browser requests, answers and events from the queue service, handle-gone
 *     and media-hangup notices. It never waits on the network: a request to the queue service
 *     returns at once and its answer comes back later as a work item carrying the continuation.
 *   - The queue-service client thread (queue/bb_queue_client.c) runs the libwebsockets client
 *     with a few connections and turns answers into work items.
 *   - Each handle's Janus loop thread calls incoming_rtp/rtcp/data, setup_media, slow_link and
 *     hangup_media (consultation/bb_media.c): the hot path reads atomics only, takes no mutex.
 *
 * Lock order (take a lock only while holding the ones above it, never the reverse):
 *   1. registry.lock      (session/bb_session.c: sessions by handle, citizens by ticket, clerks)
 *   2. bb_session.lock    (session/bb_session.c: one session's strings read by other threads)
 *   3. bb_qc.lock         (queue/bb_queue_client.c: outgoing queues and pending requests)
 *   4. work queue         (core/bb_work.c: GAsyncQueue's own lock, held for a push or pop only)
 * Never call into the Janus core (push_event, close_pc, end_session, notify_event) while holding
 * any of these locks.
 */
#ifndef BB_CONTEXT_H
#define BB_CONTEXT_H

#include <glib.h>
#include <jansson.h>
#include <janus/plugins/plugin.h>

#include "bb_protocol.h"
#include "core/bb_package.h"
#include "core/bb_settings.h"

struct bb_qc;

typedef struct bb_context {
	janus_callbacks *gateway;
	janus_plugin *plugin;
	bb_settings settings;
	volatile gint initialized;
	volatile gint stopping;
	struct bb_qc *qc;                  /* queue-service client (queue/) */
	int max_handles;                   /* effective limit (settings or derived from RLIMIT_NOFILE) */
	/* statistics, atomics */
	volatile gint consultations_started;
	volatile gint consultations_running;
	volatile gint consultations_with_interpreter;
	volatile gint requests_handled;
	volatile gint requests_deferred;   /* waited behind an earlier request of the same handle */
	volatile gint handles_refused;     /* create_session refused at max_handles */
} bb_context;

extern bb_context bb_ctx;

#endif
