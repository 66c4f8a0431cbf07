/* bb_clerk.c: clerk requests: login, presence, queue, call, hangup, finish, transfer, requeue,
 * broadcast, appointment_no_show, renegotiate. Every queue-service call carries the clerk's session token. */
#include "bb_request.h"
#include "bb_consultation.h"
#include "bb_plugin.h"

#include <janus/debug.h>

static const char *presence_states[] = { "available", "paused", "offline" };
static const char *outcomes[] = { "served", "no_show", "forwarded" };

static gboolean one_of(const char *value, const char **list, size_t n) {
	for(size_t i = 0; i < n; i++)
		if(strcmp(value, list[i]) == 0)
			return TRUE;
	return FALSE;
}

json_t *bb_clerk_token_json(bb_session *clerk) {
	g_mutex_lock(&clerk->lock);
	json_t *token = clerk->clerk_token ? json_string(clerk->clerk_token) : json_null();
	g_mutex_unlock(&clerk->lock);
	return token;
}

/* Calls op with the clerk's session plus args (stolen); replies with the error on failure.
 * Returns TRUE with *reply filled on success. */
static gboolean clerk_call(bb_request *rq, const char *op, json_t *args, bb_qc_reply *reply) {
	if(!args)
		args = json_object();
	json_object_set_new(args, "session", bb_clerk_token_json(rq->session));
	bb_qc_call(bb_ctx.qc, op, args, reply);
	if(reply->ok)
		return TRUE;
	bb_reply_qc_error(rq, reply);
	bb_qc_reply_clear(reply);
	return FALSE;
}

void bb_clerk_login(bb_request *rq) {
	bb_session *s = rq->session;
	if(bb_session_role(s) == BB_ROLE_CITIZEN && bb_session_state(s) != BB_STATE_IDLE) {
		bb_reply_error(rq, BB_ERR_INVALID_STATE, "a citizen handle with a ticket cannot log in");
		return;
	}
	const char *token = json_string_value(json_object_get(rq->body, "token"));
	bb_qc_reply reply;
	bb_qc_call(bb_ctx.qc, "clerk_auth", json_pack("{ss}", "session", token), &reply);
	if(!reply.ok) {
		bb_reply_qc_error(rq, &reply);
		bb_qc_reply_clear(&reply);
		return;
	}
	json_t *clerk = json_object_get(reply.body, "clerk");
	json_t *offices = json_object_get(clerk, "offices");
	g_mutex_lock(&s->lock);
	g_free(s->clerk_token);
	s->clerk_token = g_strdup(token);
	g_free(s->display_name);
	s->display_name = g_strdup(json_string_value(json_object_get(clerk, "display_name")));
	if(s->offices)
		json_decref(s->offices);
	s->offices = json_is_array(offices) ? json_deep_copy(offices) : json_array();
	g_mutex_unlock(&s->lock);
	g_atomic_int_set(&s->role, BB_ROLE_CLERK);
	bb_registry_add_clerk(s);
	JANUS_LOG(LOG_INFO, "[%s] %p: clerk %" JSON_INTEGER_FORMAT " logged in\n", BB_PACKAGE,
		(void *)s->handle, json_integer_value(json_object_get(clerk, "id")));
	bb_reply(rq, "logged_in", json_pack("{s{s:O?s:O?s:O?}}", "clerk",
		"display_name", json_object_get(clerk, "display_name"),
		"role", json_object_get(clerk, "role"), "offices", offices), NULL);
	bb_qc_reply_clear(&reply);
}

void bb_clerk_presence(bb_request *rq) {
	const char *state = json_string_value(json_object_get(rq->body, "state"));
	if(!one_of(state, presence_states, G_N_ELEMENTS(presence_states))) {
		bb_reply_error(rq, BB_ERR_BAD_REQUEST, "state must be available, paused or offline");
		return;
	}
	bb_qc_reply reply;
	if(!clerk_call(rq, "presence", json_pack("{ss}", "state", state), &reply))
		return;
	json_t *presence = json_object_get(reply.body, "presence");
	bb_reply(rq, "presence", json_pack("{sO}", "state", presence ? presence : json_null()), NULL);
	bb_qc_reply_clear(&reply);
}

void bb_clerk_queue(bb_request *rq) {
	bb_qc_reply reply;
	if(!clerk_call(rq, "queue", NULL, &reply))
		return;
	json_t *offices = json_object_get(reply.body, "offices");
	g_atomic_int_set(&rq->session->queue_live, 1);
	bb_reply(rq, "queue", json_pack("{so}", "offices", offices ? json_incref(offices) : json_array()), NULL);
	bb_qc_reply_clear(&reply);
}

/* Shared by call_next and call: the service claimed a ticket for this clerk; pair and offer. */
static void offer_ticket(bb_request *rq, bb_qc_reply *reply) {
	json_t *ticket = json_object_get(reply->body, "ticket");
	bb_error err = bb_consultation_offer(rq->session, ticket, rq->jsep);
	if(err) {
		json_t *id = json_object_get(ticket, "id");
		if(json_is_integer(id))
			bb_consultation_give_back(rq->session, json_integer_value(id));
		bb_reply_error(rq, err, err == BB_ERR_CITIZEN_GONE ? "the citizen is not connected to this server" :
			err == BB_ERR_INVALID_STATE ? "the citizen's previous connection is still closing; call again" :
			"internal error");
		return;
	}
	bb_reply(rq, "calling", json_pack("{s{s:O?s:O?s:O?s:O?s:O?s:O?}}", "ticket",
		"id", json_object_get(ticket, "id"), "number", json_object_get(ticket, "number"),
		"office", json_object_get(ticket, "office"), "name", json_object_get(ticket, "name"),
		"concern", json_object_get(ticket, "concern"),
		"appointment", json_object_get(ticket, "appointment")), NULL);
}

static gboolean ready_to_call(bb_request *rq) {
	if(bb_session_state(rq->session) != BB_STATE_IDLE) {
		bb_reply_error(rq, BB_ERR_INVALID_STATE, "finish the current ticket first");
		return FALSE;
	}
	if(bb_consultation_pc_closing(rq->session)) {
		bb_reply_error(rq, BB_ERR_INVALID_STATE,
			"the previous connection is still closing; call again after Janus's hangup");
		return FALSE;
	}
	return TRUE;
}

void bb_clerk_call_next(bb_request *rq) {
	if(!ready_to_call(rq))
		return;
	bb_qc_reply reply;
	if(!clerk_call(rq, "call_next", NULL, &reply))
		return;
	offer_ticket(rq, &reply);
	bb_qc_reply_clear(&reply);
}

void bb_clerk_call(bb_request *rq) {
	if(!ready_to_call(rq))
		return;
	bb_qc_reply reply;
	if(!clerk_call(rq, "call", json_pack("{sO}", "ticket", json_object_get(rq->body, "ticket")), &reply))
		return;
	offer_ticket(rq, &reply);
	bb_qc_reply_clear(&reply);
}

void bb_clerk_hangup(bb_request *rq) {
	bb_session *s = rq->session;
	if(!s->partner || (bb_session_state(s) != BB_STATE_IN_CONSULTATION &&
			bb_session_state(s) != BB_STATE_CALLING)) {
		bb_reply_error(rq, BB_ERR_INVALID_STATE, "no call or consultation running");
		return;
	}
	bb_session *citizen = bb_session_ref(s->partner);
	switch(bb_session_state(s)) {
	case BB_STATE_IN_CONSULTATION:
		bb_consultation_end_media(s, citizen, "clerk", s);
		break;
	case BB_STATE_CALLING:
		/* withdraw the call: the citizen returns to the waiting room with its place */
		if(!g_atomic_int_get(&citizen->destroyed)) {
			bb_push(citizen, "hangup", json_pack("{ss}", "reason", "clerk"), NULL);
			bb_consultation_close_pc(citizen);
		}
		bb_consultation_close_pc(s);
		bb_qc_reply reply;
		bb_qc_call(bb_ctx.qc, "requeue", json_pack("{sosI}", "session", bb_clerk_token_json(s),
			"ticket", (json_int_t)s->ticket_id), &reply);
		if(bb_session_set_state(citizen, BB_STATE_WAITING) && reply.ok) {
			json_t *t = bb_consultation_citizen_ticket(citizen, json_object_get(reply.body, "ticket"));
			bb_push(citizen, "requeued", json_pack("{sO}", "position",
				json_object_get(t, "position") ? json_object_get(t, "position") : json_null()), NULL);
			json_decref(t);
		}
		bb_qc_reply_clear(&reply);
		(void)bb_session_set_state(s, BB_STATE_IDLE);
		bb_consultation_release(s, citizen);
		break;
	default:
		break;
	}
	bb_session_unref(citizen);
	bb_reply(rq, "hungup", NULL, NULL);
}

/* finish, transfer and requeue end the clerk's hold on a ticket: media (if any) ends, the service
 * moves the ticket, the citizen hears where it is now, the clerk is free for the next. */
static gboolean holds_ticket(bb_request *rq) {
	bb_state st = bb_session_state(rq->session);
	if(!rq->session->partner || rq->session->ticket_id == 0 ||
			(st != BB_STATE_IN_CONSULTATION && st != BB_STATE_WRAP_UP && st != BB_STATE_CALLING)) {
		bb_reply_error(rq, BB_ERR_INVALID_STATE, "no current ticket");
		return FALSE;
	}
	return TRUE;
}

static void release_ticket(bb_session *clerk, const char *reason, const char *citizen_event,
		json_t *citizen_fields, bb_state citizen_state) {
	bb_session *citizen = bb_session_ref(clerk->partner);
	bb_state st = bb_session_state(clerk);
	if(st == BB_STATE_IN_CONSULTATION)
		bb_consultation_end_media(clerk, citizen, reason, clerk);
	else if(st == BB_STATE_CALLING) {
		bb_consultation_close_pc(clerk);
		if(!g_atomic_int_get(&citizen->destroyed))
			bb_consultation_close_pc(citizen);
	}
	if(!g_atomic_int_get(&citizen->destroyed) && bb_session_state(citizen) != BB_STATE_GONE) {
		(void)bb_session_set_state(citizen, citizen_state);
		bb_push(citizen, citizen_event, citizen_fields, NULL);
		citizen_fields = NULL;
		if(citizen_state == BB_STATE_IDLE)
			bb_registry_unbind_ticket(citizen);
	}
	if(citizen_fields)
		json_decref(citizen_fields);
	(void)bb_session_set_state(clerk, BB_STATE_IDLE);
	bb_consultation_release(clerk, citizen);
	bb_session_unref(citizen);
}

void bb_clerk_finish(bb_request *rq) {
	const char *outcome = json_string_value(json_object_get(rq->body, "outcome"));
	if(!one_of(outcome, outcomes, G_N_ELEMENTS(outcomes))) {
		bb_reply_error(rq, BB_ERR_BAD_REQUEST, "outcome must be served, no_show or forwarded");
		return;
	}
	if(!holds_ticket(rq))
		return;
	bb_qc_reply reply;
	if(!clerk_call(rq, "finish", json_pack("{sIss}", "ticket", (json_int_t)rq->session->ticket_id,
			"outcome", outcome), &reply))
		return;
	bb_qc_reply_clear(&reply);
	release_ticket(rq->session, "finished", "finished", json_pack("{ss}", "outcome", outcome),
		BB_STATE_IDLE);
	bb_reply(rq, "finished", json_pack("{ss}", "outcome", outcome), NULL);
}

/* transfer and requeue: the ticket goes back to a waiting room with its arrival time. */
static void back_to_waiting(bb_request *rq, const char *op, json_t *args, const char *event) {
	if(!holds_ticket(rq)) {
		json_decref(args);
		return;
	}
	json_object_set_new(args, "ticket", json_integer(rq->session->ticket_id));
	bb_qc_reply reply;
	if(!clerk_call(rq, op, args, &reply))
		return;
	json_t *ticket = json_object_get(reply.body, "ticket");
	bb_session *citizen = rq->session->partner;
	json_t *view = bb_consultation_citizen_ticket(citizen, ticket);
	json_t *fields = json_pack("{s:O?s:O?}", "office", json_object_get(view, "office"),
		"position", json_object_get(view, "position"));
	release_ticket(rq->session, event, event, fields, BB_STATE_WAITING);
	bb_reply(rq, event, json_pack("{so}", "ticket", view), NULL);
	bb_qc_reply_clear(&reply);
}

void bb_clerk_transfer(bb_request *rq) {
	back_to_waiting(rq, "transfer", json_pack("{sO}", "office", json_object_get(rq->body, "office")),
		"transferred");
}

void bb_clerk_requeue(bb_request *rq) {
	back_to_waiting(rq, "requeue", json_object(), "requeued");
}

void bb_clerk_broadcast(bb_request *rq) {
	json_t *office = json_object_get(rq->body, "office");
	json_t *text = json_object_get(rq->body, "text");
	if(g_utf8_strlen(json_string_value(text), -1) > 280) {
		bb_reply_error(rq, BB_ERR_TOO_LARGE, "too long: text (at most 280 characters)");
		return;
	}
	if(!bb_session_serves(rq->session, json_string_value(office))) {
		bb_reply_error(rq, BB_ERR_FORBIDDEN, "office not served by this clerk");
		return;
	}
	bb_qc_reply reply;
	if(!clerk_call(rq, "broadcast", json_pack("{sOsO}", "office", office, "text", text), &reply))
		return;
	bb_reply(rq, "broadcasted", NULL, NULL);
	bb_qc_reply_clear(&reply);
}

/* Marks today's appointment whose holder did not come as no-show; the queue service checks the
 * clerk serves its office and that the slot has started. */
void bb_clerk_appointment_no_show(bb_request *rq) {
	bb_qc_reply reply;
	if(!clerk_call(rq, "appointment_no_show", json_pack("{sO}", "appointment",
			json_object_get(rq->body, "appointment")), &reply))
		return;
	bb_reply(rq, "no_show_marked", json_pack("{s:O?}", "appointment",
		json_object_get(reply.body, "appointment")), NULL);
	bb_qc_reply_clear(&reply);
}

void bb_clerk_renegotiate(bb_request *rq) {
	bb_session *s = rq->session;
	if(bb_session_state(s) != BB_STATE_IN_CONSULTATION || !s->partner || s->renegotiating) {
		bb_reply_error(rq, BB_ERR_INVALID_STATE, "no consultation running");
		return;
	}
	g_free(s->offer_sdp);
	s->offer_sdp = g_strdup(json_string_value(json_object_get(rq->jsep, "sdp")));
	json_t *offer = json_pack("{ssss}", "type", "offer", "sdp", s->offer_sdp);
	s->renegotiating = TRUE;
	g_free(s->renegotiate_transaction);
	s->renegotiate_transaction = g_strdup(rq->transaction);
	if(bb_push(s->partner, "renegotiate", NULL, offer) != 0) {
		s->renegotiating = FALSE;
		bb_reply_error(rq, BB_ERR_INTERNAL, "the citizen could not take the new offer");
	}
	json_decref(offer);
	/* the answer arrives with the citizen's accept and goes to the clerk as `renegotiated`,
	 * answering this request's transaction */
}
