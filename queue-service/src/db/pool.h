/* pool.h: worker threads with one PostgreSQL connection each (or none, for CPU work such as
 * password hashing), running jobs for the event-loop thread, and the effects through which a
 * job's changes get back to that thread (config keys db_pool_size, login_hash_threads;
 * docs/configuration.md). The pool knows nothing of what its jobs do: the rules for the service's
 * code on a worker are in store/app.h.
 *
 * Contract
 * - One thread, "the loop", creates the pool, submits jobs, dispatches finished ones and frees
 *   it. A job's work function runs on a worker thread; its done function runs on the loop.
 * - A worker owns one bb_db (its own PGconn, reconnecting on its own), returned by
 *   bb_pool_worker_db() on that thread, and runs one job at a time. Work functions must not touch
 *   what the loop owns. What a job has to change there it hands over with bb_pool_defer(): an
 *   effect (function + data) that the loop runs after the job, in the order deferred, before the
 *   job's done function.
 * - Hand-over: the loop pushes a job onto `todo` (a mutex-protected queue); a worker pops it, runs
 *   it, pushes it onto `done` and calls the wake function given to bb_pool_new() (from the worker
 *   thread: it must be thread-safe, e.g. lws_cancel_service()). The woken loop calls
 *   bb_pool_dispatch(), which runs the finished jobs' effects and done functions.
 * - A job's memory is used by exactly one thread at a time: the loop until it is pushed onto
 *   `todo`, one worker until it is pushed onto `done`, then the loop again. The queues' mutexes
 *   order these hand-overs (happens-before), so the job needs no lock of its own.
 * - Locks: only the mutexes of the two queues (`todo`, `done`). Each is held just for a push or
 *   pop, never together with the other and never while other code runs, so there is no lock
 *   order to get wrong.
 * - Without a pool (the service with db_pool_size = 1) no worker exists: bb_pool_on_worker() is
 *   FALSE, bb_pool_worker_db() NULL and bb_pool_defer() refuses, so callers act directly.
 * - A pool made without conninfo has workers without a connection (bb_pool_worker_db() is NULL
 *   there too); its jobs must not reach the database.
 * - Bounds: bb_pool_try_submit() refuses a job when `max_waiting` jobs wait for a worker already,
 *   so that work a client can cause (a login) never queues without bound; bb_pool_submit() (the
 *   internal API, bounded per connection by its own queue) always queues. */
#ifndef BB_POOL_H
#define BB_POOL_H

#include "db/db.h"

#include <glib.h>

typedef struct bb_pool bb_pool;

/* A job's work (worker thread), a job's completion, an effect, the wake-up: each gets its data. */
typedef void (*bb_pool_fn)(gpointer data);

/* Starts n worker threads named "<name>-<i>", each with a connection (conninfo, statement
 * timeout) that connects lazily, or without one when conninfo is NULL. At most max_waiting jobs
 * wait for a worker when submitted with bb_pool_try_submit() (0: no bound). With nice > 0 the
 * workers run at that lower CPU priority (CPU-bound work must not take the loop's core when the
 * machine is busy). wake(wake_data) is called from a worker thread whenever a job is finished. */
bb_pool *bb_pool_new(const char *name, int n, guint max_waiting, int nice, const char *conninfo,
	int statement_timeout_ms, bb_pool_fn wake, gpointer wake_data);
/* Loop: hands a job over; work(data) runs on a worker, later done(data) on the loop. */
void bb_pool_submit(bb_pool *pool, bb_pool_fn work, bb_pool_fn done, gpointer data);
/* Loop: like bb_pool_submit(), but FALSE (and nothing queued, data still the caller's) when
 * max_waiting jobs already wait for a worker. */
gboolean bb_pool_try_submit(bb_pool *pool, bb_pool_fn work, bb_pool_fn done, gpointer data)
	G_GNUC_WARN_UNUSED_RESULT;
/* Loop: jobs waiting for a worker, and jobs a worker runs now (for /metrics and tests). */
guint bb_pool_waiting(bb_pool *pool);
/* Loop: whether bb_pool_try_submit() would take a job now (only the loop submits, workers only
 * take jobs away: the answer holds until the loop submits). */
gboolean bb_pool_has_room(bb_pool *pool);
guint bb_pool_running(const bb_pool *pool);
/* Loop: runs the effects and the done function of every finished job (NULL pool: nothing). */
void bb_pool_dispatch(bb_pool *pool);
/* Loop: lets the workers finish their current and queued jobs, joins them, completes
 * everything, then frees the pool. Call while whatever wake() touches still exists. */
void bb_pool_free(bb_pool *pool);

/* TRUE on a worker thread of any pool. */
gboolean bb_pool_on_worker(void);
/* The current worker's connection; NULL on any other thread. */
bb_db *bb_pool_worker_db(void);
/* On a worker thread: queues fn(data) to run on the loop after the current job (then
 * free_data(data), if given) and returns TRUE. Elsewhere: returns FALSE and takes nothing. */
gboolean bb_pool_defer(bb_pool_fn fn, gpointer data, GDestroyNotify free_data);
/* Loop: failed statements on the workers' connections in the jobs finished so far (0 without a
 * pool), for /metrics beside bb_db_error_count(). */
guint64 bb_pool_db_errors(const bb_pool *pool);

#endif
