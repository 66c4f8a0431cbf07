/* bb_session.h: one plugin session per Janus handle (refcount, state machine per role, the
 * handle's PeerConnection as the plugin knows it) and the registry of sessions. */
#ifndef BB_SESSION_H
#define BB_SESSION_H

#include <glib.h>
#include <jansson.h>
#include <janus/plugins/plugin.h>
#include <janus/refcount.h>

typedef struct bb_session bb_session;
struct bb_consultation;

typedef enum bb_role {
	BB_ROLE_CITIZEN = 0,   /* every handle starts as a citizen */
	BB_ROLE_CLERK,         /* after a successful login; never changes back */
	BB_ROLE_INTERPRETER,   /* joined a consultation with an invitation (`interpret`); never changes back */
	BB_N_ROLES
} bb_role;

/* One enum for both roles; bb_session_set_state() knows which transitions each role may make.
 * Citizen: idle -> waiting -> called -> in_consultation -> wrap_up -> idle (or back to waiting).
 * Clerk:   idle (ready) -> calling -> in_consultation -> wrap_up -> idle.
 * Interpreter: idle -> in_consultation -> idle (left, or the consultation ended).
 * The consultation (consultation/bb_consultation.h) has its own state; these say what the
 * handle may do next. */
typedef enum bb_state {
	BB_STATE_IDLE = 0,
	BB_STATE_WAITING,          /* citizen holds a waiting ticket */
	BB_STATE_CALLED,           /* citizen is being called */
	BB_STATE_CALLING,          /* clerk is calling a citizen */
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

	/* Media hot path (consultation/bb_media.c). media_peer is set by the handler thread, only
	 * while it is NULL, with a reference of its own; it is cleared only on this handle's own loop
	 * thread (hangup_media), or once the handle is gone, so the thread that relays this handle's
	 * packets is the only one that ever drops it: no reader can see it freed. `relay` switches
	 * relaying on and off at once, from any thread. */
	bb_session *media_peer;
	volatile gint relay;
	volatile gint bitrate;          /* REMB cap for this sender (bit/s), 0 = none */
	volatile gint packets_in;       /* RTP packets received from this handle */

	/* The third participant (consultation/bb_interpreter.h): media_third is, for clerk and
	 * citizen, the interpreter and, for the interpreter, the citizen (its media_peer is the
	 * clerk). Set like media_peer. When the interpreter leaves while clerk and citizen go on,
	 * the handler thread takes the pointer away (compare-and-exchange) but keeps its reference
	 * in third_released until this session is freed: a packet of this handle's loop thread that
	 * read the pointer just before still finds valid memory. The layout below is written by the
	 * handler thread before relay or third_relay turns on, and only read by the hot path after. */
	bb_session *media_third;
	volatile gint third_relay;
	GPtrArray *third_released;      /* handler thread; references dropped in session_free */
	struct {
		gint send_mindex[2];        /* [audio, video]: the m-lines carrying this handle's own media */
		gint recv_mindex[2][2];     /* [0 from media_peer, 1 from media_third][audio, video]; -1 as sent */
		gint recv_pt[2][2];         /* payload type to use there; -1 keep */
		gint send_pt[2];            /* payload type of the codec this handle sends; -1 unknown */
	} layout;

	/* Handler-thread state. */
	struct bb_consultation *consultation;   /* referenced while the handle takes part in one */
	gint64 ticket_id;               /* citizen: its ticket (0 = none) */
	int position;                   /* last position sent to the citizen, -1 = none */
	gboolean almost_sent;
	json_t *estimate;               /* last estimate sent (referenced) or NULL */
	gboolean has_pc;                /* Janus holds a PeerConnection (or the start of one) */
	gboolean pc_closing;            /* we asked Janus to close it; its hangup_media is pending */
	gboolean busy;                  /* a request of this handle is being handled */
	GQueue backlog;                 /* requests (bb_work*) that arrived meanwhile, in order */

	/* Strings also read by other threads (query_session, heartbeat): guarded by lock. */
	GMutex lock;
	char *ticket_number;
	char *office;
	char *clerk_token;              /* clerk session token; never logged */
	char *display_name;             /* clerk's display name */
	json_t *offices;                /* clerk's offices: array of strings */
};

/* Handler thread: takes media_third away while this handle's loop thread may still relay (see
 * third_released). Turn third_relay off first. */
void bb_session_release_third(bb_session *s);
/* The media layout back to "relay as it came" (no third participant known). */
void bb_session_layout_reset(bb_session *s);

/* Registry */
void bb_registry_init(void);
void bb_registry_clear(void);
bb_session *bb_session_create(janus_plugin_session *handle);
/* Number of sessions (handles) right now. */
guint bb_registry_count(void);
/* Returns a new reference or NULL. */
bb_session *bb_session_lookup(janus_plugin_session *handle);
/* Removes the handle's session from the registry, marks it destroyed, returns the registry's
 * reference (the caller now owns it) or NULL. */
bb_session *bb_session_remove(janus_plugin_session *handle);
void bb_session_unref(bb_session *s);
bb_session *bb_session_ref(bb_session *s);
/* Destroyed, or Janus is tearing the handle down: nothing more goes to it. */
gboolean bb_session_gone(bb_session *s);

/* Ticket index: which citizen session holds a ticket. Binding a ticket another session holds
 * moves it (resume-token takeover); the previous holder is returned referenced. */
bb_session *bb_registry_bind_ticket(bb_session *s, gint64 ticket_id, const char *number,
	const char *office);
void bb_registry_unbind_ticket(bb_session *s);
bb_session *bb_registry_ticket_owner(gint64 ticket_id);
/* Tickets in a consultation on this node (for hello: the service recovers the others). */
void bb_registry_hold_consultation(gint64 ticket_id);
void bb_registry_release_consultation(gint64 ticket_id);
/* Clerks: add once logged in. */
void bb_registry_add_clerk(bb_session *s);
/* Referenced sessions (free the array to drop them). role < 0: all. */
GPtrArray *bb_registry_snapshot(int role);
/* Arguments of hello: {"tickets": [...], "consultations": [...]} (any thread). */
json_t *bb_registry_hello_args(void);
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
/* Copies of guarded strings (g_free them). */
char *bb_session_ticket_number(bb_session *s);
char *bb_session_office(bb_session *s);
char *bb_session_display_name(bb_session *s);
/* Clerk's session token as a JSON string for queue-service arguments (new reference). */
json_t *bb_session_clerk_token_json(bb_session *s);
/* A citizen's view of its ticket from a queue-service `ticket`: records number, office and
 * position on the session and returns {number, office, position} (new reference). */
json_t *bb_session_ticket_view(bb_session *citizen, json_t *ticket);
/* What the admin API's handle_info shows: no names, concerns or tokens. */
json_t *bb_session_describe(bb_session *s);

/* The handle's PeerConnection. A JSEP offer from the browser, or one we pushed, means Janus is
 * building a PeerConnection: note it. Closing asks Janus to tear it down (close_pc); Janus
 * confirms with hangup_media, after which a new PeerConnection may start on the handle. */
void bb_session_pc_started(bb_session *s);
void bb_session_close_pc(bb_session *s);
/* hangup_media arrived (handler thread): returns TRUE when the plugin had asked for it. */
gboolean bb_session_pc_ended(bb_session *s);

#endif
