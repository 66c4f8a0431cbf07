/* bb_consultation.h: pairing a clerk and a citizen for one ticket, from the call to its end. */
#ifndef BB_CONSULTATION_H
#define BB_CONSULTATION_H

#include "bb_request.h"
#include "bb_session.h"

/* The clerk's offer for a ticket the queue service gave it: pairs the two and sends the citizen
 * `called` with the offer. Returns 0 or an error (the caller gives the ticket back). */
bb_error bb_consultation_offer(bb_session *clerk, json_t *ticket, json_t *jsep_offer);
/* The citizen's answer: media starts relaying, the clerk gets `accepted` with the answer. */
void bb_consultation_start(bb_session *citizen, json_t *jsep_answer);
/* Ends the media of a running consultation on both sides (both PeerConnections closed) and tells
 * each side except `by` why with a `hangup` event. Both stay paired (wrap-up). */
void bb_consultation_end_media(bb_session *clerk, bb_session *citizen, const char *reason,
	bb_session *by);
/* The ticket left the pair (finished, transferred, requeued, no-show, left, gone). */
void bb_consultation_release(bb_session *clerk, bb_session *citizen);
/* A side vanished (handle destroyed, ticket taken over by a new handle, ticket ended by the
 * service): ends whatever it was in with `reason` and gives the ticket back where needed. */
void bb_consultation_citizen_gone(bb_session *citizen, const char *reason, gboolean give_back);
void bb_consultation_clerk_gone(bb_session *clerk);
/* A PeerConnection ended on its own (ICE failure, closed tab). */
void bb_consultation_media_hangup(bb_session *s);
/* Asks Janus to close the handle's PeerConnection, if it has one (closing a handle that never
 * negotiated only races with its teardown in the core). */
void bb_consultation_close_pc(bb_session *s);
/* Whether the handle's previous PeerConnection is still being closed by Janus: a new offer on
 * the handle before that has finished races with the core's cleanup, so calls wait for it. */
gboolean bb_consultation_pc_closing(bb_session *s);
/* Drops the media peer references of a session whose handle is gone. */
void bb_consultation_forget_peers(bb_session *s);
/* Puts the ticket the clerk holds back into the waiting room after a failed call. */
void bb_consultation_give_back(bb_session *clerk, gint64 ticket_id);
/* Citizen view of its ticket from a queue-service ticket: sets office/number and position and
 * returns {number, office, position} (new reference). */
json_t *bb_consultation_citizen_ticket(bb_session *citizen, json_t *ticket);

#endif
