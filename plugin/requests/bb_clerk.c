/* bb_clerk.c: clerk requests (login, presence, queue, call_next, call, hangup, finish, transfer,
 * requeue, broadcast, appointment_no_show, renegotiate) and what happens when a clerk's handle
 * goes away. Every queue-service call of a clerk carries the clerk's session token. */
#include "requests/bb_request.h"
#include "consultation/bb_consultation.h"
#include "consultation/bb_sdp_pairs.h"
#include "core/bb_context.h"

#include <janus/debug.h>

/* ---- giving a ticket back ------------------------------------------------------------------ */

typedef struct give_back {
	bb_session *citizen;        /* referenced, or NULL */
	gint64 ticket_id;
	const char *reason;         /* static */
	gboolean detach_after;
} give_back;

static void give_back_free(gpointer p) {
	give_back *g = p;
	if(g->citizen)
		bb_session_unref(g->citizen);
	g_free(g);
}

static void given_back(const bb_qc_reply *reply, gpointer p) {
	give_back *g = p;
	if(!reply->ok) {
		JANUS_LOG(LOG_WARN, "[%s] ticket %" G_GINT64_FORMAT " could not go back to the waiting room: %s\n",
			BB_PACKAGE, g->ticket_id, bb_error_name(reply->code));
	} else if(g->detach_after) {
		bb_qc_call(bb_ctx.qc, BB_OP_DETACH, json_pack("{sI}", "ticket", (json_int_t)g->ticket_id), NULL, NULL, NULL);
	} else if(g->citizen && !bb_session_gone(g->citizen) && g->citizen->ticket_id == g->ticket_id &&
			bb_session_state(g->citizen) == BB_STATE_WAITING && !g->citizen->consultation) {
		json_t *view = bb_session_ticket_view(g->citizen, json_object_get(reply->body, "ticket"));
		bb_push(g->citizen, BB_JEV_REQUEUED, json_pack("{s:O?ss}", "position", json_object_get(view, "position"),
			"reason", g->reason), NULL);
		json_decref(view);
	}
	give_back_free(g);
}

void bb_clerk_give_back(bb_session *clerk, gint64 ticket_id, bb_session *citizen, const char *reason,
		gboolean detach_after) {
	give_back *g = g_new0(give_back, 1);
	g->citizen = citizen ? bb_session_ref(citizen) : NULL;
	g->ticket_id = ticket_id;
	g->reason = reason;
	g->detach_after = detach_after;
	bb_qc_call(bb_ctx.qc, BB_OP_REQUEUE, json_pack("{sosI}", "session", bb_session_clerk_token_json(clerk),
		"ticket", (json_int_t)ticket_id), given_back, g, give_back_free);
}

/* ---- login, presence, queue, broadcast, appointments --------------------------------------- */

static void logged_in(bb_request *rq, const bb_qc_reply *reply) {
	bb_session *s = rq->session;
	if(!reply->ok) {
		bb_request_fail(rq, reply);
		return;
	}
	if(bb_session_gone(s)) {
		bb_request_done(rq);
		return;
	}
	json_t *clerk = json_object_get(reply->body, "clerk");
	json_t *offices = json_object_get(clerk, "offices");
	g_mutex_lock(&s->lock);
	g_free(s->clerk_token);
	s->clerk_token = g_strdup(json_string_value(json_object_get(rq->body, "token")));
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
	bb_reply(rq, BB_JEV_LOGGED_IN, json_pack("{s{s:O?s:O?s:O?}}", "clerk",
		"display_name", json_object_get(clerk, "display_name"),
		"role", json_object_get(clerk, "role"), "offices", offices), NULL);
	bb_request_done(rq);
}

void bb_clerk_login(bb_request *rq) {
	bb_session *s = rq->session;
	if(bb_session_role(s) == BB_ROLE_CITIZEN && bb_session_state(s) != BB_STATE_IDLE) {
		bb_request_refuse(rq, BB_E_INVALID_STATE, "a citizen handle with a ticket cannot log in");
		return;
	}
	bb_request_ask(rq, BB_OP_CLERK_AUTH, json_pack("{sO}", "session", json_object_get(rq->body, "token")),
		logged_in);
}

static void presence_set(bb_request *rq, const bb_qc_reply *reply) {
	if(!reply->ok) {
		bb_request_fail(rq, reply);
		return;
	}
	json_t *presence = json_object_get(reply->body, "presence");
	bb_reply(rq, BB_JEV_PRESENCE, json_pack("{sO}", "state", presence ? presence : json_null()), NULL);
	bb_request_done(rq);
}

void bb_clerk_presence(bb_request *rq) {
	bb_request_ask_clerk(rq, BB_OP_PRESENCE, json_pack("{sO}", "state", json_object_get(rq->body, "state")),
		presence_set);
}

static void queue_shown(bb_request *rq, const bb_qc_reply *reply) {
	if(!reply->ok) {
		bb_request_fail(rq, reply);
		return;
	}
	json_t *offices = json_object_get(reply->body, "offices");
	g_atomic_int_set(&rq->session->queue_live, 1);
	bb_reply(rq, BB_JEV_QUEUE, json_pack("{so}", "offices", offices ? json_incref(offices) : json_array()), NULL);
	bb_request_done(rq);
}

void bb_clerk_queue(bb_request *rq) {
	bb_request_ask_clerk(rq, BB_OP_QUEUE, NULL, queue_shown);
}

static void page_shown(bb_request *rq, const bb_qc_reply *reply) {
	if(!reply->ok) {
		bb_request_fail(rq, reply);
		return;
	}
	bb_reply(rq, BB_JEV_QUEUE_PAGE, json_pack("{s:O?s:O?s:O?s:O?}", "office", json_object_get(reply->body, "office"),
		"offset", json_object_get(reply->body, "offset"), "total", json_object_get(reply->body, "total"),
		"tickets", json_object_get(reply->body, "tickets")), NULL);
	bb_request_done(rq);
}

/* A page of an office's queue beyond the head the `queue` events carry (long queues). */
void bb_clerk_queue_page(bb_request *rq) {
	json_t *office = json_object_get(rq->body, "office");
	if(!bb_session_serves(rq->session, json_string_value(office))) {
		bb_request_refuse(rq, BB_E_FORBIDDEN, "office not served by this clerk");
		return;
	}
	bb_request_ask_clerk(rq, BB_OP_QUEUE_PAGE, json_pack("{sOsO}", "office", office,
		"offset", json_object_get(rq->body, "offset")), page_shown);
}

static void broadcasted(bb_request *rq, const bb_qc_reply *reply) {
	if(!reply->ok) {
		bb_request_fail(rq, reply);
		return;
	}
	bb_reply(rq, BB_JEV_BROADCASTED, NULL, NULL);
	bb_request_done(rq);
}

void bb_clerk_broadcast(bb_request *rq) {
	json_t *office = json_object_get(rq->body, "office");
	if(!bb_session_serves(rq->session, json_string_value(office))) {
		bb_request_refuse(rq, BB_E_FORBIDDEN, "office not served by this clerk");
		return;
	}
	bb_request_ask_clerk(rq, BB_OP_BROADCAST, json_pack("{sOsO}", "office", office,
		"text", json_object_get(rq->body, "text")), broadcasted);
}

static void no_show_marked(bb_request *rq, const bb_qc_reply *reply) {
	if(!reply->ok) {
		bb_request_fail(rq, reply);
		return;
	}
	bb_reply(rq, BB_JEV_NO_SHOW_MARKED, json_pack("{s:O?}", "appointment",
		json_object_get(reply->body, "appointment")), NULL);
	bb_request_done(rq);
}

/* Marks today's appointment whose holder did not come as no-show; the queue service checks the
 * clerk serves its office and that the slot has started. */
void bb_clerk_appointment_no_show(bb_request *rq) {
	bb_request_ask_clerk(rq, BB_OP_APPOINTMENT_NO_SHOW, json_pack("{sO}", "appointment",
		json_object_get(rq->body, "appointment")), no_show_marked);
}

/* ---- calling ------------------------------------------------------------------------------- */

/* The service claimed a ticket for this clerk (call_next or call): pair and offer. Any failure
 * closes the clerk's offer (bb_reply_error) and gives the ticket back, so nothing half-built
 * stays behind and the next call works. */
static void ticket_claimed(bb_request *rq, const bb_qc_reply *reply) {
	bb_session *clerk = rq->session;
	if(!reply->ok) {
		bb_request_fail(rq, reply);
		return;
	}
	json_t *ticket = json_object_get(reply->body, "ticket");
	json_t *id = json_object_get(ticket, "id");
	if(!json_is_integer(id)) {
		bb_request_refuse(rq, BB_E_INTERNAL, "internal error");
		return;
	}
	if(bb_session_gone(clerk)) {
		bb_clerk_give_back(clerk, json_integer_value(id), NULL, "clerk_gone", FALSE);
		bb_request_done(rq);
		return;
	}
	bb_consultation *c = NULL;
	bb_error_code err = bb_consultation_call(clerk, ticket, rq->jsep, &c);
	if(err) {
		bb_clerk_give_back(clerk, json_integer_value(id), NULL, "citizen_gone", FALSE);
		bb_request_refuse(rq, err, err == BB_E_CITIZEN_GONE ?
			"the citizen is not connected to this server" : "internal error");
		return;
	}
	bb_reply(rq, BB_JEV_CALLING, json_pack("{s{s:O?s:O?s:O?s:O?s:O?s:O?s:bs:O?}}", "ticket",
		"id", id, "number", json_object_get(ticket, "number"),
		"office", json_object_get(ticket, "office"), "name", json_object_get(ticket, "name"),
		"concern", json_object_get(ticket, "concern"), "lang", json_object_get(ticket, "lang"),
		"needs_interpreter", json_is_true(json_object_get(ticket, "needs_interpreter")),
		"appointment", json_object_get(ticket, "appointment")), NULL);
	bb_request_done(rq);
}

static gboolean ready_to_call(bb_request *rq) {
	if(bb_session_state(rq->session) != BB_STATE_IDLE || rq->session->consultation) {
		bb_request_refuse(rq, BB_E_INVALID_STATE, "finish the current ticket first");
		return FALSE;
	}
	return TRUE;
}

void bb_clerk_call_next(bb_request *rq) {
	if(ready_to_call(rq))
		bb_request_ask_clerk(rq, BB_OP_CALL_NEXT, NULL, ticket_claimed);
}

void bb_clerk_call(bb_request *rq) {
	if(ready_to_call(rq))
		bb_request_ask_clerk(rq, BB_OP_CALL, json_pack("{sO}", "ticket", json_object_get(rq->body, "ticket")),
			ticket_claimed);
}

/* A call not answered yet ends: both sides hear `hangup` (hangup_reason; not `by`), the clerk is
 * free again and the ticket goes back to the waiting room, where the citizen keeps its place
 * (`requeued` with requeue_reason). */
static void withdraw_call(bb_session *clerk, bb_consultation *c, const char *hangup_reason,
		const char *requeue_reason, bb_session *by) {
	bb_consultation_ref(c);
	bb_session *citizen = bb_session_ref(c->citizen);
	bb_consultation_close(c, hangup_reason, by);
	(void)bb_session_set_state(clerk, BB_STATE_IDLE);
	if(!bb_session_gone(citizen) && bb_session_state(citizen) == BB_STATE_CALLED)
		(void)bb_session_set_state(citizen, BB_STATE_WAITING);
	bb_clerk_give_back(clerk, c->ticket_id, citizen, requeue_reason, FALSE);
	bb_session_unref(citizen);
	bb_consultation_unref(c);
}

/* Withdraws a call or ends a consultation's media; a withdrawn citizen keeps its place. */
void bb_clerk_hangup(bb_request *rq) {
	bb_session *s = rq->session;
	bb_consultation *c = s->consultation;
	if(!c || (c->state != BB_CONSULTATION_STATE_STARTED && c->state != BB_CONSULTATION_STATE_CALLING)) {
		bb_request_refuse(rq, BB_E_INVALID_STATE, "no call or consultation running");
		return;
	}
	if(c->state == BB_CONSULTATION_STATE_STARTED)
		bb_consultation_end_media(c, "clerk", s);
	else
		withdraw_call(s, c, "withdrawn", "withdrawn", s);
	bb_reply(rq, BB_JEV_HUNGUP, NULL, NULL);
	bb_request_done(rq);
}

/* Why: the call's offer is the clerk's PeerConnection. Should it end on its own before the
 * citizen answered (a core-level hangup from the console, ICE or DTLS failure), an answer could
 * only start a consultation without the clerk's media; the call cannot be connected any more. */
void bb_clerk_pc_lost(bb_session *clerk) {
	bb_consultation *c = clerk->consultation;
	/* a handle going away ends its call through bb_clerk_gone (reason clerk_gone) */
	if(c && c->clerk == clerk && c->state == BB_CONSULTATION_STATE_CALLING && !bb_session_gone(clerk))
		withdraw_call(clerk, c, "closed", "call_failed", NULL);
}

/* ---- finish, transfer, requeue ------------------------------------------------------------- */

/* The clerk's hold on a ticket ends: media (if any) ends, both sides let go, the citizen hears
 * where the ticket is now (event with fields, stolen), the clerk is free for the next. */
static void release_ticket(bb_consultation *c, const char *reason, const char *citizen_event,
		json_t *citizen_fields, bb_state citizen_state) {
	bb_consultation_ref(c);
	bb_session *clerk = bb_session_ref(c->clerk), *citizen = bb_session_ref(c->citizen);
	bb_consultation_close(c, reason, clerk);
	if(!bb_session_gone(citizen) && bb_session_state(citizen) != BB_STATE_GONE &&
			citizen->ticket_id == c->ticket_id) {
		if(bb_session_state(citizen) != citizen_state)
			(void)bb_session_set_state(citizen, citizen_state);
		bb_push(citizen, citizen_event, citizen_fields, NULL);
		citizen_fields = NULL;
		if(citizen_state == BB_STATE_IDLE)
			bb_registry_unbind_ticket(citizen);
	}
	if(citizen_fields)
		json_decref(citizen_fields);
	(void)bb_session_set_state(clerk, BB_STATE_IDLE);
	bb_session_unref(clerk);
	bb_session_unref(citizen);
	bb_consultation_unref(c);
}

/* The consultation this request acts on, if the clerk still holds that ticket. */
static bb_consultation *held(bb_request *rq) {
	bb_consultation *c = rq->session->consultation;
	return c && c->ticket_id == rq->ticket_id && c->state != BB_CONSULTATION_STATE_CLOSED ? c : NULL;
}

static gboolean holds_ticket(bb_request *rq) {
	bb_consultation *c = rq->session->consultation;
	if(!c || c->state == BB_CONSULTATION_STATE_CLOSED) {
		bb_request_refuse(rq, BB_E_INVALID_STATE, "no current ticket");
		return FALSE;
	}
	rq->ticket_id = c->ticket_id;
	return TRUE;
}

static void finished(bb_request *rq, const bb_qc_reply *reply) {
	if(!reply->ok) {
		bb_request_fail(rq, reply);
		return;
	}
	const char *outcome = json_string_value(json_object_get(rq->body, "outcome"));
	bb_consultation *c = held(rq);
	if(c)
		release_ticket(c, "finished", BB_JEV_FINISHED, json_pack("{ss}", "outcome", outcome), BB_STATE_IDLE);
	bb_reply(rq, BB_JEV_FINISHED, json_pack("{ss}", "outcome", outcome), NULL);
	bb_request_done(rq);
}

void bb_clerk_finish(bb_request *rq) {
	if(!holds_ticket(rq))
		return;
	bb_request_ask_clerk(rq, BB_OP_FINISH, json_pack("{sIsO}", "ticket", (json_int_t)rq->ticket_id,
		"outcome", json_object_get(rq->body, "outcome")), finished);
}

/* transfer and requeue: the ticket is back in a waiting room with its arrival time. */
static void back_to_waiting(bb_request *rq, const bb_qc_reply *reply) {
	if(!reply->ok) {
		bb_request_fail(rq, reply);
		return;
	}
	const char *event = rq->id == BB_JREQ_TRANSFER ? BB_JEV_TRANSFERRED : BB_JEV_REQUEUED;
	json_t *ticket = json_object_get(reply->body, "ticket");
	bb_consultation *c = held(rq);
	json_t *view = NULL;
	if(c && !bb_session_gone(c->citizen) && c->citizen->ticket_id == rq->ticket_id) {
		view = bb_session_ticket_view(c->citizen, ticket);
	} else {
		view = json_pack("{s:O?s:O?s:O?}", "number", json_object_get(ticket, "number"),
			"office", json_object_get(ticket, "office"), "position", json_object_get(ticket, "position"));
	}
	if(c) {
		json_t *fields = json_pack("{s:O?s:O?ss}", "office", json_object_get(view, "office"),
			"position", json_object_get(view, "position"), "reason", event);
		release_ticket(c, event, event, fields, BB_STATE_WAITING);
	}
	bb_reply(rq, event, json_pack("{so}", "ticket", view), NULL);
	bb_request_done(rq);
}

void bb_clerk_transfer(bb_request *rq) {
	if(!holds_ticket(rq))
		return;
	bb_request_ask_clerk(rq, BB_OP_TRANSFER, json_pack("{sIsO}", "ticket", (json_int_t)rq->ticket_id,
		"office", json_object_get(rq->body, "office")), back_to_waiting);
}

void bb_clerk_requeue(bb_request *rq) {
	if(!holds_ticket(rq))
		return;
	bb_request_ask_clerk(rq, BB_OP_REQUEUE, json_pack("{sI}", "ticket", (json_int_t)rq->ticket_id),
		back_to_waiting);
}

/* ---- renegotiation and the clerk going away ------------------------------------------------- */

/* A new offer during the consultation (screen sharing added or removed, or an ICE restart): it
 * goes to the citizen, whose answer comes back to this request's transaction as `renegotiated`. */
void bb_clerk_renegotiate(bb_request *rq) {
	bb_consultation *c = rq->session->consultation;
	if(c && c->state == BB_CONSULTATION_STATE_STARTED)
		rq->offered = FALSE;   /* a renegotiation of the running PeerConnection: never closed here */
	if(!c || c->state != BB_CONSULTATION_STATE_STARTED || c->renegotiate_transaction || c->restarting) {
		bb_request_refuse(rq, BB_E_INVALID_STATE, "no consultation running");
		return;
	}
	const char *sdp = json_string_value(json_object_get(rq->jsep, "sdp"));
	g_free(c->offer_sdp);
	c->offer_sdp = bb_sdp_offer_to_citizen(sdp, c->pairs);
	if(!c->offer_sdp)
		c->offer_sdp = g_strdup(sdp);
	json_t *offer = json_pack("{ssss}", "type", "offer", "sdp", c->offer_sdp);
	if(bb_push(c->citizen, BB_JEV_RENEGOTIATE, NULL, offer) != 0) {
		bb_reply_error(rq, BB_E_CITIZEN_GONE, "the citizen could not take the new offer", NULL);
	} else {
		c->renegotiate_transaction = g_strdup(rq->transaction);
		rq->answered = TRUE;   /* the answer comes later, with the citizen's JSEP */
	}
	json_decref(offer);
	bb_request_done(rq);
}

/* The clerk's handle went away: a citizen being called or in consultation goes back to the
 * waiting room (keeping its arrival time) instead of staying stuck with nobody on the other side. */
void bb_clerk_gone(bb_session *clerk) {
	bb_consultation *c = clerk->consultation;
	if(!c)
		return;
	bb_consultation_ref(c);
	bb_session *citizen = bb_session_ref(c->citizen);
	bb_consultation_close(c, "clerk_gone", clerk);
	if(!bb_session_gone(citizen) && citizen->ticket_id == c->ticket_id &&
			bb_session_state(citizen) != BB_STATE_WAITING)
		(void)bb_session_set_state(citizen, BB_STATE_WAITING);
	bb_clerk_give_back(clerk, c->ticket_id, citizen, "clerk_gone", FALSE);
	bb_session_unref(citizen);
	bb_consultation_unref(c);
}
