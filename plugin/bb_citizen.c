/* bb_citizen.c: citizen requests: join (and resume), accept, leave, hangup, restart (ICE). */
#include "bb_request.h"
#include "bb_consultation.h"
#include "bb_events.h"
#include "bb_plugin.h"

#include <janus/debug.h>

/* A new handle joined with the resume token of a ticket an older handle still holds (reload,
 * second tab): the old handle loses the ticket and is told so; whatever it was in ends. */
static void take_over(bb_session *previous) {
	if(g_atomic_int_get(&previous->destroyed))
		return;
	bb_consultation_citizen_gone(previous, "citizen_reconnected", TRUE);
	bb_push(previous, "taken_over", NULL, NULL);
	if(bb_session_state(previous) != BB_STATE_IDLE)
		(void)bb_session_set_state(previous, BB_STATE_IDLE);
	bb_registry_unbind_ticket(previous);
}

static void copy_field(json_t *to, json_t *from, const char *name) {
	json_t *v = json_object_get(from, name);
	if(v && !json_is_null(v))
		json_object_set(to, name, v);
}

void bb_citizen_join(bb_request *rq) {
	bb_session *s = rq->session;
	if(bb_session_state(s) != BB_STATE_IDLE) {
		bb_reply_error(rq, BB_ERR_INVALID_STATE, "this handle already holds a ticket");
		return;
	}
	json_t *args = json_object();
	const char *fields[] = { "office", "name", "concern", "resume_token", "appointment" };
	for(size_t i = 0; i < G_N_ELEMENTS(fields); i++)
		copy_field(args, rq->body, fields[i]);
	bb_qc_reply reply;
	bb_qc_call(bb_ctx.qc, "join", args, &reply);
	if(!reply.ok) {
		bb_reply_qc_error(rq, &reply);
		bb_qc_reply_clear(&reply);
		return;
	}
	json_t *ticket = json_object_get(reply.body, "ticket");
	json_t *id = json_object_get(ticket, "id");
	if(!json_is_integer(id) || json_integer_value(id) <= 0) {
		JANUS_LOG(LOG_ERR, "[%s] queue service join answer without ticket id\n", BB_PACKAGE);
		bb_reply_error(rq, BB_ERR_INTERNAL, "internal error");
		bb_qc_reply_clear(&reply);
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
	json_t *view = bb_consultation_citizen_ticket(s, ticket);
	json_t *estimate = json_object_get(reply.body, "estimate");
	s->estimate = json_incref(estimate ? estimate : json_null());
	bb_reply(rq, "joined", json_pack("{sosOs:O?sb}", "ticket", view,
		"estimate", s->estimate, "resume_token", json_object_get(reply.body, "resume_token"),
		"resumed", json_object_get(rq->body, "resume_token") != NULL), NULL);
	bb_events_check_almost(s);
	bb_qc_reply_clear(&reply);
}

void bb_citizen_accept(bb_request *rq) {
	bb_session *s = rq->session;
	bb_session *clerk = s->partner;
	bb_state state = bb_session_state(s);
	if(state == BB_STATE_IN_CONSULTATION && s->restarting) {
		/* answer to our ICE-restart offer: only this side's PeerConnection changed */
		s->restarting = FALSE;
		bb_reply(rq, "restarted", NULL, NULL);
		return;
	}
	if(state == BB_STATE_IN_CONSULTATION && clerk && clerk->renegotiating) {
		/* answer to the clerk's renegotiation (screen sharing added or removed) */
		clerk->renegotiating = FALSE;
		json_t *answer = json_pack("{ssss}", "type", "answer",
			"sdp", json_string_value(json_object_get(rq->jsep, "sdp")));
		json_t *data = json_pack("{ss}", "buergerbuero", "renegotiated");
		bb_ctx.gateway->push_event(clerk->handle, bb_ctx.plugin, clerk->renegotiate_transaction, data, answer);
		json_decref(data);
		json_decref(answer);
		g_free(clerk->renegotiate_transaction);
		clerk->renegotiate_transaction = NULL;
		bb_reply(rq, "renegotiated", NULL, NULL);
		return;
	}
	if(state != BB_STATE_CALLED || !clerk || bb_session_state(clerk) != BB_STATE_CALLING) {
		bb_reply_error(rq, BB_ERR_INVALID_STATE, "not called");
		return;
	}
	bb_qc_reply reply;
	bb_qc_call(bb_ctx.qc, "accept", json_pack("{sI}", "ticket", (json_int_t)s->ticket_id), &reply);
	if(!reply.ok) {
		bb_reply_qc_error(rq, &reply);
		bb_qc_reply_clear(&reply);
		return;
	}
	bb_qc_reply_clear(&reply);
	bb_consultation_start(s, rq->jsep);
	bb_reply(rq, "accepted", NULL, NULL);
}

void bb_citizen_leave(bb_request *rq) {
	bb_session *s = rq->session;
	bb_state state = bb_session_state(s);
	if(state != BB_STATE_WAITING && state != BB_STATE_CALLED) {
		bb_reply_error(rq, BB_ERR_INVALID_STATE, "no waiting ticket");
		return;
	}
	bb_qc_reply reply;
	bb_qc_call(bb_ctx.qc, "leave", json_pack("{sI}", "ticket", (json_int_t)s->ticket_id), &reply);
	if(!reply.ok && (!reply.code || strcmp(reply.code, "not_found") != 0)) {
		bb_reply_qc_error(rq, &reply);
		bb_qc_reply_clear(&reply);
		return;
	}
	bb_qc_reply_clear(&reply);
	if(state == BB_STATE_CALLED)
		bb_consultation_citizen_gone(s, "citizen_left", FALSE);
	(void)bb_session_set_state(s, BB_STATE_IDLE);
	if(s->partner)
		bb_consultation_release(s->partner, s);
	bb_registry_unbind_ticket(s);
	bb_consultation_close_pc(s);
	bb_reply(rq, "left", NULL, NULL);
}

void bb_citizen_hangup(bb_request *rq) {
	bb_session *s = rq->session;
	if(bb_session_state(s) != BB_STATE_IN_CONSULTATION || !s->partner) {
		bb_reply_error(rq, BB_ERR_INVALID_STATE, "no consultation running");
		return;
	}
	bb_session *clerk = bb_session_ref(s->partner);
	bb_consultation_end_media(clerk, s, "citizen", s);
	bb_session_unref(clerk);
	bb_reply(rq, "hungup", NULL, NULL);
}

/* A short network drop on the citizen's side: Janus offers the same media again with fresh ICE
 * credentials ("restart"), the citizen answers with accept; the clerk's side is untouched. */
void bb_citizen_restart(bb_request *rq) {
	bb_session *s = rq->session;
	bb_session *clerk = s->partner;
	if(bb_session_state(s) != BB_STATE_IN_CONSULTATION || !clerk || !clerk->offer_sdp ||
			s->restarting || clerk->renegotiating) {
		bb_reply_error(rq, BB_ERR_INVALID_STATE, "no consultation running");
		return;
	}
	json_t *offer = json_pack("{sssssb}", "type", "offer", "sdp", clerk->offer_sdp, "restart", 1);
	s->restarting = TRUE;
	if(bb_reply(rq, "renegotiate", NULL, offer) != 0) {
		s->restarting = FALSE;
		bb_reply_error(rq, BB_ERR_INTERNAL, "ICE restart failed");
	}
	json_decref(offer);
}
