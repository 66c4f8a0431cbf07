/* bb_interpreter.c: the interpreter as a consultation's third participant: SDP pairs, the
 * one-time invitation, joining (the plugin answers the interpreter's offer) and leaving. */
#include "consultation/bb_interpreter.h"
#include "core/bb_context.h"

#include "consultation/bb_sdp_pairs.h"

#include <sys/random.h>
#include <janus/debug.h>
#include <janus/rtp.h>
#include <janus/sdp-utils.h>

#define KINDS BB_KINDS

/* ---- invitation ---------------------------------------------------------------------------- */

static char *hash_token(const char *token) {
	return g_compute_checksum_for_string(G_CHECKSUM_SHA256, token, -1);
}

char *bb_interpreter_invite(bb_consultation *c, bb_error_code *err, const char **why) {
	*err = BB_E_INVALID_STATE;
	if(c->state != BB_CONSULTATION_STATE_STARTED) {
		*why = "no consultation running";
		return NULL;
	}
	if(c->interpreter) {
		*why = "an interpreter takes part already";
		return NULL;
	}
	if(c->pairs[1][0] < 0 || c->pairs[1][1] < 0 || !c->codec[0] || !c->codec[1]) {
		*why = "this consultation's PeerConnections have no audio and video pair for an interpreter";
		return NULL;
	}
	guchar raw[24];
	if(getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw)) {
		*err = BB_E_INTERNAL;
		*why = "no random bytes";
		return NULL;
	}
	/* base64url without padding: 32 characters, safe in a URL fragment */
	char *token = g_base64_encode(raw, sizeof(raw));
	for(char *p = token; *p; p++)
		*p = *p == '+' ? '-' : (*p == '/' ? '_' : *p);
	memset(raw, 0, sizeof(raw));
	g_free(c->invite_hash);
	c->invite_hash = hash_token(token);
	*err = BB_E_NONE;
	JANUS_LOG(LOG_INFO, "[%s] consultation %s: interpreter invited\n", BB_PACKAGE, c->number);
	return token;
}

bb_consultation *bb_interpreter_find_invite(const char *token) {
	char *hash = hash_token(token);
	bb_consultation *found = NULL;
	GPtrArray *clerks = bb_registry_snapshot(BB_ROLE_CLERK);
	for(guint i = 0; i < clerks->len && !found; i++) {
		bb_consultation *c = ((bb_session *)g_ptr_array_index(clerks, i))->consultation;
		if(c && c->invite_hash && strcmp(c->invite_hash, hash) == 0)
			found = c;
	}
	g_ptr_array_free(clerks, TRUE);
	g_free(hash);
	return found;
}

/* ---- joining ------------------------------------------------------------------------------- */

/* The plugin's answer to the interpreter: pair 0 as offered (sendrecv), pair 1 "Janus sends"
 * (the interpreter offered recvonly), anything beyond inactive; only the codecs clerk and
 * citizen send, so their packets reach the interpreter unchanged but for the payload type. */
static janus_sdp *answer_interpreter(bb_consultation *c, janus_sdp *offer, const int pairs[2][KINDS]) {
	janus_sdp *answer = janus_sdp_generate_answer(offer);
	for(GList *l = offer->m_lines; l; l = l->next) {
		janus_sdp_mline *m = l->data;
		if(m->type != JANUS_SDP_AUDIO && m->type != JANUS_SDP_VIDEO) {
			janus_sdp_generate_answer_mline(offer, answer, m, JANUS_SDP_OA_MLINE, m->type, JANUS_SDP_OA_DONE);
			continue;
		}
		int kind = m->type == JANUS_SDP_VIDEO ? 1 : 0;
		gboolean paired = m->index == pairs[0][kind] || m->index == pairs[1][kind];
		janus_sdp_generate_answer_mline(offer, answer, m,
			JANUS_SDP_OA_MLINE, m->type,
			JANUS_SDP_OA_CODEC, c->codec[kind],
			JANUS_SDP_OA_DIRECTION, paired ? JANUS_SDP_DEFAULT : JANUS_SDP_INACTIVE,
			JANUS_SDP_OA_ACCEPT_EXTMAP, JANUS_RTP_EXTMAP_MID,
			JANUS_SDP_OA_ACCEPT_EXTMAP, JANUS_RTP_EXTMAP_AUDIO_LEVEL,
			JANUS_SDP_OA_ACCEPT_EXTMAP, JANUS_RTP_EXTMAP_VIDEO_ORIENTATION,
			JANUS_SDP_OA_ACCEPT_EXTMAP, JANUS_RTP_EXTMAP_TRANSPORT_WIDE_CC,
			JANUS_SDP_OA_DONE);
	}
	return answer;
}

static void set_layout(bb_session *s, const int send[KINDS], const int send_pt[KINDS],
		const int recv[2][KINDS], const int recv_pt[2][KINDS]) {
	for(int k = 0; k < KINDS; k++) {
		g_atomic_int_set(&s->layout.send_mindex[k], send[k]);
		g_atomic_int_set(&s->layout.send_pt[k], send_pt[k]);
		for(int p = 0; p < 2; p++) {
			g_atomic_int_set(&s->layout.recv_mindex[p][k], recv[p][k]);
			g_atomic_int_set(&s->layout.recv_pt[p][k], recv_pt[p][k]);
		}
	}
}

/* Sets `*slot` (NULL now) to `to` with a reference of its own; FALSE when it is still taken. */
static gboolean wire(bb_session **slot, bb_session *to) {
	if(!g_atomic_pointer_compare_and_exchange(slot, NULL, to))
		return FALSE;
	bb_session_ref(to);
	return TRUE;
}

/* Undoes wire() from the handler thread: only for a pointer whose handle never relayed with it
 * (the interpreter's relay flags were never on). */
static void unwire(bb_session **slot) {
	bb_session *was = g_atomic_pointer_get(slot);
	if(was && g_atomic_pointer_compare_and_exchange(slot, was, NULL))
		bb_session_unref(was);
}

static gboolean third_free(bb_session *s) {
	return !g_atomic_pointer_get(&s->media_third);
}

json_t *bb_interpreter_join(bb_consultation *c, bb_session *s, json_t *jsep_offer, bb_error_code *err,
		const char **why) {
	*err = BB_E_INVALID_STATE;
	if(c->state != BB_CONSULTATION_STATE_STARTED || c->interpreter) {
		*why = "the consultation has no place for an interpreter now";
		return NULL;
	}
	if(!third_free(c->clerk) || !third_free(c->citizen) || g_atomic_pointer_get(&s->media_peer) ||
			g_atomic_pointer_get(&s->media_third)) {
		*why = "the interpreter's handle is still wired to a consultation";
		return NULL;
	}
	*err = BB_E_BAD_REQUEST;
	janus_sdp *offer = bb_sdp_parse(json_string_value(json_object_get(jsep_offer, "sdp")));
	if(!offer) {
		*why = "the offer cannot be parsed";
		return NULL;
	}
	int mine[2][KINDS];
	bb_sdp_find_pairs(offer, mine);
	if(mine[0][0] < 0 || mine[0][1] < 0 || mine[1][0] < 0 || mine[1][1] < 0) {
		janus_sdp_destroy(offer);
		*why = "the offer needs two audio and two video m-lines";
		return NULL;
	}
	janus_sdp *answer = answer_interpreter(c, offer, (const int (*)[KINDS])mine);
	janus_sdp_destroy(offer);
	/* payload types: the interpreter's from our answer, clerk's and citizen's (the same: the
	 * citizen answered the clerk's offer) from the consultation's offer */
	janus_sdp *consult = bb_sdp_parse(c->offer_sdp);
	int pt_mine[2][KINDS], pt_theirs[2][KINDS];
	gboolean ok = consult != NULL;
	for(int p = 0; p < 2 && ok; p++) {
		for(int k = 0; k < KINDS; k++) {
			pt_mine[p][k] = janus_sdp_get_codec_pt(answer, mine[p][k], c->codec[k]);
			pt_theirs[p][k] = janus_sdp_get_codec_pt(consult, c->pairs[p][k], c->codec[k]);
			ok = ok && pt_mine[p][k] >= 0 && pt_theirs[p][k] >= 0;
		}
	}
	if(consult)
		janus_sdp_destroy(consult);
	if(!ok) {
		janus_sdp_destroy(answer);
		*why = "the offer lacks the codecs of this consultation";
		return NULL;
	}
	char *sdp = janus_sdp_write(answer);
	janus_sdp_destroy(answer);
	if(!sdp) {
		*err = BB_E_INTERNAL;
		*why = "could not write the answer";
		return NULL;
	}
	/* the interpreter: sends on pair 0, gets the clerk there and the citizen on pair 1 */
	set_layout(s, mine[0], pt_mine[0], (const int (*)[KINDS])mine, (const int (*)[KINDS])pt_mine);
	/* clerk and citizen: pair 0 as it is between them, the interpreter on pair 1 */
	const int recv[2][KINDS] = { { -1, -1 }, { c->pairs[1][0], c->pairs[1][1] } };
	const int recv_pt[2][KINDS] = { { -1, -1 }, { pt_theirs[1][0], pt_theirs[1][1] } };
	bb_session *sides[2] = { c->clerk, c->citizen };
	for(int i = 0; i < 2; i++)
		set_layout(sides[i], c->pairs[0], pt_theirs[0], recv, recv_pt);
	if(!wire(&s->media_peer, c->clerk) || !wire(&s->media_third, c->citizen) ||
			!wire(&c->clerk->media_third, s)) {
		unwire(&s->media_peer);
		unwire(&s->media_third);
		bb_session_layout_reset(s);
		g_free(sdp);
		*err = BB_E_INVALID_STATE;
		*why = "the interpreter's handle is still wired to a consultation";
		return NULL;
	}
	if(!wire(&c->citizen->media_third, s)) {
		bb_session_release_third(c->clerk);
		unwire(&s->media_peer);
		unwire(&s->media_third);
		bb_session_layout_reset(s);
		g_free(sdp);
		*err = BB_E_INVALID_STATE;
		*why = "the citizen's handle is still wired to another participant";
		return NULL;
	}
	c->interpreter = bb_session_ref(s);
	/* the dead-media watch starts counting the interpreter's packets from now */
	c->packets_seen[2] = g_atomic_int_get(&s->packets_in);
	c->moved_us[2] = g_get_monotonic_time();
	c->stalled[2] = FALSE;
	s->consultation = bb_consultation_ref(c);
	g_atomic_int_set(&s->role, BB_ROLE_INTERPRETER);
	(void)bb_session_set_state(s, BB_STATE_IN_CONSULTATION);
	bb_session_set_ticket_info(s, c->number, c->office);
	g_clear_pointer(&c->invite_hash, g_free);   /* once only */
	g_atomic_int_set(&s->relay, 1);
	g_atomic_int_set(&s->third_relay, 1);
	g_atomic_int_set(&c->clerk->third_relay, 1);
	g_atomic_int_set(&c->citizen->third_relay, 1);
	if(!c->with_interpreter) {
		c->with_interpreter = TRUE;
		g_atomic_int_inc(&bb_ctx.consultations_with_interpreter);
	}
	const char *joined = bb_interpreter_state_names[BB_INTERPRETER_STATE_JOINED];
	for(int i = 0; i < 2; i++)
		bb_push(sides[i], BB_JEV_INTERPRETER, json_pack("{ss}", "state", joined), NULL);
	bb_consultation_notify(c, "interpreter_joined", NULL);
	JANUS_LOG(LOG_INFO, "[%s] consultation %s: interpreter %p joined (%s, %s)\n", BB_PACKAGE, c->number,
		(void *)s->handle, c->codec[0], c->codec[1]);
	*err = BB_E_NONE;
	json_t *jsep = json_pack("{ssss}", "type", "answer", "sdp", sdp);
	g_free(sdp);
	return jsep;
}

