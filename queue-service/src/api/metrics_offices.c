/* metrics_offices.c: per-office gauges for Prometheus, from the live overview (store/overview.h):
 * the office cache's facts plus the overview's one query, run once per scrape. */
#include "api/metrics_offices.h"
#include "base/logging.h"
#include "store/overview.h"

/* A label value in the text format: backslash, double quote and line feed escaped. Office ids are
 * [a-z0-9_-] by a CHECK in the schema; this holds should that ever change. */
static void label_value(GString *s, const char *v)
{
	for (const char *p = v; *p; p++) {
		if (*p == '\\')
			g_string_append(s, "\\\\");
		else if (*p == '"')
			g_string_append(s, "\\\"");
		else if (*p == '\n')
			g_string_append(s, "\\n");
		else
			g_string_append_c(s, *p);
	}
}

/* One sample: name{office="id"[,key="value"]} value. */
static void sample(GString *s, const char *name, const bb_office *o, const char *key, const char *value, gint64 v)
{
	g_string_append_printf(s, "%s{office=\"", name);
	label_value(s, o->id);
	if (key) {
		g_string_append_printf(s, "\",%s=\"", key);
		label_value(s, value);
	}
	g_string_append_printf(s, "\"} %" G_GINT64_FORMAT "\n", v);
}

static void waiting(GString *s, const char *name, const bb_overview_row *r)
{
	sample(s, name, r->office, NULL, NULL, r->office->waiting);
}

static void longest_wait(GString *s, const char *name, const bb_overview_row *r)
{
	sample(s, name, r->office, NULL, NULL, MAX(0, r->longest_wait_s));
}

static void clerks(GString *s, const char *name, const bb_overview_row *r)
{
	sample(s, name, r->office, "state", "available", r->office->clerks_available);
	sample(s, name, r->office, "state", "busy", r->office->clerks_busy);
	sample(s, name, r->office, "state", "paused", r->office->clerks_paused);
}

static void consultations(GString *s, const char *name, const bb_overview_row *r)
{
	sample(s, name, r->office, NULL, NULL, r->consultations_today);
}

static void no_shows(GString *s, const char *name, const bb_overview_row *r)
{
	sample(s, name, r->office, NULL, NULL, r->no_shows_today);
}

/* A state set (one sample per status, 1 for the current one), so that a dashboard can count
 * closed offices or alert on "full" without knowing the enum's numbers. */
static void status(GString *s, const char *name, const bb_overview_row *r)
{
	static const bb_office_status all[] = {BB_OFFICE_OPEN, BB_OFFICE_BUSY, BB_OFFICE_FULL, BB_OFFICE_CLOSED};
	bb_office_status now = bb_office_status_now(r->office, g_get_real_time() / G_USEC_PER_SEC);
	for (guint i = 0; i < G_N_ELEMENTS(all); i++)
		sample(s, name, r->office, "status", bb_office_status_name(all[i]), all[i] == now);
}

/* The families in output order. "today" counts are gauges, not counters: they fall back to 0 at
 * the office's local midnight, and every instance reports the same (database) numbers. */
static const struct {
	const char *name, *help;
	gboolean from_db;   /* fed by the overview query: left out when the database fails */
	void (*samples)(GString *s, const char *name, const bb_overview_row *r);
} families[] = {
	{"bb_office_status", "Office status (1 for the current one of open, busy, full, closed).", FALSE, status},
	{"bb_office_waiting", "Tickets waiting now per office.", FALSE, waiting},
	{"bb_office_longest_wait_seconds", "How long the oldest waiting ticket has waited since arrival; 0 when nobody waits.", TRUE, longest_wait},
	{"bb_office_clerks", "Clerks of the office by presence (a clerk of several offices counts in each).", FALSE, clerks},
	{"bb_office_consultations_today", "Consultations finished since midnight in the office's time zone.", TRUE, consultations},
	{"bb_office_no_shows_today", "Tickets ended as no-show since midnight in the office's time zone.", TRUE, no_shows},
};

/* Rows of the office cache alone, for when the overview query failed. */
static GArray *cache_rows(bb_app *app)
{
	GArray *rows = g_array_new(FALSE, TRUE, sizeof(bb_overview_row));
	for (guint i = 0; i < app->office_list->len; i++) {
		bb_overview_row row = {.office = app->office_list->pdata[i], .longest_wait_s = -1, .waiting_since = -1};
		g_array_append_val(rows, row);
	}
	return rows;
}

void bb_metrics_append_offices(GString *s, bb_app *app)
{
	GError *e = NULL;
	GArray *rows = bb_overview_fetch(app, &e);
	gboolean db = rows != NULL;
	if (!db) {
		bb_warn("metrics", "per-office gauges without the database: %s", e ? e->message : "?");
		g_clear_error(&e);
		rows = cache_rows(app);
	}
	for (guint f = 0; f < G_N_ELEMENTS(families); f++) {
		if (families[f].from_db && !db)
			continue;
		g_string_append_printf(s, "# HELP %s %s\n# TYPE %s gauge\n", families[f].name, families[f].help, families[f].name);
		for (guint i = 0; i < rows->len; i++)
			families[f].samples(s, families[f].name, &g_array_index(rows, bb_overview_row, i));
	}
	g_array_unref(rows);
}
