/* ticket_state.h: the ticket state machine. Every state change in the service is checked here
 * first (and again by a trigger in the database). The states, events and transitions are the
 * catalogue's (protocol/values.json, lists ticket_state and ticket_event), generated into
 * bb_protocol.h; the names below are this service's short names for them. */
#ifndef BB_TICKET_STATE_H
#define BB_TICKET_STATE_H

#include <glib.h>

#include "bb_protocol.h"

typedef bb_proto_ticket_state bb_ticket_state;
#define BB_TICKET_WAITING BB_TICKET_STATE_WAITING
#define BB_TICKET_CALLED BB_TICKET_STATE_CALLED
#define BB_TICKET_IN_CONSULTATION BB_TICKET_STATE_IN_CONSULTATION
#define BB_TICKET_DONE BB_TICKET_STATE_DONE
#define BB_TICKET_NO_SHOW BB_TICKET_STATE_NO_SHOW
#define BB_TICKET_CANCELLED BB_TICKET_STATE_CANCELLED
#define BB_TICKET_EXPIRED BB_TICKET_STATE_EXPIRED
#define BB_TICKET_N_STATES BB_TICKET_STATE_N

/* Why the state changes; the same target state can be reached by several events. */
typedef bb_proto_ticket_event bb_ticket_event;
#define BB_EV_CALL BB_TICKET_EVENT_CALL             /* waiting -> called */
#define BB_EV_ACCEPT BB_TICKET_EVENT_ACCEPT         /* called -> in_consultation */
#define BB_EV_FINISH BB_TICKET_EVENT_FINISH         /* in_consultation -> done */
#define BB_EV_NO_SHOW BB_TICKET_EVENT_NO_SHOW       /* called | in_consultation -> no_show */
#define BB_EV_CANCEL BB_TICKET_EVENT_CANCEL         /* waiting | called -> cancelled (citizen left) */
#define BB_EV_EXPIRE BB_TICKET_EVENT_EXPIRE         /* waiting | called -> expired (grace passed, office closed) */
#define BB_EV_REQUEUE BB_TICKET_EVENT_REQUEUE       /* called | in_consultation -> waiting (arrival kept) */
#define BB_EV_TRANSFER BB_TICKET_EVENT_TRANSFER     /* waiting | called | in_consultation -> waiting in another office */
#define BB_EV_RECOVER BB_TICKET_EVENT_RECOVER       /* called | in_consultation -> waiting at the front (its node crashed) */
#define BB_EV_N_EVENTS BB_TICKET_EVENT_N

const char *bb_ticket_state_name(bb_ticket_state s);       /* "waiting", "in_consultation", ... */
/* Returns FALSE for an unknown name. */
gboolean bb_ticket_state_parse(const char *name, bb_ticket_state *out);
const char *bb_ticket_event_name(bb_ticket_event e);
/* The one transition function: returns TRUE and sets *to when `ev` is legal in `from`. */
gboolean bb_ticket_transition(bb_ticket_state from, bb_ticket_event ev, bb_ticket_state *to)
	G_GNUC_WARN_UNUSED_RESULT;
gboolean bb_ticket_state_is_final(bb_ticket_state s);

#endif
