/* bb_request.h: browser requests: error codes, the request table and reply helpers. */
#ifndef BB_REQUEST_H
#define BB_REQUEST_H

#include <glib.h>
#include <jansson.h>

#include "bb_session.h"
#include "bb_queue_client.h"

/* Error numbers of docs/janus-api.md (range 4700-4799). */
typedef enum bb_error {
	BB_ERR_INTERNAL = 4700,
	BB_ERR_BAD_REQUEST = 4701,
	BB_ERR_UNKNOWN_REQUEST = 4702,
	BB_ERR_TOO_LARGE = 4703,
	BB_ERR_UNAUTHORIZED = 4704,
	BB_ERR_FORBIDDEN = 4705,
	BB_ERR_INVALID_STATE = 4706,
	BB_ERR_QUEUE_UNAVAILABLE = 4707,
	BB_ERR_CLOSED = 4708,
	BB_ERR_FULL = 4709,
	BB_ERR_INVALID_TOKEN = 4710,
	BB_ERR_NOT_FOUND = 4711,
	BB_ERR_NO_TICKET = 4712,
	BB_ERR_CONFLICT = 4713,
	BB_ERR_CITIZEN_GONE = 4714,
	BB_ERR_MISSING_JSEP = 4715,
} bb_error;

/* One browser request while it is being handled (handler thread). */
typedef struct bb_request {
	bb_session *session;
	const char *name;       /* the `request` field */
	const char *transaction;
	json_t *body;
	json_t *jsep;           /* NULL when the message had none */
} bb_request;

/* Runs one request: validation, role check, dispatch through the table. */
void bb_request_handle(bb_session *session, const char *transaction, json_t *body, json_t *jsep);

/* Replies: the answer event of a request (fields stolen, may be NULL; jsep borrowed). */
int bb_reply(bb_request *rq, const char *event, json_t *fields, json_t *jsep);
void bb_reply_error(bb_request *rq, bb_error code, const char *message);
/* Maps a failed queue-service answer to our error, with next_opening/slots where given. */
void bb_reply_qc_error(bb_request *rq, const bb_qc_reply *reply);
/* Unsolicited event to a session (fields stolen, may be NULL; jsep borrowed). Returns the Janus
 * core's result (0 = ok). */
int bb_push(bb_session *s, const char *event, json_t *fields, json_t *jsep);

/* Handlers (bb_citizen.c, bb_clerk.c) */
void bb_citizen_join(bb_request *rq);
void bb_citizen_accept(bb_request *rq);
void bb_citizen_leave(bb_request *rq);
void bb_citizen_hangup(bb_request *rq);
void bb_citizen_restart(bb_request *rq);
void bb_clerk_login(bb_request *rq);
void bb_clerk_presence(bb_request *rq);
void bb_clerk_queue(bb_request *rq);
void bb_clerk_call_next(bb_request *rq);
void bb_clerk_call(bb_request *rq);
void bb_clerk_hangup(bb_request *rq);
void bb_clerk_finish(bb_request *rq);
void bb_clerk_transfer(bb_request *rq);
void bb_clerk_requeue(bb_request *rq);
void bb_clerk_broadcast(bb_request *rq);
void bb_clerk_appointment_no_show(bb_request *rq);
void bb_clerk_renegotiate(bb_request *rq);

/* Clerk's session token as a JSON string for queue-service arguments (new reference). */
json_t *bb_clerk_token_json(bb_session *clerk);

#endif
