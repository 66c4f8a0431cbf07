/* pool.h: worker threads with one PostgreSQL connection each, for internal API ops
 * (config key db_pool_size; docs/configuration.md).
 *
 * Threading model
 * - The lws thread owns ALL service state in bb_app (office cache, dirty set, pending events,
 *   metrics, session cache, rate limits, WebSocket connections, the janitor's and REST's
 *   connection app->db). None of it is locked, and no worker thread may touch it.
 * - With db_pool_size = N > 1 there are N worker threads. Each owns one bb_db (its own PGconn,
 *   reconnecting on its own) and runs one job at a time. A job is a pool-safe op handler
 *   (bb_op.pooled, internal.h). Code reachable from such a handler
 *     * reaches the database only through bb_app_db(app) (the worker's connection there),
 *     * changes shared state only through bb_notify_office_dirty(), bb_notify_event() and
 *       bb_metrics_ticket_created()/bb_metrics_call(), which on a worker thread record the change
 *       in the job's effects; the lws thread applies the effects when the job is finished,
 *     * reads of bb_app only app->cfg (immutable while serving) and app->lws (for
 *       lws_cancel_service(), the one lws call that is thread-safe).
 *   bb_office_get() and bb_slots_next_free() refuse to run on a worker (g_critical, no result):
 *   op handlers resolve the office cache on the lws thread in their prepare/finish steps.
 * - Hand-over: the lws thread pushes a job onto `todo` (a mutex-protected queue); a worker pops it, runs it, pushes it onto
 *   `done` and calls lws_cancel_service(); the lws thread is woken with
 *   LWS_CALLBACK_EVENT_WAIT_CANCELLED, pops finished jobs, applies their effects and runs their
 *   completion callback (which queues the reply; writing stays in WRITEABLE).
 * - A job's memory is used by exactly one thread at a time: the lws thread until it is pushed
 *   onto `todo`, one worker until it is pushed onto `done`, then the lws thread again. The queues'
 *   mutexes order these hand-overs (happens-before), so the job needs no lock of its own.
 * - Locks: only the mutexes of the two queues (`todo`, `done`). Each is held just for a push or
 *   pop, never together with the other and never while other code runs, so there is no lock
 *   order to get wrong.
 * - Several connections: the database serialises conflicting work exactly as it does for several
 *   service instances (row locks, SKIP LOCKED claims, the per-office counter row for joins), so
 *   a worker pool adds no new kind of concurrency to the SQL.
 * - db_pool_size = 1: bb_pool_new() is not called, no thread exists, every op runs inline on the
 *   lws thread with app->db exactly as before. */
#ifndef BB_POOL_H
#define BB_POOL_H

#include "store/app.h"

typedef struct bb_pool bb_pool;

/* Runs on a worker thread (or inline on the lws thread without a pool). */
typedef void (*bb_pool_work_fn)(bb_app *app, gpointer data);
/* Runs on the lws thread after the job's effects were applied. */
typedef void (*bb_pool_done_fn)(bb_app *app, gpointer data);

/* Starts n worker threads with their own database connections (connected lazily). Call after
 * app->lws exists. */
bb_pool *bb_pool_new(bb_app *app, int n);
/* lws thread: hands a job over. */
void bb_pool_submit(bb_pool *pool, bb_pool_work_fn work, bb_pool_done_fn done, gpointer data);
/* lws thread: applies effects of and completes every finished job. */
void bb_pool_dispatch(bb_pool *pool);
/* lws thread: lets the workers finish their current and queued jobs, joins them, completes
 * everything, then frees the pool. Call before the lws context is destroyed. */
void bb_pool_free(bb_pool *pool);

/* TRUE on a worker thread of any pool. */
gboolean bb_pool_on_worker(void);
/* The connection the current thread must use: the worker's own, else app->db. */
bb_db *bb_app_db(bb_app *app);
/* Runs one statement on bb_app_db(app); a database failure becomes the caller's bb_err. */
PGresult *bb_app_exec(bb_app *app, const char *sql, int n_params, const char *const *params, bb_err *err);

/* On a worker thread: records the change in the current job's effects and returns TRUE.
 * On the lws thread: returns FALSE (the caller applies the change itself). */
gboolean bb_pool_defer_dirty(const char *office_id);
gboolean bb_pool_defer_event(json_t *ev);   /* steals ev when it returns TRUE */

/* Process-local metrics that may be counted from either thread (routed like the above). */
void bb_metrics_ticket_created(bb_app *app);
void bb_metrics_call(bb_app *app, double waited_s);

#endif
