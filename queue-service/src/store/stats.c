/* stats.c: county statistics per office and local day: the aggregate query and its JSON/CSV forms.
 *
 * What counts where (docs/rest-api.md "Statistics"):
 * - A ticket belongs to the local day on which it was issued (`ticket.day`, the issuing office's
 *   time zone). `issued` and `transferred_out` count at the issuing office; every outcome, the
 *   waiting and the consultation time count at the office the ticket is in now (after transfers
 *   that is the office that handled it), as does `transferred_in`.
 * - The schema keeps only the current office and a transfer counter, so a ticket transferred
 *   A -> B -> A counts as neither out nor in; `transfers` sums every hop at the current office.
 * - Appointments count at their office on the local day of their slot.
 * Only numbers and office ids leave this file: names, concerns and tokens are never selected. */
#include "store/stats.h"
#include "base/timeparse.h"

#include <stdlib.h>
#include <string.h>

/* One statement: both ticket roles come from a single scan (the lateral VALUES gives each ticket
 * an "issuer" and a "holder" row), appointments use the (office_id, start_at) index with a day
 * of margin on each side for time zones, and the full join keeps days with only one of them. */
static const char stats_sql[] =
	"WITH t AS ("
	" SELECT r.office, t.day,"
	"  count(*) FILTER (WHERE r.issuer) AS issued,"
	"  count(*) FILTER (WHERE NOT r.issuer AND t.state = 'done' AND t.outcome = 'served') AS served,"
	"  count(*) FILTER (WHERE NOT r.issuer AND t.state = 'done' AND t.outcome = 'forwarded') AS forwarded,"
	"  count(*) FILTER (WHERE NOT r.issuer AND t.state = 'no_show') AS no_show,"
	"  count(*) FILTER (WHERE NOT r.issuer AND t.state = 'cancelled') AS cancelled,"
	"  count(*) FILTER (WHERE NOT r.issuer AND t.state = 'expired' AND t.expire_reason = 'grace') AS expired_grace,"
	"  count(*) FILTER (WHERE NOT r.issuer AND t.state = 'expired' AND t.expire_reason = 'closing') AS expired_closing,"
	"  count(*) FILTER (WHERE NOT r.issuer AND t.state = 'expired' AND t.expire_reason = 'callback') AS expired_callback,"
	"  count(*) FILTER (WHERE NOT r.issuer AND t.state IN ('waiting', 'called', 'in_consultation')) AS unfinished,"
	"  count(*) FILTER (WHERE r.issuer AND t.office_id <> t.issued_office_id) AS transferred_out,"
	"  count(*) FILTER (WHERE NOT r.issuer AND t.office_id <> t.issued_office_id) AS transferred_in,"
	"  coalesce(sum(t.transfers) FILTER (WHERE NOT r.issuer), 0) AS transfers,"
	"  count(*) FILTER (WHERE NOT r.issuer AND t.interpreted) AS with_interpreter,"
	"  percentile_cont(0.5) WITHIN GROUP (ORDER BY d.wait_s) FILTER (WHERE NOT r.issuer) AS wait_p50,"
	"  percentile_cont(0.9) WITHIN GROUP (ORDER BY d.wait_s) FILTER (WHERE NOT r.issuer) AS wait_p90,"
	"  percentile_cont(0.5) WITHIN GROUP (ORDER BY d.consult_s) FILTER (WHERE NOT r.issuer) AS consult_p50,"
	"  percentile_cont(0.9) WITHIN GROUP (ORDER BY d.consult_s) FILTER (WHERE NOT r.issuer) AS consult_p90"
	" FROM ticket t"
	" CROSS JOIN LATERAL (VALUES (t.issued_office_id, true), (t.office_id, false)) AS r(office, issuer)"
	" CROSS JOIN LATERAL (SELECT"
	"   CASE WHEN t.called_at IS NOT NULL THEN greatest(0, extract(epoch FROM t.called_at - t.arrived_at))::float8"
	"   END AS wait_s,"
	"   CASE WHEN t.state = 'done' THEN greatest(0, extract(epoch FROM t.done_at - t.in_consultation_at))::float8"
	"   END AS consult_s) AS d"
	" WHERE t.day BETWEEN $1::date AND $2::date"
	"   AND (t.issued_office_id = ANY($3::text[]) OR t.office_id = ANY($3::text[]))"
	"   AND r.office = ANY($3::text[])"
	" GROUP BY r.office, t.day"
	"), a AS ("
	" SELECT ap.office_id AS office, (ap.start_at AT TIME ZONE o.timezone)::date AS day,"
	"  count(*) AS booked,"
	"  count(*) FILTER (WHERE ap.state = 'checked_in') AS checked_in,"
	"  count(*) FILTER (WHERE ap.state = 'no_show') AS no_show,"
	"  count(*) FILTER (WHERE ap.state = 'cancelled') AS cancelled"
	" FROM appointment ap JOIN office o ON o.id = ap.office_id"
	" WHERE ap.office_id = ANY($3::text[])"
	"   AND ap.start_at >= ($1::date - 1) AND ap.start_at < ($2::date + 2)"
	" GROUP BY 1, 2"
	")"
	" SELECT coalesce(t.office, a.office), to_char(coalesce(t.day, a.day), 'YYYY-MM-DD'),"
	"  coalesce(t.issued, 0), coalesce(t.served, 0), coalesce(t.forwarded, 0), coalesce(t.no_show, 0),"
	"  coalesce(t.cancelled, 0), coalesce(t.expired_grace, 0), coalesce(t.expired_closing, 0),"
	"  coalesce(t.unfinished, 0), coalesce(t.transferred_out, 0), coalesce(t.transferred_in, 0),"
	"  coalesce(t.transfers, 0),"
	"  round(t.wait_p50::numeric, 1), round(t.wait_p90::numeric, 1),"
	"  round(t.consult_p50::numeric, 1), round(t.consult_p90::numeric, 1),"
	"  coalesce(a.booked, 0), coalesce(a.checked_in, 0), coalesce(a.no_show, 0), coalesce(a.cancelled, 0),"
	"  coalesce(t.expired_callback, 0), coalesce(t.with_interpreter, 0)"
	" FROM t FULL JOIN a ON a.office = t.office AND a.day = t.day"
	" WHERE coalesce(t.day, a.day) BETWEEN $1::date AND $2::date"
	" ORDER BY 1, 2";

/* The same tickets by hour of day: the local hour (in the time zone of the office the ticket is in
 * now) at which each arrived, over the whole range. Everything counts at the office the ticket is
 * in now, like the outcomes of the day rows; the (office_id, day) index finds the tickets. */
static const char hours_sql[] =
	"SELECT t.office_id, extract(hour FROM t.arrived_at AT TIME ZONE o.timezone)::int,"
	" count(*),"
	" count(*) FILTER (WHERE t.state = 'done' AND t.outcome = 'served'),"
	" count(*) FILTER (WHERE t.state = 'done' AND t.outcome = 'forwarded'),"
	" count(*) FILTER (WHERE t.state = 'no_show'),"
	" count(*) FILTER (WHERE t.state = 'cancelled'),"
	" round(percentile_cont(0.5) WITHIN GROUP (ORDER BY d.wait_s)::numeric, 1),"
	" round(percentile_cont(0.9) WITHIN GROUP (ORDER BY d.wait_s)::numeric, 1),"
	" round(percentile_cont(0.5) WITHIN GROUP (ORDER BY d.consult_s)::numeric, 1),"
	" round(percentile_cont(0.9) WITHIN GROUP (ORDER BY d.consult_s)::numeric, 1)"
	" FROM ticket t JOIN office o ON o.id = t.office_id"
	" CROSS JOIN LATERAL (SELECT"
	"   CASE WHEN t.called_at IS NOT NULL THEN greatest(0, extract(epoch FROM t.called_at - t.arrived_at))::float8"
	"   END AS wait_s,"
	"   CASE WHEN t.state = 'done' THEN greatest(0, extract(epoch FROM t.done_at - t.in_consultation_at))::float8"
	"   END AS consult_s) AS d"
	" WHERE t.day BETWEEN $1::date AND $2::date AND t.office_id = ANY($3::text[])"
	" GROUP BY 1, 2"
	" ORDER BY 1, 2";

typedef enum { COL_TEXT, COL_INT, COL_SECONDS } col_kind;

typedef struct column {
	const char *name;
	col_kind kind;
} column;

/* The result columns in query order: the names are the JSON keys and the CSV header. */
static const column columns[] = {
	{"office", COL_TEXT}, {"day", COL_TEXT},
	{"issued", COL_INT}, {"served", COL_INT}, {"forwarded", COL_INT}, {"no_show", COL_INT},
	{"cancelled", COL_INT}, {"expired_grace", COL_INT}, {"expired_closing", COL_INT},
	{"unfinished", COL_INT}, {"transferred_out", COL_INT}, {"transferred_in", COL_INT},
	{"transfers", COL_INT},
	{"wait_p50_s", COL_SECONDS}, {"wait_p90_s", COL_SECONDS},
	{"consultation_p50_s", COL_SECONDS}, {"consultation_p90_s", COL_SECONDS},
	{"appointments_booked", COL_INT}, {"appointments_checked_in", COL_INT},
	{"appointments_no_show", COL_INT}, {"appointments_cancelled", COL_INT},
	/* added after the first release: last, so spreadsheets that read columns by place still fit */
	{"expired_callback", COL_INT},
	{"with_interpreter", COL_INT},   /* consultations an interpreter took part in */
};

/* The columns of hours_sql (JSON only: the CSV keeps its one row shape). */
static const column hour_columns[] = {
	{"office", COL_TEXT}, {"hour", COL_INT}, {"arrived", COL_INT},
	{"served", COL_INT}, {"forwarded", COL_INT}, {"no_show", COL_INT}, {"cancelled", COL_INT},
	{"wait_p50_s", COL_SECONDS}, {"wait_p90_s", COL_SECONDS},
	{"consultation_p50_s", COL_SECONDS}, {"consultation_p90_s", COL_SECONDS},
};

/* Strict YYYY-MM-DD into a GDate; FALSE for anything else (also 2026-02-30). */
static gboolean parse_day(const char *s, GDate *out)
{
	int y, m, d;
	if (!bb_date_parse(s, &y, &m, &d) || y < 1900)
		return FALSE;
	g_date_clear(out, 1);
	g_date_set_dmy(out, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
	return TRUE;
}

gboolean bb_stats_check_range(const char *from, const char *to, char **message)
{
	GDate f, t;
	if (!from || !to) {
		*message = g_strdup("from and to are required (YYYY-MM-DD)");
		return FALSE;
	}
	if (!parse_day(from, &f)) {
		*message = g_strdup("from: expected a date YYYY-MM-DD");
		return FALSE;
	}
	if (!parse_day(to, &t)) {
		*message = g_strdup("to: expected a date YYYY-MM-DD");
		return FALSE;
	}
	int span = g_date_days_between(&f, &t) + 1;
	if (span < 1) {
		*message = g_strdup("to must not be before from");
		return FALSE;
	}
	if (span > BB_STATS_MAX_DAYS) {
		*message = g_strdup_printf("the range spans %d days; at most %d are allowed", span, BB_STATS_MAX_DAYS);
		return FALSE;
	}
	return TRUE;
}

/* Runs one of the two queries and checks it returned the columns the table names. */
static PGresult *fetch(bb_db *db, const char *sql, guint n_columns, const char *from, const char *to,
	const char *const *offices, int n, GError **error)
{
	g_autofree char *list = bb_db_array_literal(offices, n);
	const char *params[] = {from, to, list};
	PGresult *r = bb_db_exec(db, sql, 3, params, error);
	if (r && PQnfields(r) != (int)n_columns) {
		g_set_error(error, BB_DB_ERROR, BB_DB_INTERNAL, "statistics query returned %d columns", PQnfields(r));
		PQclear(r);
		return NULL;
	}
	return r;
}

PGresult *bb_stats_fetch(bb_db *db, const char *from, const char *to, const char *const *offices, int n,
	GError **error)
{
	return fetch(db, stats_sql, G_N_ELEMENTS(columns), from, to, offices, n, error);
}

PGresult *bb_stats_fetch_hours(bb_db *db, const char *from, const char *to, const char *const *offices, int n,
	GError **error)
{
	return fetch(db, hours_sql, G_N_ELEMENTS(hour_columns), from, to, offices, n, error);
}

/* Result rows as JSON objects keyed by the column names, typed by their kind. */
static json_t *rows_json(const PGresult *r, const column *cols, guint n_cols)
{
	json_t *rows = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *row = json_object();
		for (guint c = 0; c < n_cols; c++) {
			const char *v = bb_db_str(r, i, (int)c);
			json_t *x = !v ? json_null()
				: cols[c].kind == COL_TEXT ? json_string(v)
				: cols[c].kind == COL_INT ? json_integer(g_ascii_strtoll(v, NULL, 10))
				: json_real(g_ascii_strtod(v, NULL));
			json_object_set_new(row, cols[c].name, x);
		}
		json_array_append_new(rows, row);
	}
	return rows;
}

json_t *bb_stats_json(const PGresult *r, const PGresult *hours, const char *from, const char *to)
{
	json_t *o = json_pack("{s:s, s:s, s:o}", "from", from, "to", to, "rows", rows_json(r, columns, G_N_ELEMENTS(columns)));
	if (hours)
		json_object_set_new(o, "hours", rows_json(hours, hour_columns, G_N_ELEMENTS(hour_columns)));
	return o;
}

/* One RFC 4180 cell. Quoted when it holds a separator, quote or line break; a leading = + - @
 * (or tab/CR) gets a ' so spreadsheets never evaluate it (cells here are ids and numbers, so
 * this is defence in depth). */
static void csv_cell(GString *out, const char *v)
{
	if (!v)
		return;
	gboolean guard = strchr("=+-@\t\r", v[0]) != NULL && v[0] != '\0';
	gboolean quote = guard || strpbrk(v, ",\"\r\n") != NULL;
	if (quote)
		g_string_append_c(out, '"');
	if (guard)
		g_string_append_c(out, '\'');
	for (const char *p = v; *p; p++) {
		if (*p == '"')
			g_string_append_c(out, '"');
		g_string_append_c(out, *p);
	}
	if (quote)
		g_string_append_c(out, '"');
}

char *bb_stats_csv(const PGresult *r)
{
	GString *out = g_string_new(NULL);
	for (guint c = 0; c < G_N_ELEMENTS(columns); c++) {
		if (c)
			g_string_append_c(out, ',');
		csv_cell(out, columns[c].name);
	}
	g_string_append(out, "\r\n");
	for (int i = 0; i < PQntuples(r); i++) {
		for (guint c = 0; c < G_N_ELEMENTS(columns); c++) {
			if (c)
				g_string_append_c(out, ',');
			csv_cell(out, bb_db_str(r, i, (int)c));
		}
		g_string_append(out, "\r\n");
	}
	return g_string_free(out, FALSE);
}
