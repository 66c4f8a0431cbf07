/* bb_consultation.h: one consultation between a clerk and a citizen for one ticket, from the
 * clerk's call until the ticket leaves it. One reference-counted object owns both sides, the
 * clerk's offer, a pending renegotiation and the media wiring; its state (catalogue list
 * `consultation_state`) changes only through bb_consultation_set_state().
 *
 *   calling --citizen answers--> started --media ends--> ended --ticket leaves--> closed
 *      \_________________________________\______________________________________/ (any time)
 *
 * Handler thread only, except what the media hot path reads through the sessions' atomics. */
#ifndef BB_CONSULTATION_H
#define BB_CONSULTATION_H

#include <glib.h>
#include <jansson.h>
#include <janus/refcount.h>

#include "bb_protocol.h"
#include "session/bb_reply.h"
#include "session/bb_session.h"

typedef struct bb_consultation {
	janus_refcount ref;
	bb_proto_consultation_state state;
	gint64 ticket_id;
	char *number;                 /* ticket number, e.g. KFZ-017 */
	char *office;
	bb_session *clerk;            /* referenced until closed */
	bb_session *citizen;          /* referenced until closed */
	char *offer_sdp;              /* the clerk's current offer (also for citizen ICE restarts) */
	json_t *pending_called;       /* `called` held until the citizen's previous PeerConnection is gone */
	char *renegotiate_transaction;/* the clerk's renegotiate request waiting for the citizen's answer */
	gboolean restarting;          /* the citizen's ICE restart offer is out */
	gint64 started_us;            /* monotonic, when media started */
	/* the third participant (consultation/bb_interpreter.h) */
	bb_session *interpreter;      /* referenced while it takes part */
	char *invite_hash;            /* SHA-256 (hex) of the open invitation, NULL = none */
	char *codec[2];               /* [audio, video] codec clerk and citizen send (citizen's answer) */
	int pairs[2][2];              /* the clerk's offer: [pair 0 own / 1 third][audio, video] mindex, -1 none */
	gboolean with_interpreter;    /* an interpreter took part (statistics) */
	/* dead-media watch (bb_consultation_watch), index 0 citizen, 1 clerk, 2 interpreter */
	gint packets_seen[3];
	gint64 moved_us[3];
	gboolean stalled[3];
} bb_consultation;

const char *bb_consultation_state_name(bb_proto_consultation_state st);
/* The one state-change function: refuses (and logs) a transition the machine does not have. */
gboolean bb_consultation_set_state(bb_consultation *c, bb_proto_consultation_state to);
bb_consultation *bb_consultation_ref(bb_consultation *c);
void bb_consultation_unref(bb_consultation *c);

/* The clerk holds an offer (its request's JSEP) and the service gave it `ticket`: pairs the two
 * and offers the call to the citizen (at once, or as soon as the citizen's previous
 * PeerConnection is gone). Fails with citizen_gone when the ticket's citizen is not attached
 * here; then nothing is paired. *out is borrowed (the sessions hold the consultation). */
bb_error_code bb_consultation_call(bb_session *clerk, json_t *ticket, json_t *jsep_offer,
	bb_consultation **out);
/* The citizen's answer: media starts relaying, the clerk gets `accepted` with the answer. */
void bb_consultation_start(bb_consultation *c, json_t *jsep_answer);
/* Ends the media (both PeerConnections closed, relaying off) and tells each side except `by`
 * why with `hangup`. The ticket stays with the clerk (wrap-up). */
void bb_consultation_end_media(bb_consultation *c, const char *reason, bb_session *by);
/* The ticket left the consultation (finished, transferred, requeued, no-show, withdrawn, a side
 * gone): media ends if it still runs, both sessions let go of it, the object is closed.
 * The citizen's and clerk's session states are the caller's business. */
void bb_consultation_close(bb_consultation *c, const char *reason, bb_session *by);
/* A handle's PeerConnection ended (hangup_media, handler thread): sends a held offer once the
 * citizen's old PeerConnection is gone; ends the media of a running consultation when a
 * PeerConnection ended on its own (ICE failure, closed tab). */
void bb_consultation_pc_ended(bb_session *s, gboolean requested);
/* Drops the media peer of a session whose handle is gone (its loop thread has stopped). */
void bb_consultation_forget_media(bb_session *s);
/* Called about once a second on the handler thread for every started consultation: a side whose
 * packet counter did not move for media_timeout_s is `stalled` (both sides hear `media`), and
 * `flowing` again once it moves. */
void bb_consultation_watch(bb_consultation *c, gint64 now_us);
/* The interpreter leaves (`reason`, a hangup_reason); clerk and citizen go on 1:1 and hear
 * `interpreter` left. by_itself: it asked, or its handle is gone (no `hangup` to it). */
void bb_consultation_interpreter_leave(bb_consultation *c, const char *reason, gboolean by_itself);
/* Notifies Janus event handlers (if enabled). */
void bb_consultation_notify(bb_consultation *c, const char *event, const char *reason);

#endif
