/* bb_plugin.c: the Janus plugin table (create), init/destroy, and the handler thread. */
#include "bb_plugin.h"
#include "bb_consultation.h"
#include "bb_events.h"
#include "bb_queue_client.h"
#include "bb_request.h"
#include "bb_session.h"

#include <janus/debug.h>
#include <janus/utils.h>

bb_context bb_ctx;

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

static void work_free(bb_work *w) {
	if(w->session)
		bb_session_unref(w->session);
	g_free(w->transaction);
	if(w->message)
		json_decref(w->message);
	if(w->jsep)
		json_decref(w->jsep);
	g_free(w);
}

void bb_work_push(bb_work_type type, bb_session *session, char *transaction, json_t *message,
		json_t *jsep) {
	bb_work *w = g_new0(bb_work, 1);
	w->type = type;
	w->session = session;
	w->transaction = transaction;
	w->message = message;
	w->jsep = jsep;
	if(!bb_ctx.work || (type != BB_WORK_STOP && g_atomic_int_get(&bb_ctx.stopping))) {
		work_free(w);
		return;
	}
	g_async_queue_push(bb_ctx.work, w);
}

/* The handle is gone for good: give its ticket to the grace period (citizen) or back to the
 * waiting room (clerk), end a running consultation on the other side, forget the ticket. */
static void handle_gone(bb_session *s) {
	if(bb_session_role(s) == BB_ROLE_CLERK) {
		bb_consultation_clerk_gone(s);
	} else {
		bb_state st = bb_session_state(s);
		bb_consultation_citizen_gone(s, "citizen_gone", TRUE);
		gboolean holder = FALSE;
		if(s->ticket_id) {
			bb_session *owner = bb_registry_ticket_owner(s->ticket_id);
			holder = owner == s;
			if(owner)
				bb_session_unref(owner);
		}
		if(holder && (st == BB_STATE_WAITING || st == BB_STATE_CALLED))
			bb_qc_send(bb_ctx.qc, "detach", json_pack("{sI}", "ticket", (json_int_t)s->ticket_id));
		if(s->partner)
			bb_consultation_release(s->partner, s);
		bb_registry_unbind_ticket(s);
	}
	(void)bb_session_set_state(s, BB_STATE_GONE);
	/* This handle's media callbacks have stopped: its retired peer can go, which also breaks
	 * the clerk <-> citizen reference cycle the two retired pointers form. */
	bb_consultation_forget_peers(s);
}

/* One thread runs all signalling in arrival order; see the thread notes in bb_plugin.h. */
static gpointer handler_thread(gpointer data) {
	while(TRUE) {
		bb_work *w = g_async_queue_pop(bb_ctx.work);
		if(w->type == BB_WORK_STOP) {
			work_free(w);
			break;
		}
		switch(w->type) {
		case BB_WORK_MESSAGE:
			if(!g_atomic_int_get(&w->session->destroyed))
				bb_request_handle(w->session, w->transaction, w->message, w->jsep);
			break;
		case BB_WORK_QUEUE_EVENT:
			bb_events_dispatch(w->message);
			break;
		case BB_WORK_HANDLE_GONE:
			handle_gone(w->session);
			break;
		case BB_WORK_MEDIA_HANGUP:
			bb_consultation_media_hangup(w->session);
			break;
		case BB_WORK_QUEUE_DOWN:
			bb_events_queue_down();
			break;
		case BB_WORK_QUEUE_UP:
			bb_events_queue_up();
			break;
		default:
			break;
		}
		work_free(w);
	}
	return NULL;
}

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
	bb_registry_init();
	bb_ctx.work = g_async_queue_new();
	GError *error = NULL;
	bb_ctx.handler_thread = g_thread_try_new("bb handler", handler_thread, NULL, &error);
	if(!bb_ctx.handler_thread) {
		JANUS_LOG(LOG_FATAL, "[%s] cannot start the handler thread: %s\n", BB_PACKAGE,
			error ? error->message : "?");
		g_clear_error(&error);
		return -1;
	}
	bb_ctx.qc = bb_qc_start(&bb_ctx.settings);
	if(!bb_ctx.qc) {
		bb_work_push(BB_WORK_STOP, NULL, NULL, NULL, NULL);
		g_thread_join(bb_ctx.handler_thread);
		return -1;
	}
	g_atomic_int_set(&bb_ctx.initialized, 1);
	JANUS_LOG(LOG_INFO, "[%s] initialized (instance %s, queue service %s)\n", BB_PACKAGE,
		bb_ctx.settings.instance, bb_ctx.settings.queue_url);
	return 0;
}

static void plugin_destroy(void) {
	if(!g_atomic_int_get(&bb_ctx.initialized))
		return;
	g_atomic_int_set(&bb_ctx.stopping, 1);
	bb_qc_stop(bb_ctx.qc);
	bb_ctx.qc = NULL;
	bb_work_push(BB_WORK_STOP, NULL, NULL, NULL, NULL);
	g_thread_join(bb_ctx.handler_thread);
	bb_work *w;
	while((w = g_async_queue_try_pop(bb_ctx.work)) != NULL)
		work_free(w);
	g_async_queue_unref(bb_ctx.work);
	bb_ctx.work = NULL;
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
	bb_work_push(BB_WORK_MESSAGE, s, transaction, message, jsep);
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
	bb_work_push(BB_WORK_HANDLE_GONE, s, NULL, NULL, NULL);
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
		return json_pack("{sssiss}", "buergerbuero", "error", "error_code", BB_ERR_UNKNOWN_REQUEST,
			"error", "unknown_request");
	json_t *stats = bb_registry_stats();
	json_object_set_new(stats, "buergerbuero", json_string("stats"));
	json_object_set_new(stats, "consultations_running",
		json_integer(g_atomic_int_get(&bb_ctx.consultations_running)));
	json_object_set_new(stats, "requests_handled", json_integer(g_atomic_int_get(&bb_ctx.requests_handled)));
	json_object_set_new(stats, "queue_service", bb_ctx.qc ? bb_qc_stats(bb_ctx.qc) : json_null());
	return stats;
}
