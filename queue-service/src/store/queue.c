/* queue.c: the `office_queue` view of an office (head of the queue, counts, estimate), the pages
 * a clerk asks for beyond it, and the order of the waiting tickets for their positions. */
#include "store/queue.h"
#include "store/tickets.h"

#include <string.h>

/* Queue order: called tickets first, then the waiting ones by priority, arrival, id (the
 * partial index ticket_waiting serves the waiting part). */
#define QUEUE_ORDER "ORDER BY t.state = 'waiting', t.priority DESC, t.arrived_at, t.id"

/* Tickets of one query (called first, then waiting) as JSON: a waiting ticket's position is its
 * index among the waiting ones, counting from `first_position`. */
static json_t *ticket_list(PGresult *r, int first_position)
{
	json_t *tickets = json_array();
	int pos = first_position;
	for (int i = 0; i < PQntuples(r); i++) {
		gboolean waiting = strcmp(PQgetvalue(r, i, BB_TCOL_STATE), "waiting") == 0;
		json_array_append_new(tickets, bb_ticket_json(r, i, waiting ? pos++ : 0));
	}
	return tickets;
}

/* Why only the head: the event went to every plugin with every waiting ticket, name and concern
 * included, and one big office (past ~1,500 waiting) outgrew the plugin's frame limit and took
 * its node off the service. Clerks see the head and ask for pages (queue_page); citizens hear
 * their own positions (`positions` events, api/positions.c). */
json_t *bb_office_queue_json(bb_app *app, bb_office *o, GError **error)
{
	char limit[16];
	g_snprintf(limit, sizeof limit, "%d", BB_COUNT_QUEUE_HEAD);
	const char *p[] = {o->id, limit};
	PGresult *r = bb_db_exec(app->db, "SELECT " BB_TICKET_COLS ", count(*) OVER (), "
		"count(*) FILTER (WHERE t.state = 'called') OVER () FROM ticket t WHERE t.office_id = $1 "
		"AND t.state IN ('called', 'waiting') " QUEUE_ORDER " LIMIT $2::int", 2, p, error);
	if (!r)
		return NULL;
	int n = PQntuples(r);
	int total = n ? (int)bb_db_int(r, 0, BB_TCOL_N) : 0;
	int called = n ? (int)bb_db_int(r, 0, BB_TCOL_N + 1) : 0;
	json_t *tickets = ticket_list(r, 0);
	PQclear(r);
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	return json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:o, s:o}", "event", "office_queue", "office", o->id,
		"status", bb_office_status_name(bb_office_status_now(o, now)), "waiting", total - called,
		"called", called, "more", total - n,
		"estimate", bb_estimate_json(bb_office_estimate(o, o->waiting)), "tickets", tickets);
}

json_t *bb_office_queue_page(bb_app *app, bb_office *o, int offset, GError **error)
{
	char off[16], limit[16];
	g_snprintf(off, sizeof off, "%d", offset);
	g_snprintf(limit, sizeof limit, "%d", BB_COUNT_QUEUE_PAGE);
	const char *p[] = {o->id, off, limit};
	PGresult *r = bb_db_exec(app->db, "SELECT " BB_TICKET_COLS ", count(*) OVER (), "
		"count(*) FILTER (WHERE t.state = 'called') OVER () FROM ticket t WHERE t.office_id = $1 "
		"AND t.state IN ('called', 'waiting') " QUEUE_ORDER " OFFSET $2::int LIMIT $3::int", 3, p, error);
	if (!r)
		return NULL;
	int n = PQntuples(r);
	/* positions continue from the page's start: the waiting before it are offset - called */
	int called = n ? (int)bb_db_int(r, 0, BB_TCOL_N + 1) : 0;
	int total = n ? (int)bb_db_int(r, 0, BB_TCOL_N) : 0;
	json_t *tickets = ticket_list(r, offset > called ? offset - called : 0);
	PQclear(r);
	return json_pack("{s:s, s:i, s:i, s:o}", "office", o->id, "offset", offset, "total", total, "tickets", tickets);
}

PGresult *bb_office_waiting_order(bb_app *app, bb_office *o, GError **error)
{
	const char *p[] = {o->id};
	return bb_db_exec(app->db, "SELECT t.id, t.attached_instance, t.detached_at IS NOT NULL FROM ticket t "
		"WHERE t.office_id = $1 AND t.state = 'waiting' ORDER BY t.priority DESC, t.arrived_at, t.id",
		1, p, error);
}
