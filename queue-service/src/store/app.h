/* app.h: the service context. All state lives here (no globals); one thread owns it: the lws
 * event loop ("the loop"), which also runs every timer and every libpq call on app->db.
 *
 * Threads (with db_pool_size > 1 the pool of db/pool.h runs worker threads)
 * - The loop owns ALL state reachable from bb_app (office cache, session cache, rate limits,
 *   metrics, the sync layer's pending notifications, WebSocket connections, app->db). None of it
 *   is locked, and no worker thread may touch it.
 * - Workers run pool-safe internal API ops (bb_op.pooled, api/internal.h). Code reachable from
 *   such an op
 *     * reaches the database only through bb_app_db(app) / bb_app_exec() (there: the worker's
 *       own connection),
 *     * reports changes only through the bb_sink_*() calls below, which on a worker defer the
 *       report (bb_pool_defer()); the loop applies it when the job is finished,
 *     * reads of bb_app only app->cfg (immutable while serving).
 *   bb_office_get() and bb_slots_next_free() refuse to run on a worker (g_critical, no result):
 *   op handlers resolve the office cache on the loop in their prepare/finish steps.
 * - The login hash workers (a second pool, without connections; store/login.h) run only the
 *   argon2 check of one attempt on its own copies of password and hash, and the directory check
 *   (store/ldap_auth.h) with its own connection; of bb_app they read only app->cfg, and they
 *   reach no database (bb_app_db() there is a g_critical).
 *
 * Layers (docs/architecture.md): this is the store layer's header. Upper layers keep their state
 * here only as opaque structs or lists, and plug into the store through the sink and the hooks. */
#ifndef BB_APP_H
#define BB_APP_H

#include "base/cfg.h"
#include "base/errors.h"
#include "base/ratelimit.h"
#include "db/db.h"
#include "db/pool.h"

#include <glib.h>
#include <jansson.h>

#define BB_SERVICE_NAME "buergerbuero-queue"
#define BB_SERVICE_VERSION "0.1.0"

typedef struct bb_app bb_app;

/* Counters for /metrics (process-local; gauges from the database are read at scrape time). */
typedef struct bb_metrics {
	guint64 http_by_code[600];
	guint64 tickets_created;
	guint64 calls;
	double wait_sum_s;
	guint64 wait_count;
	guint64 ws_messages_out;
	guint64 slow_consumers;
} bb_metrics;

/* Where the store reports what it changed, so that every instance recomputes the office and every
 * plugin hears the event: installed by the sync layer (sync/notify.c). Its functions run on the
 * loop only; the bb_sink_*() calls below bring a worker's reports there first. */
typedef struct bb_sink {
	/* The office's queue, facts or status may have changed. */
	void (*office_dirty)(bb_app *app, const char *office_id);
	/* An internal-API event for every plugin instance of every service instance; steals ev. */
	void (*event)(bb_app *app, json_t *ev);
} bb_sink;

/* Optional hook for `join` with an `appointment` code (installed by the appointments module):
 * validates the code for `office` and may raise the ticket's priority; `client` (the key of the
 * address the join permit was issued to) pays for failed attempts. Returns FALSE with err set to
 * refuse. Without a hook, `appointment` is refused with bad_request. */
typedef gboolean (*bb_join_hook)(bb_app *app, const char *office, const char *code, const char *client,
	int *priority, bb_err *err);

/* Optional hook, loop only: the next free appointment slots offered to a citizen whose ticket
 * expired at closing time, as a JSON array (installed by the appointments module). Without a
 * hook nothing is offered ([]). */
typedef json_t *(*bb_offer_hook)(bb_app *app, const char *office);

struct bb_app {
	bb_cfg cfg;
	bb_db *db;                   /* the loop's connection */
	bb_pool *pool;               /* worker threads (db/pool.h); NULL when db_pool_size = 1 */
	gboolean stop;               /* the service is stopping: nothing new starts */

	GHashTable *offices;         /* id -> bb_office* (store/offices.h) */
	GPtrArray *office_list;      /* bb_office*, by sort_order, name (borrowed from `offices`) */
	gint64 offices_loaded_us;

	struct bb_login *login;      /* login attempts: limits, hash workers (store/login.c) */
	GHashTable *session_cache;   /* token hash -> recently verified clerk (store/clerks.c) */
	bb_metrics metrics;

	/* Plugged in by upper layers; opaque here. */
	const bb_sink *sink;                    /* sync/notify.c; NULL: changes are only counted */
	bb_join_hook join_hook;                 /* appointments/ */
	bb_offer_hook offer_hook;               /* appointments/ */
	struct bb_appointments *appointments;   /* appointments/ state (limiter, mailer) */
	struct bb_sync *sync;                   /* sync/ state (LISTEN connection, pending NOTIFYs) */
	GList *internal_conns;                  /* api/internal.c's plugin connections */
	GList *live_conns;                      /* api/live.c's live WebSocket connections */
	struct bb_positions *positions;         /* api/positions.c: what each node was told */
	gint64 started_us;            /* monotonic: first janitor sweep (store/recovery.c) */
};

/* The connection the current thread must use: a pool worker's own, else app->db (never on a
 * worker of a pool without connections, e.g. the password hash workers). */
bb_db *bb_app_db(bb_app *app);
/* Runs one statement on bb_app_db(app); a database failure becomes the caller's bb_err. */
PGresult *bb_app_exec(bb_app *app, const char *sql, int n_params, const char *const *params, bb_err *err);

/* Change reports, from either thread (on a worker they are deferred to the end of the job). */
void bb_sink_office_dirty(bb_app *app, const char *office_id);
void bb_sink_event(bb_app *app, json_t *ev);                 /* steals ev */
void bb_sink_ticket_created(bb_app *app);                    /* counted in app->metrics */
void bb_sink_call(bb_app *app, double waited_s);             /* counted in app->metrics */

#endif
