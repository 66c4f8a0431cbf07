/* server.c: lws context, public and internal vhosts, static mounts, timers, and the wiring of
 * the layers (subscribers, pool wake-ups). */
#include "app/server.h"
#include "base/logging.h"
#include "db/pool.h"
#include "store/login.h"
#include "sync/notify.h"
#include "api/http.h"
#include "api/http_guard.h"
#include "api/internal.h"
#include "api/live.h"
#include "api/positions.h"
#include "api/security_headers.h"
#include "app/janitor.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define FLUSH_MS 100          /* backstop: a flush also runs on the loop turn after any change */
#define FLUSH_GAP_US 10000    /* ... but at most one per 10 ms: under load the recompute of an
                               * office is paid per flush, not per change */
#define LISTEN_CHECK_MS 1000  /* backstop: (re)connecting LISTEN; its socket is watched */
#define NOTIFY_PROTOCOL "bb-notify-listen"
#define JANITOR_MS 1000
#define LIVE_MS 250

/* Static folders under static_dir and where they are served. */
static const struct { const char *mountpoint; const char *sub; } static_dirs[] = {
	{"/", "demo"}, {"/console", "console"}, {"/widget", "widget"}, {"/vendor", "vendor"},
};
/* Paths that always go to the REST router, whatever static folders exist. */
static const char *const api_mounts[] = {"/api", "/healthz", "/metrics"};

#define N_MOUNTS (G_N_ELEMENTS(static_dirs) + G_N_ELEMENTS(api_mounts))

/* The loop's own state: the context, what lws keeps pointers to while it lives, the timers. */
struct bb_server {
	bb_app *app;
	struct lws_context *lws;
	struct lws_protocols public_protocols[3];
	struct lws_http_mount mounts[N_MOUNTS];
	char *mount_origins[G_N_ELEMENTS(static_dirs)];
	lws_sorted_usec_list_t sul_flush, sul_poll, sul_janitor, sul_live;
	guint janitor_tick;
	gint64 last_flush_us;        /* monotonic time of the last flush */
	struct lws *listen_wsi;      /* watches a dup of the LISTEN connection's socket */
	guint listen_generation;     /* of the connection listen_wsi watches */
};

static int internal_protocol_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
	void *in, size_t len);

/* Protocol list of the internal vhost (lws keeps the pointer; it lives for the whole run). */
static const struct lws_protocols internal_protocols[] = {
	{BB_INTERNAL_PROTOCOL, internal_protocol_callback, sizeof(bb_iconn), 16384, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0}
};

/* lws_cancel_service() (bb_server_wake(), a worker finished a job) reaches the loop as
 * EVENT_WAIT_CANCELLED in every protocol's callback; the internal protocol's completes the
 * finished jobs of the pools (database, login hashes, positions; idempotent), everything else
 * goes to the internal API. */
static int internal_protocol_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
	void *in, size_t len)
{
	if (reason == LWS_CALLBACK_EVENT_WAIT_CANCELLED) {
		bb_app *app = lws_context_user(lws_get_context(wsi));
		bb_pool_dispatch(app->pool);
		bb_login_dispatch(app);
		bb_positions_dispatch(app);
		return 0;
	}
	return bb_internal_callback(wsi, reason, user, in, len);
}

/* Chains the mounts: API paths to our protocol, existing static folders as files. */
static const struct lws_http_mount *build_mounts(bb_server *srv)
{
	struct lws_http_mount *mounts = srv->mounts;
	char **mount_origins = srv->mount_origins;
	int n = 0;
	for (guint i = 0; i < G_N_ELEMENTS(api_mounts); i++) {
		struct lws_http_mount *m = &mounts[n++];
		memset(m, 0, sizeof *m);
		m->mountpoint = api_mounts[i];
		m->mountpoint_len = (unsigned char)strlen(api_mounts[i]);
		m->origin = BB_HTTP_PROTOCOL;
		m->origin_protocol = LWSMPRO_CALLBACK;
	}
	for (guint i = 0; i < G_N_ELEMENTS(static_dirs); i++) {
		g_free(mount_origins[i]);
		mount_origins[i] = g_build_filename(srv->app->cfg.static_dir, static_dirs[i].sub, NULL);
		if (!g_file_test(mount_origins[i], G_FILE_TEST_IS_DIR)) {
			bb_info("server", "static folder missing, not served path=%s", static_dirs[i].mountpoint);
			continue;
		}
		struct lws_http_mount *m = &mounts[n++];
		memset(m, 0, sizeof *m);
		m->mountpoint = static_dirs[i].mountpoint;
		m->mountpoint_len = (unsigned char)strlen(static_dirs[i].mountpoint);
		m->origin = mount_origins[i];
		m->origin_protocol = LWSMPRO_FILE;
		m->def = "index.html";
	}
	for (int i = 0; i + 1 < n; i++)
		mounts[i].mount_next = &mounts[i + 1];
	return n ? &mounts[0] : NULL;
}

/* ---- timers --------------------------------------------------------------------------------- */

static void on_flush(lws_sorted_usec_list_t *sul)
{
	bb_server *srv = lws_container_of(sul, bb_server, sul_flush);
	/* Finished jobs are dispatched on the wake-up of lws_cancel_service(); this is only a
	 * backstop so that a missed wake-up costs at most one flush period. */
	bb_pool_dispatch(srv->app->pool);
	bb_login_dispatch(srv->app);
	bb_positions_dispatch(srv->app);
	srv->last_flush_us = g_get_monotonic_time();
	bb_notify_flush(srv->app);
	lws_sul_schedule(srv->lws, 0, &srv->sul_flush, on_flush, FLUSH_MS * LWS_US_PER_MS);
}

/* The flush runs on the next loop turn after a change: every change made while handling what
 * this turn brought (a request, a batch of finished jobs) goes out in one NOTIFY, at once when
 * the service is quiet. Under load flushes keep FLUSH_GAP_US apart, so many changes share one
 * NOTIFY and one recompute per office. */
static void flush_soon(gpointer data)
{
	bb_server *srv = data;
	gint64 wait = srv->last_flush_us + FLUSH_GAP_US - g_get_monotonic_time();
	lws_sul_schedule(srv->lws, 0, &srv->sul_flush, on_flush, (lws_usec_t)MAX(wait, 1));
}

/* Watches the LISTEN connection's socket in the loop, so a notification is read the moment it
 * arrives (no polling). lws gets a dup of the socket (it closes what it adopts; libpq closes its
 * own). A replaced connection gets a new watcher; the old one closes on its next wake-up. */
static void watch_listen(bb_server *srv)
{
	guint gen;
	int fd = bb_notify_listen_fd(srv->app, &gen);
	if (srv->listen_wsi && srv->listen_generation == gen)
		return;
	if (srv->listen_wsi) {
		lws_set_timeout(srv->listen_wsi, PENDING_TIMEOUT_USER_OK, LWS_TO_KILL_ASYNC);
		srv->listen_wsi = NULL;
	}
	if (fd < 0)
		return;
	int copy = dup(fd);
	if (copy < 0) {
		bb_warn("server", "cannot watch the LISTEN socket: %s", g_strerror(errno));
		return;
	}
	lws_sock_file_fd_type desc = {.filefd = copy};
	srv->listen_wsi = lws_adopt_descriptor_vhost(lws_get_vhost_by_name(srv->lws, "public"),
		LWS_ADOPT_RAW_FILE_DESC, desc, NOTIFY_PROTOCOL, NULL);
	if (srv->listen_wsi)
		srv->listen_generation = gen;   /* else lws closed the copy; the backstop tries again */
}

/* The watched LISTEN socket is readable: read the notifications (their recompute and hand-over
 * run in the flush this schedules). A watcher of a replaced or lost connection closes itself. */
static int notify_protocol_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user,
	void *in, size_t len)
{
	(void)user; (void)in; (void)len;
	bb_app *app = lws_context_user(lws_get_context(wsi));
	bb_server *srv = lws_get_protocol(wsi)->user;
	switch (reason) {
	case LWS_CALLBACK_RAW_RX_FILE: {
		if (wsi != srv->listen_wsi)
			return -1;
		bb_notify_poll(app);
		guint gen;
		(void)bb_notify_listen_fd(app, &gen);
		if (gen != srv->listen_generation) {
			srv->listen_wsi = NULL;
			watch_listen(srv);
			return -1;
		}
		return 0;
	}
	case LWS_CALLBACK_RAW_CLOSE_FILE:
		if (srv->listen_wsi == wsi)
			srv->listen_wsi = NULL;
		return 0;
	default:
		return 0;
	}
}

/* Backstop: reconnects LISTEN after a database outage (at most once a second) and reads it
 * should a wake-up have been missed. */
static void on_poll(lws_sorted_usec_list_t *sul)
{
	bb_server *srv = lws_container_of(sul, bb_server, sul_poll);
	bb_notify_poll(srv->app);
	watch_listen(srv);
	lws_sul_schedule(srv->lws, 0, &srv->sul_poll, on_poll, LISTEN_CHECK_MS * LWS_US_PER_MS);
}

static void on_janitor(lws_sorted_usec_list_t *sul)
{
	bb_server *srv = lws_container_of(sul, bb_server, sul_janitor);
	bb_janitor_run(srv->app, ++srv->janitor_tick);
	lws_sul_schedule(srv->lws, 0, &srv->sul_janitor, on_janitor, JANITOR_MS * LWS_US_PER_MS);
}

static void on_live(lws_sorted_usec_list_t *sul)
{
	bb_server *srv = lws_container_of(sul, bb_server, sul_live);
	bb_live_tick(srv->app);
	lws_sul_schedule(srv->lws, 0, &srv->sul_live, on_live, LIVE_MS * LWS_US_PER_MS);
}

/* lws's own log lines go through ours (warnings and errors only). */
static void lws_log_bridge(int level, const char *line)
{
	g_autofree char *copy = g_strchomp(g_strdup(line));
	bb_log(level == LLL_ERR ? BB_LOG_ERROR : BB_LOG_WARN, "lws", "%s", copy);
}

/* The context (one thread, explicit vhosts) and the two listeners; FALSE (logged) when one cannot
 * be opened. */
static gboolean listen_on(bb_server *srv)
{
	bb_app *app = srv->app;
	lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_bridge);
	bb_http_guard_init();   /* this thread's reads of public connections are guarded */
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof info);
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS | LWS_SERVER_OPTION_DISABLE_IPV6;
	info.user = app;
	info.max_http_header_data = 8192;
	info.count_threads = 1;
	srv->lws = lws_create_context(&info);
	if (!srv->lws) {
		bb_error("server", "could not create the lws context");
		return FALSE;
	}

	struct lws_context_creation_info pub;
	memset(&pub, 0, sizeof pub);
	pub.vhost_name = "public";
	pub.iface = app->cfg.http_bind;
	pub.port = app->cfg.http_port;
	pub.mounts = build_mounts(srv);
	pub.options = LWS_SERVER_OPTION_DISABLE_IPV6;
	pub.keepalive_timeout = 30;
	pub.timeout_secs = 30;
	/* The per-session size of the public protocol is private to api/http.c: fill it in here. */
	srv->public_protocols[0] = (struct lws_protocols){BB_HTTP_PROTOCOL, bb_http_callback,
		bb_http_pss_size(), 4096, 0, NULL, 0};
	srv->public_protocols[1] = (struct lws_protocols){NOTIFY_PROTOCOL, notify_protocol_callback,
		0, 0, 0, srv, 0};
	pub.protocols = srv->public_protocols;
	pub.headers = bb_security_headers();   /* on every answer, static files included */
	if (!lws_create_vhost(srv->lws, &pub)) {
		bb_error("server", "cannot listen on public http_bind=%s http_port=%d", pub.iface, pub.port);
		return FALSE;
	}

	struct lws_context_creation_info in;
	memset(&in, 0, sizeof in);
	in.vhost_name = "internal";
	in.iface = app->cfg.internal_bind;
	in.port = app->cfg.internal_port;
	in.protocols = internal_protocols;
	in.options = LWS_SERVER_OPTION_DISABLE_IPV6;
	if (!lws_create_vhost(srv->lws, &in)) {
		bb_error("server", "cannot listen on internal internal_bind=%s internal_port=%d", in.iface, in.port);
		return FALSE;
	}
	bb_info("server", "listening public=%s:%d internal=%s:%d", pub.iface, pub.port, in.iface, in.port);
	return TRUE;
}

/* Without a context only the strings are left to free. */
static void destroy(bb_server *srv)
{
	bb_notify_set_wake(srv->app, NULL, NULL);
	if (srv->lws)
		lws_context_destroy(srv->lws);
	for (guint i = 0; i < G_N_ELEMENTS(srv->mount_origins); i++)
		g_free(srv->mount_origins[i]);
	g_free(srv);
}

/* Wiring before listening: the first poll (right after start) recomputes every office and must
 * find the subscribers in place. */
bb_server *bb_server_start(bb_app *app)
{
	bb_server *srv = g_new0(bb_server, 1);
	srv->app = app;
	/* Internal first: a database failure while it builds an office's queue ends the round
	 * before the live views are touched (bb_notify_offices_changed()). */
	bb_notify_subscribe(app, &bb_internal_subscriber);
	bb_notify_subscribe(app, &bb_live_subscriber);
	if (!listen_on(srv)) {
		destroy(srv);
		return NULL;
	}
	bb_notify_set_wake(app, flush_soon, srv);
	lws_sul_schedule(srv->lws, 0, &srv->sul_flush, on_flush, FLUSH_MS * LWS_US_PER_MS);
	lws_sul_schedule(srv->lws, 0, &srv->sul_poll, on_poll, 1);
	lws_sul_schedule(srv->lws, 0, &srv->sul_janitor, on_janitor, JANITOR_MS * LWS_US_PER_MS);
	lws_sul_schedule(srv->lws, 0, &srv->sul_live, on_live, LIVE_MS * LWS_US_PER_MS);
	return srv;
}

void bb_server_run(bb_server *srv)
{
	while (!srv->app->stop)
		if (lws_service(srv->lws, 0) < 0)
			break;
}

void bb_server_request_stop(bb_server *srv)
{
	srv->app->stop = TRUE;
	lws_cancel_service(srv->lws);
}

void bb_server_wake(gpointer srv)
{
	lws_cancel_service(((bb_server *)srv)->lws);
}

/* The context goes before srv: lws keeps pointers into srv (protocols, mounts, timers). */
void bb_server_stop(bb_server *srv)
{
	if (!srv)
		return;
	/* Flush coalesced notifications so other instances see our last changes. */
	bb_notify_flush(srv->app);
	destroy(srv);
}
