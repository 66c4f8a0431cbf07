/* bb_queue_client.c: libwebsockets client to the queue service on its own thread.
 *
 * Contract: every call gets a correlation id and an entry in the pending table; its answer, its
 * timeout or the loss of its connection completes it exactly once, and the completion travels to
 * the handler thread as a work item that runs the caller's continuation. Nobody ever waits for
 * an answer. Several connections (queue_connections) carry calls in parallel, because the queue
 * service answers the requests of one connection in order; a call goes to the connection with
 * the fewest calls in flight. Other threads never touch the lws context: they append to a
 * connection's bounded outgoing queue under qc->lock and wake the service loop with
 * lws_cancel_service(); only the WRITEABLE callback writes. After a (re)connect the first frame
 * on a connection is `hello` with the tickets and consultations this node holds right now, so the
 * service can resynchronise (grace periods, crash recovery). The service is "available" while at
 * least one connection's hello was answered. Three scopes of state: the bb_qc (per client), the
 * qc_conn (per connection) and the qc_call (per call).
 */
#include "queue/bb_queue_client.h"
#include "core/bb_context.h"
#include "core/bb_work.h"

#include <libwebsockets.h>
#include <janus/debug.h>

#define BB_QC_RX_MAX (1024 * 1024)   /* larger incoming messages close the connection */
#define BB_QC_TICK_US (200 * LWS_US_PER_MS)
#define BB_QC_MAX_CONNS 16

typedef struct qc_call {
	guint32 id;
	bb_op_id op;
	int conn;                 /* connection it was sent on */
	gint64 deadline;          /* monotonic us */
	bb_qc_done done;
	gpointer data;
	GDestroyNotify drop;      /* frees data when done never runs */
	json_t *response;         /* the service's answer, or NULL */
	const char *reason;       /* why there is no answer: "unavailable" / "timeout" */
} qc_call;

typedef struct qc_frame {
	size_t len;
	unsigned char buf[];      /* LWS_PRE bytes headroom, then the text */
} qc_frame;

typedef struct qc_conn {
	struct bb_qc *qc;
	int index;
	struct lws *wsi;                  /* client thread only: the established connection */
	gboolean live;                    /* client thread only: an attempt or a connection exists */
	guint32 hello_id;                 /* client thread only */
	GString *rx;                      /* client thread only */
	lws_sorted_usec_list_t sul_reconnect;
	int backoff_ms;
	/* under qc->lock */
	gboolean ready;                   /* hello answered: calls may go here */
	GQueue outgoing;                  /* of qc_frame* */
	int inflight;
} qc_conn;

struct bb_qc {
	/* settings (copied) */
	char *url;
	const char *address, *path;
	int port;
	char *path_with_slash;
	char *secret;
	char *instance;
	char boot[33];                    /* random per process start (hello): tells restarts apart */
	int timeout_ms, outgoing_max, heartbeat_s, backoff_min_ms, backoff_max_ms;
	bb_qc_hooks hooks;

	GThread *thread;
	struct lws_context *ctx;
	lws_sorted_usec_list_t sul_tick;
	gint64 next_heartbeat;            /* client thread only */
	volatile gint stopping;
	volatile gint available;

	GMutex lock;                      /* lock 3: conns' outgoing/ready/inflight, pending, next_id */
	int n_conns;
	qc_conn conns[BB_QC_MAX_CONNS];
	int ready_conns;
	GHashTable *pending;              /* guint id -> qc_call* */
	guint32 next_id;

	/* statistics */
	volatile gint connects, sent, received, timeouts, dropped;
};

static void call_free(qc_call *call) {
	if(call->response)
		json_decref(call->response);
	g_free(call);
}

/* Handler thread: the continuation, which owns the caller's data from here on. */
static void call_run(gpointer p) {
	qc_call *call = p;
	bb_qc_reply reply = { 0 };
	reply.body = call->response;
	if(call->response) {
		reply.ok = json_is_true(json_object_get(call->response, "ok"));
		if(!reply.ok) {
			const char *code = json_string_value(json_object_get(json_object_get(call->response, "error"), "code"));
			reply.code = bb_error_parse(code);
			if(reply.code == BB_E_NONE)
				reply.code = BB_E_INTERNAL;
		}
	} else {
		reply.code = BB_E_QUEUE_UNAVAILABLE;
		reply.reason = call->reason ? call->reason : "unavailable";
	}
	call->done(&reply, call->data);
	call_free(call);
}

/* Shutdown: the continuation never runs, the caller's data is still freed. */
static void call_drop(gpointer p) {
	qc_call *call = p;
	if(call->drop)
		call->drop(call->data);
	call_free(call);
}

/* Completes a call exactly once (its entry already left the pending table): hands it to the
 * handler thread, or logs the failure of a fire-and-forget call. */
static void call_complete(qc_call *call, json_t *response, const char *reason) {
	call->response = response ? json_incref(response) : NULL;
	call->reason = reason;
	if(call->done) {
		bb_work_post_closure(call_run, call_drop, call);
		return;
	}
	if(!response || !json_is_true(json_object_get(response, "ok"))) {
		const char *code = response ?
			json_string_value(json_object_get(json_object_get(response, "error"), "code")) : reason;
		JANUS_LOG(LOG_WARN, "[%s] queue service: %s (#%u) failed: %s\n", BB_PACKAGE,
			bb_internal_ops[call->op].name, call->id, code ? code : "?");
	}
	call_free(call);
}

static qc_frame *frame_new(json_t *msg) {
	char *text = json_dumps(msg, JSON_COMPACT);
	if(!text)
		return NULL;
	size_t len = strlen(text);
	qc_frame *frame = g_malloc(sizeof(qc_frame) + LWS_PRE + len);
	frame->len = len;
	memcpy(frame->buf + LWS_PRE, text, len);
	free(text);
	return frame;
}

/* Under qc->lock: the ready connection with the fewest calls in flight and room in its queue. */
static qc_conn *pick_conn(bb_qc *qc) {
	qc_conn *best = NULL;
	for(int i = 0; i < qc->n_conns; i++) {
		qc_conn *c = &qc->conns[i];
		if(!c->ready || (int)g_queue_get_length(&c->outgoing) >= qc->outgoing_max)
			continue;
		if(!best || c->inflight < best->inflight)
			best = c;
	}
	return best;
}

void bb_qc_call(bb_qc *qc, bb_op_id op, json_t *args, bb_qc_done done, gpointer data,
		GDestroyNotify drop) {
	qc_call *call = g_new0(qc_call, 1);
	call->op = op;
	call->done = done;
	call->data = data;
	call->drop = drop;
	call->conn = -1;
	if(!args)
		args = json_object();
	if(!qc || g_atomic_int_get(&qc->stopping)) {
		json_decref(args);
		call_complete(call, NULL, "unavailable");
		return;
	}
	json_object_set_new(args, "op", json_string(bb_internal_ops[op].name));
	g_mutex_lock(&qc->lock);
	qc_conn *conn = pick_conn(qc);
	if(!conn) {
		g_mutex_unlock(&qc->lock);
		json_decref(args);
		g_atomic_int_inc(&qc->dropped);
		call_complete(call, NULL, "unavailable");
		return;
	}
	call->id = ++qc->next_id;
	if(call->id == 0)
		call->id = ++qc->next_id;
	json_object_set_new(args, "id", json_integer(call->id));
	qc_frame *frame = frame_new(args);
	json_decref(args);
	if(!frame) {
		g_mutex_unlock(&qc->lock);
		call_complete(call, NULL, "unavailable");
		return;
	}
	call->conn = conn->index;
	call->deadline = g_get_monotonic_time() + (gint64)qc->timeout_ms * 1000;
	conn->inflight++;
	g_hash_table_insert(qc->pending, GUINT_TO_POINTER(call->id), call);
	g_queue_push_tail(&conn->outgoing, frame);
	g_mutex_unlock(&qc->lock);
	lws_cancel_service(qc->ctx);
}

gboolean bb_qc_available(bb_qc *qc) {
	return qc && g_atomic_int_get(&qc->available);
}

json_t *bb_qc_stats(bb_qc *qc) {
	g_mutex_lock(&qc->lock);
	int pending = g_hash_table_size(qc->pending), queued = 0;
	for(int i = 0; i < qc->n_conns; i++)
		queued += g_queue_get_length(&qc->conns[i].outgoing);
	int ready = qc->ready_conns;
	g_mutex_unlock(&qc->lock);
	return json_pack("{sbsisisisisisisisisi}", "available", bb_qc_available(qc),
		"connections", qc->n_conns, "connections_ready", ready,
		"connects", g_atomic_int_get(&qc->connects), "sent", g_atomic_int_get(&qc->sent),
		"received", g_atomic_int_get(&qc->received), "timeouts", g_atomic_int_get(&qc->timeouts),
		"dropped", g_atomic_int_get(&qc->dropped), "pending", pending, "queued", queued);
}

/* ---- client thread ------------------------------------------------------------------------ */

static void connect_now(lws_sorted_usec_list_t *sul);

static void schedule_reconnect(qc_conn *c) {
	bb_qc *qc = c->qc;
	if(g_atomic_int_get(&qc->stopping))
		return;
	lws_sul_schedule(qc->ctx, 0, &c->sul_reconnect, connect_now, (lws_usec_t)c->backoff_ms * LWS_US_PER_MS);
	JANUS_LOG(LOG_INFO, "[%s] queue service connection %d: reconnect in %d ms\n", BB_PACKAGE,
		c->index, c->backoff_ms);
	c->backoff_ms = MIN(c->backoff_ms * 2, qc->backoff_max_ms);
}

static void connect_now(lws_sorted_usec_list_t *sul) {
	qc_conn *c = lws_container_of(sul, qc_conn, sul_reconnect);
	bb_qc *qc = c->qc;
	if(g_atomic_int_get(&qc->stopping) || c->live)
		return;
	c->live = TRUE;
	struct lws_client_connect_info info;
	memset(&info, 0, sizeof(info));
	info.context = qc->ctx;
	info.address = qc->address;
	info.port = qc->port;
	info.path = qc->path_with_slash;
	info.host = qc->address;
	info.origin = qc->address;
	info.protocol = "bb-internal";
	info.opaque_user_data = c;
	if(!lws_client_connect_via_info(&info) && c->live) {
		c->live = FALSE;
		schedule_reconnect(c);
	}
}

/* Fails every call of one connection (or of all, conn < 0) with `reason`. Under qc->lock. */
static void fail_calls_locked(bb_qc *qc, int conn, const char *reason) {
	GHashTableIter it;
	gpointer value;
	g_hash_table_iter_init(&it, qc->pending);
	while(g_hash_table_iter_next(&it, NULL, &value)) {
		qc_call *call = value;
		if(conn >= 0 && call->conn != conn)
			continue;
		g_hash_table_iter_steal(&it);
		qc->conns[call->conn].inflight--;
		call_complete(call, NULL, reason);
	}
}

/* The connection is gone: its calls fail with "unavailable"; when it was the last ready one,
 * handles are told (once) that the service is away. */
static void connection_lost(qc_conn *c) {
	bb_qc *qc = c->qc;
	if(!c->live)
		return;
	c->live = FALSE;
	c->wsi = NULL;
	c->hello_id = 0;
	g_string_truncate(c->rx, 0);
	g_mutex_lock(&qc->lock);
	gboolean was_ready = c->ready;
	c->ready = FALSE;
	if(was_ready)
		qc->ready_conns--;
	gboolean now_down = was_ready && qc->ready_conns == 0;
	qc_frame *frame;
	while((frame = g_queue_pop_head(&c->outgoing)) != NULL)
		g_free(frame);
	fail_calls_locked(qc, c->index, "unavailable");
	g_mutex_unlock(&qc->lock);
	if(now_down && g_atomic_int_compare_and_exchange(&qc->available, 1, 0)) {
		JANUS_LOG(LOG_WARN, "[%s] queue service lost (no connection left)\n", BB_PACKAGE);
		bb_work_post(BB_WORK_QUEUE_DOWN, NULL, NULL, NULL, NULL, NULL);
	}
	schedule_reconnect(c);
}

/* hello goes first on a fresh connection, before any call can pick it (it is not ready yet). */
static void send_hello(qc_conn *c) {
	bb_qc *qc = c->qc;
	json_t *args = qc->hooks.hello_args ? qc->hooks.hello_args() : json_object();
	json_object_set_new(args, "secret", json_string(qc->secret));
	json_object_set_new(args, "instance", json_string(qc->instance));
	json_object_set_new(args, "boot", json_string(qc->boot));
	json_object_set_new(args, "op", json_string(bb_internal_ops[BB_OP_HELLO].name));
	g_mutex_lock(&qc->lock);
	c->hello_id = ++qc->next_id;
	if(c->hello_id == 0)
		c->hello_id = ++qc->next_id;
	json_object_set_new(args, "id", json_integer(c->hello_id));
	qc_frame *frame = frame_new(args);
	if(frame)
		g_queue_push_head(&c->outgoing, frame);
	g_mutex_unlock(&qc->lock);
	json_decref(args);
}

static void hello_answered(qc_conn *c, json_t *msg) {
	bb_qc *qc = c->qc;
	c->hello_id = 0;
	if(!json_is_true(json_object_get(msg, "ok"))) {
		json_t *error = json_object_get(msg, "error");
		const char *code = json_string_value(json_object_get(error, "code"));
		const char *message = json_string_value(json_object_get(error, "message"));
		JANUS_LOG(LOG_ERR, "[%s] queue service refused hello: %s (%s)\n", BB_PACKAGE,
			code ? code : "?", message ? message : "");
		return;
	}
	c->backoff_ms = qc->backoff_min_ms;
	g_mutex_lock(&qc->lock);
	if(!c->ready) {
		c->ready = TRUE;
		qc->ready_conns++;
	}
	g_mutex_unlock(&qc->lock);
	JANUS_LOG(LOG_INFO, "[%s] queue service connection %d ready (hello answered)\n", BB_PACKAGE, c->index);
	if(g_atomic_int_compare_and_exchange(&qc->available, 0, 1))
		bb_work_post(BB_WORK_QUEUE_UP, NULL, NULL, NULL, NULL, NULL);
}

/* Answers and events from the service; runs on the client thread. */
static void handle_incoming(qc_conn *c, const char *text, size_t len) {
	bb_qc *qc = c->qc;
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
		if(rid != 0 && rid == c->hello_id) {
			hello_answered(c, msg);
		} else {
			g_mutex_lock(&qc->lock);
			qc_call *call = NULL;
			if(g_hash_table_steal_extended(qc->pending, GUINT_TO_POINTER(rid), NULL, (gpointer *)&call)) {
				qc->conns[call->conn].inflight--;
				call_complete(call, msg, NULL);
			}
			g_mutex_unlock(&qc->lock);
		}
		json_decref(msg);
		return;
	}
	if(json_is_string(json_object_get(msg, "event"))) {
		bb_work_post(BB_WORK_QUEUE_EVENT, NULL, NULL, NULL, msg, NULL);
		return;
	}
	JANUS_LOG(LOG_WARN, "[%s] queue service sent a message without id or event\n", BB_PACKAGE);
	json_decref(msg);
}

/* Periodic: times out calls past their deadline and sends the clerk heartbeat. */
static void tick(lws_sorted_usec_list_t *sul) {
	bb_qc *qc = lws_container_of(sul, bb_qc, sul_tick);
	gint64 now = g_get_monotonic_time();
	g_mutex_lock(&qc->lock);
	GHashTableIter it;
	gpointer value;
	g_hash_table_iter_init(&it, qc->pending);
	while(g_hash_table_iter_next(&it, NULL, &value)) {
		qc_call *call = value;
		if(call->deadline >= now)
			continue;
		g_hash_table_iter_steal(&it);
		qc->conns[call->conn].inflight--;
		g_atomic_int_inc(&qc->timeouts);
		JANUS_LOG(LOG_WARN, "[%s] queue service: %s (#%u) timed out\n", BB_PACKAGE,
			bb_internal_ops[call->op].name, call->id);
		call_complete(call, NULL, "timeout");
	}
	g_mutex_unlock(&qc->lock);
	if(bb_qc_available(qc) && now >= qc->next_heartbeat && qc->hooks.heartbeat_sessions) {
		qc->next_heartbeat = now + (gint64)qc->heartbeat_s * G_USEC_PER_SEC;
		json_t *sessions = qc->hooks.heartbeat_sessions();
		if(json_array_size(sessions) > 0)
			bb_qc_call(qc, BB_OP_HEARTBEAT, json_pack("{so}", "sessions", sessions), NULL, NULL, NULL);
		else if(sessions)
			json_decref(sessions);
	}
	if(!g_atomic_int_get(&qc->stopping))
		lws_sul_schedule(qc->ctx, 0, &qc->sul_tick, tick, BB_QC_TICK_US);
}

static int write_one(qc_conn *c, struct lws *wsi) {
	bb_qc *qc = c->qc;
	g_mutex_lock(&qc->lock);
	qc_frame *frame = g_queue_pop_head(&c->outgoing);
	gboolean more = !g_queue_is_empty(&c->outgoing);
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
	qc_conn *c = lws_get_opaque_user_data(wsi);
	if(!qc)
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	switch(reason) {
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		if(!c)
			return -1;
		g_atomic_int_inc(&qc->connects);
		c->wsi = wsi;
		JANUS_LOG(LOG_INFO, "[%s] queue service connection %d up, saying hello\n", BB_PACKAGE, c->index);
		send_hello(c);
		lws_callback_on_writable(wsi);
		return 0;
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR:
		JANUS_LOG(LOG_WARN, "[%s] queue service connection error: %s\n", BB_PACKAGE,
			in ? (const char *)in : "?");
		if(c)
			connection_lost(c);
		return 0;
	case LWS_CALLBACK_CLIENT_CLOSED:
		if(c)
			connection_lost(c);
		return 0;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if(!c)
			return -1;
		if(c->rx->len + len > BB_QC_RX_MAX) {
			JANUS_LOG(LOG_ERR, "[%s] queue service message over %d bytes, closing\n", BB_PACKAGE, BB_QC_RX_MAX);
			return -1;
		}
		g_string_append_len(c->rx, in, len);
		if(lws_is_final_fragment(wsi) && lws_remaining_packet_payload(wsi) == 0) {
			handle_incoming(c, c->rx->str, c->rx->len);
			g_string_truncate(c->rx, 0);
		}
		return 0;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		if(g_atomic_int_get(&qc->stopping) || !c)
			return -1;
		return write_one(c, wsi);
	case LWS_CALLBACK_EVENT_WAIT_CANCELLED:
		for(int i = 0; i < qc->n_conns; i++) {
			qc_conn *conn = &qc->conns[i];
			if(!conn->wsi)
				continue;
			g_mutex_lock(&qc->lock);
			gboolean has = !g_queue_is_empty(&conn->outgoing);
			g_mutex_unlock(&qc->lock);
			if(has)
				lws_callback_on_writable(conn->wsi);
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
	for(int i = 0; i < qc->n_conns; i++)
		lws_sul_cancel(&qc->conns[i].sul_reconnect);
	lws_sul_cancel(&qc->sul_tick);
	return NULL;
}

bb_qc *bb_qc_start(const bb_settings *settings, const bb_qc_hooks *hooks) {
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
	for(int i = 0; i < 4; i++)
		g_snprintf(qc->boot + 8 * i, 9, "%08x", g_random_int());
	qc->timeout_ms = settings->request_timeout_ms;
	qc->outgoing_max = settings->outgoing_max;
	qc->heartbeat_s = settings->heartbeat_s;
	qc->backoff_min_ms = settings->reconnect_min_ms;
	qc->backoff_max_ms = settings->reconnect_max_ms;
	if(hooks)
		qc->hooks = *hooks;
	g_mutex_init(&qc->lock);
	qc->pending = g_hash_table_new(NULL, NULL);
	qc->n_conns = CLAMP(settings->queue_connections, 1, BB_QC_MAX_CONNS);
	for(int i = 0; i < qc->n_conns; i++) {
		qc_conn *c = &qc->conns[i];
		c->qc = qc;
		c->index = i;
		c->backoff_ms = qc->backoff_min_ms;
		c->rx = g_string_sized_new(4096);
		g_queue_init(&c->outgoing);
	}

	struct lws_context_creation_info info;
	memset(&info, 0, sizeof(info));
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.user = qc;
	info.fd_limit_per_thread = 8 + 2 * qc->n_conns;
	info.gid = -1;
	info.uid = -1;
	qc->ctx = lws_create_context(&info);
	if(!qc->ctx) {
		JANUS_LOG(LOG_FATAL, "[%s] cannot create the libwebsockets client context\n", BB_PACKAGE);
		bb_qc_stop(qc);
		return NULL;
	}
	for(int i = 0; i < qc->n_conns; i++)
		lws_sul_schedule(qc->ctx, 0, &qc->conns[i].sul_reconnect, connect_now, 1 + i);
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
	/* The handler thread is gone (the plugin stops it first): drop what is left unrun. */
	g_mutex_lock(&qc->lock);
	GHashTableIter it;
	gpointer value;
	g_hash_table_iter_init(&it, qc->pending);
	while(g_hash_table_iter_next(&it, NULL, &value)) {
		g_hash_table_iter_steal(&it);
		call_drop(value);
	}
	for(int i = 0; i < qc->n_conns; i++) {
		qc_frame *frame;
		while((frame = g_queue_pop_head(&qc->conns[i].outgoing)) != NULL)
			g_free(frame);
		g_string_free(qc->conns[i].rx, TRUE);
	}
	g_mutex_unlock(&qc->lock);
	g_hash_table_destroy(qc->pending);
	g_mutex_clear(&qc->lock);
	g_free(qc->url);
	g_free(qc->path_with_slash);
	if(qc->secret) {
		memset(qc->secret, 0, strlen(qc->secret));
		g_free(qc->secret);
	}
	g_free(qc->instance);
	g_free(qc);
}
