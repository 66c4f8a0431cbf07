/* bb_queue_client.h: the plugin's client to the queue service's internal API (docs/internal-api.md):
 * transport only, a few WebSocket connections used in parallel, every call answered through a
 * continuation on the handler thread. */
#ifndef BB_QUEUE_CLIENT_H
#define BB_QUEUE_CLIENT_H

#include <glib.h>
#include <jansson.h>

#include "bb_protocol.h"
#include "core/bb_settings.h"

typedef struct bb_qc bb_qc;

/* The answer to one call. ok: body is the response object. !ok: code is the service's error
 * (from the catalogue), or queue_unavailable when there was no connection, the outgoing queue was
 * full, the connection was lost before the answer, or the call timed out (reason says which). */
typedef struct bb_qc_reply {
	gboolean ok;
	bb_error_code code;
	const char *reason;    /* "unavailable", "timeout", or NULL when the service answered */
	json_t *body;          /* borrowed for the duration of the continuation; may be NULL */
} bb_qc_reply;

/* Runs on the handler thread, exactly once per call that was given one, and then owns data;
 * only when the plugin shuts down before that, `drop` frees data instead. */
typedef void (*bb_qc_done)(const bb_qc_reply *reply, gpointer data);

/* What the client needs from the layers above, called on the client thread. */
typedef struct bb_qc_hooks {
	/* Arguments of hello besides secret and instance: {"tickets": [...], "consultations": [...]}. */
	json_t *(*hello_args)(void);
	/* Clerk session tokens for the heartbeat (a JSON array; NULL or empty = none). */
	json_t *(*heartbeat_sessions)(void);
} bb_qc_hooks;

/* Starts the client thread; it connects, says hello on each connection and reconnects with
 * backoff on its own. Answers, events, up and down are posted to the handler thread's work queue. */
bb_qc *bb_qc_start(const bb_settings *settings, const bb_qc_hooks *hooks);
/* Stops the thread; every call still pending is dropped (its drop runs, its done does not). */
void bb_qc_stop(bb_qc *qc);
gboolean bb_qc_available(bb_qc *qc);

/* Sends op with args (stolen) on the least busy connection. Never calls done synchronously: even
 * an immediate failure arrives as a work item, so callers need no re-entrancy care. done NULL:
 * fire and forget (a failure is logged). Any thread. */
void bb_qc_call(bb_qc *qc, bb_op_id op, json_t *args, bb_qc_done done, gpointer data,
	GDestroyNotify drop);
json_t *bb_qc_stats(bb_qc *qc);

#endif
