/* app.c: the connection of the current thread and the change reports, carried to the loop
 * (directly, or from a worker thread as an effect of its job; threading rules: app.h). */
#include "store/app.h"

bb_db *bb_app_db(bb_app *app)
{
	bb_db *worker = bb_pool_worker_db();
	if (!worker && bb_pool_on_worker())
		g_critical("database access from a worker without a connection");
	return worker ? worker : app->db;
}

PGresult *bb_app_exec(bb_app *app, const char *sql, int n_params, const char *const *params, bb_err *err)
{
	GError *e = NULL;
	PGresult *r = bb_db_exec(bb_app_db(app), sql, n_params, params, &e);
	if (!r)
		bb_err_from_db(err, e);
	return r;
}

/* ---- change reports ----------------------------------------------------------------------- */

typedef enum { REPORT_DIRTY, REPORT_EVENT, REPORT_TICKET_CREATED, REPORT_CALL } report_kind;

/* A report made on a worker thread, kept until the loop applies it after the job. */
typedef struct report {
	report_kind kind;
	bb_app *app;
	char *office_id;
	json_t *ev;
	double waited_s;
} report;

static void report_free(gpointer p)
{
	report *r = p;
	g_free(r->office_id);
	if (r->ev)
		json_decref(r->ev);
	g_free(r);
}

/* On the loop now: the same call again, which takes the direct path this time. */
static void report_apply(gpointer p)
{
	report *r = p;
	switch (r->kind) {
	case REPORT_DIRTY:
		bb_sink_office_dirty(r->app, r->office_id);
		break;
	case REPORT_EVENT:
		bb_sink_event(r->app, g_steal_pointer(&r->ev));
		break;
	case REPORT_TICKET_CREATED:
		bb_sink_ticket_created(r->app);
		break;
	case REPORT_CALL:
		bb_sink_call(r->app, r->waited_s);
		break;
	}
}

/* On a worker thread: defers the report (taking ev) and returns TRUE; on the loop: FALSE, the
 * caller applies it. */
static gboolean defer(bb_app *app, report_kind kind, const char *office_id, json_t *ev, double waited_s)
{
	if (!bb_pool_on_worker())
		return FALSE;
	report *r = g_new0(report, 1);
	r->kind = kind;
	r->app = app;
	r->office_id = g_strdup(office_id);
	r->ev = ev;
	r->waited_s = waited_s;
	bb_pool_defer(report_apply, r, report_free);
	return TRUE;
}

void bb_sink_office_dirty(bb_app *app, const char *office_id)
{
	if (!office_id || defer(app, REPORT_DIRTY, office_id, NULL, 0))
		return;
	if (app->sink)
		app->sink->office_dirty(app, office_id);
}

void bb_sink_event(bb_app *app, json_t *ev)
{
	if (!ev || defer(app, REPORT_EVENT, NULL, ev, 0))
		return;
	if (app->sink)
		app->sink->event(app, ev);
	else
		json_decref(ev);
}

void bb_sink_ticket_created(bb_app *app)
{
	if (!defer(app, REPORT_TICKET_CREATED, NULL, NULL, 0))
		app->metrics.tickets_created++;
}

void bb_sink_call(bb_app *app, double waited_s)
{
	if (defer(app, REPORT_CALL, NULL, NULL, waited_s))
		return;
	app->metrics.calls++;
	app->metrics.wait_sum_s += waited_s;
	app->metrics.wait_count++;
}
