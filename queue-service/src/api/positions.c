/* positions.c: per-node position updates for waiting citizens (contract: positions.h). */
#include "api/positions.h"
#include "base/jsonutil.h"
#include "store/queue.h"
#include "bb_protocol.h"

#include <string.h>

/* What one (plugin instance, office) was told: ticket id -> "position:min:max" (or "position:-"
 * when no estimate is known). */
typedef struct told {
	char *instance;
	GHashTable *by_ticket;     /* gint64* -> char* */
} told;

struct bb_positions {
	GHashTable *by_key;        /* "instance\037office" -> told* */
};

static void told_free(gpointer p)
{
	told *t = p;
	g_free(t->instance);
	g_hash_table_destroy(t->by_ticket);
	g_free(t);
}

static struct bb_positions *state(bb_app *app)
{
	if (!app->positions) {
		app->positions = g_new0(struct bb_positions, 1);
		app->positions->by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, told_free);
	}
	return app->positions;
}

/* One `positions` event with the entries collected so far; empties them. */
static void flush(bb_app *app, const bb_positions_target *to, bb_positions_out out, bb_office *o,
	const char *status, json_t *entries)
{
	if (json_array_size(entries) == 0)
		return;
	json_t *ev = json_pack("{s:s, s:s, s:s, s:O}", "event", "positions", "office", o->id, "status", status,
		"positions", entries);
	char *s = bb_json_take_dump(ev);
	out(app, to->conn, s);
	g_free(s);
	json_array_clear(entries);
}

/* Why remember what was told: when the head of a queue is called, every position changes and
 * must be told, but most changes (a join at the end, a clerk pausing) move nobody; only the
 * differences go out, and per node only its own citizens. */
gboolean bb_positions_send(bb_app *app, bb_office *o, const bb_positions_target *targets, int n,
	bb_positions_out out, GError **error)
{
	if (n == 0)
		return TRUE;
	PGresult *r = bb_office_waiting_order(app, o, error);
	if (!r)
		return FALSE;
	struct bb_positions *st = state(app);
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	const char *status = bb_office_status_name(bb_office_status_now(o, now));
	for (int t = 0; t < n; t++) {
		const bb_positions_target *to = &targets[t];
		const char *instance = to->instance;
		g_autofree char *key = g_strdup_printf("%s\037%s", instance, o->id);
		told *old = g_hash_table_lookup(st->by_key, key);
		told *now_told = g_new0(told, 1);
		now_told->instance = g_strdup(instance);
		now_told->by_ticket = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
		json_t *entries = json_array();
		for (int i = 0; i < PQntuples(r); i++) {
			if (PQgetisnull(r, i, 1) || strcmp(PQgetvalue(r, i, 1), instance) != 0 || strcmp(PQgetvalue(r, i, 2), "t") == 0)
				continue;   /* another node's citizen, or detached (grace): nobody here to tell */
			gint64 id = bb_db_int(r, i, 0);
			bb_estimate e = bb_office_estimate(o, i);
			char *value = e.known ? g_strdup_printf("%d:%d:%d", i, e.min_s, e.max_s) : g_strdup_printf("%d:-", i);
			const char *before = old ? g_hash_table_lookup(old->by_ticket, &id) : NULL;
			if (!before || strcmp(before, value) != 0) {
				json_array_append_new(entries, json_pack("{s:I, s:i, s:o}", "id", (json_int_t)id, "position", i,
					"estimate", bb_estimate_json(e)));
				if ((int)json_array_size(entries) >= BB_COUNT_POSITIONS_FRAME)
					flush(app, to, out, o, status, entries);
			}
			g_hash_table_insert(now_told->by_ticket, g_memdup2(&id, sizeof id), value);
		}
		flush(app, to, out, o, status, entries);
		json_decref(entries);
		g_hash_table_replace(st->by_key, g_steal_pointer(&key), now_told);
	}
	PQclear(r);
	return TRUE;
}

void bb_positions_forget(bb_app *app, const char *instance)
{
	if (!app->positions)
		return;
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, app->positions->by_key);
	while (g_hash_table_iter_next(&it, &k, &v))
		if (strcmp(((told *)v)->instance, instance) == 0)
			g_hash_table_iter_remove(&it);
}

void bb_positions_free(bb_app *app)
{
	if (!app->positions)
		return;
	g_hash_table_destroy(app->positions->by_key);
	g_clear_pointer(&app->positions, g_free);
}
