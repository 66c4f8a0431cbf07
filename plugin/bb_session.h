/* bb_session.h: one plugin session per Janus handle, its state machine and the session registry. */
#ifndef BB_SESSION_H
#define BB_SESSION_H

#include <glib.h>
#include <jansson.h>
#include <janus/plugins/plugin.h>
#include <janus/refcount.h>

typedef struct bb_session bb_session;

typedef enum bb_role {
	BB_ROLE_CITIZEN = 0,   /* every handle starts as a citizen */
	BB_ROLE_CLERK,         /* after a successful login; never changes back */
} bb_role;

/* One enum for both roles; bb_session_set_state() knows which transitions each role may make.
 * Citizen: idle -> waiting -> called -> in_consultation -> wrap_up -> idle (or back to waiting).
 * Clerk:   idle (ready) -> calling -> in_consultation -> wrap_up -> idle. */
typedef enum bb_state {
	BB_STATE_IDLE = 0,
	BB_STATE_WAITING,          /* citizen holds a waiting ticket */
	BB_STATE_CALLED,           /* citizen got the clerk's offer */
	BB_STATE_CALLING,          /* clerk sent an offer, waits for the citizen */
	BB_STATE_IN_CONSULTATION,  /* media relayed between the two */
	BB_STATE_WRAP_UP,          /* media ended, ticket not yet finished by the clerk */
	BB_STATE_GONE,             /* handle destroyed */
	BB_N_STATES
} bb_state;

struct bb_session {
	janus_plugin_session *handle;
	janus_refcount ref;
	volatile gint destroyed;        /* flipped once by compare-and-exchange */
	volatile gint role;             /* bb_role */
	volatile gint state;            /* bb_state; written only by bb_session_set_state */
	volatile gint webrtc_up;        /* PeerConnection ready (setup_media seen) */
	volatile gint queue_live;       /* clerk asked for live queue updates */

	/* Media peer: set when the consultation starts, cleared when it ends. Read by the media hot
	 * path without a lock; the previous peer stays referenced in retired_peer until the next
	 * change so that a racing reader never touches freed memory. */
	bb_session *peer;             
	bb_session *retired_peer;       /* handler thread only */
	volatile gint bitrate;          /* REMB cap for this sender (bit/s), 0 = none */
	volatile gint packets_in;       /* RTP packets received from this handle */

	/* Handler-thread state. */
	bb_session *partner;            /* the other side of the ticket (referenced), call .. finish */
	gint64 ticket_id;               /* 0 = none */
	int position;                   /* last position sent to the citizen, -1 = none */
	gboolean almost_sent;
	json_t *estimate;               /* last estimate sent (referenced) or NULL */
	gint64 consultation_started;    /* monotonic us */
	gboolean has_pc;                /* a JSEP went through this handle and no hangup since */
	gint64 pc_closing_since;        /* we asked Janus to close the PeerConnection (monotonic us) */
	gboolean renegotiating;         /* clerk: an offer went to the citizen, answer pending */
	char *renegotiate_transaction;  /* clerk: transaction of that renegotiate request */
	char *offer_sdp;                /* clerk: the SDP of its current offer (for citizen ICE restarts) */
	gboolean restarting;            /* citizen: ICE restart offer sent, answer pending */

	/* Strings also read by other threads (query_session, heartbeat): guarded by lock. */
	GMutex lock;
	char *ticket_number;
	char *office;
	char *clerk_token;              /* clerk session token; never logged */
	char *display_name;             /* clerk's display name */
	json_t *offices;                /* clerk's offices: array of strings */
};

/* Registry */
void bb_registry_init(void);
void bb_registry_clear(void);
bb_session *bb_session_create(janus_plugin_session *handle);
/* Returns a new reference or NULL. */
bb_session *bb_session_lookup(janus_plugin_session *handle);
/* Removes the handle's session from the registry, marks it destroyed, returns the registry's
 * reference (the caller now owns it) or NULL. */
bb_session *bb_session_remove(janus_plugin_session *handle);
void bb_session_unref(bb_session *s);
bb_session *bb_session_ref(bb_session *s);

/* Ticket index: which citizen session holds a ticket. Binding a ticket another session holds
 * moves it (resume-token takeover); the previous holder is returned referenced. */
bb_session *bb_registry_bind_ticket(bb_session *s, gint64 ticket_id, const char *number,
	const char *office);
void bb_registry_unbind_ticket(bb_session *s);
bb_session *bb_registry_ticket_owner(gint64 ticket_id);
/* Clerks: add once logged in. */
void bb_registry_add_clerk(bb_session *s);
/* Referenced sessions (free the array to drop them). role < 0: all. */
GPtrArray *bb_registry_snapshot(int role);
/* Ticket ids of attached citizens (for hello) as a JSON array. */
json_t *bb_registry_ticket_ids(void);
/* Clerk session tokens held by this instance (for heartbeat) as a JSON array. */
json_t *bb_registry_clerk_tokens(void);
json_t *bb_registry_stats(void);

/* The one state-change function: refuses transitions the role does not allow (logged). */
gboolean bb_session_set_state(bb_session *s, bb_state to);
bb_state bb_session_state(bb_session *s);
bb_role bb_session_role(bb_session *s);
const char *bb_state_name(bb_state st);
/* Whether a clerk serves an office (its offices list). */
gboolean bb_session_serves(bb_session *s, const char *office);
/* Set guarded strings (NULL clears). */
void bb_session_set_ticket_info(bb_session *s, const char *number, const char *office);
/* Short identity for log lines: "handle 0x.. citizen KFZ-017". */
json_t *bb_session_describe(bb_session *s);

#endif
