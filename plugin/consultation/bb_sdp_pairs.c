/* bb_sdp_pairs.c: the audio+video pairs of a consultation's PeerConnections in SDP. */
#include "consultation/bb_sdp_pairs.h"
#include "core/bb_package.h"

#include <janus/debug.h>

janus_sdp *bb_sdp_parse(const char *sdp) {
	char error[160];
	janus_sdp *parsed = sdp ? janus_sdp_parse(sdp, error, sizeof(error)) : NULL;
	if(sdp && !parsed)
		JANUS_LOG(LOG_WARN, "[%s] could not parse an SDP: %s\n", BB_PACKAGE, error);
	return parsed;
}

void bb_sdp_find_pairs(janus_sdp *sdp, int (*pairs)[BB_KINDS]) {
	int seen[BB_KINDS] = { 0, 0 };
	for(int p = 0; p < 2; p++)
		pairs[p][0] = pairs[p][1] = -1;
	for(GList *l = sdp->m_lines; l; l = l->next) {
		janus_sdp_mline *m = l->data;
		if(m->type != JANUS_SDP_AUDIO && m->type != JANUS_SDP_VIDEO)
			continue;
		int kind = m->type == JANUS_SDP_VIDEO ? 1 : 0;
		if(seen[kind] < 2)
			pairs[seen[kind]][kind] = m->index;
		seen[kind]++;
	}
}

/* Pair 1 of the clerk's PeerConnection is receive-only for clerk and citizen; as Janus passes
 * SDP between them, that m-line must say "Janus sends" both ways (sendonly in the offer to the
 * citizen and in the answer to the clerk), or neither browser would ever play the third.
 * NULL when there was nothing to change (the SDP goes on as it came). */
static char *janus_sends_on_pair1(janus_sdp *sdp, const int (*pairs)[BB_KINDS]) {
	gboolean changed = FALSE;
	for(int kind = 0; kind < BB_KINDS; kind++) {
		janus_sdp_mline *m = pairs[1][kind] >= 0 ? janus_sdp_mline_find_by_index(sdp, pairs[1][kind]) : NULL;
		if(m && m->port > 0 && m->direction == JANUS_SDP_RECVONLY) {
			m->direction = JANUS_SDP_SENDONLY;
			changed = TRUE;
		}
	}
	return changed ? janus_sdp_write(sdp) : NULL;
}

char *bb_sdp_offer_to_citizen(const char *clerk_offer, int (*pairs)[BB_KINDS]) {
	janus_sdp *sdp = bb_sdp_parse(clerk_offer);
	if(!sdp)
		return NULL;
	bb_sdp_find_pairs(sdp, pairs);
	char *out = janus_sends_on_pair1(sdp, (const int (*)[BB_KINDS])pairs);
	janus_sdp_destroy(sdp);
	return out;
}

char *bb_sdp_answer_to_clerk(const char *citizen_answer, const int (*pairs)[BB_KINDS],
		char *codec[BB_KINDS]) {
	janus_sdp *sdp = bb_sdp_parse(citizen_answer);
	if(!sdp)
		return NULL;
	/* the codec each side sends is the first of the answer's list (RFC 3264) */
	for(int kind = 0; kind < BB_KINDS; kind++) {
		janus_sdp_mline *m = pairs[0][kind] >= 0 ? janus_sdp_mline_find_by_index(sdp, pairs[0][kind]) : NULL;
		const char *name = m && m->ptypes ? janus_sdp_get_codec_name(sdp, m->index, GPOINTER_TO_INT(m->ptypes->data)) : NULL;
		g_free(codec[kind]);
		codec[kind] = g_strdup(name);
	}
	char *out = janus_sends_on_pair1(sdp, pairs);
	janus_sdp_destroy(sdp);
	return out;
}
