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

/* One slice of the queue (called first, then waiting in order): the tickets from `offset` on, at
 * most `limit`, with the counts of the whole queue. Positions continue from the slice's start:
 * the waiting tickets before it are offset minus the called ones. NULL on database failure. */
static json_t *queue_slice(bb_app *app, bb_office *o, int offset, int limit, int *total, int *called, GError **error)
{
	char off[16], lim[16];
	g_snprintf(off, sizeof off, "%d", offset);
	g_snprintf(lim, sizeof lim, "%d", limit);
	const char *p[] = {o->id, off, lim};
	PGresult *r = bb_db_exec(app->db, "SELECT " BB_TICKET_COLS ", count(*) OVER (), "
		"count(*) FILTER (WHERE t.state = 'called') OVER () FROM ticket t WHERE t.office_id = $1 "
		"AND t.state IN ('called', 'waiting') " QUEUE_ORDER " OFFSET $2::int LIMIT $3::int", 3, p, error);
	if (!r)
		return NULL;
	int n = PQntuples(r);
	*total = n ? (int)bb_db_int(r, 0, BB_TCOL_N) : 0;
	*called = n ? (int)bb_db_int(r, 0, BB_TCOL_N + 1) : 0;
	if (n == 0 && offset > 0) {   /* past the end: the counts still describe the queue */
		PGresult *c = bb_db_exec(app->db, "SELECT count(*), count(*) FILTER (WHERE state = 'called') FROM ticket "
			"WHERE office_id = $1 AND state IN ('called', 'waiting')", 1, p, error);
		if (!c) {
			PQclear(r);
			return NULL;
		}
		*total = (int)bb_db_int(c, 0, 0);
		*called = (int)bb_db_int(c, 0, 1);
		PQclear(c);
	}
	json_t *tickets = ticket_list(r, offset > *called ? offset - *called : 0);
	PQclear(r);
	return tickets;
}

/* Why only the head: the event went to every plugin with every waiting ticket, name and concern
 * included, and one big office (past ~1,500 waiting) outgrew the plugin's frame limit and took
 * its node off the service. Clerks see the head and ask for pages (queue_page); citizens hear
 * their own positions (`positions` events, api/positions.c). */
json_t *bb_office_queue_json(bb_app *app, bb_office *o, GError **error)
{
	int total, called;
	json_t *tickets = queue_slice(app, o, 0, BB_COUNT_QUEUE_HEAD, &total, &called, error);
	if (!tickets)
		return NULL;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	return json_pack("{s:s, s:s, s:s, s:i, s:i, s:i, s:o, s:o}", "event", "office_queue", "office", o->id,
		"status", bb_office_status_name(bb_office_status_now(o, now)), "waiting", total - called,
		"called", called, "more", total - (int)json_array_size(tickets),
		"estimate", bb_estimate_json(bb_office_estimate(o, o->waiting)), "tickets", tickets);
}

json_t *bb_office_queue_page(bb_app *app, bb_office *o, int offset, GError **error)
{
	int total, called;
	json_t *tickets = queue_slice(app, o, offset, BB_COUNT_QUEUE_PAGE, &total, &called, error);
	if (!tickets)
		return NULL;
	return json_pack("{s:s, s:i, s:i, s:o}", "office", o->id, "offset", offset, "total", total, "tickets", tickets);
}

PGresult *bb_office_waiting_order(bb_db *db, const char *office_id, GError **error)
{
	const char *p[] = {office_id};
	return bb_db_exec(db, "SELECT t.id, t.attached_instance, t.detached_at IS NOT NULL FROM ticket t "
		"WHERE t.office_id = $1 AND t.state = 'waiting' ORDER BY t.priority DESC, t.arrived_at, t.id",
		1, p, error);
}
