/* janitor.c: periodic maintenance. */
#include "app/janitor.h"
#include "base/logging.h"
#include "store/login.h"
#include "store/offices.h"
#include "store/tickets.h"
#include "api/internal.h"
#include "appointments/appointments.h"
#include "appointments/callback_mail.h"
#include "store/recovery.h"
#include "sync/notify.h"

#include <stdlib.h>
#include <string.h>

#define BATCH "200"   /* tickets handled per step and tick */

/* Applies one event to every ticket id in column 0 of r; a ticket another instance changed
 * meanwhile is simply skipped. */
static void apply_all(bb_app *app, PGresult *r, bb_ticket_event ev, const char *reason)
{
	for (int i = 0; i < PQntuples(r); i++) {
		bb_ticket_change ch = {.event = ev, .ticket_id = bb_db_int(r, i, 0), .reason = reason};
		bb_err err = {0};
		PGresult *t = bb_ticket_apply(app, &ch, &err);
		if (t) {
			bb_info("janitor", "ticket=%s office=%s event=%s%s%s", PQgetvalue(t, 0, BB_TCOL_ID),
				PQgetvalue(t, 0, BB_TCOL_OFFICE), bb_ticket_event_name(ev), reason ? " reason=" : "", reason ? reason : "");
			PQclear(t);
		}
		bb_err_clear(&err);
	}
}

static PGresult *query(bb_app *app, const char *sql, int n, const char *const *p)
{
	GError *e = NULL;
	PGresult *r = bb_db_exec(app->db, sql, n, p, &e);
	g_clear_error(&e);
	return r;
}

static void no_shows(bb_app *app)
{
	PGresult *r = query(app, "SELECT t.id FROM ticket t JOIN office o ON o.id = t.office_id WHERE t.state = 'called' "
		"AND t.called_at < now() - make_interval(secs => o.no_show_timeout_s) ORDER BY t.called_at LIMIT " BATCH, 0, NULL);
	if (r) {
		apply_all(app, r, BB_EV_NO_SHOW, NULL);
		PQclear(r);
	}
}

/* A citizen who did not come back within the office's grace period loses the place, unless a
 * waiting one left a callback address (store/callback.h: then closing or the hold ends it). */
static void grace_expiry(bb_app *app)
{
	PGresult *r = query(app, "SELECT t.id FROM ticket t JOIN office o ON o.id = t.office_id "
		"WHERE t.state IN ('waiting', 'called') AND t.detached_at IS NOT NULL "
		"AND NOT (t.state = 'waiting' AND t.callback_email IS NOT NULL) "
		"AND t.detached_at < now() - make_interval(secs => o.grace_s) ORDER BY t.detached_at LIMIT " BATCH, 0, NULL);
	if (r) {
		apply_all(app, r, BB_EV_EXPIRE, "grace");
		PQclear(r);
	}
}

/* Waiting tickets of an office outside its opening hours expire (reason closing). */
static void closing_expiry(bb_app *app, gint64 now, gboolean full_scan)
{
	for (guint i = 0; i < app->office_list->len; i++) {
		bb_office *o = app->office_list->pdata[i];
		if ((!full_scan && o->waiting == 0) || bb_hours_is_open(o->hours, now))
			continue;
		const char *p[] = {o->id};
		PGresult *r = query(app, "SELECT id FROM ticket WHERE office_id = $1 AND state = 'waiting' LIMIT " BATCH, 1, p);
		if (r) {
			apply_all(app, r, BB_EV_EXPIRE, "closing");
			PQclear(r);
		}
	}
}

/* A clerk whose console stopped sending heartbeats (closed tab, lost network) goes offline, so
 * that an office does not look staffed by someone who is gone; its status may change with it. */
static void presence_timeout(bb_app *app)
{
	g_autofree char *secs = g_strdup_printf("%d", app->cfg.presence_timeout_s);
	const char *p[] = {secs};
	PGresult *r = query(app, "UPDATE clerk_presence p SET state = 'offline', changed_at = now() "
		"WHERE state <> 'offline' AND last_seen < now() - make_interval(secs => $1::int) "
		"RETURNING clerk_id, (SELECT string_agg(office_id, ',') FROM clerk_office co WHERE co.clerk_id = p.clerk_id)", 1, p);
	if (!r)
		return;
	for (int i = 0; i < PQntuples(r); i++) {
		bb_info("janitor", "clerk=%s presence=offline reason=timeout", PQgetvalue(r, i, 0));
		if (PQgetisnull(r, i, 1))
			continue;
		g_auto(GStrv) ids = g_strsplit(PQgetvalue(r, i, 1), ",", -1);
		for (int j = 0; ids[j]; j++)
			bb_sink_office_dirty(app, ids[j]);
	}
	PQclear(r);
}

/* Personal fields of finished tickets are erased when their retention ends; the row stays for
 * statistics. The wish for a sign-language interpreter says something about the citizen's health
 * (DSGVO Art. 9) and goes with them; `interpreted` (statistics) stays. Expired sessions go too. */
static void retention(bb_app *app)
{
	PGresult *r = query(app, "UPDATE ticket SET name = NULL, concern = NULL, needs_interpreter = false "
		"WHERE erase_after < now() AND (name IS NOT NULL OR concern IS NOT NULL OR needs_interpreter) "
		"AND state IN ('done', 'no_show', 'cancelled', 'expired')", 0, NULL);
	if (r) {
		if (atoi(PQcmdTuples(r)) > 0)
			bb_info("janitor", "erased personal fields tickets=%s", PQcmdTuples(r));
		PQclear(r);
	}
	r = query(app, "DELETE FROM clerk_session WHERE expires_at < now()", 0, NULL);
	if (r)
		PQclear(r);
	/* a used permit past its expiry would be refused anyway: its record can go */
	r = query(app, "DELETE FROM join_permit_used WHERE expires_at < now() - interval '1 minute'", 0, NULL);
	if (r)
		PQclear(r);
}

/* Status can change by the clock alone (opening, closing): recompute those offices locally. */
static void status_by_time(bb_app *app, gint64 now)
{
	for (guint i = 0; i < app->office_list->len; i++) {
		bb_office *o = app->office_list->pdata[i];
		if (bb_office_status_now(o, now) != o->status) {
			const char *ids[] = {o->id};
			bb_notify_offices_changed(app, ids, 1);
		}
	}
}

/* Janus nodes connected here are seen; those nobody has seen for plugin_grace_s lose their
 * consultations (store/recovery.h). Before the no-show step, so that a citizen whose call was
 * lost with its node is recovered, not counted as a no-show. */
static void plugin_nodes(bb_app *app)
{
	g_autoptr(GPtrArray) live = g_ptr_array_new();
	for (GList *l = app->internal_conns; l; l = l->next) {
		bb_iconn *ic = l->data;
		if (ic->hello && ic->instance)
			g_ptr_array_add(live, ic->instance);
	}
	bb_recovery_sweep(app, (const char *const *)live->pdata, (int)live->len);
}

/* Cheap steps every tick (each one query that usually returns nothing), expensive ones every
 * n-th; the office cache is reloaded at least every 60 s even without a bb_config notification. */
void bb_janitor_run(bb_app *app, guint tick)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	if (tick % 60 == 0 || g_get_monotonic_time() - app->offices_loaded_us > 60 * G_USEC_PER_SEC) {
		GError *e = NULL;
		if (bb_offices_reload(app, &e))
			bb_notify_offices_changed(app, NULL, 0);
		g_clear_error(&e);
	}
	plugin_nodes(app);
	no_shows(app);
	grace_expiry(app);
	bb_callback_janitor(app);   /* "almost" and "your turn" mails, the hold's end */
	closing_expiry(app, now, tick % 30 == 0);
	presence_timeout(app);
	if (tick % 5 == 1)
		retention(app);
	if (tick % 60 == 3)
		bb_appointments_janitor(app);   /* retention + reminder mails */
	if (tick % 60 == 2)
		bb_login_prune(app, now);
	status_by_time(app, now);
}
