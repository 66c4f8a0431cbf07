/* bb_request.h: browser requests: the dispatch table over the catalogue's requests, validation,
 * role checks, one request at a time per handle, and the asynchronous steps through the queue
 * service. Handler thread only. */
#ifndef BB_REQUEST_H
#define BB_REQUEST_H

#include <glib.h>
#include <jansson.h>

#include "core/bb_work.h"
#include "session/bb_reply.h"

/* A browser message for w->session (takes over the work item): runs now, or after the
 * handle's earlier requests are done. Requests of one handle never overlap, so a client sees its
 * answers in the order of its requests. */
void bb_request_submit(bb_work *w);
/* Every handler ends here exactly once, at once or in a later step: frees the request and
 * runs the handle's next waiting request. */
void bb_request_done(bb_request *rq);
/* Drops the waiting requests of a handle that is gone. */
void bb_request_drop_backlog(bb_session *s);
/* Asks the queue service; `step` runs on the handler thread with the answer and must end in
 * bb_request_done(). For clerk requests the clerk's session token is added. */
void bb_request_ask(bb_request *rq, bb_op_id op, json_t *args,
	void (*step)(bb_request *rq, const bb_qc_reply *reply));
void bb_request_ask_clerk(bb_request *rq, bb_op_id op, json_t *args,
	void (*step)(bb_request *rq, const bb_qc_reply *reply));
/* Replies with the service's error and finishes the request. */
void bb_request_fail(bb_request *rq, const bb_qc_reply *reply);
/* Replies with an error from the catalogue and finishes the request. */
void bb_request_refuse(bb_request *rq, bb_error_code code, const char *message);
/* FALSE (logged) when a request of the catalogue has no handler: the plugin refuses to start. */
gboolean bb_request_table_complete(void);

/* Handlers (requests/bb_citizen.c, requests/bb_clerk.c) */
void bb_citizen_join(bb_request *rq);
void bb_citizen_accept(bb_request *rq);
void bb_citizen_leave(bb_request *rq);
void bb_citizen_hangup(bb_request *rq);
void bb_citizen_restart(bb_request *rq);
void bb_clerk_login(bb_request *rq);
void bb_clerk_presence(bb_request *rq);
void bb_clerk_queue(bb_request *rq);
void bb_clerk_queue_page(bb_request *rq);
void bb_clerk_call_next(bb_request *rq);
void bb_clerk_call(bb_request *rq);
void bb_clerk_hangup(bb_request *rq);
void bb_clerk_finish(bb_request *rq);
void bb_clerk_transfer(bb_request *rq);
void bb_clerk_requeue(bb_request *rq);
void bb_clerk_broadcast(bb_request *rq);
void bb_clerk_appointment_no_show(bb_request *rq);
void bb_clerk_renegotiate(bb_request *rq);
void bb_clerk_invite_interpreter(bb_request *rq);
void bb_interpreter_interpret(bb_request *rq);
void bb_interpreter_hangup(bb_request *rq);

/* The handle went away (requests/bb_citizen.c, requests/bb_clerk.c): whatever it took part in
 * ends, its ticket goes to the grace period or back to the waiting room. */
void bb_citizen_gone(bb_session *s);
void bb_clerk_gone(bb_session *s);
void bb_interpreter_gone(bb_session *s);
/* The clerk's PeerConnection ended without the plugin asking (requests/bb_clerk.c): a call the
 * citizen has not answered yet is withdrawn (`hangup` closed, the ticket `requeued` call_failed). */
void bb_clerk_pc_lost(bb_session *clerk);
/* The clerk's ticket goes back to the waiting room (withdrawn call, clerk gone, failed offer);
 * the citizen, if still here, hears its place (`requeued` with `reason`). detach_after: the
 * citizen's handle is gone, so its grace period starts once the ticket waits again. */
void bb_clerk_give_back(bb_session *clerk, gint64 ticket_id, bb_session *citizen, const char *reason,
	gboolean detach_after);

#endif
