/* pool.c: database worker threads and the effects they hand back (threading model: pool.h). */
#include "db/pool.h"
#include "base/errors.h"
#include "base/logging.h"
#include "sync/notify.h"

#include <pthread.h>
#include <string.h>

/* What a job changed in shared state; applied by the lws thread after the job. */
typedef struct bb_effects {
	GPtrArray *dirty;        /* office ids (owned) */
	json_t *events;          /* array of events for bb_notify_event() */
	guint64 tickets_created, calls, db_errors;
	double wait_sum_s;
} bb_effects;

typedef struct bb_job {
	bb_pool_work_fn work;
	bb_pool_done_fn done;
	gpointer data;
	bb_effects fx;
} bb_job;

/* One worker thread and the connection only it uses. */
typedef struct bb_worker {
	bb_pool *pool;
	GThread *thread;
	bb_db *db;
	bb_job *job;             /* the job it runs now (worker thread only) */
} bb_worker;

/* A job queue: pthread primitives rather than GAsyncQueue, whose futex-based locking
 * ThreadSanitizer cannot see (it would report every hand-over as a race). */
typedef struct job_queue {
	pthread_mutex_t lock;
	pthread_cond_t nonempty;
	GQueue items;
} job_queue;

struct bb_pool {
	bb_app *app;
	job_queue todo;          /* bb_job*, or the pool itself as the stop marker */
	job_queue done;          /* bb_job* */
	bb_worker *workers;
	int n;
};

static void queue_init(job_queue *q)
{
	pthread_mutex_init(&q->lock, NULL);
	pthread_cond_init(&q->nonempty, NULL);
	g_queue_init(&q->items);
}

static void queue_clear(job_queue *q)
{
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->nonempty);
	g_queue_clear(&q->items);
}

static void queue_push(job_queue *q, gpointer item)
{
	pthread_mutex_lock(&q->lock);
	g_queue_push_tail(&q->items, item);
	pthread_cond_signal(&q->nonempty);
	pthread_mutex_unlock(&q->lock);
}

/* Blocks until there is an item. */
static gpointer queue_pop(job_queue *q)
{
	pthread_mutex_lock(&q->lock);
	while (g_queue_is_empty(&q->items))
		pthread_cond_wait(&q->nonempty, &q->lock);
	gpointer item = g_queue_pop_head(&q->items);
	pthread_mutex_unlock(&q->lock);
	return item;
}

/* NULL when empty. */
static gpointer queue_try_pop(job_queue *q)
{
	pthread_mutex_lock(&q->lock);
	gpointer item = g_queue_pop_head(&q->items);
	pthread_mutex_unlock(&q->lock);
	return item;
}

/* The worker the current thread is (NULL on the lws thread). */
static __thread bb_worker *current;

gboolean bb_pool_on_worker(void)
{
	return current != NULL;
}

bb_db *bb_app_db(bb_app *app)
{
	return current ? current->db : app->db;
}

PGresult *bb_app_exec(bb_app *app, const char *sql, int n_params, const char *const *params, bb_err *err)
{
	GError *e = NULL;
	PGresult *r = bb_db_exec(bb_app_db(app), sql, n_params, params, &e);
	if (!r)
		bb_err_from_db(err, e);
	return r;
}

gboolean bb_pool_defer_dirty(const char *office_id)
{
	if (!current)
		return FALSE;
	if (office_id)
		g_ptr_array_add(current->job->fx.dirty, g_strdup(office_id));
	return TRUE;
}

gboolean bb_pool_defer_event(json_t *ev)
{
	if (!current)
		return FALSE;
	if (ev)
		json_array_append_new(current->job->fx.events, ev);
	return TRUE;
}

void bb_metrics_ticket_created(bb_app *app)
{
	if (current)
		current->job->fx.tickets_created++;
	else
		app->metrics.tickets_created++;
}

void bb_metrics_call(bb_app *app, double waited_s)
{
	if (current) {
		current->job->fx.calls++;
		current->job->fx.wait_sum_s += waited_s;
	} else {
		app->metrics.calls++;
		app->metrics.wait_sum_s += waited_s;
		app->metrics.wait_count++;
	}
}

/* Worker loop: pop, run, hand back, wake the lws thread. A transaction a handler left open
 * (a bug) is rolled back here so that it cannot swallow the next job's statements. */
static gpointer worker_main(gpointer data)
{
	bb_worker *w = data;
	bb_pool *pool = w->pool;
	current = w;
	for (;;) {
		gpointer item = queue_pop(&pool->todo);
		if (item == pool)
			break;
		bb_job *job = item;
		w->job = job;
		guint64 errors = bb_db_error_count(w->db);
		job->work(pool->app, job->data);
		if (bb_db_rollback_open(w->db))
			bb_error("pool", "a job left a transaction open; rolled back");
		job->fx.db_errors = bb_db_error_count(w->db) - errors;
		w->job = NULL;
		queue_push(&pool->done, job);
		lws_cancel_service(pool->app->lws);
	}
	current = NULL;
	return NULL;
}

bb_pool *bb_pool_new(bb_app *app, int n)
{
	bb_pool *pool = g_new0(bb_pool, 1);
	pool->app = app;
	queue_init(&pool->todo);
	queue_init(&pool->done);
	pool->n = n;
	pool->workers = g_new0(bb_worker, n);
	for (int i = 0; i < n; i++) {
		bb_worker *w = &pool->workers[i];
		w->pool = pool;
		w->db = bb_db_new(app->cfg.database_url, app->cfg.db_timeout_ms, FALSE);
		g_autofree char *name = g_strdup_printf("bb-db-%d", i);
		w->thread = g_thread_new(name, worker_main, w);
	}
	bb_info("pool", "started threads=%d", n);
	return pool;
}

void bb_pool_submit(bb_pool *pool, bb_pool_work_fn work, bb_pool_done_fn done, gpointer data)
{
	bb_job *job = g_new0(bb_job, 1);
	job->work = work;
	job->done = done;
	job->data = data;
	job->fx.dirty = g_ptr_array_new_with_free_func(g_free);
	job->fx.events = json_array();
	queue_push(&pool->todo, job);
}

/* Applies a finished job's effects to the lws thread's state, then completes it. */
static void finish_job(bb_pool *pool, bb_job *job)
{
	bb_app *app = pool->app;
	for (guint i = 0; i < job->fx.dirty->len; i++)
		bb_notify_office_dirty(app, job->fx.dirty->pdata[i]);
	size_t k;
	json_t *ev;
	json_array_foreach(job->fx.events, k, ev)
		bb_notify_event(app, json_incref(ev));
	app->metrics.tickets_created += job->fx.tickets_created;
	app->metrics.calls += job->fx.calls;
	app->metrics.wait_count += job->fx.calls;
	app->metrics.wait_sum_s += job->fx.wait_sum_s;
	app->metrics.pool_db_errors += job->fx.db_errors;
	job->done(app, job->data);
	g_ptr_array_free(job->fx.dirty, TRUE);
	json_decref(job->fx.events);
	g_free(job);
}

void bb_pool_dispatch(bb_pool *pool)
{
	if (!pool)
		return;
	bb_job *job;
	while ((job = queue_try_pop(&pool->done)))
		finish_job(pool, job);
}

void bb_pool_free(bb_pool *pool)
{
	if (!pool)
		return;
	for (int i = 0; i < pool->n; i++)
		queue_push(&pool->todo, pool);
	for (int i = 0; i < pool->n; i++)
		g_thread_join(pool->workers[i].thread);
	bb_pool_dispatch(pool);
	for (int i = 0; i < pool->n; i++)
		bb_db_free(pool->workers[i].db);
	queue_clear(&pool->todo);
	queue_clear(&pool->done);
	g_free(pool->workers);
	g_free(pool);
}
