/* bb_request.c: the request table, validation against the catalogue, role checks, one request at
 * a time per handle, and the continuation steps through the queue service. */
#include "requests/bb_request.h"
#include "core/bb_context.h"
#include "bb_fields.h"

#include <janus/debug.h>

/* Every role can hang up; each has its own consequences (the interpreter only leaves). */
static void hangup_by_role(bb_request *rq) {
	switch(bb_session_role(rq->session)) {
	case BB_ROLE_CLERK:
		bb_clerk_hangup(rq);
		break;
	case BB_ROLE_INTERPRETER:
		bb_interpreter_hangup(rq);
		break;
	default:
		bb_citizen_hangup(rq);
		break;
	}
}

/* An interpreter never becomes a clerk on the same handle. */
static void login_by_role(bb_request *rq) {
	if(bb_session_role(rq->session) == BB_ROLE_INTERPRETER)
		bb_request_refuse(rq, BB_E_FORBIDDEN, "request not allowed for this role");
	else
		bb_clerk_login(rq);
}

/* The handler of every request of the catalogue (protocol/janus-api.json); who may send it, its
 * fields and its JSEP come from the catalogue, so a handler only ever sees validated input. */
static void (*const handlers[BB_JREQ_N])(bb_request *rq) = {
	[BB_JREQ_JOIN] = bb_citizen_join,
	[BB_JREQ_ACCEPT] = bb_citizen_accept,
	[BB_JREQ_LEAVE] = bb_citizen_leave,
	[BB_JREQ_RESTART] = bb_citizen_restart,
	[BB_JREQ_HANGUP] = hangup_by_role,
	[BB_JREQ_LOGIN] = login_by_role,
	[BB_JREQ_PRESENCE] = bb_clerk_presence,
	[BB_JREQ_QUEUE] = bb_clerk_queue,
	[BB_JREQ_QUEUE_PAGE] = bb_clerk_queue_page,
	[BB_JREQ_CALL_NEXT] = bb_clerk_call_next,
	[BB_JREQ_CALL] = bb_clerk_call,
	[BB_JREQ_FINISH] = bb_clerk_finish,
	[BB_JREQ_TRANSFER] = bb_clerk_transfer,
	[BB_JREQ_REQUEUE] = bb_clerk_requeue,
	[BB_JREQ_BROADCAST] = bb_clerk_broadcast,
	[BB_JREQ_APPOINTMENT_NO_SHOW] = bb_clerk_appointment_no_show,
	[BB_JREQ_RENEGOTIATE] = bb_clerk_renegotiate,
	[BB_JREQ_INVITE_INTERPRETER] = bb_clerk_invite_interpreter,
	[BB_JREQ_INTERPRET] = bb_interpreter_interpret,
};

gboolean bb_request_table_complete(void) {
	gboolean ok = TRUE;
	for(int i = 0; i < BB_JREQ_N; i++) {
		if(!handlers[i]) {
			JANUS_LOG(LOG_FATAL, "[%s] request %s of the catalogue has no handler\n", BB_PACKAGE,
				bb_janus_requests[i].name);
			ok = FALSE;
		}
	}
	return ok;
}

static void request_free(bb_request *rq) {
	bb_session_unref(rq->session);
	g_free(rq->transaction);
	if(rq->body)
		json_decref(rq->body);
	if(rq->jsep)
		json_decref(rq->jsep);
	g_free(rq);
}

/* The JSEP a request carries must be what the catalogue says, with an SDP of sane size. */
static bb_error_code check_jsep(bb_request *rq, char *why, size_t why_len) {
	bb_jsep_need need = rq->def->jsep;
	const char *type = json_string_value(json_object_get(rq->jsep, "type"));
	if(need == BB_JSEP_NONE) {
		if(rq->jsep) {
			g_snprintf(why, why_len, "this request takes no JSEP");
			return BB_E_BAD_REQUEST;
		}
		return BB_E_NONE;
	}
	const char *want = need == BB_JSEP_OFFER ? "offer" : "answer";
	json_t *sdp = json_object_get(rq->jsep, "sdp");
	if(!rq->jsep || !type || !json_is_string(sdp) || strcmp(type, want) != 0) {
		g_snprintf(why, why_len, "this request needs a JSEP %s", want);
		return BB_E_MISSING_JSEP;
	}
	if(json_string_length(sdp) > BB_SIZE_SDP) {
		g_snprintf(why, why_len, "SDP too large");
		return BB_E_TOO_LARGE;
	}
	return BB_E_NONE;
}

/* Whether a request's JSEP is an offer that started a PeerConnection. On a handle that already
 * has one (a running consultation's, or the clerk's call still waiting for the citizen) an offer
 * only renegotiates it: a refused request must leave that PeerConnection alone, as closing it
 * would end the media of a consultation that still counts as started. */
static gboolean offer_starts_pc(bb_session *s, json_t *jsep) {
	const char *type = json_string_value(json_object_get(jsep, "type"));
	return type && strcmp(type, "offer") == 0 && !s->has_pc;
}

/* Validation, role check, dispatch. The handler (or its last step) calls bb_request_done. */
static void run(bb_request *rq) {
	bb_session *s = rq->session;
	s->busy = TRUE;
	g_atomic_int_inc(&bb_ctx.requests_handled);
	/* Janus built a PeerConnection from an offer before we saw it: if this request fails,
	 * bb_reply_error closes it, so the handle is never left half-built. */
	if(offer_starts_pc(s, rq->jsep)) {
		rq->offered = TRUE;
		bb_session_pc_started(s);
	}
	if(!json_is_object(rq->body)) {
		bb_request_refuse(rq, BB_E_BAD_REQUEST, "the message body must be a JSON object");
		return;
	}
	json_t *name = json_object_get(rq->body, "request");
	if(!json_is_string(name) || json_string_length(name) == 0) {
		bb_request_refuse(rq, BB_E_BAD_REQUEST, "missing field: request");
		return;
	}
	if(json_string_length(name) > BB_SIZE_REQUEST_NAME ||
			!(rq->def = bb_janus_request_find(json_string_value(name), &rq->id))) {
		bb_request_refuse(rq, BB_E_UNKNOWN_REQUEST, "unknown request");
		return;
	}
	/* an interpreter is neither: it cannot call, finish, see the queue or act as a citizen */
	bb_role role = bb_session_role(s);
	if((rq->def->audience == BB_AUDIENCE_CLERK && role != BB_ROLE_CLERK) ||
			(rq->def->audience == BB_AUDIENCE_CITIZEN && role != BB_ROLE_CITIZEN)) {
		bb_request_refuse(rq, BB_E_FORBIDDEN, "request not allowed for this role");
		return;
	}
	bb_field_problem problem;
	bb_error_code err = bb_fields_check(rq->body, rq->def->fields, rq->def->n_fields, &problem);
	if(err) {
		json_t *extra = json_pack("{ss}", "field", problem.field);
		if(problem.max_chars > 0)
			json_object_set_new(extra, "max_chars", json_integer(problem.max_chars));
		bb_reply_error(rq, err, problem.message, extra);
		bb_request_done(rq);
		return;
	}
	char why[96];
	if((err = check_jsep(rq, why, sizeof(why))) != BB_E_NONE) {
		bb_request_refuse(rq, err, why);
		return;
	}
	if(rq->def->needs_queue && !bb_qc_available(bb_ctx.qc)) {
		bb_request_refuse(rq, BB_E_QUEUE_UNAVAILABLE, "the queue service is unavailable");
		return;
	}
	handlers[rq->id](rq);
}

void bb_request_done(bb_request *rq) {
	bb_session *s = bb_session_ref(rq->session);
	if(!rq->answered && !bb_session_gone(s)) {
		JANUS_LOG(LOG_ERR, "[%s] %p: request %s ended without an answer\n", BB_PACKAGE,
			(void *)s->handle, rq->def ? rq->def->name : "?");
		bb_reply_error(rq, BB_E_INTERNAL, "internal error", NULL);
	}
	request_free(rq);
	s->busy = FALSE;
	/* the next waiting request of this handle; one that finishes at once lets the loop go on */
	while(!s->busy && !g_queue_is_empty(&s->backlog)) {
		bb_work *w = g_queue_pop_head(&s->backlog);
		if(bb_session_gone(s)) {
			bb_work_free(w);
			continue;
		}
		bb_request_submit(w);
	}
	bb_session_unref(s);
}

void bb_request_submit(bb_work *w) {
	bb_session *s = w->session;
	if(s->busy) {
		if((int)g_queue_get_length(&s->backlog) >= bb_ctx.settings.request_backlog) {
			/* a handle flooding us gets refused, in order of arrival, without waiting */
			bb_request over = { .session = s, .transaction = w->transaction, .body = w->message };
			if(offer_starts_pc(s, w->jsep)) {
				over.offered = TRUE;
				bb_session_pc_started(s);
			}
			bb_reply_error(&over, BB_E_RATE_LIMITED, "too many requests waiting on this handle",
				json_pack("{si}", "retry_after_s", 1));
			bb_work_free(w);
			return;
		}
		g_atomic_int_inc(&bb_ctx.requests_deferred);
		g_queue_push_tail(&s->backlog, w);
		return;
	}
	bb_request *rq = g_new0(bb_request, 1);
	rq->session = s;                 /* the work item's reference moves here */
	rq->transaction = w->transaction;
	rq->body = w->message;
	rq->jsep = w->jsep;
	w->session = NULL;
	w->session_ref = NULL;
	w->transaction = NULL;
	w->message = NULL;
	w->jsep = NULL;
	bb_work_free(w);
	if(bb_session_gone(s)) {
		request_free(rq);
		return;
	}
	run(rq);
}

void bb_request_drop_backlog(bb_session *s) {
	bb_work *w;
	while((w = g_queue_pop_head(&s->backlog)) != NULL)
		bb_work_free(w);
}

static void ask_done(const bb_qc_reply *reply, gpointer data) {
	bb_request *rq = data;
	rq->step(rq, reply);
}

/* At shutdown the answer never comes: the request is freed without a reply. */
static void request_drop(gpointer data) {
	request_free(data);
}

void bb_request_ask(bb_request *rq, bb_op_id op, json_t *args,
		void (*step)(bb_request *rq, const bb_qc_reply *reply)) {
	rq->step = step;
	bb_qc_call(bb_ctx.qc, op, args, ask_done, rq, request_drop);
}

void bb_request_ask_clerk(bb_request *rq, bb_op_id op, json_t *args,
		void (*step)(bb_request *rq, const bb_qc_reply *reply)) {
	if(!args)
		args = json_object();
	json_object_set_new(args, "session", bb_session_clerk_token_json(rq->session));
	bb_request_ask(rq, op, args, step);
}

void bb_request_fail(bb_request *rq, const bb_qc_reply *reply) {
	bb_reply_qc_error(rq, reply);
	bb_request_done(rq);
}

void bb_request_refuse(bb_request *rq, bb_error_code code, const char *message) {
	bb_reply_error(rq, code, message, NULL);
	bb_request_done(rq);
}
