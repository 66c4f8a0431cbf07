/* admin_offices.c: reading and changing offices for administrators (contract: admin_offices.h). */
#include "store/admin_offices.h"
#include "base/jsonutil.h"
#include "base/timeparse.h"
#include "domain/hours_spec.h"

#include <string.h>

/* How a body field becomes a column value. */
typedef enum col_kind {
	COL_TEXT,
	COL_INT,
	COL_INT_ZERO_NULL,   /* 0 stands for "no value of its own" (SQL NULL) */
	COL_INT_NEG_NULL,    /* below 0 stands for "the service's default" (SQL NULL) */
	COL_TIME,            /* RFC 3339, "" for SQL NULL */
} col_kind;

typedef struct office_col {
	const char *field, *column;
	col_kind kind;
} office_col;

/* Columns of table office a body may set (the id only on creation). */
static const office_col office_cols[] = {
	{"name_de", "name_de", COL_TEXT},
	{"name_en", "name_en", COL_TEXT},
	{"description_de", "description_de", COL_TEXT},
	{"description_en", "description_en", COL_TEXT},
	{"ticket_prefix", "ticket_prefix", COL_TEXT},
	{"timezone", "timezone", COL_TEXT},
	{"capacity", "capacity", COL_INT},
	{"no_show_timeout_s", "no_show_timeout_s", COL_INT},
	{"grace_s", "grace_s", COL_INT},
	{"sort_order", "sort_order", COL_INT},
	{"closure_until", "closure_until", COL_TIME},
	{"closure_message_de", "closure_message_de", COL_TEXT},
	{"closure_message_en", "closure_message_en", COL_TEXT},
};

/* Columns of table appointment_policy (one row per office, created on first change). */
static const office_col policy_cols[] = {
	{"slot_min", "slot_min", COL_INT},
	{"slot_capacity", "capacity", COL_INT_ZERO_NULL},
	{"horizon_days", "horizon_days", COL_INT},
	{"lead_s", "lead_s", COL_INT},
	{"share_permille", "share_permille", COL_INT},
	{"checkin_before_s", "checkin_before_s", COL_INT_NEG_NULL},
	{"checkin_after_s", "checkin_after_s", COL_INT_NEG_NULL},
};


/* ---- the admin view -------------------------------------------------------------------------- */

/* "HH:MM-HH:MM" appended for one interval. */
static void append_interval(GString *s, int open, int close)
{
	g_string_append_printf(s, "%02d:%02d-%02d:%02d", open / 60, open % 60, close / 60, close % 60);
}

/* Weekly hours of each office as the typed spec (rows ordered by office, weekday, open). */
static void attach_hours(GHashTable *views, PGresult *h)
{
	int n = PQntuples(h);
	for (int i = 0; i < n;) {
		const char *id = PQgetvalue(h, i, 0);
		g_autoptr(GArray) t = g_array_new(FALSE, FALSE, sizeof(int));
		int j = i;
		for (; j < n && strcmp(PQgetvalue(h, j, 0), id) == 0; j++) {
			int x[3] = {(int)bb_db_int(h, j, 1), (int)bb_db_int(h, j, 2), (int)bb_db_int(h, j, 3)};
			g_array_append_vals(t, x, 3);
		}
		json_t *v = g_hash_table_lookup(views, id);
		g_autofree char *spec = bb_hours_spec_format((const int *)(void *)t->data, t->len / 3);
		if (v)
			json_object_set_new(v, "hours", json_string(spec));
		i = j;
	}
}

/* Day exceptions from today on, one spec per date (rows ordered by office, day, open NULLS FIRST):
 * "2026-12-24" closed, "2026-12-24 08:00-12:00,13:00-14:00" special hours. */
static void attach_days(GHashTable *views, PGresult *d)
{
	int n = PQntuples(d);
	for (int i = 0; i < n;) {
		const char *id = PQgetvalue(d, i, 0), *day = PQgetvalue(d, i, 1);
		GString *spec = g_string_new(day);
		int j = i;
		gboolean closed = FALSE;
		for (; j < n && strcmp(PQgetvalue(d, j, 0), id) == 0 && strcmp(PQgetvalue(d, j, 1), day) == 0; j++) {
			if (PQgetisnull(d, j, 2)) {
				closed = TRUE;
				continue;
			}
			g_string_append_c(spec, spec->len == 10 ? ' ' : ',');
			append_interval(spec, (int)bb_db_int(d, j, 2), (int)bb_db_int(d, j, 3));
		}
		if (closed)
			g_string_truncate(spec, 10);   /* a closed day wins over intervals of the same date */
		json_t *v = g_hash_table_lookup(views, id);
		if (v)
			json_array_append_new(json_object_get(v, "day_exceptions"), json_string(spec->str));
		g_string_free(spec, TRUE);
		i = j;
	}
}

static void attach_blocked(GHashTable *views, PGresult *b)
{
	for (int i = 0; i < PQntuples(b); i++) {
		json_t *v = g_hash_table_lookup(views, PQgetvalue(b, i, 0));
		if (v)
			json_array_append_new(json_object_get(v, "blocked_days"), json_string(PQgetvalue(b, i, 1)));
	}
}

/* Columns of the first query, in the order office_view() reads them. */
#define VIEW_SQL "SELECT o.id, o.name_de, o.name_en, o.description_de, o.description_en, o.ticket_prefix, " \
	"o.timezone, o.capacity, o.no_show_timeout_s, o.grace_s, o.sort_order, " \
	"extract(epoch FROM o.closure_until)::bigint, o.closure_message_de, o.closure_message_en, " \
	"coalesce(p.slot_min, 20), coalesce(p.capacity, 0), coalesce(p.horizon_days, 28), coalesce(p.lead_s, 7200), " \
	"coalesce(p.share_permille, 500), coalesce(p.checkin_before_s, -1), coalesce(p.checkin_after_s, -1) " \
	"FROM office o LEFT JOIN appointment_policy p ON p.office_id = o.id " \
	"WHERE ($1::text IS NULL OR o.id = $1) ORDER BY o.sort_order, o.name_de, o.id"

static json_t *office_view(PGresult *r, int i)
{
	json_t *closure = PQgetisnull(r, i, 11) ? json_null() : bb_json_time(bb_db_int(r, i, 11));
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:i, s:i, s:i, s:o, s:s, s:s, "
		"s:i, s:i, s:i, s:i, s:i, s:i, s:i, s:s, s:[], s:[]}",
		"id", PQgetvalue(r, i, 0), "name_de", PQgetvalue(r, i, 1), "name_en", PQgetvalue(r, i, 2),
		"description_de", PQgetvalue(r, i, 3), "description_en", PQgetvalue(r, i, 4),
		"ticket_prefix", PQgetvalue(r, i, 5), "timezone", PQgetvalue(r, i, 6),
		"capacity", (int)bb_db_int(r, i, 7), "no_show_timeout_s", (int)bb_db_int(r, i, 8),
		"grace_s", (int)bb_db_int(r, i, 9), "sort_order", (int)bb_db_int(r, i, 10),
		"closure_until", closure, "closure_message_de", PQgetvalue(r, i, 12),
		"closure_message_en", PQgetvalue(r, i, 13),
		"slot_min", (int)bb_db_int(r, i, 14), "slot_capacity", (int)bb_db_int(r, i, 15),
		"horizon_days", (int)bb_db_int(r, i, 16), "lead_s", (int)bb_db_int(r, i, 17),
		"share_permille", (int)bb_db_int(r, i, 18), "checkin_before_s", (int)bb_db_int(r, i, 19),
		"checkin_after_s", (int)bb_db_int(r, i, 20), "hours", "",
		"day_exceptions", "blocked_days");
}

/* Four plain queries (offices with their policy, hours, day exceptions, blocked days) rather than
 * one with nested aggregates: each stays readable and uses its table's primary key order. */
json_t *bb_admin_offices_get(bb_db *db, const char *only_id, bb_err *err)
{
	const char *p[] = {only_id};
	PGresult *r = bb_db_exec_err(db, VIEW_SQL, 1, p, err);
	if (!r)
		return NULL;
	PGresult *h = NULL, *d = NULL, *b = NULL;
	json_t *res = NULL;
	if (!(h = bb_db_exec_err(db, "SELECT office_id, weekday, open_min, close_min FROM office_hours "
			"WHERE ($1::text IS NULL OR office_id = $1) ORDER BY office_id, weekday, open_min", 1, p, err)) ||
	    !(d = bb_db_exec_err(db, "SELECT d.office_id, d.day::text, d.open_min, d.close_min FROM office_day d "
			"JOIN office o ON o.id = d.office_id WHERE ($1::text IS NULL OR d.office_id = $1) "
			"AND d.day >= (now() AT TIME ZONE o.timezone)::date ORDER BY d.office_id, d.day, d.open_min NULLS FIRST",
			1, p, err)) ||
	    !(b = bb_db_exec_err(db, "SELECT b.office_id, b.day::text FROM appointment_blocked_day b "
			"JOIN office o ON o.id = b.office_id WHERE ($1::text IS NULL OR b.office_id = $1) "
			"AND b.day >= (now() AT TIME ZONE o.timezone)::date ORDER BY b.office_id, b.day", 1, p, err)))
		goto out;
	if (only_id && PQntuples(r) != 1) {
		bb_err_set(err, "not_found", "office: no such office");
		goto out;
	}
	GHashTable *views = g_hash_table_new(g_str_hash, g_str_equal);
	json_t *list = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *v = office_view(r, i);
		json_array_append_new(list, v);
		g_hash_table_insert(views, PQgetvalue(r, i, 0), v);
	}
	attach_hours(views, h);
	attach_days(views, d);
	attach_blocked(views, b);
	g_hash_table_destroy(views);
	if (only_id) {
		res = json_pack("{s:O}", "office", json_array_get(list, 0));
		json_decref(list);
	} else {
		res = json_pack("{s:o}", "offices", list);
	}
out:
	PQclear(r);
	if (h)
		PQclear(h);
	if (d)
		PQclear(d);
	if (b)
		PQclear(b);
	return res;
}

/* ---- changes ----------------------------------------------------------------------------------- */

/* What the catalogue cannot check: syntax of id and prefix, the hours grammar, real dates and
 * time zones, no date twice. Parsed hours and days are returned for the write. */
typedef struct parsed {
	GArray *hours;          /* (weekday, open, close) triples; NULL: hours not in the body */
	GPtrArray *days;        /* day_spec strings, checked; NULL: not in the body */
} parsed;

static void parsed_clear(parsed *ps)
{
	if (ps->hours)
		g_array_unref(ps->hours);
	if (ps->days)
		g_ptr_array_unref(ps->days);
}

static gboolean check_body(const char *id, json_t *body, gboolean create, parsed *ps, bb_err *err)
{
	const char *s;
	if (create && !g_regex_match_simple("^[a-z0-9][a-z0-9_-]{0,31}$", id, 0, 0)) {
		bb_err_set(err, "bad_request", "id: lower-case letters, digits, '-' and '_', starting with a letter or digit");
		err->extra = json_pack("{s:s}", "field", "id");
		return FALSE;
	}
	if ((s = json_string_value(json_object_get(body, "ticket_prefix"))) && !g_regex_match_simple("^[A-Z0-9]{1,6}$", s, 0, 0)) {
		bb_err_set(err, "bad_request", "ticket_prefix: 1 to 6 capital letters A-Z or digits");
		err->extra = json_pack("{s:s}", "field", "ticket_prefix");
		return FALSE;
	}
	if ((s = json_string_value(json_object_get(body, "timezone")))) {
		GTimeZone *tz = g_time_zone_new_identifier(s);
		if (!tz) {
			bb_err_set(err, "bad_request", "timezone: not a known time zone (e.g. Europe/Berlin)");
			err->extra = json_pack("{s:s}", "field", "timezone");
			return FALSE;
		}
		g_time_zone_unref(tz);
	}
	gint64 t;
	int usec;
	if ((s = json_string_value(json_object_get(body, "closure_until"))) && *s && !bb_time_parse_rfc3339(s, &t, &usec)) {
		bb_err_set(err, "bad_request", "closure_until: an RFC 3339 time (2026-12-24T12:00:00+01:00) or empty");
		err->extra = json_pack("{s:s}", "field", "closure_until");
		return FALSE;
	}
	GError *e = NULL;
	if ((s = json_string_value(json_object_get(body, "hours")))) {
		ps->hours = g_array_new(FALSE, FALSE, sizeof(int));
		if (!bb_hours_spec_parse(s, ps->hours, &e)) {
			bb_err_set(err, "bad_request", "%s", e->message);
			err->extra = json_pack("{s:s}", "field", "hours");
			g_error_free(e);
			return FALSE;
		}
	}
	json_t *list = json_object_get(body, "day_exceptions"), *item;
	size_t k;
	if (list) {
		ps->days = g_ptr_array_new();
		g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
		json_array_foreach(list, k, item) {
			char day[11];
			g_autoptr(GArray) iv = g_array_new(FALSE, FALSE, sizeof(int));
			if (!bb_day_spec_parse(json_string_value(item), day, iv, &e) || !g_hash_table_add(seen, g_strdup(day))) {
				bb_err_set(err, "bad_request", "%s", e ? e->message : "day_exceptions: a date appears twice");
				err->extra = json_pack("{s:s}", "field", "day_exceptions");
				g_clear_error(&e);
				return FALSE;
			}
			g_ptr_array_add(ps->days, (gpointer)json_string_value(item));
		}
	}
	json_array_foreach(json_object_get(body, "blocked_days"), k, item) {
		if (!bb_date_valid(json_string_value(item))) {
			bb_err_set(err, "bad_request", "blocked_days: dates as YYYY-MM-DD");
			err->extra = json_pack("{s:s}", "field", "blocked_days");
			return FALSE;
		}
	}
	return TRUE;
}

/* One UPDATE setting the columns of `cols` whose fields are in body; TRUE when none is. */
static gboolean update_cols(bb_db *db, const char *table, const char *key, const char *id, const office_col *cols,
	guint n_cols, json_t *body, bb_err *err)
{
	GString *sql = g_string_new(NULL);
	g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func(g_free);
	g_ptr_array_add(params, g_strdup(id));
	for (guint i = 0; i < n_cols; i++) {
		json_t *v = json_object_get(body, cols[i].field);
		if (!v || json_is_null(v))
			continue;
		char *val = NULL;
		const char *cast = "text";
		switch (cols[i].kind) {
		case COL_TEXT:
			val = g_strdup(json_string_value(v));
			break;
		case COL_TIME:
			val = *json_string_value(v) ? g_strdup(json_string_value(v)) : NULL;
			cast = "timestamptz";
			break;
		case COL_INT:
		case COL_INT_ZERO_NULL:
		case COL_INT_NEG_NULL: {
			json_int_t x = json_integer_value(v);
			gboolean null = (cols[i].kind == COL_INT_ZERO_NULL && x == 0) || (cols[i].kind == COL_INT_NEG_NULL && x < 0);
			val = null ? NULL : g_strdup_printf("%" JSON_INTEGER_FORMAT, x);
			cast = "int";
			break;
		}
		}
		g_ptr_array_add(params, val);
		g_string_append_printf(sql, "%s%s = $%u::%s", sql->len ? ", " : "", cols[i].column, params->len, cast);
	}
	if (!sql->len) {
		g_string_free(sql, TRUE);
		return TRUE;
	}
	g_autofree char *stmt = g_strdup_printf("UPDATE %s SET %s WHERE %s = $1", table, sql->str, key);
	g_string_free(sql, TRUE);
	return bb_db_run(db, stmt, (int)params->len, (const char *const *)params->pdata, err);
}

static gboolean has_any(json_t *body, const office_col *cols, guint n)
{
	for (guint i = 0; i < n; i++)
		if (json_object_get(body, cols[i].field))
			return TRUE;
	return FALSE;
}

/* The office's local date: "from today on" means the office's today, not the server's. */
#define OFFICE_TODAY "(SELECT (now() AT TIME ZONE timezone)::date FROM office WHERE id = $1)"

static gboolean write_hours(bb_db *db, const char *id, GArray *hours, bb_err *err)
{
	const char *pid[] = {id};
	if (!bb_db_run(db, "DELETE FROM office_hours WHERE office_id = $1", 1, pid, err))
		return FALSE;
	for (guint i = 0; i + 2 < hours->len; i += 3) {
		char d[8], o[8], c[8];
		g_snprintf(d, sizeof d, "%d", g_array_index(hours, int, i));
		g_snprintf(o, sizeof o, "%d", g_array_index(hours, int, i + 1));
		g_snprintf(c, sizeof c, "%d", g_array_index(hours, int, i + 2));
		const char *p[] = {id, d, o, c};
		/* overlapping groups may repeat an interval start: the later group's end wins */
		if (!bb_db_run(db, "INSERT INTO office_hours (office_id, weekday, open_min, close_min) "
				"VALUES ($1, $2::int, $3::int, $4::int) ON CONFLICT (office_id, weekday, open_min) "
				"DO UPDATE SET close_min = excluded.close_min", 4, p, err))
			return FALSE;
	}
	return TRUE;
}

static gboolean write_days(bb_db *db, const char *id, GPtrArray *days, bb_err *err)
{
	const char *pid[] = {id};
	if (!bb_db_run(db, "DELETE FROM office_day WHERE office_id = $1 AND day >= " OFFICE_TODAY, 1, pid, err))
		return FALSE;
	for (guint i = 0; i < days->len; i++) {
		char day[11];
		g_autoptr(GArray) iv = g_array_new(FALSE, FALSE, sizeof(int));
		if (!bb_day_spec_parse(days->pdata[i], day, iv, NULL))
			continue;   /* checked before */
		if (iv->len == 0) {
			const char *p[] = {id, day};
			if (!bb_db_run(db, "INSERT INTO office_day (office_id, day) VALUES ($1, $2::date)", 2, p, err))
				return FALSE;
		}
		for (guint j = 0; j + 1 < iv->len; j += 2) {
			char o[8], c[8];
			g_snprintf(o, sizeof o, "%d", g_array_index(iv, int, j));
			g_snprintf(c, sizeof c, "%d", g_array_index(iv, int, j + 1));
			const char *p[] = {id, day, o, c};
			if (!bb_db_run(db, "INSERT INTO office_day (office_id, day, open_min, close_min) "
					"VALUES ($1, $2::date, $3::int, $4::int) ON CONFLICT DO NOTHING", 4, p, err))
				return FALSE;
		}
	}
	return TRUE;
}

static gboolean write_blocked(bb_db *db, const char *id, json_t *list, bb_err *err)
{
	const char *pid[] = {id};
	if (!bb_db_run(db, "DELETE FROM appointment_blocked_day WHERE office_id = $1 AND day >= " OFFICE_TODAY, 1, pid, err))
		return FALSE;
	size_t k;
	json_t *item;
	json_array_foreach(list, k, item) {
		const char *p[] = {id, json_string_value(item)};
		if (!bb_db_run(db, "INSERT INTO appointment_blocked_day (office_id, day) VALUES ($1, $2::date) "
				"ON CONFLICT DO NOTHING", 2, p, err))
			return FALSE;
	}
	return TRUE;
}

/* Everything of one change after BEGIN; the caller commits or rolls back. */
static gboolean write_all(bb_db *db, const bb_actor *actor, const char *id, json_t *body, gboolean create,
	parsed *ps, bb_err *err)
{
	const char *pid[] = {id};
	PGresult *r;
	if (create) {
		const char *p[] = {id, json_string_value(json_object_get(body, "name_de")),
			json_string_value(json_object_get(body, "name_en")), json_string_value(json_object_get(body, "ticket_prefix"))};
		r = bb_db_exec_err(db, "INSERT INTO office (id, name_de, name_en, ticket_prefix) VALUES ($1, $2, $3, $4) "
			"ON CONFLICT (id) DO NOTHING RETURNING id", 4, p, err);
	} else {
		r = bb_db_exec_err(db, "SELECT id FROM office WHERE id = $1 FOR UPDATE", 1, pid, err);
	}
	if (!r)
		return FALSE;
	gboolean found = PQntuples(r) == 1;
	PQclear(r);
	if (!found) {
		if (create) {
			bb_err_set(err, "conflict", "id: an office with this id exists");
			err->extra = json_pack("{s:s}", "field", "id");
		} else
			bb_err_set(err, "not_found", "office: no such office");
		return FALSE;
	}
	if (!update_cols(db, "office", "id", id, office_cols, G_N_ELEMENTS(office_cols), body, err))
		return FALSE;
	if (has_any(body, policy_cols, G_N_ELEMENTS(policy_cols)) &&
	    (!bb_db_run(db, "INSERT INTO appointment_policy (office_id) VALUES ($1) ON CONFLICT DO NOTHING", 1, pid, err) ||
	     !update_cols(db, "appointment_policy", "office_id", id, policy_cols, G_N_ELEMENTS(policy_cols), body, err)))
		return FALSE;
	if (ps->hours && !write_hours(db, id, ps->hours, err))
		return FALSE;
	if (ps->days && !write_days(db, id, ps->days, err))
		return FALSE;
	json_t *blocked = json_object_get(body, "blocked_days");
	if (blocked && !write_blocked(db, id, blocked, err))
		return FALSE;
	if (!bb_audit_add(db, actor, create ? "office.create" : "office.update", id, body, err))
		return FALSE;
	return bb_db_run(db, "SELECT pg_notify('bb_config', 'reload')", 0, NULL, err);
}

json_t *bb_admin_office_write(bb_db *db, const bb_actor *actor, const char *id, json_t *body, gboolean create,
	bb_err *err)
{
	parsed ps = {0};
	if (!check_body(id, body, create, &ps, err)) {
		parsed_clear(&ps);
		return NULL;
	}
	GError *e = NULL;
	if (!bb_db_begin(db, &e)) {
		bb_err_from_db(err, e);
		parsed_clear(&ps);
		return NULL;
	}
	gboolean ok = write_all(db, actor, id, body, create, &ps, err);
	parsed_clear(&ps);
	if (!ok) {
		bb_db_rollback(db);
		return NULL;
	}
	if (!bb_db_commit(db, &e)) {
		bb_err_from_db(err, e);
		bb_db_rollback(db);
		return NULL;
	}
	return bb_admin_offices_get(db, id, err);
}
