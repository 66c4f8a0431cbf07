/* ticket_state.h: the ticket state machine. Every state change in the service is checked here
 * first (and again by a trigger in the database). */
#ifndef BB_TICKET_STATE_H
#define BB_TICKET_STATE_H

#include <glib.h>

typedef enum bb_ticket_state {
	BB_TICKET_WAITING = 0,
	BB_TICKET_CALLED,
	BB_TICKET_IN_CONSULTATION,
	BB_TICKET_DONE,
	BB_TICKET_NO_SHOW,
	BB_TICKET_CANCELLED,
	BB_TICKET_EXPIRED,
	BB_TICKET_N_STATES
} bb_ticket_state;

/* Why the state changes; the same target state can be reached by several events. */
typedef enum bb_ticket_event {
	BB_EV_CALL = 0,       /* waiting -> called */
	BB_EV_ACCEPT,         /* called -> in_consultation */
	BB_EV_FINISH,         /* in_consultation -> done */
	BB_EV_NO_SHOW,        /* called | in_consultation -> no_show */
	BB_EV_CANCEL,         /* waiting | called -> cancelled (citizen left) */
	BB_EV_EXPIRE,         /* waiting | called -> expired (grace passed, office closed) */
	BB_EV_REQUEUE,        /* called | in_consultation -> waiting (arrival kept) */
	BB_EV_TRANSFER,       /* waiting | called | in_consultation -> waiting in another office */
	BB_EV_RECOVER,        /* called | in_consultation -> waiting at the front (its node crashed) */
	BB_EV_N_EVENTS
} bb_ticket_event;

const char *bb_ticket_state_name(bb_ticket_state s);       /* "waiting", "in_consultation", ... */
/* Returns FALSE for an unknown name. */
gboolean bb_ticket_state_parse(const char *name, bb_ticket_state *out);
const char *bb_ticket_event_name(bb_ticket_event e);
/* The one transition function: returns TRUE and sets *to when `ev` is legal in `from`. */
gboolean bb_ticket_transition(bb_ticket_state from, bb_ticket_event ev, bb_ticket_state *to)
	G_GNUC_WARN_UNUSED_RESULT;
gboolean bb_ticket_state_is_final(bb_ticket_state s);

#endif
