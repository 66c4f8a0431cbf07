/* internal.c: internal WebSocket protocol: framing, hello gate, validation, op dispatch (inline
 * or to the worker pool, replies in request order per connection). */
#include "api/internal.h"
#include "api/positions.h"
#include "base/jsonutil.h"
#include "base/logging.h"
#include "db/pool.h"
#include "store/queue.h"
#include "store/tickets.h"

#include <string.h>

/* Every op table the internal API serves; add another module's table here. */
static const bb_op *const op_tables[] = {bb_ops_core, bb_ops_appointments, NULL};

/* An op the catalogue knows and some table here serves; NULL for anything else. */
static const bb_op *find_op(const char *name)
{
	bb_op_id id;
	if (!bb_internal_op_find(name, &id))
		return NULL;
	for (int t = 0; op_tables[t]; t++)
		for (const bb_op *op = op_tables[t]; op->id != BB_OP_N; op++)
			if (op->id == id)
				return op;
	return NULL;
}

static void send_json(bb_iconn *ic, json_t *o)
{
	char *s = bb_json_take_dump(o);
	bb_conn_send(&ic->conn, s);
	g_free(s);
}

static void reply_error(bb_iconn *ic, json_t *id, const bb_err *err)
{
	json_t *o = json_pack("{s:O, s:b, s:o}", "id", id ? id : json_null(), "ok", 0, "error", bb_err_json(err));
	send_json(ic, o);
}

/* Why one connection per instance: a plugin keeps several connections to run calls in parallel,
 * but must hear each event once. One authenticated connection of each instance gets it (the
 * newest); when that one closes, another takes over with the next event. */
void bb_internal_broadcast(bb_app *app, json_t *ev)
{
	char *s = bb_json_take_dump(ev);
	GHashTable *told = g_hash_table_new(g_str_hash, g_str_equal);
	for (GList *l = app->internal_conns; l; l = l->next) {
		bb_iconn *ic = l->data;
		if (!ic->hello || !ic->instance || g_hash_table_contains(told, ic->instance))
			continue;
		g_hash_table_add(told, ic->instance);
		bb_conn_send(&ic->conn, s);
		app->metrics.ws_messages_out++;
	}
	g_hash_table_destroy(told);
	g_free(s);
}

/* bb_positions_out: one `positions` event on the connection that hears the instance's events
 * (the one broadcast picks: the first authenticated one in the list). */
static void send_positions(bb_app *app, const char *instance, const char *text)
{
	for (GList *l = app->internal_conns; l; l = l->next) {
		bb_iconn *ic = l->data;
		if (ic->hello && ic->instance && strcmp(ic->instance, instance) == 0) {
			bb_conn_send(&ic->conn, text);
			app->metrics.ws_messages_out++;
			return;
		}
	}
}

/* Subscriber: a recomputed office's queue head goes to every plugin connection, and each node
 * hears the changed positions of its own citizens (api/positions.h, on its worker); without a
 * connection the queries are saved. FALSE when the database failed. */
static gboolean on_office_changed(bb_app *app, bb_office *o, gint64 now)
{
	(void)now;
	if (!app->internal_conns)
		return TRUE;
	GError *e = NULL;
	json_t *ev = bb_office_queue_json(app, o, &e);
	if (!ev) {
		g_clear_error(&e);
		return FALSE;
	}
	bb_internal_broadcast(app, ev);
	GPtrArray *instances = g_ptr_array_new();
	GHashTable *seen = g_hash_table_new(g_str_hash, g_str_equal);
	for (GList *l = app->internal_conns; l; l = l->next) {
		bb_iconn *ic = l->data;
		if (ic->hello && ic->instance && g_hash_table_add(seen, ic->instance))
			g_ptr_array_add(instances, ic->instance);
	}
	bb_positions_send(app, o, (const char *const *)instances->pdata, (int)instances->len, send_positions);
	g_hash_table_destroy(seen);
	g_ptr_array_free(instances, TRUE);
	return TRUE;
}

/* Subscriber: events of every service instance go to every plugin connection. */
static void on_event(bb_app *app, json_t *ev)
{
	bb_internal_broadcast(app, json_incref(ev));
}

const bb_notify_subscriber bb_internal_subscriber = {.office_changed = on_office_changed, .event = on_event};

/* Everything a request owns, whichever thread ran its handler: freed on the loop only. */
static void req_free(bb_op_req *req)
{
	if (req->prep_free && req->prep)
		req->prep_free(req->prep);
	bb_clerk_free(req->clerk);
	if (req->result)
		json_decref(req->result);
	bb_err_clear(&req->err);
	g_free(req->instance);
	g_free(req->detach_instance);
	if (req->msg)
		json_decref(req->msg);
	g_free(req);
}

/* lws thread: the op's finish step and the reply (success, error, or error and close). */
static void complete(bb_op_req *req)
{
	bb_iconn *ic = req->ic;
	bb_err *err = &req->err;
	if (!ic)
		return;   /* the connection is gone; nobody to answer */
	if (req->op && req->op->finish)
		req->op->finish(req, req->result, req->ok, err);
	if (req->ok) {
		json_object_set(req->result, "id", req->id);
		json_object_set_new(req->result, "ok", json_true());
		send_json(ic, g_steal_pointer(&req->result));
		return;
	}
	if (!err->code)
		bb_err_set(err, "internal", "internal error");
	if (strcmp(err->code, "internal") == 0)
		bb_error("internal", "request failed instance=%s message=\"%s\"", ic->instance ? ic->instance : "-", err->message);
	reply_error(ic, req->id, err);
	if (req->close_reason)
		bb_conn_close(&ic->conn, req->close_reason);
}

/* Runs the handler: on a worker thread for pooled ops, else inline on the lws thread. */
static void run_handler(gpointer data)
{
	bb_op_req *req = data;
	req->ok = req->op->handler(req, req->result, &req->err);
}

static gboolean instance_connected(bb_app *app, const char *instance)
{
	for (GList *l = app->internal_conns; l; l = l->next) {
		bb_iconn *o = l->data;
		if (o->instance && strcmp(o->instance, instance) == 0)
			return TRUE;
	}
	return FALSE;
}

static void pump(bb_app *app, bb_iconn *ic);

/* lws thread, after a worker ran a pooled handler (its effects are applied already). */
static void pooled_done(gpointer data)
{
	bb_op_req *req = data;
	bb_app *app = req->app;
	bb_iconn *ic = req->ic;
	if (ic)
		ic->inflight = NULL;
	complete(req);
	/* The connection closed meanwhile and on_closed() left the detach to us, so that a ticket
	 * this request attached is detached too. */
	if (req->detach_instance && !app->stop && !instance_connected(app, req->detach_instance))
		bb_tickets_detach_instance(app, req->detach_instance);
	req_free(req);
	if (ic)
		pump(app, ic);
}

/* Parses, gates, validates and dispatches one complete message. */
static void handle_message(bb_app *app, bb_iconn *ic, const char *text, size_t len)
{
	bb_op_req *req = g_new0(bb_op_req, 1);
	req->app = app;
	req->ic = ic;
	bb_err *err = &req->err;
	json_error_t jerr;
	req->msg = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	json_t *msg = req->msg;
	req->id = msg ? json_object_get(msg, "id") : NULL;
	if (!json_is_object(msg)) {
		bb_err_set(err, "bad_request", "message is not a JSON object");
		goto out;
	}
	if (!json_is_integer(req->id) || json_integer_value(req->id) < 0 || json_integer_value(req->id) > G_MAXUINT32) {
		req->id = NULL;
		bb_err_set(err, "bad_request", "field 'id' must be an unsigned 32-bit integer");
		goto out;
	}
	json_t *opname = json_object_get(msg, "op");
	if (!json_is_string(opname)) {
		bb_err_set(err, "bad_request", "field 'op' must be a string");
		goto out;
	}
	const bb_op *op = find_op(json_string_value(opname));
	if (!ic->hello && (!op || op->id != BB_OP_HELLO)) {
		bb_err_set(err, "unauthorized", "the first request must be hello");
		req->close_reason = "request before hello";
		goto out;
	}
	if (!op) {
		/* g_utf8_substring() needs end_pos within the string: it reads past a shorter one. */
		const char *name = json_string_value(opname);
		g_autofree char *shown = g_utf8_substring(name, 0, MIN(g_utf8_strlen(name, -1), 64));
		bb_err_set(err, "unknown_op", "unknown op '%s'", shown);
		goto out;
	}
	const bb_internal_op *spec = &bb_internal_ops[op->id];
	if (!bb_validate_proto(msg, spec->fields, spec->n_fields, err))
		goto out;
	if (spec->clerk) {
		req->clerk = bb_clerk_by_session(app, json_string_value(json_object_get(msg, "session")), err);
		if (!req->clerk)
			goto out;
	}
	req->op = op;
	req->instance = g_strdup(ic->instance);
	if (op->prepare && !op->prepare(req, err))
		goto out;
	req->result = json_object();
	if (app->pool && op->pooled && !req->run_inline) {
		ic->inflight = req;
		bb_pool_submit(app->pool, run_handler, pooled_done, req);
		return;
	}
	run_handler(req);
out:
	complete(req);
	req_free(req);
}

/* Handles the connection's waiting requests in order while none is in flight. Once the service
 * stops nothing new starts (the pool is being drained). */
static void pump(bb_app *app, bb_iconn *ic)
{
	GBytes *b;
	while (!app->stop && !ic->inflight && !ic->conn.closing && (b = g_queue_pop_head(&ic->pending))) {
		gsize len;
		const char *text = g_bytes_get_data(b, &len);
		handle_message(app, ic, text, len);
		g_bytes_unref(b);
	}
}

/* A complete message: queued behind the request in flight (bounded like the outgoing queue). */
static void receive_message(bb_app *app, bb_iconn *ic, const char *text, size_t len)
{
	if (g_queue_get_length(&ic->pending) >= ic->conn.max) {
		bb_conn_close(&ic->conn, "too many requests waiting");
		return;
	}
	g_queue_push_tail(&ic->pending, g_bytes_new(text, len));
	pump(app, ic);
}

/* A plugin connection closed: its citizens start their grace period unless the same instance
 * is still connected another way, and a request still running on a worker is cut loose. */
static void on_closed(bb_app *app, bb_iconn *ic)
{
	app->internal_conns = g_list_remove(app->internal_conns, ic);
	g_queue_clear_full(&ic->pending, (GDestroyNotify)g_bytes_unref);
	if (ic->instance) {
		/* The node's citizens are unreachable now; they get the grace period to come back. A
		 * request still running on a worker may attach one more ticket: then its completion
		 * starts the grace period instead (pooled_done). */
		if (!instance_connected(app, ic->instance) && !app->stop) {
			bb_positions_forget(app, ic->instance);
			if (ic->inflight)
				ic->inflight->detach_instance = g_strdup(ic->instance);
			else
				bb_tickets_detach_instance(app, ic->instance);
		}
		bb_info("internal", "plugin disconnected instance=%s", ic->instance);
	}
	if (ic->inflight)
		ic->inflight->ic = NULL;
	ic->inflight = NULL;
	bb_conn_clear(&ic->conn);
	g_free(ic->instance);
	if (ic->rx)
		g_string_free(ic->rx, TRUE);
	ic->instance = NULL;
	ic->rx = NULL;
}

/* One switch over the lws reasons of the internal protocol; fragments are collected up to the
 * frame limit and a complete message is queued behind the request in flight. */
int bb_internal_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	bb_iconn *ic = user;
	bb_app *app = lws_context_user(lws_get_context(wsi));
	if (!ic)
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION: {
		/* Refuse other paths before the handshake completes. */
		char uri[128] = "";
		lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI);
		if (strcmp(uri, BB_INTERNAL_PATH) != 0) {
			bb_info("internal", "refusing WebSocket path=%.64s", uri);
			return -1;
		}
		break;
	}
	case LWS_CALLBACK_ESTABLISHED: {
		memset(ic, 0, sizeof *ic);
		bb_conn_init(&ic->conn, wsi, "internal", (guint)app->cfg.ws_queue_max, FALSE);
		ic->rx = g_string_new(NULL);
		app->internal_conns = g_list_prepend(app->internal_conns, ic);
		bb_info("internal", "plugin connected peer=%s", ic->conn.peer);
		break;
	}
	case LWS_CALLBACK_RECEIVE:
		if (!ic->rx)
			return -1;
		/* Closing (too large, before hello, wrong secret): later requests must not run unanswered. */
		if (ic->conn.closing)
			break;
		if (ic->rx->len + len > BB_INTERNAL_FRAME_MAX)
			ic->rx_too_large = TRUE;
		else
			g_string_append_len(ic->rx, in, (gssize)len);
		if (!lws_is_final_fragment(wsi) || lws_remaining_packet_payload(wsi) > 0)
			break;
		if (ic->rx_too_large) {
			bb_err err = {0};
			bb_err_set(&err, "too_large", "message over %d bytes", BB_INTERNAL_FRAME_MAX);
			reply_error(ic, NULL, &err);
			bb_err_clear(&err);
			bb_conn_close(&ic->conn, "message too large");
		} else {
			receive_message(app, ic, ic->rx->str, ic->rx->len);
		}
		g_string_truncate(ic->rx, 0);
		ic->rx_too_large = FALSE;
		break;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (!ic->rx)
			return -1;
		return bb_conn_on_writable(&ic->conn);
	case LWS_CALLBACK_CLOSED:
		if (ic->rx)
			on_closed(app, ic);
		break;
	default:
		break;
	}
	return 0;
}
