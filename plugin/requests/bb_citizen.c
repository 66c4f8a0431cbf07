/* bb_citizen.c: citizen requests (join and resume, accept, leave, hangup, restart) and what
 * happens when a citizen's handle goes away. */
#include "requests/bb_request.h"
#include "requests/bb_events.h"
#include "consultation/bb_consultation.h"
#include "consultation/bb_sdp_pairs.h"
#include "core/bb_context.h"

#include <janus/debug.h>

static void tell_clerk_ready(bb_consultation *c) {
	bb_session *clerk = c->clerk;
	if(bb_session_state(clerk) == BB_STATE_CALLING)
		(void)bb_session_set_state(clerk, BB_STATE_IDLE);
}

/* A citizen in a call or consultation leaves it (handle gone, ticket taken over by a new handle,
 * left the waiting room): a clerk that was calling gets the ticket back into the waiting room
 * (the service keeps its place); a consultation's media ends and the clerk wraps up as usual. */
static void leave_consultation(bb_session *citizen, const char *reason, gboolean give_back,
		gboolean detach_after) {
	bb_consultation *c = citizen->consultation;
	if(!c)
		return;
	bb_consultation_ref(c);
	bb_session *clerk = bb_session_ref(c->clerk);
	gint64 ticket_id = c->ticket_id;
	switch(c->state) {
	case BB_CONSULTATION_STATE_CALLING:
		bb_consultation_close(c, reason, citizen);
		tell_clerk_ready(c);
		if(give_back)
			bb_clerk_give_back(clerk, ticket_id, NULL, reason, detach_after);
		break;
	case BB_CONSULTATION_STATE_STARTED:
		bb_consultation_end_media(c, reason, citizen);
		break;
	default:
		break;
	}
	bb_session_unref(clerk);
	bb_consultation_unref(c);
}

/* A new handle resumed the ticket an older handle still holds (reload, second tab): the old
 * handle loses the ticket and is told so; whatever it was in ends. */
static void take_over(bb_session *previous) {
	if(g_atomic_int_get(&previous->destroyed))
		return;
	leave_consultation(previous, "citizen_reconnected", TRUE, FALSE);
	bb_push(previous, BB_JEV_TAKEN_OVER, NULL, NULL);
	if(bb_session_state(previous) != BB_STATE_IDLE)
		(void)bb_session_set_state(previous, BB_STATE_IDLE);
	bb_registry_unbind_ticket(previous);
	bb_session_close_pc(previous);
}

static void joined(bb_request *rq, const bb_qc_reply *reply) {
	bb_session *s = rq->session;
	if(!reply->ok) {
		bb_request_fail(rq, reply);
		return;
	}
	json_t *ticket = json_object_get(reply->body, "ticket");
	json_t *id = json_object_get(ticket, "id");
	if(!json_is_integer(id) || json_integer_value(id) <= 0) {
		JANUS_LOG(LOG_ERR, "[%s] queue service join answer without ticket id\n", BB_PACKAGE);
		bb_request_refuse(rq, BB_E_INTERNAL, "internal error");
		return;
	}
	if(bb_session_gone(s)) {
		/* the handle went away while the service drew the ticket: its grace period starts */
		bb_qc_call(bb_ctx.qc, BB_OP_DETACH, json_pack("{sI}", "ticket", (json_int_t)json_integer_value(id)),
			NULL, NULL, NULL);
		bb_request_done(rq);
		return;
	}
	bb_session *previous = bb_registry_bind_ticket(s, json_integer_value(id),
		json_string_value(json_object_get(ticket, "number")),
		json_string_value(json_object_get(ticket, "office")));
	if(previous) {
		take_over(previous);
		bb_session_unref(previous);
	}
	(void)bb_session_set_state(s, BB_STATE_WAITING);
	json_t *view = bb_session_ticket_view(s, ticket);
	json_t *estimate = json_object_get(reply->body, "estimate");
	if(s->estimate)
		json_decref(s->estimate);
	s->estimate = json_incref(estimate ? estimate : json_null());
	bb_reply(rq, BB_JEV_JOINED, json_pack("{sosOs:O?sb}", "ticket", view, "estimate", s->estimate,
		"resume_token", json_object_get(reply->body, "resume_token"),
		"resumed", json_object_get(rq->body, "resume_token") != NULL), NULL);
	bb_events_check_almost(s);
	bb_events_apply_early(s);
	bb_request_done(rq);
}

void bb_citizen_join(bb_request *rq) {
	if(bb_session_state(rq->session) != BB_STATE_IDLE) {
		bb_request_refuse(rq, BB_E_INVALID_STATE, "this handle already holds a ticket");
		return;
	}
	json_t *args = json_object();
	const bb_janus_request *def = rq->def;
	for(int i = 0; i < def->n_fields; i++) {
		json_t *v = json_object_get(rq->body, def->fields[i].name);
		if(v && !json_is_null(v))
			json_object_set(args, def->fields[i].name, v);
	}
	bb_request_ask(rq, BB_OP_JOIN, args, joined);
}

static void accepted(bb_request *rq, const bb_qc_reply *reply) {
	bb_session *s = rq->session;
	bb_consultation *c = s->consultation;
	gboolean current = c && c->ticket_id == rq->ticket_id && c->state == BB_CONSULTATION_STATE_CALLING;
	if(!current) {
		/* the clerk withdrew the call meanwhile (the service has the ticket requeued) */
		if(reply->ok)
			bb_reply_error(rq, BB_E_INVALID_STATE, "the call was withdrawn", NULL);
		else
			bb_reply_qc_error(rq, reply);
		bb_request_done(rq);
		return;
	}
	if(!reply->ok) {
		/* the call cannot start: it ends on both sides and the ticket goes back to waiting */
		bb_reply_qc_error(rq, reply);
		bb_consultation_ref(c);
		bb_session *clerk = bb_session_ref(c->clerk);
		bb_consultation_close(c, "call_failed", NULL);
		tell_clerk_ready(c);
		(void)bb_session_set_state(s, BB_STATE_WAITING);
		bb_clerk_give_back(clerk, c->ticket_id, s, "call_failed", FALSE);
		bb_session_unref(clerk);
		bb_consultation_unref(c);
		bb_request_done(rq);
		return;
	}
	bb_consultation_start(c, rq->jsep);
	bb_reply(rq, BB_JEV_ACCEPTED, NULL, NULL);
	bb_request_done(rq);
}

void bb_citizen_accept(bb_request *rq) {
	bb_session *s = rq->session;
	bb_consultation *c = s->consultation;
	bb_state state = bb_session_state(s);
	if(c && state == BB_STATE_IN_CONSULTATION && c->restarting) {
		/* answer to our ICE-restart offer: only this side's PeerConnection changed */
		c->restarting = FALSE;
		bb_reply(rq, BB_JEV_RESTARTED, NULL, NULL);
		bb_request_done(rq);
		return;
	}
	if(c && state == BB_STATE_IN_CONSULTATION && c->renegotiate_transaction) {
		/* answer to the clerk's renegotiation (screen sharing added or removed) */
		const char *sdp = json_string_value(json_object_get(rq->jsep, "sdp"));
		char *to_clerk = bb_sdp_answer_to_clerk(sdp, (const int (*)[BB_KINDS])c->pairs, c->codec);
		json_t *answer = json_pack("{ssss}", "type", "answer", "sdp", to_clerk ? to_clerk : sdp);
		g_free(to_clerk);
		bb_reply_late(c->clerk, c->renegotiate_transaction, BB_JREQ_RENEGOTIATE, BB_JEV_RENEGOTIATED,
			NULL, answer);
		json_decref(answer);
		g_clear_pointer(&c->renegotiate_transaction, g_free);
		bb_reply(rq, BB_JEV_RENEGOTIATED, NULL, NULL);
		bb_request_done(rq);
		return;
	}
	if(!c || state != BB_STATE_CALLED || c->state != BB_CONSULTATION_STATE_CALLING || c->pending_called) {
		bb_request_refuse(rq, BB_E_INVALID_STATE, "not called");
		return;
	}
	rq->ticket_id = c->ticket_id;
	bb_request_ask(rq, BB_OP_ACCEPT, json_pack("{sI}", "ticket", (json_int_t)c->ticket_id), accepted);
}

static void left(bb_request *rq, const bb_qc_reply *reply) {
	bb_session *s = rq->session;
	if(!reply->ok && reply->code != BB_E_NOT_FOUND) {
		bb_request_fail(rq, reply);
		return;
	}
	leave_consultation(s, "citizen_left", FALSE, FALSE);
	if(bb_session_state(s) != BB_STATE_IDLE)
		(void)bb_session_set_state(s, BB_STATE_IDLE);
	bb_registry_unbind_ticket(s);
	bb_session_close_pc(s);
	bb_reply(rq, BB_JEV_LEFT, NULL, NULL);
	bb_request_done(rq);
}

void bb_citizen_leave(bb_request *rq) {
	bb_session *s = rq->session;
	bb_state state = bb_session_state(s);
	if((state != BB_STATE_WAITING && state != BB_STATE_CALLED) || !s->ticket_id) {
		bb_request_refuse(rq, BB_E_INVALID_STATE, "no waiting ticket");
		return;
	}
	bb_request_ask(rq, BB_OP_LEAVE, json_pack("{sI}", "ticket", (json_int_t)s->ticket_id), left);
}

void bb_citizen_hangup(bb_request *rq) {
	bb_session *s = rq->session;
	bb_consultation *c = s->consultation;
	if(!c || c->state != BB_CONSULTATION_STATE_STARTED) {
		bb_request_refuse(rq, BB_E_INVALID_STATE, "no consultation running");
		return;
	}
	bb_consultation_end_media(c, "citizen", s);
	bb_reply(rq, BB_JEV_HUNGUP, NULL, NULL);
	bb_request_done(rq);
}

/* A short network drop on the citizen's side: Janus offers the same media again with fresh ICE
 * credentials ("restart"), the citizen answers with accept; the clerk's side is untouched. */
void bb_citizen_restart(bb_request *rq) {
	bb_consultation *c = rq->session->consultation;
	if(!c || c->state != BB_CONSULTATION_STATE_STARTED || !c->offer_sdp || c->restarting ||
			c->renegotiate_transaction) {
		bb_request_refuse(rq, BB_E_INVALID_STATE, "no consultation running");
		return;
	}
	json_t *offer = json_pack("{sssssb}", "type", "offer", "sdp", c->offer_sdp, "restart", 1);
	c->restarting = TRUE;
	if(bb_reply(rq, BB_JEV_RENEGOTIATE, NULL, offer) != 0) {
		c->restarting = FALSE;
		bb_reply_error(rq, BB_E_INTERNAL, "ICE restart failed", NULL);
	}
	json_decref(offer);
	bb_request_done(rq);
}

void bb_citizen_gone(bb_session *s) {
	gint64 ticket_id = s->ticket_id;
	gboolean holder = FALSE;
	if(ticket_id) {
		bb_session *owner = bb_registry_ticket_owner(ticket_id);
		holder = owner == s;
		if(owner)
			bb_session_unref(owner);
	}
	bb_state st = bb_session_state(s);
	gboolean called = s->consultation && s->consultation->state == BB_CONSULTATION_STATE_CALLING;
	/* a called ticket goes back to the waiting room, then its grace period starts (in this
	 * order, chained); a waiting one starts its grace period at once */
	leave_consultation(s, "citizen_gone", holder, holder);
	if(holder && !called && st == BB_STATE_WAITING)
		bb_qc_call(bb_ctx.qc, BB_OP_DETACH, json_pack("{sI}", "ticket", (json_int_t)ticket_id), NULL, NULL, NULL);
	bb_registry_unbind_ticket(s);
}
