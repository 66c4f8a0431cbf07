/* bb_reply.h: what goes back to browsers: answers to requests (carrying the request's name, so a
 * client can tell an answer from an unsolicited event of the same name), errors from the
 * catalogue, and unsolicited events. */
#ifndef BB_REPLY_H
#define BB_REPLY_H

#include <glib.h>
#include <jansson.h>

#include "bb_protocol.h"
#include "queue/bb_queue_client.h"
#include "session/bb_session.h"

/* One browser request from its arrival until it is answered; it outlives the handler function
 * while the queue service is asked (handler thread only). */
typedef struct bb_request {
	bb_session *session;          /* referenced */
	bb_janus_request_id id;
	const bb_janus_request *def;  /* NULL until the name was recognised */
	char *transaction;
	json_t *body;                 /* referenced */
	json_t *jsep;                 /* referenced, NULL when the message had none */
	gboolean offered;             /* the message carried an offer: Janus built a PeerConnection */
	gboolean answered;
	gint64 ticket_id;             /* the ticket a clerk request acts on (0 = none) */
	/* The next step once the queue service answered (requests/bb_request.c, bb_request_ask). */
	void (*step)(struct bb_request *rq, const bb_qc_reply *reply);
} bb_request;

/* The answer event of a request (fields stolen, may be NULL; jsep borrowed). Returns the Janus
 * core's result (0 = ok). */
int bb_reply(bb_request *rq, const char *event, json_t *fields, json_t *jsep);
/* An error from the catalogue; `extra` (stolen, may be NULL) adds details (field, slots, ...).
 * When the request carried an offer, its half-built PeerConnection is closed and the error says
 * so (`pc_closed`): the browser waits for Janus's hangup before offering again. */
void bb_reply_error(bb_request *rq, bb_error_code code, const char *message, json_t *extra);
/* A failed queue-service call: the service's error mapped to what browsers may see, with the
 * details the service gave (next_opening, slots, checkin_from, field, ...). */
void bb_reply_qc_error(bb_request *rq, const bb_qc_reply *reply);
/* An answer that comes after its request was done (the citizen's answer to a clerk's
 * renegotiation): same shape as bb_reply, to the request's transaction. */
int bb_reply_late(bb_session *s, const char *transaction, bb_janus_request_id id, const char *event,
	json_t *fields, json_t *jsep);
/* An error to a request that was already done (a renegotiation whose consultation ended). */
void bb_reply_late_error(bb_session *s, const char *transaction, bb_janus_request_id id,
	bb_error_code code, const char *message);
/* An unsolicited event (fields stolen, may be NULL; jsep borrowed). */
int bb_push(bb_session *s, const char *event, json_t *fields, json_t *jsep);

#endif
