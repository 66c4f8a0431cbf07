/* positions.c: per-node position updates for waiting citizens (contract: positions.h). */
#include "api/positions.h"
#include "base/jsonutil.h"
#include "base/logging.h"
#include "domain/estimate.h"
#include "store/queue.h"
#include "bb_protocol.h"

#include <string.h>

/* What one (plugin instance, office) was last told about one ticket. */
typedef struct told_entry {
	gint position;
	gint min_s;                /* -1: no estimate was known */
	gint max_s;
	guint seen;                /* the round that last saw the ticket waiting */
} told_entry;

/* What one (plugin instance, office) was told: ticket id -> told_entry. */
typedef struct told {
	char *instance;
	GHashTable *by_ticket;     /* gint64* -> told_entry*, one allocation (the key, then the entry) */
	guint round;
} told;

/* A unit of work for the worker, in submission order: a send (one office, several instances) or
 * a forget (one instance). */
typedef struct job {
	bb_app *app;
	char *office;              /* NULL: a forget */
	char *instance;            /* the forget's instance */
	char *status;
	bb_estimate_basis basis;
	GStrv instances;           /* the send's targets */
	bb_positions_out out;
	GPtrArray *frames;         /* result, pairs: instance (borrowed from instances), text */
	gboolean failed;
} job;

/* The loop's view of one office: a send is in flight; `next` (if set) is the newest send asked
 * for meanwhile, submitted when the one in flight is done. */
typedef struct pending {
	job *next;
} pending;

struct bb_positions {
	bb_pool *pool;             /* one worker with its own connection; NULL: jobs run on the loop */
	GHashTable *told;          /* worker only: "instance\037office" -> told* */
	GHashTable *pending;       /* loop only: office id -> pending* (present while in flight) */
	gboolean closing;
};

static void told_free(gpointer p)
{
	told *t = p;
	g_free(t->instance);
	g_hash_table_destroy(t->by_ticket);
	g_free(t);
}

static void job_free(job *j)
{
	if (!j)
		return;
	g_free(j->office);
	g_free(j->instance);
	g_free(j->status);
	g_strfreev(j->instances);
	if (j->frames)
		g_ptr_array_free(j->frames, TRUE);
	g_free(j);
}

static void pending_free(gpointer p)
{
	pending *pd = p;
	job_free(pd->next);
	g_free(pd);
}

void bb_positions_init(bb_app *app, const char *conninfo, int statement_timeout_ms,
	void (*wake)(gpointer), gpointer wake_data)
{
	struct bb_positions *st = g_new0(struct bb_positions, 1);
	st->told = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, told_free);
	st->pending = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, pending_free);
	if (conninfo)
		st->pool = bb_pool_new("bb-pos", 1, 0, 0, conninfo, statement_timeout_ms, wake, wake_data);
	app->positions = st;
}

/* One `positions` event with the entries collected so far, kept as text for the loop; empties
 * the entries. */
static void flush(job *j, const char *instance, json_t *entries)
{
	if (json_array_size(entries) == 0)
		return;
	json_t *ev = json_pack("{s:s, s:s, s:s, s:O}", "event", "positions", "office", j->office,
		"status", j->status, "positions", entries);
	g_ptr_array_add(j->frames, (gpointer)instance);
	g_ptr_array_add(j->frames, bb_json_take_dump(ev));
	json_array_clear(entries);
}

/* Compares one instance's citizens in the waiting order with what it was told; collects the
 * differences as events and remembers the new state. Tickets that left are forgotten. */
static void diff_instance(struct bb_positions *st, job *j, const char *instance, PGresult *r)
{
	g_autofree char *key = g_strdup_printf("%s\037%s", instance, j->office);
	told *t = g_hash_table_lookup(st->told, key);
	if (!t) {
		t = g_new0(told, 1);
		t->instance = g_strdup(instance);
		t->by_ticket = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
		g_hash_table_insert(st->told, g_steal_pointer(&key), t);
	}
	guint round = ++t->round;
	json_t *entries = json_array();
	int rows = PQntuples(r);
	for (int i = 0; i < rows; i++) {
		if (PQgetisnull(r, i, 1) || strcmp(PQgetvalue(r, i, 1), instance) != 0 || PQgetvalue(r, i, 2)[0] == 't')
			continue;   /* another node's citizen, or detached (grace): nobody here to tell */
		gint64 id = bb_db_int(r, i, 0);
		bb_estimate e = bb_estimate_at(&j->basis, i);
		gint min_s = e.known ? e.min_s : -1, max_s = e.known ? e.max_s : -1;
		told_entry *te = g_hash_table_lookup(t->by_ticket, &id);
		gboolean changed = !te || te->position != i || te->min_s != min_s || te->max_s != max_s;
		if (!te) {
			/* the key lives in the entry: one allocation per ticket */
			gint64 *k = g_malloc(sizeof(told_entry) + sizeof(gint64));
			te = (told_entry *)(void *)(k + 1);
			*k = id;
			g_hash_table_insert(t->by_ticket, k, te);
		}
		te->position = i;
		te->min_s = min_s;
		te->max_s = max_s;
		te->seen = round;
		if (changed) {
			json_array_append_new(entries, json_pack("{s:I, s:i, s:o}", "id", (json_int_t)id, "position", i,
				"estimate", bb_estimate_json(e)));
			if ((int)json_array_size(entries) >= BB_COUNT_POSITIONS_FRAME)
				flush(j, instance, entries);
		}
	}
	flush(j, instance, entries);
	json_decref(entries);
	GHashTableIter it;
	gpointer v;
	g_hash_table_iter_init(&it, t->by_ticket);
	while (g_hash_table_iter_next(&it, NULL, &v))
		if (((told_entry *)v)->seen != round)
			g_hash_table_iter_remove(&it);
}

/* Worker (or the loop without a pool): a forget, or one read of the office's waiting order
 * compared for every target instance. The told state is touched only here, so jobs run one at
 * a time in submission order need no lock, and a forget lands between the sends around it. */
static void job_work(gpointer data)
{
	job *j = data;
	struct bb_positions *st = j->app->positions;
	if (!j->office) {
		GHashTableIter it;
		gpointer v;
		g_hash_table_iter_init(&it, st->told);
		while (g_hash_table_iter_next(&it, NULL, &v))
			if (strcmp(((told *)v)->instance, j->instance) == 0)
				g_hash_table_iter_remove(&it);
		return;
	}
	bb_db *db = bb_pool_worker_db();
	GError *e = NULL;
	PGresult *r = bb_office_waiting_order(db ? db : j->app->db, j->office, &e);
	if (!r) {
		/* told stays as it was: the next change of the office tells what this one missed */
		j->failed = TRUE;
		g_clear_error(&e);
		return;
	}
	j->frames = g_ptr_array_new();
	for (int t = 0; j->instances[t]; t++)
		diff_instance(st, j, j->instances[t], r);
	PQclear(r);
}

static void submit(struct bb_positions *st, job *j);

/* Loop: the events go out (each on the connection that now hears its instance's events); the
 * office's newest waiting send follows. */
static void job_done(gpointer data)
{
	job *j = data;
	struct bb_positions *st = j->app->positions;
	if (!st->closing && j->frames)
		for (guint i = 0; i + 1 < j->frames->len; i += 2)
			j->out(j->app, j->frames->pdata[i], j->frames->pdata[i + 1]);
	if (j->frames)
		for (guint i = 1; i < j->frames->len; i += 2)
			g_free(j->frames->pdata[i]);
	if (j->failed)
		bb_debug("positions", "reading the waiting order failed office=%s", j->office);
	if (j->office && !st->closing) {
		pending *pd = g_hash_table_lookup(st->pending, j->office);
		job *next = pd ? g_steal_pointer(&pd->next) : NULL;
		if (next)
			submit(st, next);
		else
			g_hash_table_remove(st->pending, j->office);
	}
	job_free(j);
}

static void submit(struct bb_positions *st, job *j)
{
	if (st->pool) {
		bb_pool_submit(st->pool, job_work, job_done, j);
		return;
	}
	job_work(j);
	job_done(j);
}

/* Why a worker: after a change of an office of 10,000, reading and comparing its order takes
 * milliseconds that the loop owes to joins and calls; sends asked for while one runs collapse
 * into one (the newest), so under load the worker reads each office as often as it can, and
 * the loop never waits for it. */
void bb_positions_send(bb_app *app, bb_office *o, const char *const *instances, int n,
	bb_positions_out out)
{
	struct bb_positions *st = app->positions;
	if (n == 0 || !st || st->closing)
		return;
	job *j = g_new0(job, 1);
	j->app = app;
	j->office = g_strdup(o->id);
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	j->status = g_strdup(bb_office_status_name(bb_office_status_now(o, now)));
	j->basis = bb_estimate_prepare(o->durations, o->n_durations, bb_office_clerk_weight(o));
	j->instances = g_new0(char *, n + 1);
	for (int i = 0; i < n; i++)
		j->instances[i] = g_strdup(instances[i]);
	j->out = out;
	pending *pd = g_hash_table_lookup(st->pending, o->id);
	if (pd) {
		job_free(pd->next);
		pd->next = j;
		return;
	}
	g_hash_table_insert(st->pending, g_strdup(o->id), g_new0(pending, 1));
	submit(st, j);
}

void bb_positions_forget(bb_app *app, const char *instance)
{
	struct bb_positions *st = app->positions;
	if (!st || st->closing)
		return;
	job *j = g_new0(job, 1);
	j->app = app;
	j->instance = g_strdup(instance);
	submit(st, j);
}

void bb_positions_dispatch(bb_app *app)
{
	if (app->positions)
		bb_pool_dispatch(app->positions->pool);
}

void bb_positions_free(bb_app *app)
{
	struct bb_positions *st = app->positions;
	if (!st)
		return;
	st->closing = TRUE;
	g_clear_pointer(&st->pool, bb_pool_free);   /* joins the worker; done functions only free */
	g_hash_table_destroy(st->told);
	g_hash_table_destroy(st->pending);
	g_clear_pointer(&app->positions, g_free);
}
