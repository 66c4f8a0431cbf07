/* bb_queue_client.c: libwebsockets client to the queue service on its own thread.
 *
 * Contract: every request gets a correlation id and an entry in the pending table; the answer (or
 * a timeout, or the loss of the connection) completes it exactly once. Other threads never touch
 * the lws context: they append to the bounded outgoing queue under qc->lock and wake the service
 * loop with lws_cancel_service(); only the WRITEABLE callback writes. After a (re)connect the
 * first frame is `hello` with the tickets of citizens attached right now, so the service can start
 * the grace period for the others (resynchronisation). Only when hello is answered is the service
 * "available"; until then requests fail at once with "unavailable". Three scopes of state: the
 * bb_qc (per client, below), the pending entry (per request) and qc->rx (per message).
 */
#include "bb_queue_client.h"
#include "bb_session.h"

#include <libwebsockets.h>
#include <janus/debug.h>

#define BB_QC_RX_MAX (1024 * 1024)   /* larger incoming messages close the connection */
#define BB_QC_TICK_US (500 * LWS_US_PER_MS)

typedef struct bb_qc_pending {
	guint32 id;
	char *op;                 /* for log lines */
	GAsyncQueue *waiter;      /* receives the response json (referenced) or NULL: fire and forget */
	gint64 deadline;          /* monotonic us */
} bb_qc_pending;

typedef struct bb_qc_frame {
	size_t len;
	unsigned char buf[];      /* LWS_PRE bytes headroom, then the text */
} bb_qc_frame;

struct bb_qc {
	/* settings (copied) */
	char *url;
	const char *address, *path;
	int port;
	char *path_with_slash;
	char *secret;
	char *instance;
	int timeout_ms, outgoing_max, heartbeat_s, backoff_min_ms, backoff_max_ms;

	GThread *thread;
	struct lws_context *ctx;          /* client thread only */
	struct lws *wsi;                  /* client thread only: the established connection */
	gboolean live;                    /* client thread only: a connection attempt or connection exists */
	lws_sorted_usec_list_t sul_reconnect, sul_tick;
	int backoff_ms;
	gint64 next_heartbeat;
	GString *rx;
	guint32 hello_id;

	volatile gint stopping;
	volatile gint available;

	GMutex lock;                      /* lock 3: outgoing, pending, next_id */
	GQueue outgoing;                  /* of bb_qc_frame* */
	GHashTable *pending;              /* guint id -> bb_qc_pending* */
	guint32 next_id;

	/* statistics */
	volatile gint connects, sent, received, timeouts, dropped;
};

static json_t *error_response(const char *code) {
	return json_pack("{sbs{ssss}}", "ok", 0, "error", "code", code, "message", code);
}

static void pending_free(gpointer p) {
	bb_qc_pending *pending = p;
	if(pending->waiter)
		g_async_queue_unref(pending->waiter);
	g_free(pending->op);
	g_free(pending);
}

/* Completes a pending request exactly once: hands the response to a waiter or logs an error of
 * a fire-and-forget request. Called with qc->lock held (so a timing-out waiter cannot miss it). */
static void pending_complete(bb_qc_pending *pending, json_t *response) {
	if(pending->waiter) {
		g_async_queue_push(pending->waiter, json_incref(response));
		return;
	}
	if(!json_is_true(json_object_get(response, "ok"))) {
		const char *code = json_string_value(json_object_get(json_object_get(response, "error"), "code"));
		JANUS_LOG(LOG_WARN, "[%s] queue service: %s (#%u) failed: %s\n", BB_PACKAGE,
			pending->op, pending->id, code ? code : "?");
	}
}

/* Fails every pending request (connection lost or shutting down). */
static void fail_all_pending(bb_qc *qc, const char *code) {
	json_t *response = error_response(code);
	g_mutex_lock(&qc->lock);
	GHashTableIter it;
	gpointer value;
	g_hash_table_iter_init(&it, qc->pending);
	while(g_hash_table_iter_next(&it, NULL, &value)) {
		pending_complete(value, response);
		g_hash_table_iter_remove(&it);
	}
	bb_qc_frame *frame;
	while((frame = g_queue_pop_head(&qc->outgoing)) != NULL)
		g_free(frame);
	g_mutex_unlock(&qc->lock);
	json_decref(response);
}

static bb_qc_frame *frame_new(json_t *msg) {
	char *text = json_dumps(msg, JSON_COMPACT);
	if(!text)
		return NULL;
	size_t len = strlen(text);
	bb_qc_frame *frame = g_malloc(sizeof(bb_qc_frame) + LWS_PRE + len);
	frame->len = len;
	memcpy(frame->buf + LWS_PRE, text, len);
	free(text);
	return frame;
}

/* Queues op+args (stolen) with a fresh id; returns the id, or 0 when the queue is full or the
 * service is unavailable. `front` puts it before everything (hello). */
static guint32 enqueue(bb_qc *qc, const char *op, json_t *args, GAsyncQueue *waiter, gboolean front) {
	if(!args)
		args = json_object();
	json_object_set_new(args, "op", json_string(op));
	guint32 id = 0;
	g_mutex_lock(&qc->lock);
	if(!front && (!g_atomic_int_get(&qc->available) ||
			(int)g_queue_get_length(&qc->outgoing) >= qc->outgoing_max)) {
		g_mutex_unlock(&qc->lock);
		json_decref(args);
		g_atomic_int_inc(&qc->dropped);
		return 0;
	}
	id = ++qc->next_id;
	if(id == 0)
		id = ++qc->next_id;
	json_object_set_new(args, "id", json_integer(id));
	bb_qc_frame *frame = frame_new(args);
	if(!frame) {
		g_mutex_unlock(&qc->lock);
		json_decref(args);
		return 0;
	}
	bb_qc_pending *pending = g_new0(bb_qc_pending, 1);
	pending->id = id;
	pending->op = g_strdup(op);
	pending->waiter = waiter ? g_async_queue_ref(waiter) : NULL;
	pending->deadline = g_get_monotonic_time() + (gint64)qc->timeout_ms * 1000;
	g_hash_table_insert(qc->pending, GUINT_TO_POINTER(id), pending);
	if(front)
		g_queue_push_head(&qc->outgoing, frame);
	else
		g_queue_push_tail(&qc->outgoing, frame);
	g_mutex_unlock(&qc->lock);
	json_decref(args);
	if(qc->ctx)
		lws_cancel_service(qc->ctx);
	return id;
}

void bb_qc_reply_clear(bb_qc_reply *reply) {
	g_free(reply->code);
	if(reply->body)
		json_decref(reply->body);
	memset(reply, 0, sizeof(*reply));
}

static void reply_from_response(bb_qc_reply *reply, json_t *response) {
	reply->body = response;
	reply->ok = json_is_true(json_object_get(response, "ok"));
	if(!reply->ok) {
		const char *code = json_string_value(json_object_get(json_object_get(response, "error"), "code"));
		reply->code = g_strdup(code ? code : "internal");
	}
}

void bb_qc_call(bb_qc *qc, const char *op, json_t *args, bb_qc_reply *reply) {
	memset(reply, 0, sizeof(*reply));
	if(!qc) {   /* shutting down: the client is gone already */
		if(args)
			json_decref(args);
		reply->code = g_strdup("unavailable");
		return;
	}
	GAsyncQueue *waiter = g_async_queue_new();
	guint32 id = enqueue(qc, op, args, waiter, FALSE);
	if(id == 0) {
		g_async_queue_unref(waiter);
		reply->code = g_strdup("unavailable");
		return;
	}
	json_t *response = g_async_queue_timeout_pop(waiter, (guint64)qc->timeout_ms * 1000);
	if(!response) {
		g_mutex_lock(&qc->lock);
		g_hash_table_remove(qc->pending, GUINT_TO_POINTER(id));
		g_mutex_unlock(&qc->lock);
		/* the answer may have been delivered just before the removal */
		response = g_async_queue_try_pop(waiter);
	}
	g_async_queue_unref(waiter);
	if(!response) {
		g_atomic_int_inc(&qc->timeouts);
		JANUS_LOG(LOG_WARN, "[%s] queue service: %s (#%u) timed out\n", BB_PACKAGE, op, id);
		reply->code = g_strdup("timeout");
		return;
	}
	reply_from_response(reply, response);
}

void bb_qc_send(bb_qc *qc, const char *op, json_t *args) {
	if(!qc) {
		if(args)
			json_decref(args);
		return;
	}
	if(enqueue(qc, op, args, NULL, FALSE) == 0)
		JANUS_LOG(LOG_WARN, "[%s] queue service unavailable, %s dropped\n", BB_PACKAGE, op);
}

gboolean bb_qc_available(bb_qc *qc) {
	return qc && g_atomic_int_get(&qc->available);
}

json_t *bb_qc_stats(bb_qc *qc) {
	g_mutex_lock(&qc->lock);
	int pending = g_hash_table_size(qc->pending), queued = g_queue_get_length(&qc->outgoing);
	g_mutex_unlock(&qc->lock);
	return json_pack("{sbsisisisisisisi}", "available", bb_qc_available(qc),
		"connects", g_atomic_int_get(&qc->connects), "sent", g_atomic_int_get(&qc->sent),
		"received", g_atomic_int_get(&qc->received), "timeouts", g_atomic_int_get(&qc->timeouts),
		"dropped", g_atomic_int_get(&qc->dropped), "pending", pending, "queued", queued);
}

/* ---- client thread ------------------------------------------------------------------------ */

static void connect_now(lws_sorted_usec_list_t *sul);

static void schedule_reconnect(bb_qc *qc) {
	if(g_atomic_int_get(&qc->stopping))
		return;
	lws_sul_schedule(qc->ctx, 0, &qc->sul_reconnect, connect_now,
		(lws_usec_t)qc->backoff_ms * LWS_US_PER_MS);
	JANUS_LOG(LOG_INFO, "[%s] queue service: reconnect in %d ms\n", BB_PACKAGE, qc->backoff_ms);
	qc->backoff_ms = MIN(qc->backoff_ms * 2, qc->backoff_max_ms);
}

static void connect_now(lws_sorted_usec_list_t *sul) {
	bb_qc *qc = lws_container_of(sul, bb_qc, sul_reconnect);
	if(g_atomic_int_get(&qc->stopping) || qc->live)
		return;
	qc->live = TRUE;
	struct lws_client_connect_info info;
	memset(&info, 0, sizeof(info));
	info.context = qc->ctx;
	info.address = qc->address;
	info.port = qc->port;
	info.path = qc->path_with_slash;
	info.host = qc->address;
	info.origin = qc->address;
	info.protocol = "bb-internal";
	if(!lws_client_connect_via_info(&info) && qc->live) {
		qc->live = FALSE;
		schedule_reconnect(qc);
	}
}

/* Marks the service lost: every waiter gets "unavailable", handles are told (once). */
static void connection_lost(bb_qc *qc) {
	if(!qc->live)
		return;
	qc->live = FALSE;
	qc->wsi = NULL;
	g_string_truncate(qc->rx, 0);
	gboolean was_available = g_atomic_int_compare_and_exchange(&qc->available, 1, 0);
	fail_all_pending(qc, "unavailable");
	if(was_available) {
		JANUS_LOG(LOG_WARN, "[%s] queue service connection lost\n", BB_PACKAGE);
		bb_work_push(BB_WORK_QUEUE_DOWN, NULL, NULL, NULL, NULL);
	}
	schedule_reconnect(qc);
}

static void send_hello(bb_qc *qc) {
	json_t *tickets = bb_registry_ticket_ids();
	json_t *args = json_pack("{sssssO}", "secret", qc->secret, "instance", qc->instance,
		"tickets", tickets);
	json_decref(tickets);
	if(!args) {
		JANUS_LOG(LOG_ERR, "[%s] cannot build hello\n", BB_PACKAGE);
		return;
	}
	qc->hello_id = enqueue(qc, "hello", args, NULL, TRUE);
}

/* Answers and events from the service; runs on the client thread. */
static void handle_incoming(bb_qc *qc, const char *text, size_t len) {
	json_error_t jerr;
	json_t *msg = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if(!json_is_object(msg)) {
		JANUS_LOG(LOG_WARN, "[%s] queue service sent invalid JSON (%s)\n", BB_PACKAGE, jerr.text);
		if(msg)
			json_decref(msg);
		return;
	}
	g_atomic_int_inc(&qc->received);
	json_t *id = json_object_get(msg, "id");
	if(json_is_integer(id)) {
		guint32 rid = (guint32)json_integer_value(id);
		if(rid == qc->hello_id && rid != 0) {
			qc->hello_id = 0;
			g_mutex_lock(&qc->lock);
			g_hash_table_remove(qc->pending, GUINT_TO_POINTER(rid));
			g_mutex_unlock(&qc->lock);
			if(json_is_true(json_object_get(msg, "ok"))) {
				qc->backoff_ms = qc->backoff_min_ms;
				g_atomic_int_set(&qc->available, 1);
				JANUS_LOG(LOG_INFO, "[%s] queue service available (hello answered)\n", BB_PACKAGE);
				bb_work_push(BB_WORK_QUEUE_UP, NULL, NULL, NULL, NULL);
			} else {
				json_t *error = json_object_get(msg, "error");
				const char *code = json_string_value(json_object_get(error, "code"));
				const char *message = json_string_value(json_object_get(error, "message"));
				JANUS_LOG(LOG_ERR, "[%s] queue service refused hello: %s (%s)\n", BB_PACKAGE,
					code ? code : "?", message ? message : "");
			}
		} else {
			g_mutex_lock(&qc->lock);
			bb_qc_pending *pending = NULL;
			if(g_hash_table_steal_extended(qc->pending, GUINT_TO_POINTER(rid), NULL, (gpointer *)&pending)) {
				pending_complete(pending, msg);
				pending_free(pending);
			}
			g_mutex_unlock(&qc->lock);
		}
		json_decref(msg);
		return;
	}
	if(json_is_string(json_object_get(msg, "event"))) {
		bb_work_push(BB_WORK_QUEUE_EVENT, NULL, NULL, msg, NULL);
		return;
	}
	JANUS_LOG(LOG_WARN, "[%s] queue service sent a message without id or event\n", BB_PACKAGE);
	json_decref(msg);
}

/* Periodic: times out fire-and-forget requests and sends the clerk heartbeat. */
static void tick(lws_sorted_usec_list_t *sul) {
	bb_qc *qc = lws_container_of(sul, bb_qc, sul_tick);
	gint64 now = g_get_monotonic_time();
	json_t *timeout = error_response("timeout");
	g_mutex_lock(&qc->lock);
	GHashTableIter it;
	gpointer value;
	g_hash_table_iter_init(&it, qc->pending);
	while(g_hash_table_iter_next(&it, NULL, &value)) {
		bb_qc_pending *pending = value;
		if(pending->deadline < now) {
			pending_complete(pending, timeout);
			g_hash_table_iter_remove(&it);
		}
	}
	g_mutex_unlock(&qc->lock);
	json_decref(timeout);
	if(bb_qc_available(qc) && now >= qc->next_heartbeat) {
		qc->next_heartbeat = now + (gint64)qc->heartbeat_s * G_USEC_PER_SEC;
		json_t *tokens = bb_registry_clerk_tokens();
		if(json_array_size(tokens) > 0)
			enqueue(qc, "heartbeat", json_pack("{so}", "sessions", tokens), NULL, FALSE);
		else
			json_decref(tokens);
	}
	if(!g_atomic_int_get(&qc->stopping))
		lws_sul_schedule(qc->ctx, 0, &qc->sul_tick, tick, BB_QC_TICK_US);
}

static int write_one(bb_qc *qc, struct lws *wsi) {
	g_mutex_lock(&qc->lock);
	bb_qc_frame *frame = g_queue_pop_head(&qc->outgoing);
	gboolean more = !g_queue_is_empty(&qc->outgoing);
	g_mutex_unlock(&qc->lock);
	if(!frame)
		return 0;
	int n = lws_write(wsi, frame->buf + LWS_PRE, frame->len, LWS_WRITE_TEXT);
	size_t len = frame->len;
	g_free(frame);
	if(n < (int)len)
		return -1;
	g_atomic_int_inc(&qc->sent);
	if(more)
		lws_callback_on_writable(wsi);
	return 0;
}

static int callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len) {
	struct lws_context *ctx = lws_get_context(wsi);
	bb_qc *qc = ctx ? lws_context_user(ctx) : NULL;
	if(!qc)
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	switch(reason) {
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		g_atomic_int_inc(&qc->connects);
		qc->wsi = wsi;
		JANUS_LOG(LOG_INFO, "[%s] queue service connected, saying hello\n", BB_PACKAGE);
		send_hello(qc);
		lws_callback_on_writable(wsi);
		return 0;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		JANUS_LOG(LOG_WARN, "[%s] queue service connection error: %s\n", BB_PACKAGE,
			in ? (const char *)in : "?");
		connection_lost(qc);
		return 0;
	case LWS_CALLBACK_CLIENT_CLOSED:
		connection_lost(qc);
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if(qc->rx->len + len > BB_QC_RX_MAX) {
			JANUS_LOG(LOG_ERR, "[%s] queue service message over %d bytes, closing\n", BB_PACKAGE, BB_QC_RX_MAX);
			return -1;
		}
		g_string_append_len(qc->rx, in, len);
		if(lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0) {
			handle_incoming(qc, qc->rx->str, qc->rx->len);
			g_string_truncate(qc->rx, 0);
		}
		return 0;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		if(g_atomic_int_get(&qc->stopping))
			return -1;
		return write_one(qc, wsi);
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		if(qc->wsi) {
			g_mutex_lock(&qc->lock);
			gboolean has = !g_queue_is_empty(&qc->outgoing);
			g_mutex_unlock(&qc->lock);
			if(has)
				lws_callback_on_writable(qc->wsi);
		}
		return 0;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols protocols[] = {
	{ "bb-internal", callback, 0, 65536, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 }
};

static gpointer client_thread(gpointer data) {
	bb_qc *qc = data;
	while(!g_atomic_int_get(&qc->stopping)) {
		if(lws_service(qc->ctx, 0) < 0)
			break;
	}
	lws_sul_cancel(&qc->sul_reconnect);
	lws_sul_cancel(&qc->sul_tick);
	return NULL;
}

bb_qc *bb_qc_start(const bb_settings *settings) {
	bb_qc *qc = g_new0(bb_qc, 1);
	qc->url = g_strdup(settings->queue_url);
	const char *prot = NULL, *path = NULL;
	if(lws_parse_uri(qc->url, &prot, &qc->address, &qc->port, &path) || strcmp(prot, "ws") != 0) {
		JANUS_LOG(LOG_FATAL, "[%s] queue_url must be ws://host:port/path\n", BB_PACKAGE);
		g_free(qc->url);
		g_free(qc);
		return NULL;
	}
	qc->path_with_slash = g_strdup_printf("/%s", path ? path : "");
	qc->secret = g_strdup(settings->queue_secret);
	qc->instance = g_strdup(settings->instance);
	qc->timeout_ms = settings->request_timeout_ms;
	qc->outgoing_max = settings->outgoing_max;
	qc->heartbeat_s = settings->heartbeat_s;
	qc->backoff_min_ms = qc->backoff_ms = settings->reconnect_min_ms;
	qc->backoff_max_ms = settings->reconnect_max_ms;
	qc->rx = g_string_sized_new(4096);
	g_mutex_init(&qc->lock);
	g_queue_init(&qc->outgoing);
	qc->pending = g_hash_table_new_full(NULL, NULL, NULL, pending_free);

	struct lws_context_creation_info info;
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.user = qc;
	info.fd_limit_per_thread = 16;
	info.gid = -1;
	info.uid = -1;
	qc->ctx = lws_create_context(&info);
	if(!qc->ctx) {
		JANUS_LOG(LOG_FATAL, "[%s] cannot create the libwebsockets client context\n", BB_PACKAGE);
		bb_qc_stop(qc);
		return NULL;
	}
	lws_sul_schedule(qc->ctx, 0, &qc->sul_reconnect, connect_now, 1);
	lws_sul_schedule(qc->ctx, 0, &qc->sul_tick, tick, BB_QC_TICK_US);
	GError *error = NULL;
	qc->thread = g_thread_try_new("bb queue client", client_thread, qc, &error);
	if(!qc->thread) {
		JANUS_LOG(LOG_FATAL, "[%s] cannot start the queue client thread: %s\n", BB_PACKAGE,
			error ? error->message : "?");
		g_clear_error(&error);
		bb_qc_stop(qc);
		return NULL;
	}
	return qc;
}

void bb_qc_stop(bb_qc *qc) {
	if(!qc)
		return;
	g_atomic_int_set(&qc->stopping, 1);
	if(qc->ctx)
		lws_cancel_service(qc->ctx);
	if(qc->thread)
		g_thread_join(qc->thread);
	g_atomic_int_set(&qc->available, 0);
	if(qc->ctx)
		lws_context_destroy(qc->ctx);
	fail_all_pending(qc, "unavailable");
	g_hash_table_destroy(qc->pending);
	g_mutex_clear(&qc->lock);
	g_string_free(qc->rx, TRUE);
	g_free(qc->url);
	g_free(qc->path_with_slash);
	if(qc->secret) {
		memset(qc->secret, 0, strlen(qc->secret));
		g_free(qc->secret);
	}
	g_free(qc->instance);
	g_free(qc);
}
