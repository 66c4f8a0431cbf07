/* offices.c: office cache, facts and the public/internal office views. */
#include "store/offices.h"
#include "base/jsonutil.h"
#include "base/logging.h"
#include "db/pool.h"

#include <string.h>

static void office_free(gpointer p)
{
	bb_office *o = p;
	g_free(o->id);
	g_free(o->name_de);
	g_free(o->name_en);
	g_free(o->desc_de);
	g_free(o->desc_en);
	g_free(o->timezone);
	g_free(o->prefix);
	g_free(o->closure_de);
	g_free(o->closure_en);
	bb_hours_free(o->hours);
	g_free(o->public_json);
	g_free(o);
}

bb_office *bb_office_get(bb_app *app, const char *id)
{
	/* The cache is the loop's (store/app.h): a worker reading it would race with reloads. */
	g_return_val_if_fail(!bb_pool_on_worker(), NULL);
	return id ? g_hash_table_lookup(app->offices, id) : NULL;
}

/* The order the administration gave (sort_order), then the German name, then the id: what
 * clients show when they do not sort by the citizen's language themselves. */
static gint by_order(gconstpointer a, gconstpointer b)
{
	const bb_office *x = *(bb_office *const *)a, *y = *(bb_office *const *)b;
	if (x->sort_order != y->sort_order)
		return x->sort_order < y->sort_order ? -1 : 1;
	int c = g_utf8_collate(x->name_de, y->name_de);
	return c ? c : strcmp(x->id, y->id);
}

/* Adds the day exceptions (closing days, special hours) of the coming year to each office's
 * hours. Rows of one office and day are merged into one override. */
static void add_overrides(bb_app *app, PGresult *r)
{
	bb_day_override ov;
	char cur_office[64] = "", cur_day[16] = "";
	bb_office *o = NULL;
	gboolean have = FALSE, closed = FALSE;
	for (int i = 0; i <= PQntuples(r); i++) {
		gboolean last = i == PQntuples(r);
		if (have && (last || strcmp(cur_office, PQgetvalue(r, i, 0)) != 0 || strcmp(cur_day, PQgetvalue(r, i, 1)) != 0)) {
			if (closed)
				ov.n_intervals = 0;
			if (o && !bb_hours_add_override(o->hours, &ov))
				bb_warn("offices", "invalid day override office=%s day=%s", cur_office, cur_day);
			have = FALSE;
		}
		if (last)
			break;
		if (!have) {
			g_strlcpy(cur_office, PQgetvalue(r, i, 0), sizeof cur_office);
			g_strlcpy(cur_day, PQgetvalue(r, i, 1), sizeof cur_day);
			o = bb_office_get(app, cur_office);
			memset(&ov, 0, sizeof ov);
			if (sscanf(cur_day, "%d-%d-%d", &ov.year, &ov.month, &ov.day) != 3)
				continue;
			have = TRUE;
			closed = FALSE;
		}
		if (PQgetisnull(r, i, 2))
			closed = TRUE;
		else if (ov.n_intervals < (int)G_N_ELEMENTS(ov.intervals)) {
			ov.intervals[ov.n_intervals].open_min = (int)bb_db_int(r, i, 2);
			ov.intervals[ov.n_intervals].close_min = (int)bb_db_int(r, i, 3);
			ov.n_intervals++;
		}
	}
}

gboolean bb_offices_reload(bb_app *app, GError **error)
{
	PGresult *r = bb_db_exec(app->db, "SELECT o.id, o.name_de, o.name_en, o.description_de, o.description_en, o.timezone, "
		"o.capacity, o.ticket_prefix, o.no_show_timeout_s, o.grace_s, o.sort_order, "
		"coalesce(extract(epoch FROM o.closure_until)::bigint, 0), o.closure_message_de, o.closure_message_en, "
		"coalesce(p.checkin_before_s, -1), coalesce(p.checkin_after_s, -1) "
		"FROM office o LEFT JOIN appointment_policy p ON p.office_id = o.id ORDER BY o.id", 0, NULL, error);
	if (!r)
		return FALSE;
	PGresult *h = bb_db_exec(app->db, "SELECT office_id, weekday, open_min, close_min FROM office_hours", 0, NULL, error);
	if (!h) {
		PQclear(r);
		return FALSE;
	}
	PGresult *d = bb_db_exec(app->db, "SELECT office_id, day::text, open_min, close_min FROM office_day "
		"WHERE day BETWEEN current_date - 2 AND current_date + 400 ORDER BY office_id, day, open_min NULLS FIRST",
		0, NULL, error);
	if (!d) {
		PQclear(r);
		PQclear(h);
		return FALSE;
	}
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	for (int i = 0; i < PQntuples(r); i++) {
		const char *id = PQgetvalue(r, i, 0);
		bb_hours *hours = bb_hours_new(PQgetvalue(r, i, 5));
		if (!hours) {
			bb_warn("offices", "unknown time zone office=%s timezone=%s; using UTC", id, PQgetvalue(r, i, 5));
			hours = bb_hours_new("UTC");
		}
		bb_office *o = bb_office_get(app, id);
		if (!o) {
			o = g_new0(bb_office, 1);
			o->id = g_strdup(id);
			o->status = BB_OFFICE_CLOSED;
			g_hash_table_insert(app->offices, o->id, o);
		}
		g_free(o->name_de); o->name_de = g_strdup(PQgetvalue(r, i, 1));
		g_free(o->name_en); o->name_en = g_strdup(PQgetvalue(r, i, 2));
		g_free(o->desc_de); o->desc_de = g_strdup(PQgetvalue(r, i, 3));
		g_free(o->desc_en); o->desc_en = g_strdup(PQgetvalue(r, i, 4));
		g_free(o->timezone); o->timezone = g_strdup(PQgetvalue(r, i, 5));
		g_free(o->prefix); o->prefix = g_strdup(PQgetvalue(r, i, 7));
		o->capacity = (int)bb_db_int(r, i, 6);
		o->no_show_timeout_s = (int)bb_db_int(r, i, 8);
		o->grace_s = (int)bb_db_int(r, i, 9);
		o->sort_order = (int)bb_db_int(r, i, 10);
		o->closure_until = bb_db_int(r, i, 11);
		g_free(o->closure_de); o->closure_de = g_strdup(PQgetvalue(r, i, 12));
		g_free(o->closure_en); o->closure_en = g_strdup(PQgetvalue(r, i, 13));
		o->checkin_before_s = (int)bb_db_int(r, i, 14);
		o->checkin_after_s = (int)bb_db_int(r, i, 15);
		bb_hours_free(o->hours);
		o->hours = hours;
		g_hash_table_add(seen, o->id);
	}
	for (int i = 0; i < PQntuples(h); i++) {
		bb_office *o = bb_office_get(app, PQgetvalue(h, i, 0));
		if (o && !bb_hours_add_weekly(o->hours, (int)bb_db_int(h, i, 1), (int)bb_db_int(h, i, 2), (int)bb_db_int(h, i, 3)))
			bb_warn("offices", "invalid weekly interval office=%s", o->id);
	}
	add_overrides(app, d);
	PQclear(r);
	PQclear(h);
	PQclear(d);

	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, app->offices);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (!g_hash_table_contains(seen, k))
			g_hash_table_iter_remove(&it);
	g_hash_table_destroy(seen);

	g_ptr_array_set_size(app->office_list, 0);
	g_hash_table_iter_init(&it, app->offices);
	while (g_hash_table_iter_next(&it, &k, &v))
		g_ptr_array_add(app->office_list, v);
	g_ptr_array_sort(app->office_list, by_order);
	app->offices_loaded_us = g_get_monotonic_time();
	return TRUE;
}

gboolean bb_offices_refresh_facts(bb_app *app, const char *const *ids, int n, GError **error)
{
	g_autofree char *arr = ids ? bb_db_array_literal(ids, n) : NULL;
	const char *p[] = {arr};
	PGresult *r = bb_db_exec(app->db,
		"SELECT o.id, "
		" (SELECT count(*) FROM ticket t WHERE t.office_id = o.id AND t.state = 'waiting'), "
		" count(p.clerk_id) FILTER (WHERE p.state = 'available'), "
		" count(p.clerk_id) FILTER (WHERE p.state = 'busy'), "
		" count(p.clerk_id) FILTER (WHERE p.state = 'paused'), "
		" (SELECT string_agg(d::text, ',') FROM (SELECT extract(epoch FROM t.done_at - t.in_consultation_at)::int AS d "
		"    FROM ticket t WHERE t.office_id = o.id AND t.state = 'done' AND t.in_consultation_at IS NOT NULL "
		"    AND t.done_at > now() - interval '7 days' ORDER BY t.done_at DESC LIMIT 20) x) "
		"FROM office o "
		"LEFT JOIN clerk_office co ON co.office_id = o.id "
		"LEFT JOIN clerk c ON c.id = co.clerk_id AND NOT c.disabled "
		"LEFT JOIN clerk_presence p ON p.clerk_id = c.id AND p.state <> 'offline' "
		"WHERE $1::text[] IS NULL OR o.id = ANY($1::text[]) GROUP BY o.id",
		1, p, error);
	if (!r)
		return FALSE;
	for (int i = 0; i < PQntuples(r); i++) {
		bb_office *o = bb_office_get(app, PQgetvalue(r, i, 0));
		if (!o)
			continue;
		o->waiting = (int)bb_db_int(r, i, 1);
		o->clerks_available = (int)bb_db_int(r, i, 2);
		o->clerks_busy = (int)bb_db_int(r, i, 3);
		o->clerks_paused = (int)bb_db_int(r, i, 4);
		o->n_durations = 0;
		const char *ds = bb_db_str(r, i, 5);
		if (ds) {
			g_auto(GStrv) parts = g_strsplit(ds, ",", BB_DURATION_SAMPLES);
			for (int j = 0; parts[j] && o->n_durations < BB_DURATION_SAMPLES; j++)
				o->durations[o->n_durations++] = (int)g_ascii_strtoll(parts[j], NULL, 10);
		}
	}
	PQclear(r);
	return TRUE;
}

gboolean bb_office_closure_active(const bb_office *o, gint64 now)
{
	return o->closure_until > now;
}

bb_office_status bb_office_status_now(const bb_office *o, gint64 now)
{
	bb_office_facts f = {
		.within_hours = bb_hours_is_open(o->hours, now) && !bb_office_closure_active(o, now),
		.clerks_available = o->clerks_available,
		.clerks_busy = o->clerks_busy,
		.clerks_paused = o->clerks_paused,
		.waiting = o->waiting,
		.capacity = o->capacity,
	};
	return bb_office_status_derive(&f);
}

double bb_office_clerk_weight(const bb_office *o)
{
	return o->clerks_available + o->clerks_busy + 0.5 * o->clerks_paused;
}

bb_estimate bb_office_estimate(const bb_office *o, int position)
{
	return bb_estimate_wait(o->durations, o->n_durations, position, bb_office_clerk_weight(o));
}

json_t *bb_estimate_json(bb_estimate e)
{
	if (!e.known)
		return json_null();
	return json_pack("{s:i, s:i}", "min_s", e.min_s, "max_s", e.max_s);
}

/* Today's opening intervals in the office's local time, as the widget prints them. */
static json_t *hours_today_json(const bb_office *o, gint64 now)
{
	bb_interval iv[8];
	int n = bb_hours_intervals_on(o->hours, now, iv, G_N_ELEMENTS(iv));
	json_t *a = json_array();
	for (int i = 0; i < n; i++) {
		char op[8], cl[8];
		g_snprintf(op, sizeof op, "%02d:%02d", iv[i].open_min / 60, iv[i].open_min % 60);
		g_snprintf(cl, sizeof cl, "%02d:%02d", iv[i].close_min / 60, iv[i].close_min % 60);
		json_array_append_new(a, json_pack("{s:s, s:s}", "open", op, "close", cl));
	}
	return a;
}

/* Why a closed office is closed, so the widget can say "nobody on duty" instead of showing a
 * bare "closed" for a desk that is within its hours (docs/rest-api.md): hours beat clerks. */
static json_t *closed_reason_json(const bb_office *o, bb_office_status st, gint64 now)
{
	if (st != BB_OFFICE_CLOSED)
		return json_null();
	if (bb_office_closure_active(o, now))
		return json_string("closure");
	return json_string(bb_hours_is_open(o->hours, now) ? "no_clerk" : "hours");
}

/* When a closed office opens next: after a closure, the first opening from its end on. */
static json_t *next_opening_json(const bb_office *o, gint64 now)
{
	gint64 from = bb_office_closure_active(o, now) ? o->closure_until : now;
	if (from == now && bb_hours_is_open(o->hours, now))
		return json_null();   /* within hours, nobody on duty: no opening to wait for */
	gint64 at = bb_hours_is_open(o->hours, from) ? from : bb_hours_next_opening(o->hours, from, 400);
	return at >= 0 ? bb_json_time(at) : json_null();
}

/* The closure's end and message while one is active; null otherwise. */
static json_t *closure_json(const bb_office *o, gint64 now)
{
	if (!bb_office_closure_active(o, now))
		return json_null();
	return json_pack("{s:o, s:{s:s, s:s}}", "until", bb_json_time(o->closure_until),
		"message", "de", o->closure_de, "en", o->closure_en);
}

json_t *bb_office_public_json(const bb_office *o, gint64 now)
{
	bb_office_status st = bb_office_status_now(o, now);
	json_t *next = st == BB_OFFICE_CLOSED ? next_opening_json(o, now) : json_null();
	return json_pack("{s:s, s:{s:s, s:s}, s:{s:s, s:s}, s:s, s:s, s:o, s:i, s:o, s:o, s:o, s:i, s:o}",
		"id", o->id,
		"name", "de", o->name_de, "en", o->name_en,
		"description", "de", o->desc_de, "en", o->desc_en,
		"timezone", o->timezone,
		"status", bb_office_status_name(st),
		"closed_reason", closed_reason_json(o, st, now),
		"waiting", o->waiting,
		"wait_estimate", bb_estimate_json(bb_office_estimate(o, o->waiting)),
		"hours_today", hours_today_json(o, now),
		"next_opening", next,
		"sort_order", o->sort_order,
		"closure", closure_json(o, now));
}

void bb_offices_free(bb_app *app)
{
	if (app->office_list)
		g_ptr_array_free(app->office_list, TRUE);
	if (app->offices)
		g_hash_table_destroy(app->offices);
}

void bb_offices_init(bb_app *app)
{
	app->offices = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, office_free);
	app->office_list = g_ptr_array_new();
}
