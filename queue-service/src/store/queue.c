/* queue.c: the `office_queue` view of an office (ticket list, status, estimate). */
#include "store/queue.h"
#include "store/tickets.h"

#include <string.h>

/* One query for the list; a waiting ticket's position is its index among the waiting ones in
 * this order, so the positions cost no query of their own. */
json_t *bb_office_queue_json(bb_app *app, bb_office *o, GError **error)
{
	const char *p[] = {o->id};
	PGresult *r = bb_db_exec(app->db, "SELECT " BB_TICKET_COLS " FROM ticket t WHERE t.office_id = $1 "
		"AND t.state IN ('called', 'waiting') "
		"ORDER BY t.state = 'waiting', t.priority DESC, t.arrived_at, t.id", 1, p, error);
	if (!r)
		return NULL;
	json_t *tickets = json_array();
	int pos = 0;
	for (int i = 0; i < PQntuples(r); i++) {
		gboolean waiting = strcmp(PQgetvalue(r, i, BB_TCOL_STATE), "waiting") == 0;
		json_array_append_new(tickets, bb_ticket_json(r, i, waiting ? pos++ : 0));
	}
	PQclear(r);
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	return json_pack("{s:s, s:s, s:s, s:i, s:o, s:o}", "event", "office_queue", "office", o->id,
		"status", bb_office_status_name(bb_office_status_now(o, now)), "waiting", o->waiting,
		"estimate", bb_estimate_json(bb_office_estimate(o, o->waiting)), "tickets", tickets);
}
