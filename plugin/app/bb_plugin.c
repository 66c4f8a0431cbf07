/* bb_plugin.c: the Janus plugin table (create), init/destroy, the handler thread, and the
 * wiring of the layers below (queue client hooks, admin API). */
#include "app/bb_dispatch.h"
#include "consultation/bb_media.h"
#include "core/bb_context.h"
#include "core/bb_work.h"
#include "queue/bb_queue_client.h"
#include "requests/bb_events.h"
#include "requests/bb_request.h"
#include "session/bb_session.h"

#include <janus/debug.h>
#include <janus/utils.h>

#include <sys/resource.h>

bb_context bb_ctx;
static GThread *handler;

static int plugin_init(janus_callbacks *callback, const char *config_path);
static void plugin_destroy(void);
static int plugin_api_compatibility(void) { return JANUS_PLUGIN_API_VERSION; }
static int plugin_version(void) { return BB_VERSION; }
static const char *plugin_version_string(void) { return BB_VERSION_STRING; }
static const char *plugin_description(void) { return "Bürgerbüro: waiting rooms and 1:1 video consultations"; }
static const char *plugin_name(void) { return BB_NAME; }
static const char *plugin_author(void) { return "Bürgerbüro contributors"; }
static const char *plugin_package(void) { return BB_PACKAGE; }
static void plugin_create_session(janus_plugin_session *handle, int *error);
static struct janus_plugin_result *plugin_handle_message(janus_plugin_session *handle,
	char *transaction, json_t *message, json_t *jsep);
static json_t *plugin_handle_admin_message(json_t *message);
static void plugin_destroy_session(janus_plugin_session *handle, int *error);
static json_t *plugin_query_session(janus_plugin_session *handle);

static janus_plugin bb_plugin_table = JANUS_PLUGIN_INIT(
	.init = plugin_init,
	.destroy = plugin_destroy,
	.get_api_compatibility = plugin_api_compatibility,
	.get_version = plugin_version,
	.get_version_string = plugin_version_string,
	.get_description = plugin_description,
	.get_name = plugin_name,
	.get_author = plugin_author,
	.get_package = plugin_package,
	.create_session = plugin_create_session,
	.handle_message = plugin_handle_message,
	.handle_admin_message = plugin_handle_admin_message,
	.setup_media = bb_media_setup,
	.incoming_rtp = bb_media_incoming_rtp,
	.incoming_rtcp = bb_media_incoming_rtcp,
	.incoming_data = bb_media_incoming_data,
	.data_ready = bb_media_data_ready,
	.slow_link = bb_media_slow_link,
	.hangup_media = bb_media_hangup,
	.destroy_session = plugin_destroy_session,
	.query_session = plugin_query_session,
);

/* The only exported symbol (the build uses -fvisibility=hidden). */
__attribute__((visibility("default"))) janus_plugin *create(void);
janus_plugin *create(void) {
	return &bb_plugin_table;
}

static gboolean ready(void) {
	return g_atomic_int_get(&bb_ctx.initialized) && !g_atomic_int_get(&bb_ctx.stopping);
}

/* One thread runs all signalling in arrival order; see the thread notes in core/bb_context.h. */
static gpointer handler_thread(gpointer data) {
	gint64 next_tick = g_get_monotonic_time() + G_USEC_PER_SEC;
	while(TRUE) {
		gint64 now = g_get_monotonic_time();
		if(now >= next_tick) {
			bb_dispatch_tick(now);
			next_tick = now + G_USEC_PER_SEC;
		}
		bb_work *w = bb_work_pop(MAX(next_tick - now, 1000));
		if(!w)
			continue;
		if(w->type == BB_WORK_STOP) {
			bb_work_free(w);
			break;
		}
		bb_dispatch(w);
	}
	return NULL;
}

/* Why a handle limit: Janus aborts the whole process when it cannot get a file descriptor (every
 * consultation on the node would end), and opening sessions and handles needs no permission.
 * Refusing new handles early keeps the running consultations alive. Without event_loops every
 * handle costs Janus a thread and two descriptors; PeerConnections and transports need more, so
 * half of what is left after a reserve is a safe ceiling either way. */
static int derive_max_handles(void) {
	if(bb_ctx.settings.max_handles > 0)
		return bb_ctx.settings.max_handles;
	struct rlimit rl;
	if(getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return 100000;
	long soft = (long)rl.rlim_cur;
	return (int)MAX(16, soft > 512 ? (soft - 256) / 2 : soft / 4);
}

static const bb_qc_hooks qc_hooks = {
	.hello_args = bb_registry_hello_args,
	.heartbeat_sessions = bb_registry_clerk_tokens,
};

static int plugin_init(janus_callbacks *callback, const char *config_path) {
	if(g_atomic_int_get(&bb_ctx.stopping) || !callback || !config_path)
		return -1;
	memset(&bb_ctx, 0, sizeof(bb_ctx));
	bb_ctx.gateway = callback;
	bb_ctx.plugin = &bb_plugin_table;
	if(!bb_settings_load(&bb_ctx.settings, config_path)) {
		bb_settings_clear(&bb_ctx.settings);
		return -1;
	}
	if(!bb_request_table_complete()) {
		bb_settings_clear(&bb_ctx.settings);
		return -1;
	}
	bb_registry_init();
	bb_work_init();
	bb_ctx.max_handles = derive_max_handles();
	GError *error = NULL;
	handler = g_thread_try_new("bb handler", handler_thread, NULL, &error);
	if(!handler) {
		JANUS_LOG(LOG_FATAL, "[%s] cannot start the handler thread: %s\n", BB_PACKAGE,
			error ? error->message : "?");
		g_clear_error(&error);
		bb_work_clear();
		bb_registry_clear();
		bb_settings_clear(&bb_ctx.settings);
		return -1;
	}
	bb_ctx.qc = bb_qc_start(&bb_ctx.settings, &qc_hooks);
	if(!bb_ctx.qc) {
		bb_work_post(BB_WORK_STOP, NULL, NULL, NULL, NULL, NULL);
		g_thread_join(handler);
		bb_work_clear();
		bb_registry_clear();
		bb_settings_clear(&bb_ctx.settings);
		return -1;
	}
	g_atomic_int_set(&bb_ctx.initialized, 1);
	JANUS_LOG(LOG_INFO, "[%s] initialized (instance %s, queue service %s, at most %d handles)\n", BB_PACKAGE,
		bb_ctx.settings.instance, bb_ctx.settings.queue_url, bb_ctx.max_handles);
	return 0;
}

/* Order matters: the handler thread stops first (it may still be using the queue client), then
 * the client (whose pending calls are dropped unrun), then what is left in the work queue. */
static void plugin_destroy(void) {
	if(!g_atomic_int_get(&bb_ctx.initialized))
		return;
	g_atomic_int_set(&bb_ctx.stopping, 1);
	bb_work_post(BB_WORK_STOP, NULL, NULL, NULL, NULL, NULL);
	g_thread_join(handler);
	handler = NULL;
	bb_qc_stop(bb_ctx.qc);
	bb_ctx.qc = NULL;
	bb_work_clear();
	bb_events_clear();
	bb_registry_clear();
	bb_settings_clear(&bb_ctx.settings);
	g_atomic_int_set(&bb_ctx.initialized, 0);
	JANUS_LOG(LOG_INFO, "[%s] destroyed\n", BB_PACKAGE);
}

static void plugin_create_session(janus_plugin_session *handle, int *error) {
	if(!ready()) {
		*error = -1;
		return;
	}
	if((int)bb_registry_count() >= bb_ctx.max_handles) {
		static gint64 last_log;
		gint64 now = g_get_monotonic_time();
		if(g_atomic_int_add(&bb_ctx.handles_refused, 1) == 0 || now - last_log > 10 * G_USEC_PER_SEC) {
			last_log = now;
			JANUS_LOG(LOG_WARN, "[%s] at max_handles (%d): refusing new handles\n", BB_PACKAGE,
				bb_ctx.max_handles);
		}
		*error = -2;
		return;
	}
	bb_session_create(handle);
}

/* Janus contract: answer fast; the handler thread does the work and replies with push_event. */
static struct janus_plugin_result *plugin_handle_message(janus_plugin_session *handle,
		char *transaction, json_t *message, json_t *jsep) {
	if(!ready()) {
		g_free(transaction);
		if(message)
			json_decref(message);
		if(jsep)
			json_decref(jsep);
		return janus_plugin_result_new(JANUS_PLUGIN_ERROR,
			g_atomic_int_get(&bb_ctx.stopping) ? "Shutting down" : "Plugin not initialized", NULL);
	}
	bb_session *s = bb_session_lookup(handle);
	if(!s) {
		g_free(transaction);
		if(message)
			json_decref(message);
		if(jsep)
			json_decref(jsep);
		return janus_plugin_result_new(JANUS_PLUGIN_ERROR, "No session associated with this handle", NULL);
	}
	bb_work_post(BB_WORK_MESSAGE, s, &s->ref, transaction, message, jsep);
	return janus_plugin_result_new(JANUS_PLUGIN_OK_WAIT, NULL, NULL);
}

static void plugin_destroy_session(janus_plugin_session *handle, int *error) {
	if(!ready()) {
		*error = -1;
		return;
	}
	bb_session *s = bb_session_remove(handle);
	if(!s) {
		*error = -2;
		return;
	}
	bb_work_post(BB_WORK_HANDLE_GONE, s, &s->ref, NULL, NULL, NULL);
}

static json_t *plugin_query_session(janus_plugin_session *handle) {
	if(!ready())
		return NULL;
	bb_session *s = bb_session_lookup(handle);
	if(!s)
		return NULL;
	json_t *info = bb_session_describe(s);
	bb_session_unref(s);
	return info;
}

/* Admin API: {"request":"stats"} answers counters (no personal data). */
static json_t *plugin_handle_admin_message(json_t *message) {
	const char *request = json_string_value(json_object_get(message, "request"));
	if(!request || strcmp(request, "stats") != 0)
		return json_pack("{sssiss}", "buergerbuero", BB_JEV_ERROR, "error_code", BB_E_UNKNOWN_REQUEST,
			"error", bb_error_name(BB_E_UNKNOWN_REQUEST));
	json_t *stats = bb_registry_stats();
	json_object_set_new(stats, "buergerbuero", json_string("stats"));
	json_object_set_new(stats, "consultations_running",
		json_integer(g_atomic_int_get(&bb_ctx.consultations_running)));
	json_object_set_new(stats, "consultations_with_interpreter",
		json_integer(g_atomic_int_get(&bb_ctx.consultations_with_interpreter)));
	json_object_set_new(stats, "requests_handled", json_integer(g_atomic_int_get(&bb_ctx.requests_handled)));
	json_object_set_new(stats, "requests_deferred", json_integer(g_atomic_int_get(&bb_ctx.requests_deferred)));
	json_object_set_new(stats, "max_handles", json_integer(bb_ctx.max_handles));
	json_object_set_new(stats, "handles_refused", json_integer(g_atomic_int_get(&bb_ctx.handles_refused)));
	json_object_set_new(stats, "queue_service", bb_ctx.qc ? bb_qc_stats(bb_ctx.qc) : json_null());
	return stats;
}
