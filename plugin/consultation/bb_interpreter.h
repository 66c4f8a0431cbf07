/* bb_interpreter.h: the third participant of a consultation: a sign-language or spoken-language
 * interpreter, on its own handle and PeerConnection (three PeerConnections, no mixing).
 *
 * Layout. Every PeerConnection has two audio+video pairs: pair 0 carries the participant's own
 * media out and one other participant's in; pair 1 (receive only) the third one's in.
 *   clerk:        pair 0 <-> citizen        pair 1 <- interpreter
 *   citizen:      pair 0 <-> clerk          pair 1 <- interpreter
 *   interpreter:  pair 0 <-> clerk          pair 1 <- citizen
 * The clerk offers both pairs from the start (pair 1 recvonly); the plugin turns pair 1 into
 * "Janus sends" in the offer it passes to the citizen and in the answer it passes back, so no
 * renegotiation is needed when an interpreter comes or goes. The plugin answers the
 * interpreter's own offer itself, with the codecs clerk and citizen already use.
 *
 * Invitation. The clerk asks for one (`invite_interpreter`): a random token, kept only as its
 * SHA-256 on the consultation, usable once, gone when the consultation's media ends.
 * Handler thread only. */
#ifndef BB_INTERPRETER_H
#define BB_INTERPRETER_H

#include <glib.h>
#include <jansson.h>

#include "bb_protocol.h"
#include "consultation/bb_consultation.h"

/* A new invitation for a running consultation (replaces an open one): the token (g_free it), or
 * NULL with *err set. */
char *bb_interpreter_invite(bb_consultation *c, bb_error_code *err, const char **why);
/* The consultation whose open invitation this is (borrowed), or NULL. */
bb_consultation *bb_interpreter_find_invite(const char *token);
/* `s` joins `c` as its interpreter with its offer: on success the JSEP answer (new reference)
 * and media relays among the three; on failure nothing is left on `s` or `c`. */
json_t *bb_interpreter_join(bb_consultation *c, bb_session *s, json_t *jsep_offer, bb_error_code *err,
	const char **why);
#endif
