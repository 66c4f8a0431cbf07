/* server.c: lws context, public and internal vhosts, static mounts, timers. */
#include "app/server.h"
#include "api/http.h"
#include "api/internal.h"
#include "app/janitor.h"
#include "api/live.h"
#include "base/logging.h"
#include "sync/notify.h"
#include "db/pool.h"

#include <string.h>

#define FLUSH_MS 100
#define POLL_MS 50
#define JANITOR_MS 1000
#define LIVE_MS 250

/* Protocol lists (lws keeps pointers; they live for the whole run). */
static const struct lws_protocols public_protocols[] = {
	{BB_HTTP_PROTOCOL, bb_http_callback, 0, 4096, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0}
};
static const struct lws_protocols internal_protocols[] = {
	{BB_INTERNAL_PROTOCOL, bb_internal_callback, sizeof(bb_iconn), 16384, 0, NULL, 0},
	{NULL, NULL, 0, 0, 0, NULL, 0}
};

/* Static folders under static_dir and where they are served. */
static const struct { const char *mountpoint; const char *sub; } static_dirs[] = {
	{"/", "demo"}, {"/console", "console"}, {"/widget", "widget"}, {"/vendor", "vendor"},
};
/* Paths that always go to the REST router, whatever static folders exist. */
static const char *const api_mounts[] = {"/api", "/healthz", "/metrics"};

#define N_MOUNTS (G_N_ELEMENTS(static_dirs) + G_N_ELEMENTS(api_mounts))
static struct lws_http_mount mounts[N_MOUNTS];
static char *mount_origins[G_N_ELEMENTS(static_dirs)];

/* Chains the mounts: API paths to our protocol, existing static folders as files. */
static const struct lws_http_mount *build_mounts(bb_app *app)
{
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
		mount_origins[i] = g_build_filename(app->cfg.static_dir, static_dirs[i].sub, NULL);
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
	bb_app *app = lws_container_of(sul, bb_app, sul_flush);
	/* Finished jobs are dispatched on the wake-up of lws_cancel_service(); this is only a
	 * backstop so that a missed wake-up costs at most one flush period. */
	bb_pool_dispatch(app->pool);
	bb_notify_flush(app);
	lws_sul_schedule(app->lws, 0, &app->sul_flush, on_flush, FLUSH_MS * LWS_US_PER_MS);
}

static void on_poll(lws_sorted_usec_list_t *sul)
{
	bb_app *app = lws_container_of(sul, bb_app, sul_poll);
	bb_notify_poll(app);
	lws_sul_schedule(app->lws, 0, &app->sul_poll, on_poll, POLL_MS * LWS_US_PER_MS);
}

static void on_janitor(lws_sorted_usec_list_t *sul)
{
	bb_app *app = lws_container_of(sul, bb_app, sul_janitor);
	bb_janitor_run(app);
	lws_sul_schedule(app->lws, 0, &app->sul_janitor, on_janitor, JANITOR_MS * LWS_US_PER_MS);
}

static void on_live(lws_sorted_usec_list_t *sul)
{
	bb_app *app = lws_container_of(sul, bb_app, sul_live);
	bb_live_tick(app);
	lws_sul_schedule(app->lws, 0, &app->sul_live, on_live, LIVE_MS * LWS_US_PER_MS);
}

/* lws's own log lines go through ours (warnings and errors only). */
static void lws_log_bridge(int level, const char *line)
{
	g_autofree char *copy = g_strchomp(g_strdup(line));
	bb_log(level == LLL_ERR ? BB_LOG_ERROR : BB_LOG_WARN, "lws", "%s", copy);
}

gboolean bb_server_start(bb_app *app)
{
	lws_set_log_level(LLL_ERR | LLL_WARN, lws_log_bridge);
	struct lws_context_creation_info info;
	memset(&info, 0, sizeof info);
	info.options = LWS_SERVER_OPTION_EXPLICIT_VHOSTS | LWS_SERVER_OPTION_DISABLE_IPV6;
	info.user = app;
	info.max_http_header_data = 8192;
	info.count_threads = 1;
	app->lws = lws_create_context(&info);
	if (!app->lws) {
		bb_error("server", "could not create the lws context");
		return FALSE;
	}

	struct lws_context_creation_info pub;
	memset(&pub, 0, sizeof pub);
	pub.vhost_name = "public";
	pub.iface = app->cfg.http_bind;
	pub.port = app->cfg.http_port;
	pub.mounts = build_mounts(app);
	pub.options = LWS_SERVER_OPTION_DISABLE_IPV6;
	pub.keepalive_timeout = 30;
	pub.timeout_secs = 30;
	/* The per-session size of the public protocol is private to http.c: fill it in here. */
	static struct lws_protocols pub_protocols[2];
	pub_protocols[0] = public_protocols[0];
	pub_protocols[0].per_session_data_size = bb_http_pss_size();
	pub.protocols = pub_protocols;
	if (!lws_create_vhost(app->lws, &pub)) {
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
	if (!lws_create_vhost(app->lws, &in)) {
		bb_error("server", "cannot listen on internal internal_bind=%s internal_port=%d", in.iface, in.port);
		return FALSE;
	}
	bb_info("server", "listening public=%s:%d internal=%s:%d", pub.iface, pub.port, in.iface, in.port);

	lws_sul_schedule(app->lws, 0, &app->sul_flush, on_flush, FLUSH_MS * LWS_US_PER_MS);
	lws_sul_schedule(app->lws, 0, &app->sul_poll, on_poll, 1);
	lws_sul_schedule(app->lws, 0, &app->sul_janitor, on_janitor, JANITOR_MS * LWS_US_PER_MS);
	lws_sul_schedule(app->lws, 0, &app->sul_live, on_live, LIVE_MS * LWS_US_PER_MS);
	return TRUE;
}

void bb_server_run(bb_app *app)
{
	while (!app->stop)
		if (lws_service(app->lws, 0) < 0)
			break;
}

void bb_server_request_stop(bb_app *app)
{
	app->stop = TRUE;
	if (app->lws)
		lws_cancel_service(app->lws);
}

void bb_server_stop(bb_app *app)
{
	if (!app->lws)
		return;
	/* Flush coalesced notifications so other instances see our last changes. */
	bb_notify_flush(app);
	lws_context_destroy(app->lws);
	app->lws = NULL;
	for (guint i = 0; i < G_N_ELEMENTS(mount_origins); i++)
		g_clear_pointer(&mount_origins[i], g_free);
}
