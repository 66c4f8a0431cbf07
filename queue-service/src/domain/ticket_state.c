/* ticket_state.c: the ticket state machine, on the catalogue's transition table. */
#include "domain/ticket_state.h"

#include <string.h>

/* The whole machine is data: bb_ticket_transitions[from][event] (generated from
 * protocol/values.json) is the target state or -1. The database trigger
 * ticket_check_transition() (sql/migrations) checks the (from, to) pairs of the same table;
 * tests/unit/test_ticket_state.c fails when the two disagree. */

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
	return state_valid(s) ? bb_ticket_state_names[s] : "unknown";
}

gboolean bb_ticket_state_parse(const char *name, bb_ticket_state *out)
{
	int i = bb_proto_lookup(bb_ticket_state_names, BB_TICKET_N_STATES, name);
	if (i < 0)
		return FALSE;
	if (out != NULL)
		*out = (bb_ticket_state)i;
	return TRUE;
}

const char *bb_ticket_event_name(bb_ticket_event e)
{
	return event_valid(e) ? bb_ticket_event_names[e] : "unknown";
}

/* The only place that decides whether a ticket may change state; out-of-range inputs (a
 * corrupted value from the database, say) are simply illegal rather than a crash. */
gboolean bb_ticket_transition(bb_ticket_state from, bb_ticket_event ev, bb_ticket_state *to)
{
	if (!state_valid(from) || !event_valid(ev))
		return FALSE;
	int target = bb_ticket_transitions[from][ev];
	if (target < 0)
		return FALSE;
	if (to != NULL)
		*to = (bb_ticket_state)target;
	return TRUE;
}

/* A state is final when no event leads out of it; the catalogue says the same (a test checks). */
gboolean bb_ticket_state_is_final(bb_ticket_state s)
{
	if (!state_valid(s))
		return FALSE;
	for (int e = 0; e < BB_EV_N_EVENTS; e++)
		if (bb_ticket_transitions[s][e] >= 0)
			return FALSE;
	return TRUE;
}
