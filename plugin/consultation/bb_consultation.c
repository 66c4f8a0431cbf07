/* bb_consultation.c: the consultation object: pairing, offer, start, end of media, close. */
#include "consultation/bb_consultation.h"
#include "consultation/bb_sdp_pairs.h"
#include "core/bb_context.h"
#include "queue/bb_queue_client.h"

#include <janus/debug.h>

#define T(st) (1u << (st))
/* The machine as data: transitions[from] is the set of states `from` may go to. */
static const guint transitions[BB_CONSULTATION_STATE_N] = {
	[BB_CONSULTATION_STATE_CALLING] = T(BB_CONSULTATION_STATE_STARTED) | T(BB_CONSULTATION_STATE_CLOSED),
	[BB_CONSULTATION_STATE_STARTED] = T(BB_CONSULTATION_STATE_ENDED) | T(BB_CONSULTATION_STATE_CLOSED),
	[BB_CONSULTATION_STATE_ENDED] = T(BB_CONSULTATION_STATE_CLOSED),
	[BB_CONSULTATION_STATE_CLOSED] = 0,
};
#undef T

const char *bb_consultation_state_name(bb_proto_consultation_state st) {
	return st < BB_CONSULTATION_STATE_N ? bb_consultation_state_names[st] : "?";
}

gboolean bb_consultation_set_state(bb_consultation *c, bb_proto_consultation_state to) {
	if(to >= BB_CONSULTATION_STATE_N || !(transitions[c->state] & (1u << to))) {
		JANUS_LOG(LOG_WARN, "[%s] consultation %s: refused state change %s -> %s\n", BB_PACKAGE,
			c->number ? c->number : "?", bb_consultation_state_name(c->state), bb_consultation_state_name(to));
		return FALSE;
	}
	JANUS_LOG(LOG_VERB, "[%s] consultation %s: %s -> %s\n", BB_PACKAGE, c->number ? c->number : "?",
		bb_consultation_state_name(c->state), bb_consultation_state_name(to));
	c->state = to;
	return TRUE;
}

static void consultation_free(const janus_refcount *ref) {
	bb_consultation *c = janus_refcount_containerof(ref, bb_consultation, ref);
	if(c->clerk)
		bb_session_unref(c->clerk);
	if(c->citizen)
		bb_session_unref(c->citizen);
	if(c->pending_called)
		json_decref(c->pending_called);
	if(c->interpreter)
		bb_session_unref(c->interpreter);
	g_free(c->invite_hash);
	g_free(c->codec[0]);
	g_free(c->codec[1]);
	g_free(c->number);
	g_free(c->office);
	g_free(c->offer_sdp);
	g_free(c->renegotiate_transaction);
	g_free(c);
}

bb_consultation *bb_consultation_ref(bb_consultation *c) {
	janus_refcount_increase(&c->ref);
	return c;
}

void bb_consultation_unref(bb_consultation *c) {
	janus_refcount_decrease(&c->ref);
}

void bb_consultation_notify(bb_consultation *c, const char *event, const char *reason) {
	if(!bb_ctx.settings.notify_events || !bb_ctx.gateway->events_is_enabled() || !c->clerk)
		return;
	json_t *info = json_pack("{sssI}", "event", event, "ticket", (json_int_t)c->ticket_id);
	if(reason)
		json_object_set_new(info, "reason", json_string(reason));
	bb_ctx.gateway->notify_event(bb_ctx.plugin, c->clerk->handle, info);
}

/* Pushes `called` with the clerk's offer; Janus starts the citizen's PeerConnection from it. */
static gboolean send_called(bb_consultation *c) {
	json_t *fields = c->pending_called;
	c->pending_called = NULL;
	json_t *offer = json_pack("{ssss}", "type", "offer", "sdp", c->offer_sdp);
	int res = bb_push(c->citizen, BB_JEV_CALLED, fields, offer);
	json_decref(offer);
	if(res != 0) {
		JANUS_LOG(LOG_WARN, "[%s] consultation %s: could not offer the call to the citizen (%d)\n",
			BB_PACKAGE, c->number, res);
		return FALSE;
	}
	bb_session_pc_started(c->citizen);
	return TRUE;
}

/* Undoes the pairing of a consultation that never reached anyone. */
static void unpair(bb_consultation *c) {
	bb_session *sides[2] = { c->clerk, c->citizen };
	for(int i = 0; i < 2; i++) {
		if(sides[i]->consultation == c) {
			sides[i]->consultation = NULL;
			bb_consultation_unref(c);
		}
	}
	bb_registry_release_consultation(c->ticket_id);
}

bb_error_code bb_consultation_call(bb_session *clerk, json_t *ticket, json_t *jsep_offer,
		bb_consultation **out) {
	*out = NULL;
	json_t *id = json_object_get(ticket, "id");
	if(!json_is_integer(id))
		return BB_E_INTERNAL;
	bb_session *citizen = bb_registry_ticket_owner(json_integer_value(id));
	if(!citizen)
		return BB_E_CITIZEN_GONE;
	if(bb_session_gone(citizen) || bb_session_state(citizen) != BB_STATE_WAITING || citizen->consultation) {
		bb_session_unref(citizen);
		return BB_E_CITIZEN_GONE;
	}
	bb_consultation *c = g_new0(bb_consultation, 1);
	janus_refcount_init(&c->ref, consultation_free);
	c->state = BB_CONSULTATION_STATE_CALLING;
	c->ticket_id = json_integer_value(id);
	c->number = g_strdup(json_string_value(json_object_get(ticket, "number")));
	c->office = g_strdup(json_string_value(json_object_get(ticket, "office")));
	c->clerk = bb_session_ref(clerk);
	c->citizen = citizen;     /* the lookup's reference */
	for(int p = 0; p < 2; p++)
		c->pairs[p][0] = c->pairs[p][1] = -1;
	const char *offer_sdp = json_string_value(json_object_get(jsep_offer, "sdp"));
	c->offer_sdp = bb_sdp_offer_to_citizen(offer_sdp, c->pairs);
	if(!c->offer_sdp)
		c->offer_sdp = g_strdup(offer_sdp);
	clerk->consultation = bb_consultation_ref(c);
	citizen->consultation = bb_consultation_ref(c);
	bb_registry_hold_consultation(c->ticket_id);
	char *display_name = bb_session_display_name(clerk);
	c->pending_called = json_pack("{s:s?,s:s?}", "clerk", display_name, "ticket", c->number);
	g_free(display_name);
	/* Janus may still be closing the citizen's previous PeerConnection: offering now would make
	 * the core wait for it on this thread, so the offer goes out when its hangup_media arrives. */
	if(!citizen->pc_closing && !send_called(c)) {
		unpair(c);
		bb_consultation_unref(c);
		return BB_E_CITIZEN_GONE;
	}
	(void)bb_session_set_state(citizen, BB_STATE_CALLED);
	(void)bb_session_set_state(clerk, BB_STATE_CALLING);
	bb_session_set_ticket_info(clerk, c->number, c->office);
	*out = c;                     /* borrowed: the two sessions hold it from here */
	bb_consultation_unref(c);
	return BB_E_NONE;
}

/* Why set from NULL only: the hot path of each handle reads its media_peer without a lock, and
 * only that handle's loop thread clears it (hangup_media); a new consultation starts only after
 * the previous PeerConnection's hangup_media, so the pointer is NULL here. Should it not be,
 * relaying stays off for that side rather than risk a reader on freed memory. */
static void wire_media(bb_session *s, bb_session *peer) {
	if(g_atomic_pointer_compare_and_exchange(&s->media_peer, NULL, peer)) {
		bb_session_ref(peer);
		g_atomic_int_set(&s->relay, 1);
	} else if(g_atomic_pointer_get(&s->media_peer) == peer) {
		g_atomic_int_set(&s->relay, 1);
	} else {
		JANUS_LOG(LOG_WARN, "[%s] %p: previous media peer not released yet, not relaying\n", BB_PACKAGE,
			(void *)s->handle);
	}
}

void bb_consultation_start(bb_consultation *c, json_t *jsep_answer) {
	if(!bb_consultation_set_state(c, BB_CONSULTATION_STATE_STARTED))
		return;
	wire_media(c->citizen, c->clerk);
	wire_media(c->clerk, c->citizen);
	(void)bb_session_set_state(c->citizen, BB_STATE_IN_CONSULTATION);
	(void)bb_session_set_state(c->clerk, BB_STATE_IN_CONSULTATION);
	c->started_us = g_get_monotonic_time();
	for(int i = 0; i < 2; i++) {
		bb_session *side = i == 0 ? c->citizen : c->clerk;
		c->packets_seen[i] = g_atomic_int_get(&side->packets_in);
		c->moved_us[i] = c->started_us;
		c->stalled[i] = FALSE;
	}
	g_atomic_int_inc(&bb_ctx.consultations_started);
	g_atomic_int_inc(&bb_ctx.consultations_running);
	const char *answer_sdp = json_string_value(json_object_get(jsep_answer, "sdp"));
	char *to_clerk = bb_sdp_answer_to_clerk(answer_sdp, (const int (*)[BB_KINDS])c->pairs, c->codec);
	json_t *answer = json_pack("{ssss}", "type", "answer", "sdp", to_clerk ? to_clerk : answer_sdp);
	g_free(to_clerk);
	bb_push(c->clerk, BB_JEV_ACCEPTED, NULL, answer);
	json_decref(answer);
	const char *started = bb_consultation_state_name(BB_CONSULTATION_STATE_STARTED);
	bb_push(c->clerk, BB_JEV_CONSULTATION, json_pack("{ss}", "state", started), NULL);
	bb_push(c->citizen, BB_JEV_CONSULTATION, json_pack("{ss}", "state", started), NULL);
	bb_consultation_notify(c, "consultation_started", NULL);
	JANUS_LOG(LOG_INFO, "[%s] consultation %s started: clerk %p, citizen %p\n", BB_PACKAGE, c->number,
		(void *)c->clerk->handle, (void *)c->citizen->handle);
	/* A side's PeerConnection ended while the accept was on its way to the queue service (its
	 * hangup found the consultation still calling): the consultation ends at once, as it would
	 * have a moment later, instead of relaying into a dead PeerConnection. */
	if(!c->citizen->has_pc || c->citizen->pc_closing || !c->clerk->has_pc || c->clerk->pc_closing)
		bb_consultation_end_media(c, "closed", NULL);
}

/* ---- the third participant (consultation/bb_interpreter.h) -------------------------------- */

/* The third participant leaves: clerk and citizen stop relaying to it (their loop threads drop
 * the pointer), its PeerConnection is closed, and (tell_sides) clerk and citizen hear so. */
static void leave(bb_consultation *c, const char *reason, gboolean by_itself, gboolean tell_sides) {
	bb_session *s = c->interpreter;
	if(!s)
		return;
	c->interpreter = NULL;
	bb_session *sides[2] = { c->clerk, c->citizen };
	for(int i = 0; i < 2; i++) {
		g_atomic_int_set(&sides[i]->third_relay, 0);
		bb_session_release_third(sides[i]);
	}
	g_atomic_int_set(&s->relay, 0);
	g_atomic_int_set(&s->third_relay, 0);
	if(bb_session_state(s) == BB_STATE_IN_CONSULTATION)
		(void)bb_session_set_state(s, BB_STATE_IDLE);
	bb_session_set_ticket_info(s, NULL, NULL);
	if(!by_itself)
		bb_push(s, BB_JEV_HANGUP, json_pack("{ss}", "reason", reason), NULL);
	bb_session_close_pc(s);
	if(s->consultation == c) {
		s->consultation = NULL;
		bb_consultation_unref(c);
	}
	if(tell_sides) {
		const char *left = bb_interpreter_state_names[BB_INTERPRETER_STATE_LEFT];
		for(int i = 0; i < 2; i++)
			bb_push(sides[i], BB_JEV_INTERPRETER, json_pack("{ssss}", "state", left, "reason", reason), NULL);
	}
	bb_consultation_notify(c, "interpreter_left", reason);
	JANUS_LOG(LOG_INFO, "[%s] consultation %s: interpreter %p left (%s)\n", BB_PACKAGE, c->number,
		(void *)s->handle, reason);
	bb_session_unref(s);
}

void bb_consultation_interpreter_leave(bb_consultation *c, const char *reason, gboolean by_itself) {
	leave(c, reason, by_itself, TRUE);
}

/* The consultation's media ended: the invitation goes; the interpreter hears why, like the two
 * others (who hear their own `hangup`, not `interpreter`). */
static void interpreter_end(bb_consultation *c, const char *reason, bb_session *by) {
	g_clear_pointer(&c->invite_hash, g_free);
	if(c->interpreter)
		leave(c, reason, c->interpreter == by, FALSE);
}

void bb_consultation_end_media(bb_consultation *c, const char *reason, bb_session *by) {
	if(c->state != BB_CONSULTATION_STATE_STARTED || !bb_consultation_set_state(c, BB_CONSULTATION_STATE_ENDED))
		return;
	interpreter_end(c, reason, by);
	bb_session *sides[2] = { c->clerk, c->citizen };
	for(int i = 0; i < 2; i++) {
		bb_session *s = sides[i];
		g_atomic_int_set(&s->relay, 0);
		if(bb_session_state(s) == BB_STATE_IN_CONSULTATION)
			(void)bb_session_set_state(s, BB_STATE_WRAP_UP);
		if(s != by)
			bb_push(s, BB_JEV_HANGUP, json_pack("{ss}", "reason", reason), NULL);
		bb_session_close_pc(s);
	}
	c->restarting = FALSE;
	if(c->renegotiate_transaction) {
		/* the citizen will never answer this renegotiation now: the clerk hears so */
		bb_reply_late_error(c->clerk, c->renegotiate_transaction, BB_JREQ_RENEGOTIATE, BB_E_INVALID_STATE,
			"the consultation ended before the citizen answered");
		g_clear_pointer(&c->renegotiate_transaction, g_free);
	}
	g_atomic_int_add(&bb_ctx.consultations_running, -1);
	bb_consultation_notify(c, "consultation_ended", reason);
	JANUS_LOG(LOG_INFO, "[%s] consultation %s ended (%s) after %" G_GINT64_FORMAT " s\n", BB_PACKAGE,
		c->number, reason, (g_get_monotonic_time() - c->started_us) / G_USEC_PER_SEC);
}

void bb_consultation_close(bb_consultation *c, const char *reason, bb_session *by) {
	if(c->state == BB_CONSULTATION_STATE_CLOSED)
		return;
	bb_consultation_ref(c);
	if(c->state == BB_CONSULTATION_STATE_STARTED) {
		bb_consultation_end_media(c, reason, by);
	} else if(c->state == BB_CONSULTATION_STATE_CALLING) {
		/* withdrawn before the citizen answered: both PeerConnections (the clerk's offer, the
		 * citizen's from our offer, if it went out) go */
		if(c->citizen != by && !c->pending_called)
			bb_push(c->citizen, BB_JEV_HANGUP, json_pack("{ss}", "reason", reason), NULL);
		if(c->clerk != by)
			bb_push(c->clerk, BB_JEV_HANGUP, json_pack("{ss}", "reason", reason), NULL);
		bb_session_close_pc(c->citizen);
		bb_session_close_pc(c->clerk);
	}
	(void)bb_consultation_set_state(c, BB_CONSULTATION_STATE_CLOSED);
	interpreter_end(c, reason, by);
	if(c->pending_called) {
		json_decref(c->pending_called);
		c->pending_called = NULL;
	}
	bb_session_set_ticket_info(c->clerk, NULL, NULL);
	unpair(c);
	bb_consultation_unref(c);
}

void bb_consultation_pc_ended(bb_session *s, gboolean requested) {
	bb_consultation *c = s->consultation;
	if(!c)
		return;
	if(s == c->interpreter) {
		/* the interpreter's page or network went away: clerk and citizen go on 1:1 */
		if(!requested)
			bb_consultation_interpreter_leave(c, "interpreter_gone", TRUE);
		return;
	}
	if(s == c->citizen && c->pending_called && c->state == BB_CONSULTATION_STATE_CALLING) {
		if(!send_called(c)) {
			/* the citizen's handle cannot take the offer: the clerk hears so and calls again */
			bb_consultation_ref(c);
			bb_session *clerk = bb_session_ref(c->clerk);
			bb_session *citizen = bb_session_ref(c->citizen);
			bb_consultation_close(c, "citizen_gone", citizen);
			(void)bb_session_set_state(clerk, BB_STATE_IDLE);
			bb_qc_call(bb_ctx.qc, BB_OP_REQUEUE, json_pack("{sosI}", "session",
				bb_session_clerk_token_json(clerk), "ticket", (json_int_t)c->ticket_id), NULL, NULL, NULL);
			bb_session_unref(citizen);
			bb_session_unref(clerk);
			bb_consultation_unref(c);
		}
		return;
	}
	if(requested)
		return;
	if(c->state == BB_CONSULTATION_STATE_STARTED)
		bb_consultation_end_media(c, "closed", NULL);
}

/* Why count packets rather than watch ICE: a client whose packets Janus cannot use (or whose
 * camera and microphone froze) keeps its PeerConnection up and the consultation "started"
 * forever; the packet counters of the hot path (RTP and RTCP) tell that nothing arrives. */
void bb_consultation_watch(bb_consultation *c, gint64 now_us) {
	int timeout_s = bb_ctx.settings.media_timeout_s;
	if(timeout_s <= 0 || c->state != BB_CONSULTATION_STATE_STARTED)
		return;
	bb_session *watched[3] = { c->citizen, c->clerk, c->interpreter };
	static const bb_proto_side side_of[3] = { BB_SIDE_CITIZEN, BB_SIDE_CLERK, BB_SIDE_INTERPRETER };
	for(int i = 0; i < 3; i++) {
		bb_session *side = watched[i];
		if(!side)
			continue;
		gint seen = g_atomic_int_get(&side->packets_in);
		const char *state = NULL;
		if(seen != c->packets_seen[i]) {
			c->packets_seen[i] = seen;
			c->moved_us[i] = now_us;
			if(c->stalled[i]) {
				c->stalled[i] = FALSE;
				state = bb_media_state_names[BB_MEDIA_STATE_FLOWING];
			}
		} else if(!c->stalled[i] && now_us - c->moved_us[i] >= (gint64)timeout_s * G_USEC_PER_SEC) {
			c->stalled[i] = TRUE;
			state = bb_media_state_names[BB_MEDIA_STATE_STALLED];
		}
		if(!state)
			continue;
		gint64 quiet = c->stalled[i] ? (now_us - c->moved_us[i]) / G_USEC_PER_SEC : 0;
		JANUS_LOG(LOG_INFO, "[%s] consultation %s: %s media %s\n", BB_PACKAGE, c->number,
			bb_side_names[side_of[i]], state);
		for(int k = 0; k < 3; k++) {
			if(watched[k])
				bb_push(watched[k], BB_JEV_MEDIA, json_pack("{sssssI}", "state", state,
					"side", bb_side_names[side_of[i]], "seconds", (json_int_t)quiet), NULL);
		}
	}
}

void bb_consultation_forget_media(bb_session *s) {
	g_atomic_int_set(&s->relay, 0);
	g_atomic_int_set(&s->third_relay, 0);
	bb_session *peer = g_atomic_pointer_get(&s->media_peer);
	if(peer && g_atomic_pointer_compare_and_exchange(&s->media_peer, peer, NULL))
		bb_session_unref(peer);
	bb_session *third = g_atomic_pointer_get(&s->media_third);
	if(third && g_atomic_pointer_compare_and_exchange(&s->media_third, third, NULL))
		bb_session_unref(third);
}
