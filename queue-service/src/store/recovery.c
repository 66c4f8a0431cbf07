/* recovery.c: tickets of lost consultations back to the front of the queue, clerks freed. */
#include "store/recovery.h"
#include "base/logging.h"
#include "store/clerks.h"
#include "store/tickets.h"

#include <stdlib.h>
#include <string.h>

/* Applies `recover` to every ticket of r (columns: id, clerk_id) and frees each clerk once no
 * consultation of theirs is left; a ticket another instance changed meanwhile is skipped. */
static int recover_rows(bb_app *app, PGresult *r, const char *why)
{
	int n = 0;
	for (int i = 0; i < PQntuples(r); i++) {
		bb_ticket_change ch = {.event = BB_EV_RECOVER, .ticket_id = bb_db_int(r, i, 0)};
		bb_err err = {0};
		PGresult *t = bb_ticket_apply(app, &ch, &err);
		if (t) {
			bb_info("recovery", "ticket=%s office=%s recovered reason=%s", PQgetvalue(t, 0, BB_TCOL_ID),
				PQgetvalue(t, 0, BB_TCOL_OFFICE), why);
			PQclear(t);
			n++;
		}
		bb_err_clear(&err);
		if (!PQgetisnull(r, i, 1)) {
			bb_err cerr = {0};
			if (!bb_clerk_release(app, (int)bb_db_int(r, i, 1), &cerr))
				bb_warn("recovery", "clerk=%s not released code=%s", PQgetvalue(r, i, 1), cerr.code);
			bb_err_clear(&cerr);
		}
	}
	return n;
}

static int recover_instance(bb_app *app, const char *instance, const char *const *keep, int n_keep,
	const char *why, bb_err *err)
{
	g_autofree char *arr = bb_db_array_literal(keep, n_keep);
	const char *p[] = {instance, arr};
	PGresult *r = bb_app_exec(app, "SELECT id, clerk_id FROM ticket WHERE attached_instance = $1 "
		"AND state IN ('called', 'in_consultation') AND NOT (id = ANY($2::bigint[])) ORDER BY id", 2, p, err);
	if (!r)
		return -1;
	int n = recover_rows(app, r, why);
	PQclear(r);
	return n;
}

/* A node that was cut off longer than plugin_grace_s comes back still holding consultations whose
 * tickets were recovered meanwhile: it hears `recovered` for each, so it ends them too and the
 * citizen and clerk find each other again through the queue (nothing runs on a ticket that the
 * queue has handed on). */
static gboolean tell_lost(bb_app *app, const char *const *keep, int n_keep, bb_err *err)
{
	if (n_keep == 0)
		return TRUE;
	g_autofree char *arr = bb_db_array_literal(keep, n_keep);
	const char *p[] = {arr};
	PGresult *r = bb_app_exec(app, "SELECT " BB_TICKET_COLS " FROM ticket t WHERE t.id = ANY($1::bigint[]) "
		"AND t.state NOT IN ('called', 'in_consultation')", 1, p, err);
	if (!r)
		return FALSE;
	for (int i = 0; i < PQntuples(r); i++)
		bb_sink_event(app, bb_ticket_recovered_event(app, r, i));
	PQclear(r);
	return TRUE;
}

/* Why the boot id: a plugin that reconnects (queue service restarted, network blip) still holds
 * its consultations and says so; only a new process, which holds none, may have them recovered.
 * Comparing the previous boot inside the upsert lets the first of several connections of the new
 * process recover, and the others not again. */
gboolean bb_recovery_hello(bb_app *app, const char *instance, const char *boot,
	const char *const *keep, int n_keep, bb_err *err)
{
	const char *p[] = {instance, boot ? boot : "unknown"};
	PGresult *r = bb_app_exec(app, "WITH prev AS (SELECT boot FROM plugin_instance WHERE name = $1) "
		"INSERT INTO plugin_instance (name, boot, last_seen) VALUES ($1, $2, now()) "
		"ON CONFLICT (name) DO UPDATE SET boot = EXCLUDED.boot, last_seen = now() "
		"RETURNING (SELECT boot FROM prev)", 2, p, err);
	if (!r)
		return FALSE;
	gboolean restarted = boot && (PQgetisnull(r, 0, 0) || strcmp(PQgetvalue(r, 0, 0), boot) != 0);
	PQclear(r);
	if (restarted) {
		int n = recover_instance(app, instance, keep, n_keep, "restart", err);
		if (n < 0)
			return FALSE;
		if (n > 0)
			bb_info("recovery", "instance=%s restarted: %d consultation(s) recovered", instance, n);
	}
	return tell_lost(app, keep, n_keep, err);
}

void bb_recovery_sweep(bb_app *app, const char *const *live, int n_live)
{
	/* Nodes reconnect to a service instance that just started within their backoff; judging
	 * them by a last_seen from before the start would end every consultation at each restart
	 * of the queue service that takes longer than the grace period. */
	if (!app->started_us)
		app->started_us = g_get_monotonic_time();
	gboolean judge = g_get_monotonic_time() - app->started_us >= (gint64)app->cfg.plugin_grace_s * G_USEC_PER_SEC;
	g_autofree char *arr = bb_db_array_literal(live, n_live);
	g_autofree char *grace = g_strdup_printf("%d", app->cfg.plugin_grace_s);
	bb_err err = {0};
	const char *p1[] = {arr};
	PGresult *r = n_live ? bb_app_exec(app, "UPDATE plugin_instance SET last_seen = now() WHERE name = ANY($1::text[])",
		1, p1, &err) : NULL;
	if (r)
		PQclear(r);
	bb_err_clear(&err);   /* a database outage: the next tick tries again */
	if (!judge)
		return;
	const char *p2[] = {arr, grace};
	r = bb_app_exec(app, "SELECT DISTINCT t.attached_instance FROM ticket t "
		"LEFT JOIN plugin_instance p ON p.name = t.attached_instance "
		"WHERE t.state IN ('called', 'in_consultation') AND t.attached_instance IS NOT NULL "
		"AND NOT (t.attached_instance = ANY($1::text[])) "
		"AND (p.last_seen IS NULL OR p.last_seen < now() - make_interval(secs => $2::int))", 2, p2, &err);
	if (!r) {
		bb_err_clear(&err);
		return;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		int n = recover_instance(app, PQgetvalue(r, i, 0), NULL, 0, "away", &err);
		if (n > 0)
			bb_info("recovery", "instance=%s away over %s s: %d consultation(s) recovered",
				PQgetvalue(r, i, 0), grace, n);
		bb_err_clear(&err);
	}
	PQclear(r);
}

gboolean bb_recovery_ticket(bb_app *app, gint64 ticket_id)
{
	g_autofree char *id = g_strdup_printf("%" G_GINT64_FORMAT, ticket_id);
	const char *p[] = {id};
	bb_err err = {0};
	PGresult *r = bb_app_exec(app, "SELECT id, clerk_id FROM ticket WHERE id = $1::bigint "
		"AND state IN ('called', 'in_consultation')", 1, p, &err);
	if (!r) {
		bb_err_clear(&err);
		return FALSE;
	}
	int n = recover_rows(app, r, "resumed");
	PQclear(r);
	return n > 0;
}
