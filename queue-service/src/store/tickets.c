/* tickets.c: ticket creation, resume, detach and the single state-change function. */
#include "store/tickets.h"
#include "base/jsonutil.h"
#include "base/logging.h"
#include "base/secret.h"

#include <stdlib.h>
#include <string.h>

/* `callback`: null, or the citizen is away with a callback address and comes back by the mail's
 * link; `turn_at` says since when the place is held (their turn came while away). The address
 * itself never leaves the database. */
static json_t *callback_json(const PGresult *r, int row)
{
	if (PQgetisnull(r, row, BB_TCOL_CALLBACK))
		return json_null();
	gint64 turn = bb_db_int(r, row, BB_TCOL_CALLBACK);
	return json_pack("{s:o}", "turn_at", turn > 0 ? bb_json_time(turn) : json_null());
}

json_t *bb_ticket_json(const PGresult *r, int row, int position)
{
	return json_pack("{s:I, s:s, s:s, s:s, s:i, s:I, s:o, s:I, s:o, s:o, s:o, s:b, s:n, s:o}",
		"id", (json_int_t)bb_db_int(r, row, BB_TCOL_ID),
		"number", PQgetvalue(r, row, BB_TCOL_NUMBER),
		"office", PQgetvalue(r, row, BB_TCOL_OFFICE),
		"state", PQgetvalue(r, row, BB_TCOL_STATE),
		"position", position,
		"priority", (json_int_t)bb_db_int(r, row, BB_TCOL_PRIORITY),
		"arrived_at", bb_json_time(bb_db_int(r, row, BB_TCOL_ARRIVED)),
		"waited_s", (json_int_t)bb_db_int(r, row, BB_TCOL_WAITED),
		"name", bb_json_str_or_null(bb_db_str(r, row, BB_TCOL_NAME)),
		"concern", bb_json_str_or_null(bb_db_str(r, row, BB_TCOL_CONCERN)),
		"lang", bb_json_str_or_null(bb_db_str(r, row, BB_TCOL_LANG)),
		"needs_interpreter", strcmp(PQgetvalue(r, row, BB_TCOL_NEEDS_INTERPRETER), "t") == 0,
		"appointment", "callback", callback_json(r, row));
}

json_t *bb_ticket_json_with_position(bb_app *app, const PGresult *r, int row, bb_err *err)
{
	int pos = 0;
	if (strcmp(PQgetvalue(r, row, BB_TCOL_STATE), "waiting") == 0) {
		const char *p[] = {PQgetvalue(r, row, BB_TCOL_ID)};
		GError *e = NULL;
		PGresult *c = bb_db_exec(bb_app_db(app),
			"SELECT count(*) FROM ticket t JOIN ticket w ON w.office_id = t.office_id AND w.state = 'waiting' "
			"AND (w.priority > t.priority OR (w.priority = t.priority AND (w.arrived_at, w.id) < (t.arrived_at, t.id))) "
			"WHERE t.id = $1", 1, p, &e);
		if (!c) {
			bb_err_from_db(err, e);
			return NULL;
		}
		pos = (int)bb_db_int(c, 0, 0);
		PQclear(c);
	}
	return bb_ticket_json(r, row, pos);
}

/* ---- the state-change function ------------------------------------------------------------ */

/* What each event writes besides `state` ($X = the event's argument, if any). */
static const struct {
	const char *set;
	gboolean has_arg;
} event_sql[BB_EV_N_EVENTS] = {
	[BB_EV_CALL] = {"called_at = now(), clerk_id = $X::int", TRUE},
	[BB_EV_ACCEPT] = {"in_consultation_at = now()", FALSE},
	[BB_EV_FINISH] = {"done_at = now(), outcome = $X", TRUE},
	[BB_EV_NO_SHOW] = {"no_show_at = now(), outcome = 'no_show'", FALSE},
	[BB_EV_CANCEL] = {"cancelled_at = now()", FALSE},
	[BB_EV_EXPIRE] = {"expired_at = now(), expire_reason = $X", TRUE},
	[BB_EV_REQUEUE] = {"waiting_at = now(), called_at = NULL, in_consultation_at = NULL, clerk_id = NULL", FALSE},
	[BB_EV_TRANSFER] = {"waiting_at = now(), called_at = NULL, in_consultation_at = NULL, clerk_id = NULL, "
		"office_id = $X, transfers = transfers + 1", TRUE},
	/* the front of the queue (highest priority, arrival kept); the citizen's connection went
	 * with the node, so its grace period runs until it resumes */
	[BB_EV_RECOVER] = {"waiting_at = now(), called_at = NULL, in_consultation_at = NULL, clerk_id = NULL, "
		"priority = 100, detached_at = coalesce(detached_at, now())", FALSE},
};

/* Collects the states from which `ev` is legal; all lead to the same target. */
static int from_states(bb_ticket_event ev, const char **names, bb_ticket_state *to)
{
	int n = 0;
	for (int s = 0; s < BB_TICKET_N_STATES; s++) {
		bb_ticket_state t;
		if (bb_ticket_transition((bb_ticket_state)s, ev, &t)) {
			names[n++] = bb_ticket_state_name((bb_ticket_state)s);
			*to = t;
		}
	}
	return n;
}

/* Appends a parameter and returns its placeholder ("$3"). */
static const char *param(GPtrArray *vals, GPtrArray *owned, const char *v)
{
	g_ptr_array_add(vals, (gpointer)v);
	char *ph = g_strdup_printf("$%u", vals->len);
	g_ptr_array_add(owned, ph);
	return ph;
}

/* Explains a 0-row UPDATE: which error the caller gets. */
static void explain_miss(bb_app *app, const bb_ticket_change *ch, bb_err *err)
{
	if (ch->ticket_id == 0) {
		bb_err_set(err, "no_ticket", "nobody is waiting in your offices");
		return;
	}
	g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, ch->ticket_id);
	const char *p[] = {id};
	GError *e = NULL;
	PGresult *r = bb_db_exec(bb_app_db(app), "SELECT state, office_id FROM ticket WHERE id = $1", 1, p, &e);
	if (!r) {
		bb_err_from_db(err, e);
		return;
	}
	if (PQntuples(r) == 0) {
		bb_err_set(err, "not_found", "no such ticket");
	} else {
		gboolean visible = ch->offices == NULL;
		for (int i = 0; i < ch->n_offices && !visible; i++)
			visible = strcmp(ch->offices[i], PQgetvalue(r, 0, 1)) == 0;
		if (!visible)
			bb_err_set(err, "forbidden", "the ticket belongs to an office you do not serve");
		else if (ch->event == BB_EV_CALL)
			bb_err_set(err, "conflict", "the ticket is not waiting anymore (state %s)", PQgetvalue(r, 0, 0));
		else
			bb_err_set(err, "illegal_transition", "cannot %s a ticket in state %s",
				bb_ticket_event_name(ch->event), PQgetvalue(r, 0, 0));
	}
	PQclear(r);
}

/* What a citizen whose ticket expired at closing is offered instead: the appointment slots of
 * the offer hook (installed by the appointments module), or nothing. */
static json_t *offered_slots(bb_app *app, const char *office)
{
	return app->offer_hook ? app->offer_hook(app, office) : json_array();
}

json_t *bb_ticket_recovered_event(bb_app *app, const PGresult *r, int row)
{
	bb_err err = {0};
	json_t *t = bb_ticket_json_with_position(app, r, row, &err);
	bb_err_clear(&err);
	json_t *ev = json_pack("{s:s, s:I, s:s, s:s, s:O?}", "event", "recovered",
		"ticket", (json_int_t)bb_db_int(r, row, BB_TCOL_ID), "number", PQgetvalue(r, row, BB_TCOL_NUMBER),
		"office", PQgetvalue(r, row, BB_TCOL_OFFICE), "position", t ? json_object_get(t, "position") : NULL);
	if (t)
		json_decref(t);
	return ev;
}

/* Events other instances' plugins must hear about, derived from the change just made. */
static void queue_event(bb_app *app, const bb_ticket_change *ch, const PGresult *r)
{
	switch (ch->event) {
	case BB_EV_REQUEUE:
	case BB_EV_TRANSFER:
		bb_sink_event(app, json_pack("{s:s, s:s, s:o}", "event", "arrival",
			"office", PQgetvalue(r, 0, BB_TCOL_OFFICE), "ticket", bb_ticket_json(r, 0, 0)));
		break;
	case BB_EV_RECOVER:
		bb_sink_event(app, bb_ticket_recovered_event(app, r, 0));
		bb_sink_event(app, json_pack("{s:s, s:s, s:o}", "event", "arrival",
			"office", PQgetvalue(r, 0, BB_TCOL_OFFICE), "ticket", bb_ticket_json(r, 0, 0)));
		break;
	case BB_EV_NO_SHOW:
		bb_sink_event(app, json_pack("{s:s, s:I, s:s, s:I}", "event", "no_show",
			"ticket", (json_int_t)bb_db_int(r, 0, BB_TCOL_ID), "number", PQgetvalue(r, 0, BB_TCOL_NUMBER),
			"clerk", (json_int_t)bb_db_int(r, 0, BB_TCOL_CLERK)));
		break;
	case BB_EV_EXPIRE:
		bb_sink_event(app, json_pack("{s:s, s:I, s:s, s:s, s:o}", "event", "expired",
			"ticket", (json_int_t)bb_db_int(r, 0, BB_TCOL_ID), "reason", ch->reason ? ch->reason : "grace",
			"office", PQgetvalue(r, 0, BB_TCOL_OFFICE), "slots", ch->reason && strcmp(ch->reason, "closing") == 0
			? offered_slots(app, PQgetvalue(r, 0, BB_TCOL_OFFICE)) : json_array()));
		break;
	default:
		break;
	}
}

/* A call passes over waiting citizens who are away (detached): those who left a callback address
 * (store/callback.h) have had their turn now. Their place is held for callback_hold_s from here
 * (the "your turn now" mail and the hold's end: appointments/callback_mail.c); the clerk serves the
 * next one meanwhile. The call itself stands if marking fails (logged): such a ticket then
 * keeps waiting at the front until its citizen returns or the office closes. */
static void mark_callback_turns(bb_app *app, const char *called_id)
{
	const char *p[] = {called_id};
	bb_err err = {0};
	PGresult *r = bb_app_exec(app, "UPDATE ticket a SET callback_turn_at = now() FROM ticket c WHERE c.id = $1 "
		"AND a.office_id = c.office_id AND a.state = 'waiting' AND a.callback_email IS NOT NULL "
		"AND a.detached_at IS NOT NULL AND a.callback_turn_at IS NULL "
		"AND (a.priority > c.priority OR (a.priority = c.priority AND (a.arrived_at, a.id) < (c.arrived_at, c.id))) "
		"RETURNING a.id", 1, p, &err);
	if (!r) {
		bb_warn("tickets", "callback turn after call of ticket=%s not marked code=%s", called_id, err.code);
		bb_err_clear(&err);
		return;
	}
	for (int i = 0; i < PQntuples(r); i++)
		bb_info("tickets", "ticket=%s callback turn (away while a ticket behind was called)", PQgetvalue(r, i, 0));
	PQclear(r);
}

PGresult *bb_ticket_apply(bb_app *app, const bb_ticket_change *ch, bb_err *err)
{
	const char *froms[BB_TICKET_N_STATES];
	bb_ticket_state to = BB_TICKET_WAITING;
	int nf = from_states(ch->event, froms, &to);
	if (nf == 0) {
		bb_err_set(err, "internal", "unsupported ticket change");
		return NULL;
	}
	if (ch->ticket_id <= 0 && ch->event != BB_EV_CALL) {
		bb_err_set(err, "not_found", "no such ticket");
		return NULL;
	}
	g_autoptr(GPtrArray) vals = g_ptr_array_new();
	g_autoptr(GPtrArray) owned = g_ptr_array_new_with_free_func(g_free);
	g_autofree char *from_arr = bb_db_array_literal(froms, nf);
	g_autofree char *office_arr = ch->offices ? bb_db_array_literal(ch->offices, ch->n_offices) : NULL;
	g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, ch->ticket_id);
	g_autofree char *clerk = g_strdup_printf("%d", ch->clerk_id);
	const char *arg = ch->event == BB_EV_CALL ? clerk : ch->event == BB_EV_FINISH ? ch->outcome
		: ch->event == BB_EV_EXPIRE ? ch->reason : ch->to_office;

	GString *sql = g_string_new("UPDATE ticket t SET state = ");
	g_string_append(sql, param(vals, owned, bb_ticket_state_name(to)));
	g_string_append(sql, ", ");
	g_autofree char *set = g_strdup(event_sql[ch->event].set);
	if (event_sql[ch->event].has_arg) {
		g_auto(GStrv) parts = g_strsplit(set, "$X", 2);
		g_free(set);
		set = g_strconcat(parts[0], param(vals, owned, arg), parts[1], NULL);
	}
	g_string_append(sql, set);
	if (ch->ticket_id == 0) {
		g_string_append_printf(sql, " WHERE t.id = (SELECT id FROM ticket WHERE state = 'waiting' AND detached_at IS NULL "
			"AND office_id = ANY(%s::text[]) ORDER BY priority DESC, arrived_at, id LIMIT 1 FOR UPDATE SKIP LOCKED)",
			param(vals, owned, office_arr ? office_arr : "{}"));
	} else {
		g_string_append_printf(sql, " WHERE t.id = %s::bigint", param(vals, owned, id));
		if (office_arr)
			g_string_append_printf(sql, " AND t.office_id = ANY(%s::text[])", param(vals, owned, office_arr));
	}
	g_string_append_printf(sql, " AND t.state = ANY(%s::text[]) RETURNING " BB_TICKET_COLS,
		param(vals, owned, from_arr));

	/* A transfer changes two offices' queues: remember where the ticket was. */
	g_autofree char *old_office = NULL;
	if (ch->event == BB_EV_TRANSFER) {
		const char *p[] = {id};
		GError *e = NULL;
		PGresult *o = bb_db_exec(bb_app_db(app), "SELECT office_id FROM ticket WHERE id = $1", 1, p, &e);
		if (!o) {
			g_string_free(sql, TRUE);
			bb_err_from_db(err, e);
			return NULL;
		}
		if (PQntuples(o) == 1)
			old_office = g_strdup(PQgetvalue(o, 0, 0));
		PQclear(o);
	}

	GError *e = NULL;
	PGresult *r = bb_db_exec(bb_app_db(app), sql->str, (int)vals->len, (const char *const *)vals->pdata, &e);
	g_string_free(sql, TRUE);
	if (!r) {
		bb_err_from_db(err, e);
		return NULL;
	}
	if (PQntuples(r) == 0) {
		PQclear(r);
		explain_miss(app, ch, err);
		return NULL;
	}
	bb_debug("tickets", "ticket=%s event=%s to=%s", PQgetvalue(r, 0, BB_TCOL_ID),
		bb_ticket_event_name(ch->event), bb_ticket_state_name(to));
	bb_sink_office_dirty(app, PQgetvalue(r, 0, BB_TCOL_OFFICE));
	if (old_office)
		bb_sink_office_dirty(app, old_office);
	if (ch->event == BB_EV_CALL) {
		bb_sink_call(app, (double)bb_db_int(r, 0, BB_TCOL_WAITED));
		mark_callback_turns(app, PQgetvalue(r, 0, BB_TCOL_ID));
	}
	queue_event(app, ch, r);
	return r;
}

/* ---- join, resume, detach ------------------------------------------------------------------ */

/* The statements of a join inside the caller's transaction: number, capacity check, insert.
 * Returns the new row (BB_TICKET_COLS) or NULL with err set. */
static PGresult *join_in_tx(bb_app *app, const bb_join_args *a, const char *hash, bb_err *err)
{
	const char *p1[] = {a->office, a->timezone};
	PGresult *c = bb_app_exec(app, "INSERT INTO ticket_counter (office_id, day, last) "
		"VALUES ($1, (now() AT TIME ZONE $2)::date, 1) ON CONFLICT (office_id, day) "
		"DO UPDATE SET last = ticket_counter.last + 1 RETURNING last, day::text", 2, p1, err);
	if (!c)
		return NULL;
	g_autofree char *seq = g_strdup(PQgetvalue(c, 0, 0));
	g_autofree char *day = g_strdup(PQgetvalue(c, 0, 1));
	PQclear(c);
	/* The counter row lock is held now, and this is a new statement: its capacity count sees
	 * every committed join of the office. It also returns the position (column after the ticket
	 * columns), so a join costs four round trips including BEGIN and COMMIT. */
	g_autofree char *number = g_strdup_printf("%s-%03d", a->prefix, atoi(seq));
	g_autofree char *prio = g_strdup_printf("%d", a->priority);
	g_autofree char *ret = g_strdup_printf("%d", app->cfg.retention_s);
	g_autofree char *cap = g_strdup_printf("%d", a->capacity);
	const char *p3[] = {a->office, day, seq, number, a->name, a->concern, hash, prio, a->instance, ret, a->timezone,
		cap, a->lang, a->needs_interpreter ? "true" : "false"};
	PGresult *r = bb_app_exec(app, "WITH ins AS (INSERT INTO ticket (office_id, issued_office_id, day, seq, number, name, "
		"concern, resume_token_hash, priority, attached_instance, erase_after, lang, needs_interpreter) "
		"SELECT $1, $1, $2::date, $3::int, $4, $5, $6, $7, $8::int, $9, "
		"CASE WHEN $10::int > 0 THEN now() + make_interval(secs => $10::int) "
		"ELSE (date_trunc('day', now() AT TIME ZONE $11) + interval '1 day') AT TIME ZONE $11 END, $13, $14::boolean "
		/* checked-in appointment holders (priority > 0) have a reserved place: no capacity check */
		"WHERE ($8::int > 0 OR (SELECT count(*) FROM ticket WHERE office_id = $1 AND state = 'waiting') < $12::int) RETURNING *) "
		"SELECT " BB_TICKET_COLS ", (SELECT count(*) FROM ticket w WHERE w.office_id = t.office_id AND w.state = 'waiting' "
		"AND (w.priority > t.priority OR (w.priority = t.priority AND (w.arrived_at, w.id) < (t.arrived_at, t.id)))) "
		"FROM ins t", 14, p3, err);
	if (r && PQntuples(r) == 0) {
		PQclear(r);
		/* The caller adds the free appointment slots (office cache: lws thread only). */
		bb_err_set(err, "full", "the waiting room is full");
		return NULL;
	}
	return r;
}

json_t *bb_ticket_join(bb_app *app, const bb_join_args *a, char **token, bb_err *err)
{
	bb_db *db = bb_app_db(app);
	GError *e = NULL;
	if (!bb_db_begin(db, &e)) {
		bb_err_from_db(err, e);
		return NULL;
	}
	g_autofree char *tok = bb_token_new();
	g_autofree char *hash = bb_token_hash(tok);
	PGresult *t = join_in_tx(app, a, hash, err);
	json_t *ticket = t ? bb_ticket_json(t, 0, (int)bb_db_int(t, 0, BB_TCOL_N)) : NULL;
	if (!ticket || !bb_db_commit(db, &e)) {
		if (e)
			bb_err_from_db(err, e);
		if (ticket)
			json_decref(ticket);
		if (t)
			PQclear(t);
		bb_db_rollback(db);
		return NULL;
	}
	bb_sink_ticket_created(app);
	bb_sink_office_dirty(app, a->office);
	bb_sink_event(app, json_pack("{s:s, s:s, s:o}", "event", "arrival", "office", a->office,
		"ticket", bb_ticket_json(t, 0, (int)json_integer_value(json_object_get(ticket, "position")))));
	PQclear(t);
	*token = g_steal_pointer(&tok);
	return ticket;
}

json_t *bb_ticket_resume(bb_app *app, const char *token, const char *instance, char **new_token, bb_err *err)
{
	g_autofree char *old_hash = bb_token_hash(token);
	g_autofree char *tok = bb_token_new();
	g_autofree char *hash = bb_token_hash(tok);
	const char *p[] = {old_hash, hash, instance};
	/* The token of a callback mail's link resumes too (store/callback.h), and a waiting ticket
	 * with a callback address is kept past the grace period. */
	PGresult *r = bb_app_exec(app, "UPDATE ticket t SET resume_token_hash = $2, detached_at = NULL, attached_instance = $3 "
		"FROM office o WHERE o.id = t.office_id AND (t.resume_token_hash = $1 OR t.callback_token_hash = $1) "
		"AND t.state IN ('waiting', 'called') AND (t.detached_at IS NULL OR t.detached_at > now() - make_interval(secs => o.grace_s) "
		"OR (t.state = 'waiting' AND t.callback_email IS NOT NULL)) "
		"RETURNING " BB_TICKET_COLS, 3, p, err);
	if (!r)
		return NULL;
	if (PQntuples(r) == 0) {
		PQclear(r);
		bb_err_set(err, "invalid_token", "the resume token is wrong or the ticket cannot be resumed anymore");
		return NULL;
	}
	json_t *ticket = bb_ticket_json_with_position(app, r, 0, err);
	if (ticket) {
		bb_sink_office_dirty(app, PQgetvalue(r, 0, BB_TCOL_OFFICE));
		*new_token = g_steal_pointer(&tok);
	}
	PQclear(r);
	return ticket;
}

gboolean bb_ticket_detach(bb_app *app, gint64 id, bb_err *err)
{
	g_autofree char *ids = g_strdup_printf("%" G_GINT64_FORMAT, id);
	const char *p[] = {ids};
	PGresult *r = bb_app_exec(app, "WITH d AS (UPDATE ticket SET detached_at = coalesce(detached_at, now()) WHERE id = $1 "
		"AND state IN ('waiting', 'called') RETURNING office_id) "
		"SELECT (SELECT office_id FROM d), EXISTS (SELECT 1 FROM ticket WHERE id = $1)", 1, p, err);
	if (!r)
		return FALSE;
	if (PQgetisnull(r, 0, 0)) {
		gboolean exists = strcmp(PQgetvalue(r, 0, 1), "t") == 0;
		PQclear(r);
		if (exists)
			bb_err_set(err, "illegal_transition", "the ticket is not waiting or called");
		else
			bb_err_set(err, "not_found", "no such ticket");
		return FALSE;
	}
	bb_sink_office_dirty(app, PQgetvalue(r, 0, 0));
	PQclear(r);
	return TRUE;
}

gboolean bb_ticket_interpreted(bb_app *app, gint64 id, int clerk, bb_err *err)
{
	g_autofree char *ids = g_strdup_printf("%" G_GINT64_FORMAT, id);
	g_autofree char *clerks = g_strdup_printf("%d", clerk);
	const char *p[] = {ids, clerks};
	PGresult *r = bb_app_exec(app, "UPDATE ticket SET interpreted = true WHERE id = $1 AND clerk_id = $2::int "
		"AND state = 'in_consultation' RETURNING id", 2, p, err);
	if (!r)
		return FALSE;
	gboolean found = PQntuples(r) == 1;
	PQclear(r);
	if (!found)
		bb_err_set(err, "illegal_transition", "the ticket is not in a consultation of this clerk");
	return found;
}

gint64 bb_ticket_held_by_token(bb_app *app, const char *token)
{
	g_autofree char *hash = bb_token_hash(token);
	const char *p[] = {hash};
	bb_err err = {0};
	PGresult *r = bb_app_exec(app, "SELECT id FROM ticket WHERE resume_token_hash = $1 AND state = 'in_consultation'",
		1, p, &err);
	bb_err_clear(&err);
	gint64 id = r && PQntuples(r) == 1 ? bb_db_int(r, 0, 0) : 0;
	if (r)
		PQclear(r);
	return id;
}

gboolean bb_tickets_resync(bb_app *app, const char *instance, const char *const *attached, int n, bb_err *err)
{
	g_autofree char *arr = bb_db_array_literal(attached, n);
	const char *p[] = {instance, arr};
	PGresult *r = bb_app_exec(app, "UPDATE ticket SET detached_at = CASE WHEN id = ANY($2::bigint[]) THEN NULL "
		"ELSE coalesce(detached_at, now()) END "
		"WHERE attached_instance = $1 AND state IN ('waiting', 'called') "
		"AND (detached_at IS NULL) <> (id = ANY($2::bigint[])) RETURNING office_id", 2, p, err);
	if (!r)
		return FALSE;
	for (int i = 0; i < PQntuples(r); i++)
		bb_sink_office_dirty(app, PQgetvalue(r, i, 0));
	PQclear(r);
	return TRUE;
}

void bb_tickets_detach_instance(bb_app *app, const char *instance)
{
	const char *p[] = {instance};
	bb_err err = {0};
	PGresult *r = bb_app_exec(app, "UPDATE ticket SET detached_at = now() WHERE attached_instance = $1 "
		"AND state IN ('waiting', 'called') AND detached_at IS NULL RETURNING office_id", 1, p, &err);
	if (!r) {
		bb_warn("tickets", "could not start grace for instance=%s code=%s", instance, err.code);
		bb_err_clear(&err);
		return;
	}
	for (int i = 0; i < PQntuples(r); i++)
		bb_sink_office_dirty(app, PQgetvalue(r, i, 0));
	PQclear(r);
}
