/* pool.c: database worker threads, their jobs and the effects jobs hand back (contract: pool.h). */
#include "db/pool.h"
#include "base/logging.h"

#include <pthread.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* Something a job deferred to the loop (bb_pool_defer()). */
typedef struct effect {
	bb_pool_fn fn;
	gpointer data;
	GDestroyNotify free_data;
} effect;

typedef struct bb_job {
	bb_pool_fn work;
	bb_pool_fn done;
	gpointer data;
	GArray *effects;         /* effect, in the order deferred */
	guint64 db_errors;       /* failed statements while the job ran */
} bb_job;

/* One worker thread and the connection only it uses. */
typedef struct bb_worker {
	bb_pool *pool;
	int nice;
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
	job_queue todo;          /* bb_job*, or the pool itself as the stop marker */
	job_queue done;          /* bb_job* */
	bb_worker *workers;
	int n;
	guint max_waiting;       /* bb_pool_try_submit()'s bound on `todo` (0: none) */
	gint running;            /* atomic: jobs a worker has popped and not yet handed back */
	bb_pool_fn wake;
	gpointer wake_data;
	guint64 db_errors;       /* loop only: summed over finished jobs */
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

/* The worker the current thread is (NULL on any other thread). */
static __thread bb_worker *current;

gboolean bb_pool_on_worker(void)
{
	return current != NULL;
}

bb_db *bb_pool_worker_db(void)
{
	return current ? current->db : NULL;
}

gboolean bb_pool_defer(bb_pool_fn fn, gpointer data, GDestroyNotify free_data)
{
	if (!current)
		return FALSE;
	effect fx = {fn, data, free_data};
	g_array_append_val(current->job->effects, fx);
	return TRUE;
}

guint64 bb_pool_db_errors(const bb_pool *pool)
{
	return pool ? pool->db_errors : 0;
}

/* Worker loop: pop, run, hand back, wake the loop. A transaction a job left open
 * (a bug) is rolled back here so that it cannot swallow the next job's statements. */
static gpointer worker_main(gpointer data)
{
	bb_worker *w = data;
	bb_pool *pool = w->pool;
	current = w;
	/* Linux: a thread's nice value is its own (setpriority on its thread id). */
	if (w->nice > 0 && setpriority(PRIO_PROCESS, (id_t)gettid(), w->nice) != 0)
		bb_warn("pool", "could not lower the priority of a worker");
	for (;;) {
		gpointer item = queue_pop(&pool->todo);
		if (item == pool)
			break;
		bb_job *job = item;
		g_atomic_int_inc(&pool->running);
		w->job = job;
		guint64 errors = w->db ? bb_db_error_count(w->db) : 0;
		job->work(job->data);
		if (w->db && bb_db_rollback_open(w->db))
			bb_error("pool", "a job left a transaction open; rolled back");
		job->db_errors = w->db ? bb_db_error_count(w->db) - errors : 0;
		w->job = NULL;
		g_atomic_int_add(&pool->running, -1);
		queue_push(&pool->done, job);
		pool->wake(pool->wake_data);
	}
	current = NULL;
	return NULL;
}

/* The connections connect lazily (on a worker's first job): a pool can start while the database
 * is down, like the loop's own connection. */
bb_pool *bb_pool_new(const char *name, int n, guint max_waiting, int nice, const char *conninfo,
	int statement_timeout_ms, bb_pool_fn wake, gpointer wake_data)
{
	bb_pool *pool = g_new0(bb_pool, 1);
	queue_init(&pool->todo);
	queue_init(&pool->done);
	pool->wake = wake;
	pool->wake_data = wake_data;
	pool->n = n;
	pool->max_waiting = max_waiting;
	pool->workers = g_new0(bb_worker, n);
	for (int i = 0; i < n; i++) {
		bb_worker *w = &pool->workers[i];
		w->pool = pool;
		w->nice = nice;
		w->db = conninfo ? bb_db_new(conninfo, statement_timeout_ms, FALSE) : NULL;
		g_autofree char *thread_name = g_strdup_printf("%s-%d", name, i);
		w->thread = g_thread_new(thread_name, worker_main, w);
	}
	bb_info("pool", "started name=%s threads=%d max_waiting=%u nice=%d", name, n, max_waiting, nice);
	return pool;
}

static bb_job *job_new(bb_pool_fn work, bb_pool_fn done, gpointer data)
{
	bb_job *job = g_new0(bb_job, 1);
	job->work = work;
	job->done = done;
	job->data = data;
	job->effects = g_array_new(FALSE, FALSE, sizeof(effect));
	return job;
}

void bb_pool_submit(bb_pool *pool, bb_pool_fn work, bb_pool_fn done, gpointer data)
{
	queue_push(&pool->todo, job_new(work, done, data));
}

/* The check and the push under one hold of the lock: only the loop submits, but workers pop
 * concurrently, and the bound is about what waits at the moment of the push. */
gboolean bb_pool_try_submit(bb_pool *pool, bb_pool_fn work, bb_pool_fn done, gpointer data)
{
	pthread_mutex_lock(&pool->todo.lock);
	gboolean room = pool->max_waiting == 0 || g_queue_get_length(&pool->todo.items) < pool->max_waiting;
	if (room) {
		g_queue_push_tail(&pool->todo.items, job_new(work, done, data));
		pthread_cond_signal(&pool->todo.nonempty);
	}
	pthread_mutex_unlock(&pool->todo.lock);
	return room;
}

guint bb_pool_waiting(bb_pool *pool)
{
	if (!pool)
		return 0;
	pthread_mutex_lock(&pool->todo.lock);
	guint n = g_queue_get_length(&pool->todo.items);
	pthread_mutex_unlock(&pool->todo.lock);
	return n;
}

gboolean bb_pool_has_room(bb_pool *pool)
{
	return pool->max_waiting == 0 || bb_pool_waiting(pool) < pool->max_waiting;
}

guint bb_pool_running(const bb_pool *pool)
{
	return pool ? (guint)g_atomic_int_get(&pool->running) : 0;
}

/* Runs a finished job's effects on the loop, then completes it. */
static void finish_job(bb_pool *pool, bb_job *job)
{
	for (guint i = 0; i < job->effects->len; i++) {
		effect *fx = &g_array_index(job->effects, effect, i);
		fx->fn(fx->data);
		if (fx->free_data)
			fx->free_data(fx->data);
	}
	pool->db_errors += job->db_errors;
	job->done(job->data);
	g_array_free(job->effects, TRUE);
	g_free(job);
}

/* Takes only what is finished now, without waiting: it runs on every wake-up and from a
 * backstop timer, and each finished job is popped, and so completed, exactly once. */
void bb_pool_dispatch(bb_pool *pool)
{
	if (!pool)
		return;
	bb_job *job;
	while ((job = queue_try_pop(&pool->done)))
		finish_job(pool, job);
}

/* One stop marker per worker behind the queued jobs, so every job submitted before still runs and
 * its effects and completion are applied before the connections go away. */
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
		if (pool->workers[i].db)
			bb_db_free(pool->workers[i].db);
	queue_clear(&pool->todo);
	queue_clear(&pool->done);
	g_free(pool->workers);
	g_free(pool);
}
