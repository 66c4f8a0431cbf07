/* tickets.h: waiting-room tickets in PostgreSQL. Every state change goes through
 * bb_ticket_apply(), which asks bb_ticket_transition() (domain/ticket_state.h) which states may
 * take the event and issues one UPDATE guarded by `state = ANY(those)`; the database trigger
 * checks the same table again. Numbers come from a per-office-and-day counter row whose upsert
 * also serialises joins per office, so capacity holds under concurrency. Changes are reported
 * through the sink (store/app.h), never to the sync layer directly. */
#ifndef BB_TICKETS_H
#define BB_TICKETS_H

#include "domain/ticket_state.h"
#include "store/app.h"

/* Columns every ticket query selects (alias t), in this order. */
#define BB_TICKET_COLS "t.id, t.number, t.office_id, t.state, t.priority, " \
	"extract(epoch FROM t.arrived_at)::bigint, t.name, t.concern, t.clerk_id, " \
	"greatest(0, extract(epoch FROM now() - t.arrived_at))::bigint, t.lang, " \
	"CASE WHEN t.callback_email IS NULL OR t.detached_at IS NULL THEN NULL " \
	"ELSE coalesce(extract(epoch FROM t.callback_turn_at)::bigint, 0) END, t.needs_interpreter"
/* Queries add their own columns after these (BB_TCOL_N, BB_TCOL_N + 1, ...), never by the
 * index of the last ticket column, so a new ticket column goes at the end of both lists. */
enum {
	BB_TCOL_ID, BB_TCOL_NUMBER, BB_TCOL_OFFICE, BB_TCOL_STATE, BB_TCOL_PRIORITY,
	BB_TCOL_ARRIVED, BB_TCOL_NAME, BB_TCOL_CONCERN, BB_TCOL_CLERK, BB_TCOL_WAITED, BB_TCOL_LANG,
	BB_TCOL_CALLBACK,   /* away with a callback address (store/callback.h): 0, or when its turn came */
	BB_TCOL_NEEDS_INTERPRETER,
	BB_TCOL_N   /* the first column a query selects after BB_TICKET_COLS */
};

/* The `ticket` object of docs/internal-api.md from a row selected with BB_TICKET_COLS. */
json_t *bb_ticket_json(const PGresult *r, int row, int position);

typedef struct bb_ticket_change {
	bb_ticket_event event;
	gint64 ticket_id;            /* 0 with BB_EV_CALL: claim the next waiting, attached ticket */
	const char *const *offices;  /* the ticket must be in one of these (NULL = any office) */
	int n_offices;
	int clerk_id;                /* CALL: the calling clerk */
	const char *outcome;         /* FINISH: served | forwarded */
	const char *to_office;       /* TRANSFER */
	const char *reason;          /* EXPIRE: grace | closing */
} bb_ticket_change;

/* The one state-change function. On success returns the changed ticket (BB_TICKET_COLS; PQclear
 * it), marks the office(s) dirty and queues the matching event. Errors: not_found, forbidden,
 * conflict (CALL of a ticket taken meanwhile), no_ticket (claim), illegal_transition,
 * unavailable. */
PGresult *bb_ticket_apply(bb_app *app, const bb_ticket_change *ch, bb_err *err);

/* The office fields are copied from the office cache by the caller on the lws thread, so that
 * the join itself may run on a worker thread (db/pool.h). */
typedef struct bb_join_args {
	const char *office;
	const char *prefix, *timezone;
	int capacity;
	const char *name, *concern;
	const char *lang;            /* citizen_lang or NULL */
	gboolean needs_interpreter;  /* the citizen asked for a sign-language interpreter */
	const char *instance;        /* plugin instance holding the citizen's connection */
	int priority;
} bb_join_args;

/* Draws a ticket; returns the ticket JSON and sets *token (the plain resume token, shown once).
 * A full waiting room is err `full` without `slots` (the caller adds them). */
json_t *bb_ticket_join(bb_app *app, const bb_join_args *a, char **token, bb_err *err);
/* Resumes a ticket by its resume token within the grace period; issues a new token. */
json_t *bb_ticket_resume(bb_app *app, const char *token, const char *instance, char **new_token, bb_err *err);
/* The citizen's connection is gone: start the grace period. */
gboolean bb_ticket_detach(bb_app *app, gint64 id, bb_err *err);
/* An interpreter joined the consultation of `clerk`'s ticket `id` (statistics only). */
gboolean bb_ticket_interpreted(bb_app *app, gint64 id, int clerk, bb_err *err);
/* Ticket JSON with current position (for responses after a change). */
json_t *bb_ticket_json_with_position(bb_app *app, const PGresult *r, int row, bb_err *err);
/* The `recovered` event of a ticket row (BB_TICKET_COLS) with its current position. */
json_t *bb_ticket_recovered_event(bb_app *app, const PGresult *r, int row);
/* The ticket of a resume token that a consultation holds (0 = none): its citizen is back on a new
 * handle, so that consultation is gone (store/recovery.h). */
gint64 bb_ticket_held_by_token(bb_app *app, const char *token);
/* After `hello`: tickets of `instance` not in `attached` start their grace period, listed ones
 * are attached again. */
gboolean bb_tickets_resync(bb_app *app, const char *instance, const char *const *attached, int n, bb_err *err);
/* All tickets of an instance start their grace period (its last connection closed). */
void bb_tickets_detach_instance(bb_app *app, const char *instance);

#endif
