/* overview.c: the live overview's query and its JSON form (see overview.h). */
#include "store/overview.h"
#include "base/jsonutil.h"

#include <string.h>

/* Why one statement with correlated sub-selects per office: each is an index range scan of one
 * office (ticket_waiting for the oldest waiting ticket, ticket_recent_done for today's
 * consultations, ticket_office_day for today's no-shows), so the cost follows today's tickets, not
 * the table. Ages are measured on the database's clock on both ends (no skew with the service's
 * clock). A no-show is looked for among tickets issued today or yesterday (local days), which
 * covers every ticket that can still be called; the schema has no index on no_show_at. */
static const char overview_sql[] =
	"SELECT o.id, to_char(l.today, 'YYYY-MM-DD'),"
	" (SELECT floor(extract(epoch FROM min(t.arrived_at)))::bigint FROM ticket t"
	"   WHERE t.office_id = o.id AND t.state = 'waiting'),"
	" floor(extract(epoch FROM now()))::bigint,"
	" (SELECT count(*) FROM ticket t WHERE t.office_id = o.id AND t.state = 'done'"
	"   AND t.done_at >= l.midnight),"
	" (SELECT count(*) FROM ticket t WHERE t.office_id = o.id AND t.day >= l.today - 1"
	"   AND t.state = 'no_show' AND t.no_show_at >= l.midnight)"
	" FROM office o"
	" CROSS JOIN LATERAL (SELECT (now() AT TIME ZONE o.timezone)::date AS today) d"
	" CROSS JOIN LATERAL (SELECT d.today, d.today::timestamp AT TIME ZONE o.timezone AS midnight) l"
	" ORDER BY o.id COLLATE \"C\"";   /* the cache's order (strcmp) */

GArray *bb_overview_fetch(bb_app *app, GError **error)
{
	PGresult *r = bb_db_exec(app->db, overview_sql, 0, NULL, error);
	if (!r)
		return NULL;
	GArray *rows = g_array_sized_new(FALSE, TRUE, sizeof(bb_overview_row), (guint)PQntuples(r));
	for (int i = 0; i < PQntuples(r); i++) {
		bb_office *o = bb_office_get(app, PQgetvalue(r, i, 0));
		if (!o)
			continue;
		bb_overview_row row = {.office = o, .longest_wait_s = -1, .waiting_since = -1};
		g_strlcpy(row.today, PQgetvalue(r, i, 1), sizeof row.today);
		if (bb_db_str(r, i, 2)) {
			row.waiting_since = bb_db_int(r, i, 2);
			row.longest_wait_s = (int)MAX(0, bb_db_int(r, i, 3) - row.waiting_since);
		}
		row.consultations_today = (int)bb_db_int(r, i, 4);
		row.no_shows_today = (int)bb_db_int(r, i, 5);
		g_array_append_val(rows, row);
	}
	PQclear(r);
	return rows;
}

/* The public view (status, closed_reason, waiting, estimate, hours ...) is the base, so that the
 * overview and the homepage never disagree about an office; the rest is what only staff see. */
static json_t *office_json(const bb_overview_row *row, gint64 now)
{
	const bb_office *o = row->office;
	json_t *j = bb_office_public_json(o, now);
	json_object_set_new(j, "longest_wait_s", row->longest_wait_s < 0 ? json_null() : json_integer(row->longest_wait_s));
	json_object_set_new(j, "waiting_since", row->waiting_since < 0 ? json_null() : bb_json_time(row->waiting_since));
	json_object_set_new(j, "clerks", json_pack("{s:i, s:i, s:i}", "available", o->clerks_available,
		"busy", o->clerks_busy, "paused", o->clerks_paused));
	json_object_set_new(j, "today", json_pack("{s:s, s:i, s:i}", "date", row->today,
		"consultations", row->consultations_today, "no_shows", row->no_shows_today));
	return j;
}

json_t *bb_overview_json(const GArray *rows, gint64 now)
{
	json_t *list = json_array();
	for (guint i = 0; i < rows->len; i++)
		json_array_append_new(list, office_json(&g_array_index(rows, bb_overview_row, i), now));
	return json_pack("{s:o, s:o}", "at", bb_json_time(now), "offices", list);
}
