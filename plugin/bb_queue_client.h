/* bb_queue_client.h: the plugin's WebSocket client to the queue service (docs/internal-api.md). */
#ifndef BB_QUEUE_CLIENT_H
#define BB_QUEUE_CLIENT_H

#include <glib.h>
#include <jansson.h>

#include "bb_plugin.h"

typedef struct bb_qc bb_qc;

/* Answer to one request. ok: body is the response object. !ok: code is the service's error code
 * ("not_found", ...) or one of our own: "unavailable" (not connected, queue full, connection
 * lost before the answer) and "timeout"; body is the response if there was one. */
typedef struct bb_qc_reply {
	gboolean ok;
	char *code;
	json_t *body;
} bb_qc_reply;

/* Starts the client thread; it connects, says hello and reconnects with backoff on its own. */
bb_qc *bb_qc_start(const bb_settings *settings);
void bb_qc_stop(bb_qc *qc);
gboolean bb_qc_available(bb_qc *qc);

/* Sends op with args (stolen) and waits for the answer (at most request_timeout_ms).
 * Call only from the handler thread; never while holding a lock. Clear the reply afterwards. */
void bb_qc_call(bb_qc *qc, const char *op, json_t *args, bb_qc_reply *reply);
void bb_qc_reply_clear(bb_qc_reply *reply);
/* Sends op with args (stolen) without waiting; the answer is logged if it is an error. */
void bb_qc_send(bb_qc *qc, const char *op, json_t *args);
json_t *bb_qc_stats(bb_qc *qc);

#endif
