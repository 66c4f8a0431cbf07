/* bb_consultation.c: clerk/citizen pairing, start and end of a consultation (handler thread). */
#include "bb_consultation.h"
#include "bb_plugin.h"

#include <janus/debug.h>

/* Sets the media peer seen by the hot path. The old peer is kept referenced in retired_peer until
 * the next change, so a media thread that loaded it a moment ago still holds valid memory. */
static void set_peer(bb_session *s, bb_session *peer) {
	bb_session *old = g_atomic_pointer_get(&s->peer);
	g_atomic_pointer_set(&s->peer, peer ? bb_session_ref(peer) : NULL);
	if(s->retired_peer)
		bb_session_unref(s->retired_peer);
	s->retired_peer = old;
}

void bb_consultation_close_pc(bb_session *s) {
	if(!s->has_pc || g_atomic_int_get(&s->destroyed) || g_atomic_int_get(&s->handle->stopped))
		return;
	s->has_pc = FALSE;
	s->pc_closing_since = g_get_monotonic_time();
	bb_ctx.gateway->close_pc(s->handle);
}

#define BB_PC_CLOSE_WAIT_US (5 * G_USEC_PER_SEC)   /* after this, assume the close is done */

gboolean bb_consultation_pc_closing(bb_session *s) {
	if(s->pc_closing_since && g_get_monotonic_time() - s->pc_closing_since > BB_PC_CLOSE_WAIT_US)
		s->pc_closing_since = 0;
	return s->pc_closing_since != 0;
}

void bb_consultation_forget_peers(bb_session *s) {
	set_peer(s, NULL);
	if(s->retired_peer) {
		bb_session_unref(s->retired_peer);
		s->retired_peer = NULL;
	}
}

static void notify(bb_session *s, const char *event, gint64 ticket_id, const char *reason) {
	if(!bb_ctx.settings.notify_events || !bb_ctx.gateway->events_is_enabled())
		return;
	json_t *info = json_pack("{sssI}", "event", event, "ticket", (json_int_t)ticket_id);
	if(reason)
		json_object_set_new(info, "reason", json_string(reason));
	bb_ctx.gateway->notify_event(bb_ctx.plugin, s->handle, info);
}

static gboolean alive(bb_session *s) {
	return s && !g_atomic_int_get(&s->destroyed);
}

json_t *bb_consultation_citizen_ticket(bb_session *citizen, json_t *ticket) {
	const char *number = json_string_value(json_object_get(ticket, "number"));
	const char *office = json_string_value(json_object_get(ticket, "office"));
	json_t *position = json_object_get(ticket, "position");
	bb_session_set_ticket_info(citizen, number, office);
	citizen->position = json_is_integer(position) ? (int)json_integer_value(position) : -1;
	citizen->almost_sent = FALSE;
	return json_pack("{s:s?,s:s?,s:O?}", "number", number, "office", office,
		"position", json_is_integer(position) ? position : NULL);
}

bb_error bb_consultation_offer(bb_session *clerk, json_t *ticket, json_t *jsep_offer) {
	json_t *id = json_object_get(ticket, "id");
	if(!json_is_integer(id))
		return BB_ERR_INTERNAL;
	bb_session *citizen = bb_registry_ticket_owner(json_integer_value(id));
	if(!citizen)
		return BB_ERR_CITIZEN_GONE;
	if(bb_consultation_pc_closing(citizen)) {
		bb_session_unref(citizen);
		return BB_ERR_INVALID_STATE;
	}
	if(!alive(citizen) || bb_session_state(citizen) != BB_STATE_WAITING || citizen->partner) {
		bb_session_unref(citizen);
		return BB_ERR_CITIZEN_GONE;
	}
	if(!bb_session_set_state(citizen, BB_STATE_CALLED) || !bb_session_set_state(clerk, BB_STATE_CALLING)) {
		bb_session_unref(citizen);
		return BB_ERR_INTERNAL;
	}
	clerk->ticket_id = json_integer_value(id);
	bb_session_set_ticket_info(clerk, json_string_value(json_object_get(ticket, "number")),
		json_string_value(json_object_get(ticket, "office")));
	clerk->partner = citizen;     /* the lookup's reference */
	clerk->has_pc = TRUE;         /* Janus took the clerk's offer */
	citizen->partner = bb_session_ref(clerk);
	g_mutex_lock(&clerk->lock);
	char *display_name = g_strdup(clerk->display_name);
	g_mutex_unlock(&clerk->lock);
	g_mutex_lock(&citizen->lock);
	char *number = g_strdup(citizen->ticket_number);
	g_mutex_unlock(&citizen->lock);
	g_free(clerk->offer_sdp);
	clerk->offer_sdp = g_strdup(json_string_value(json_object_get(jsep_offer, "sdp")));
	json_t *offer = json_pack("{ssss}", "type", "offer", "sdp", clerk->offer_sdp);
	int res = bb_push(citizen, "called", json_pack("{s:s?,s:s?}", "clerk", display_name,
		"ticket", number), offer);
	json_decref(offer);
	g_free(display_name);
	g_free(number);
	citizen->has_pc = res == 0;
	if(res != 0) {
		bb_consultation_close_pc(clerk);
		JANUS_LOG(LOG_WARN, "[%s] %p: could not offer the call to the citizen (%d)\n", BB_PACKAGE,
			(void *)clerk->handle, res);
		(void)bb_session_set_state(citizen, BB_STATE_WAITING);
		(void)bb_session_set_state(clerk, BB_STATE_IDLE);
		bb_consultation_release(clerk, citizen);
		return BB_ERR_CITIZEN_GONE;
	}
	return 0;
}

void bb_consultation_start(bb_session *citizen, json_t *jsep_answer) {
	bb_session *clerk = citizen->partner;
	set_peer(citizen, clerk);
	set_peer(clerk, citizen);
	(void)bb_session_set_state(citizen, BB_STATE_IN_CONSULTATION);
	(void)bb_session_set_state(clerk, BB_STATE_IN_CONSULTATION);
	citizen->consultation_started = clerk->consultation_started = g_get_monotonic_time();
	g_atomic_int_inc(&bb_ctx.consultations_started);
	g_atomic_int_inc(&bb_ctx.consultations_running);
	json_t *answer = json_pack("{ssss}", "type", "answer",
		"sdp", json_string_value(json_object_get(jsep_answer, "sdp")));
	bb_push(clerk, "accepted", NULL, answer);
	json_decref(answer);
	bb_push(clerk, "consultation", json_pack("{ss}", "state", "started"), NULL);
	bb_push(citizen, "consultation", json_pack("{ss}", "state", "started"), NULL);
	notify(clerk, "consultation_started", clerk->ticket_id, NULL);
	JANUS_LOG(LOG_INFO, "[%s] consultation started: clerk %p, citizen %p\n", BB_PACKAGE,
		(void *)clerk->handle, (void *)citizen->handle);
}

void bb_consultation_end_media(bb_session *clerk, bb_session *citizen, const char *reason,
		bb_session *by) {
	gboolean was_running = g_atomic_pointer_get(&clerk->peer) != NULL;
	set_peer(clerk, NULL);
	set_peer(citizen, NULL);
	bb_session *sides[2] = { clerk, citizen };
	for(int i = 0; i < 2; i++) {
		bb_session *s = sides[i];
		if(bb_session_state(s) == BB_STATE_IN_CONSULTATION)
			(void)bb_session_set_state(s, BB_STATE_WRAP_UP);
		if(!alive(s))
			continue;
		if(s != by)
			bb_push(s, "hangup", json_pack("{ss}", "reason", reason), NULL);
		bb_consultation_close_pc(s);
	}
	if(was_running) {
		g_atomic_int_add(&bb_ctx.consultations_running, -1);
		notify(clerk, "consultation_ended", clerk->ticket_id, reason);
		JANUS_LOG(LOG_INFO, "[%s] consultation ended (%s): clerk %p, citizen %p, %" G_GINT64_FORMAT " s\n",
			BB_PACKAGE, reason, (void *)clerk->handle, (void *)citizen->handle,
			(g_get_monotonic_time() - clerk->consultation_started) / G_USEC_PER_SEC);
	}
}

void bb_consultation_release(bb_session *clerk, bb_session *citizen) {
	if(clerk->partner == citizen) {
		clerk->partner = NULL;
		bb_session_unref(citizen);
	}
	if(citizen->partner == clerk) {
		citizen->partner = NULL;
		bb_session_unref(clerk);
	}
	clerk->ticket_id = 0;
	bb_session_set_ticket_info(clerk, NULL, NULL);
}

void bb_consultation_give_back(bb_session *clerk, gint64 ticket_id) {
	bb_qc_send(bb_ctx.qc, "requeue", json_pack("{sosI}", "session", bb_clerk_token_json(clerk),
		"ticket", (json_int_t)ticket_id));
}

/* The citizen's side went away: a clerk that was calling or talking to it must not be left
 * hanging. A called ticket goes back to the waiting room (the service keeps its place and runs
 * the grace period); a consultation's media ends and the clerk wraps up as usual. */
void bb_consultation_citizen_gone(bb_session *citizen, const char *reason, gboolean give_back) {
	bb_session *clerk = citizen->partner;
	if(!clerk)
		return;
	bb_session_ref(clerk);
	switch(bb_session_state(citizen)) {
	case BB_STATE_CALLED:
		bb_push(clerk, "hangup", json_pack("{ss}", "reason", reason), NULL);
		bb_consultation_close_pc(clerk);
		if(give_back)
			bb_consultation_give_back(clerk, clerk->ticket_id);
		(void)bb_session_set_state(clerk, BB_STATE_IDLE);
		bb_consultation_release(clerk, citizen);
		break;
	case BB_STATE_IN_CONSULTATION:
		bb_consultation_end_media(clerk, citizen, reason, citizen);
		break;
	default:
		break;
	}
	bb_session_unref(clerk);
}

/* The clerk's handle went away: the citizen goes back to the waiting room (keeping its arrival
 * time) instead of staying stuck with nobody on the other side. */
void bb_consultation_clerk_gone(bb_session *clerk) {
	bb_session *citizen = clerk->partner;
	if(!citizen)
		return;
	bb_session_ref(citizen);
	if(bb_session_state(clerk) == BB_STATE_IN_CONSULTATION)
		bb_consultation_end_media(clerk, citizen, "clerk_gone", clerk);
	else if(alive(citizen))
		bb_push(citizen, "hangup", json_pack("{ss}", "reason", "clerk_gone"), NULL);
	bb_qc_reply reply;
	bb_qc_call(bb_ctx.qc, "requeue", json_pack("{sosI}", "session", bb_clerk_token_json(clerk),
		"ticket", (json_int_t)clerk->ticket_id), &reply);
	if(reply.ok && alive(citizen) && bb_session_set_state(citizen, BB_STATE_WAITING)) {
		json_t *t = bb_consultation_citizen_ticket(citizen, json_object_get(reply.body, "ticket"));
		bb_push(citizen, "requeued", json_pack("{sO}", "position",
			json_object_get(t, "position") ? json_object_get(t, "position") : json_null()), NULL);
		json_decref(t);
	}
	bb_qc_reply_clear(&reply);
	bb_consultation_release(clerk, citizen);
	bb_session_unref(citizen);
}

void bb_consultation_media_hangup(bb_session *s) {
	g_atomic_int_set(&s->webrtc_up, 0);
	if(bb_consultation_pc_closing(s)) {
		/* the end of a PeerConnection we closed ourselves: nothing else to do */
		s->pc_closing_since = 0;
		return;
	}
	s->has_pc = FALSE;
	if(bb_session_state(s) != BB_STATE_IN_CONSULTATION || !s->partner)
		return;
	bb_session *clerk = bb_session_role(s) == BB_ROLE_CLERK ? s : s->partner;
	bb_session *citizen = bb_session_role(s) == BB_ROLE_CLERK ? s->partner : s;
	bb_session_ref(clerk);
	bb_session_ref(citizen);
	bb_consultation_end_media(clerk, citizen, "closed", NULL);
	bb_session_unref(clerk);
	bb_session_unref(citizen);
}
