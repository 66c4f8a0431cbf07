/* bb_interpreting.c: the requests around the interpreter: the clerk's invitation, joining with
 * it (`interpret`), the interpreter's hang-up, and its handle going away. */
#include "requests/bb_request.h"
#include "consultation/bb_consultation.h"
#include "consultation/bb_interpreter.h"
#include "core/bb_context.h"

#include <janus/debug.h>

void bb_clerk_invite_interpreter(bb_request *rq) {
	bb_consultation *c = rq->session->consultation;
	if(!c) {
		bb_request_refuse(rq, BB_E_INVALID_STATE, "no consultation running");
		return;
	}
	bb_error_code err;
	const char *why = NULL;
	char *token = bb_interpreter_invite(c, &err, &why);
	if(!token) {
		bb_request_refuse(rq, err, why);
		return;
	}
	bb_reply(rq, BB_JEV_INTERPRETER_INVITED, json_pack("{ss}", "invite", token), NULL);
	memset(token, 0, strlen(token));
	g_free(token);
	bb_request_done(rq);
}

/* Who may join: a fresh handle (no ticket, no consultation), or an interpreter whose previous
 * consultation is over and whose PeerConnection is gone. */
static gboolean may_interpret(bb_session *s) {
	bb_role role = bb_session_role(s);
	if(role == BB_ROLE_CLERK)
		return FALSE;
	return bb_session_state(s) == BB_STATE_IDLE && !s->ticket_id && !s->consultation && !s->pc_closing;
}

void bb_interpreter_interpret(bb_request *rq) {
	bb_session *s = rq->session;
	if(bb_session_role(s) == BB_ROLE_CLERK) {
		bb_request_refuse(rq, BB_E_FORBIDDEN, "request not allowed for this role");
		return;
	}
	if(!may_interpret(s) || !rq->offered) {
		bb_request_refuse(rq, BB_E_INVALID_STATE, "this handle is busy (ticket, consultation or PeerConnection)");
		return;
	}
	bb_consultation *c = bb_interpreter_find_invite(json_string_value(json_object_get(rq->body, "invite")));
	if(!c) {
		bb_request_refuse(rq, BB_E_INVITE_INVALID, "unknown or used invitation");
		return;
	}
	bb_error_code err;
	const char *why = NULL;
	json_t *answer = bb_interpreter_join(c, s, rq->jsep, &err, &why);
	if(!answer) {
		/* the half-built PeerConnection from the offer is closed with the error (bb_reply_error) */
		bb_request_refuse(rq, err, why);
		return;
	}
	/* statistics: the service counts the consultation as one with an interpreter */
	bb_qc_call(bb_ctx.qc, BB_OP_INTERPRETED, json_pack("{sosI}", "session",
		bb_session_clerk_token_json(c->clerk), "ticket", (json_int_t)c->ticket_id), NULL, NULL, NULL);
	char *clerk = bb_session_display_name(c->clerk);
	bb_reply(rq, BB_JEV_INTERPRETING, json_pack("{s:s?,s:s?}", "ticket", c->number, "clerk", clerk), answer);
	g_free(clerk);
	json_decref(answer);
	bb_request_done(rq);
}

void bb_interpreter_hangup(bb_request *rq) {
	bb_consultation *c = rq->session->consultation;
	if(!c || c->interpreter != rq->session) {
		bb_request_refuse(rq, BB_E_INVALID_STATE, "not in a consultation");
		return;
	}
	bb_consultation_interpreter_leave(c, "interpreter", TRUE);
	bb_reply(rq, BB_JEV_HUNGUP, NULL, NULL);
	bb_request_done(rq);
}

void bb_interpreter_gone(bb_session *s) {
	bb_consultation *c = s->consultation;
	if(c && c->interpreter == s)
		bb_consultation_interpreter_leave(c, "interpreter_gone", TRUE);
}
