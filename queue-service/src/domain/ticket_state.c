/* ticket_state.c: the ticket state machine as one table of legal transitions. */
#include "domain/ticket_state.h"

#include <string.h>

/* Marks a (state, event) pair that is not allowed. */
#define ILLEGAL (-1)

/* The whole machine as data: transitions[from][event] is the target state or ILLEGAL.
 * Final states (done, no_show, cancelled, expired) have rows of ILLEGAL only. The database
 * trigger ticket_check_transition() (sql/migrations) checks the (from, to) pairs of this
 * table; tests/unit/test_ticket_state.c fails when the two disagree. */
static const int transitions[BB_TICKET_N_STATES][BB_EV_N_EVENTS] = {
	[BB_TICKET_WAITING] = {
		[BB_EV_CALL] = BB_TICKET_CALLED,
		[BB_EV_ACCEPT] = ILLEGAL,
		[BB_EV_FINISH] = ILLEGAL,
		[BB_EV_NO_SHOW] = ILLEGAL,
		[BB_EV_CANCEL] = BB_TICKET_CANCELLED,
		[BB_EV_EXPIRE] = BB_TICKET_EXPIRED,
		[BB_EV_REQUEUE] = ILLEGAL,
		[BB_EV_TRANSFER] = BB_TICKET_WAITING,
		[BB_EV_RECOVER] = ILLEGAL,
	},
	[BB_TICKET_CALLED] = {
		[BB_EV_CALL] = ILLEGAL,
		[BB_EV_ACCEPT] = BB_TICKET_IN_CONSULTATION,
		[BB_EV_FINISH] = ILLEGAL,
		[BB_EV_NO_SHOW] = BB_TICKET_NO_SHOW,
		[BB_EV_CANCEL] = BB_TICKET_CANCELLED,
		[BB_EV_EXPIRE] = BB_TICKET_EXPIRED,
		[BB_EV_REQUEUE] = BB_TICKET_WAITING,
		[BB_EV_TRANSFER] = BB_TICKET_WAITING,
		[BB_EV_RECOVER] = BB_TICKET_WAITING,
	},
	[BB_TICKET_IN_CONSULTATION] = {
		[BB_EV_CALL] = ILLEGAL,
		[BB_EV_ACCEPT] = ILLEGAL,
		[BB_EV_FINISH] = BB_TICKET_DONE,
		[BB_EV_NO_SHOW] = BB_TICKET_NO_SHOW,
		[BB_EV_CANCEL] = ILLEGAL,
		[BB_EV_EXPIRE] = ILLEGAL,
		[BB_EV_REQUEUE] = BB_TICKET_WAITING,
		[BB_EV_TRANSFER] = BB_TICKET_WAITING,
		[BB_EV_RECOVER] = BB_TICKET_WAITING,
	},
	[BB_TICKET_DONE] = {
		ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL,
	},
	[BB_TICKET_NO_SHOW] = {
		ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL,
	},
	[BB_TICKET_CANCELLED] = {
		ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL,
	},
	[BB_TICKET_EXPIRED] = {
		ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL, ILLEGAL,
	},
};

/* Catch a new event added to the enum without a column here. */
G_STATIC_ASSERT(BB_EV_N_EVENTS == 9);

static const char *const state_names[BB_TICKET_N_STATES] = {
	[BB_TICKET_WAITING] = "waiting",
	[BB_TICKET_CALLED] = "called",
	[BB_TICKET_IN_CONSULTATION] = "in_consultation",
	[BB_TICKET_DONE] = "done",
	[BB_TICKET_NO_SHOW] = "no_show",
	[BB_TICKET_CANCELLED] = "cancelled",
	[BB_TICKET_EXPIRED] = "expired",
};

static const char *const event_names[BB_EV_N_EVENTS] = {
	[BB_EV_CALL] = "call",
	[BB_EV_ACCEPT] = "accept",
	[BB_EV_FINISH] = "finish",
	[BB_EV_NO_SHOW] = "no_show",
	[BB_EV_CANCEL] = "cancel",
	[BB_EV_EXPIRE] = "expire",
	[BB_EV_REQUEUE] = "requeue",
	[BB_EV_TRANSFER] = "transfer",
	[BB_EV_RECOVER] = "recover",
};

static gboolean state_valid(bb_ticket_state s)
{
	return (int)s >= 0 && s < BB_TICKET_N_STATES;
}

static gboolean event_valid(bb_ticket_event e)
{
	return (int)e >= 0 && e < BB_EV_N_EVENTS;
}

const char *bb_ticket_state_name(bb_ticket_state s)
{
	return state_valid(s) ? state_names[s] : "unknown";
}

gboolean bb_ticket_state_parse(const char *name, bb_ticket_state *out)
{
	if (name == NULL)
		return FALSE;
	for (int i = 0; i < BB_TICKET_N_STATES; i++) {
		if (strcmp(name, state_names[i]) == 0) {
			if (out != NULL)
				*out = (bb_ticket_state)i;
			return TRUE;
		}
	}
	return FALSE;
}

const char *bb_ticket_event_name(bb_ticket_event e)
{
	return event_valid(e) ? event_names[e] : "unknown";
}

/* The only place that decides whether a ticket may change state; out-of-range inputs (a
 * corrupted value from the database, say) are simply illegal rather than a crash. */
gboolean bb_ticket_transition(bb_ticket_state from, bb_ticket_event ev, bb_ticket_state *to)
{
	if (!state_valid(from) || !event_valid(ev))
		return FALSE;
	int target = transitions[from][ev];
	if (target == ILLEGAL)
		return FALSE;
	if (to != NULL)
		*to = (bb_ticket_state)target;
	return TRUE;
}

/* A state is final when no event leads out of it; derived from the table so that the two
 * can never disagree. */
gboolean bb_ticket_state_is_final(bb_ticket_state s)
{
	if (!state_valid(s))
		return FALSE;
	for (int e = 0; e < BB_EV_N_EVENTS; e++) {
		if (transitions[s][e] != ILLEGAL)
			return FALSE;
	}
	return TRUE;
}
