/* bb_sdp_pairs.h: the audio+video pairs of a consultation's PeerConnections in SDP (see the
 * layout in consultation/bb_interpreter.h): finding them, and turning pair 1 into "Janus sends"
 * as SDP passes between clerk and citizen. Knows SDP only, no consultation. */
#ifndef BB_SDP_PAIRS_H
#define BB_SDP_PAIRS_H

#include <glib.h>
#include <janus/sdp-utils.h>

#define BB_KINDS 2   /* 0 audio, 1 video: the index of every [BB_KINDS] */

/* Parses an SDP (NULL, logged, when it cannot). */
janus_sdp *bb_sdp_parse(const char *sdp);
/* The m-line indexes of the first two audio and video m-lines: pairs[pair][kind], -1 none. */
void bb_sdp_find_pairs(janus_sdp *sdp, int (*pairs)[BB_KINDS]);
/* The clerk's offer: its pairs (out), and the offer to pass to the citizen (pair 1 "Janus
 * sends"), or NULL when it goes on unchanged. */
char *bb_sdp_offer_to_citizen(const char *clerk_offer, int (*pairs)[BB_KINDS]);
/* The citizen's answer: the codec names each side sends on pair 0 (out, g_free'd and replaced),
 * and the answer to pass to the clerk (pair 1 "Janus sends"), or NULL when unchanged. */
char *bb_sdp_answer_to_clerk(const char *citizen_answer, const int (*pairs)[BB_KINDS],
	char *codec[BB_KINDS]);

#endif
