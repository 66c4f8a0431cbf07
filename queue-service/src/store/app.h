/* app.h: the service context. All state lives here (no globals); one thread touches it: the lws
 * event loop, which also runs every timer and every libpq call on app->db. With db_pool_size > 1,
 * worker threads run pool-safe internal ops on their own connections and hand their changes back
 * to the lws thread (threading model and rules: pool.h). */
#ifndef BB_APP_H
#define BB_APP_H

#include "base/cfg.h"
#include "db/db.h"
#include "base/errors.h"
#include "base/ratelimit.h"

#include <glib.h>
#include <jansson.h>
#include <libwebsockets.h>

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
	guint64 pool_db_errors;      /* failed statements on the worker threads' connections */
} bb_metrics;

/* Optional hook for `join` with an `appointment` code (installed by the appointments module):
 * validates the code for `office` and may raise the ticket's priority. Returns FALSE with err
 * set to refuse. Without a hook, `appointment` is refused with bad_request. */
typedef gboolean (*bb_join_hook)(bb_app *app, const char *office, const char *code, int *priority,
	bb_err *err);

struct bb_app {
	bb_cfg cfg;
	bb_db *db;                   /* the lws thread's connection */
	struct bb_pool *pool;        /* worker threads (pool.h); NULL when db_pool_size = 1 */
	struct lws_context *lws;

	GHashTable *offices;         /* id -> bb_office* (offices.h) */
	GPtrArray *office_list;      /* bb_office*, sorted by id (borrowed from `offices`) */
	gint64 offices_loaded_us;

	GList *internal_conns;       /* bb_iconn* (internal.h) */
	GList *live_conns;           /* bb_lconn* (live.h) */

	PGconn *listen;              /* LISTEN bb_office, bb_event, bb_config */
	gint64 listen_retry_us;
	GHashTable *dirty;           /* office ids changed here, to NOTIFY (set) */
	json_t *pending_events;      /* events to NOTIFY on bb_event */
	GHashTable *recompute;       /* office ids notified by any instance, recomputed next tick */

	bb_ratelimit *login_limit;
	GHashTable *session_cache;   /* token hash -> recently verified clerk (clerks.c) */
	bb_metrics metrics;
	bb_join_hook join_hook;
	struct bb_appointments *appointments;   /* appointments.c state (limiter, mailer) */

	lws_sorted_usec_list_t sul_flush, sul_poll, sul_janitor, sul_live;
	guint janitor_tick;
	gboolean stop;
};

#endif
