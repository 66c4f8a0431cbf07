/* bb_plugin.h: shared declarations of janus.plugin.buergerbuero (context, settings, work items).
 *
 * Threads
 *   - Janus core threads call handle_message/create_session/destroy_session/query_session and
 *     handle_admin_message; they only touch the registry and queue work for the handler thread.
 *   - One handler thread (bb_plugin.c) owns all signalling state: it runs citizen and clerk
 *     requests, events from the queue service, handle-gone and media-hangup notices, in order.
 *   - The queue-service client thread (bb_queue_client.c) runs the libwebsockets client context.
 *   - Each handle's Janus loop thread calls incoming_rtp/rtcp/data, setup_media, slow_link and
 *     hangup_media (bb_media.c): the hot path reads the atomic peer pointer and takes no mutex.
 *
 * Lock order (take a lock only while holding the ones above it, never the reverse):
 *   1. bb_registry.lock   (bb_session.c: sessions by handle, citizens by ticket id, clerks)
 *   2. bb_session.lock    (bb_session.c: one session's strings read by query_session)
 *   3. bb_qc.lock         (bb_queue_client.c: outgoing queue and pending-request table)
 * Never call into the Janus core (push_event, close_pc, end_session, notify_event) or block on
 * the queue service while holding any of these locks.
 */
#ifndef BB_PLUGIN_H
#define BB_PLUGIN_H

#include <glib.h>
#include <jansson.h>
#include <janus/plugins/plugin.h>

#define BB_PACKAGE "janus.plugin.buergerbuero"
#define BB_NAME "Bürgerbüro"
#define BB_VERSION 1
#define BB_VERSION_STRING "0.1.0"

/* Settings from janus.plugin.buergerbuero.jcfg (see the .jcfg.sample for every key). */
typedef struct bb_settings {
	char *queue_url;           /* ws://127.0.0.1:8089/internal/v1 */
	char *queue_secret;        /* shared secret for hello; never logged */
	char *instance;            /* identifies this Janus node to the queue service */
	int request_timeout_ms;    /* a queue-service call not answered by then fails */
	int outgoing_max;          /* bounded outgoing queue to the queue service */
	int almost_position;       /* "almost your turn" when position <= this */
	int heartbeat_s;           /* clerk presence heartbeat period */
	int reconnect_min_ms;      /* reconnect backoff start */
	int reconnect_max_ms;      /* reconnect backoff cap */
	guint32 max_bitrate;       /* REMB cap for every sender, bit/s; 0 = no cap */
	guint32 min_bitrate;       /* slow_link never lowers below this */
	gboolean notify_events;    /* consultation start/end to Janus event handlers */
} bb_settings;

/* Kinds of work the handler thread runs, one queue for all so that order is kept. */
typedef enum bb_work_type {
	BB_WORK_MESSAGE = 0,       /* a request from a browser */
	BB_WORK_QUEUE_EVENT,       /* an unsolicited event from the queue service */
	BB_WORK_HANDLE_GONE,       /* Janus destroyed the handle */
	BB_WORK_MEDIA_HANGUP,      /* the PeerConnection of a handle ended */
	BB_WORK_QUEUE_DOWN,        /* lost the queue service */
	BB_WORK_QUEUE_UP,          /* queue service reachable again (hello answered) */
	BB_WORK_STOP,
} bb_work_type;

typedef struct bb_session bb_session;

typedef struct bb_work {
	bb_work_type type;
	bb_session *session;       /* referenced, or NULL */
	char *transaction;
	json_t *message;           /* referenced */
	json_t *jsep;              /* referenced */
} bb_work;

/* The plugin context: everything that would otherwise be a global. */
typedef struct bb_context {
	janus_callbacks *gateway;
	janus_plugin *plugin;
	bb_settings settings;
	volatile gint initialized;
	volatile gint stopping;
	GAsyncQueue *work;                 /* of bb_work* */
	GThread *handler_thread;
	struct bb_qc *qc;                  /* queue-service client */
	/* statistics, atomics */
	volatile gint consultations_started;
	volatile gint consultations_running;
	volatile gint requests_handled;
} bb_context;

extern bb_context bb_ctx;

/* bb_plugin.c */
void bb_work_push(bb_work_type type, bb_session *session, char *transaction,
	json_t *message, json_t *jsep);

/* bb_settings.c */
gboolean bb_settings_load(bb_settings *settings, const char *config_path)
	G_GNUC_WARN_UNUSED_RESULT;
void bb_settings_clear(bb_settings *settings);

/* bb_media.c: the Janus media callbacks */
void bb_media_setup(janus_plugin_session *handle);
void bb_media_incoming_rtp(janus_plugin_session *handle, janus_plugin_rtp *packet);
void bb_media_incoming_rtcp(janus_plugin_session *handle, janus_plugin_rtcp *packet);
void bb_media_incoming_data(janus_plugin_session *handle, janus_plugin_data *packet);
void bb_media_data_ready(janus_plugin_session *handle);
void bb_media_slow_link(janus_plugin_session *handle, int mindex, gboolean video, gboolean uplink);
void bb_media_hangup(janus_plugin_session *handle);

#endif
