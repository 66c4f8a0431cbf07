/* internal.c: internal WebSocket protocol: framing, hello gate, validation, op dispatch. */
#include "internal.h"
#include "jsonutil.h"
#include "logging.h"
#include "tickets.h"

#include <string.h>

/* Every op table the internal API serves; add another module's table here. */
static const bb_op *const op_tables[] = {bb_ops_core, bb_ops_appointments, NULL};

static const bb_op *find_op(const char *name)
{
	for (int t = 0; op_tables[t]; t++)
		for (const bb_op *op = op_tables[t]; op->name; op++)
			if (strcmp(op->name, name) == 0)
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

void bb_internal_broadcast(bb_app *app, json_t *ev)
{
	char *s = bb_json_take_dump(ev);
	for (GList *l = app->internal_conns; l; l = l->next) {
		bb_iconn *ic = l->data;
		if (ic->hello) {
			bb_conn_send(&ic->conn, s);
			app->metrics.ws_messages_out++;
		}
	}
	g_free(s);
}

/* Parses, gates, validates and dispatches one complete message. */
static void handle_message(bb_app *app, bb_iconn *ic, const char *text, size_t len)
{
	bb_err err = {0};
	json_error_t jerr;
	json_t *msg = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	json_t *id = msg ? json_object_get(msg, "id") : NULL;
	if (!json_is_object(msg)) {
		bb_err_set(&err, "bad_request", "message is not a JSON object");
		goto out;
	}
	if (!json_is_integer(id) || json_integer_value(id) < 0 || json_integer_value(id) > G_MAXUINT32) {
		id = NULL;
		bb_err_set(&err, "bad_request", "field 'id' must be an unsigned 32-bit integer");
		goto out;
	}
	json_t *opname = json_object_get(msg, "op");
	if (!json_is_string(opname)) {
		bb_err_set(&err, "bad_request", "field 'op' must be a string");
		goto out;
	}
	const bb_op *op = find_op(json_string_value(opname));
	if (!ic->hello && (!op || strcmp(op->name, "hello") != 0)) {
		bb_err_set(&err, "unauthorized", "the first request must be hello");
		reply_error(ic, id, &err);
		bb_conn_close(&ic->conn, "request before hello");
		bb_err_clear(&err);
		json_decref(msg);
		return;
	}
	if (!op) {
		const char *name = json_string_value(opname);   /* valid UTF-8: Jansson checked it */
		g_autofree char *shown = g_utf8_substring(name, 0, MIN(g_utf8_strlen(name, -1), 64));
		bb_err_set(&err, "unknown_op", "unknown op '%s'", shown);
		goto out;
	}
	if (!bb_validate(msg, op->fields, &err))
		goto out;
	bb_op_req req = {.app = app, .ic = ic, .msg = msg};
	if (op->needs_clerk) {
		req.clerk = bb_clerk_by_session(app, json_string_value(json_object_get(msg, "session")), &err);
		if (!req.clerk)
			goto out;
	}
	json_t *result = json_object();
	gboolean ok = op->handler(&req, result, &err);
	bb_clerk_free(req.clerk);
	if (ok) {
		json_object_set(result, "id", id);
		json_object_set_new(result, "ok", json_true());
		send_json(ic, result);
		json_decref(msg);
		return;
	}
	json_decref(result);
	if (req.close_reason) {
		reply_error(ic, id, &err);
		bb_conn_close(&ic->conn, req.close_reason);
		bb_err_clear(&err);
		json_decref(msg);
		return;
	}
out:
	if (!err.code)
		bb_err_set(&err, "internal", "internal error");
	if (strcmp(err.code, "internal") == 0)
		bb_error("internal", "request failed instance=%s message=\"%s\"", ic->instance ? ic->instance : "-", err.message);
	reply_error(ic, id, &err);
	bb_err_clear(&err);
	json_decref(msg);
}

static void on_closed(bb_app *app, bb_iconn *ic)
{
	app->internal_conns = g_list_remove(app->internal_conns, ic);
	if (ic->instance) {
		gboolean other = FALSE;
		for (GList *l = app->internal_conns; l && !other; l = l->next) {
			bb_iconn *o = l->data;
			other = o->instance && strcmp(o->instance, ic->instance) == 0;
		}
		/* The node's citizens are unreachable now; they get the grace period to come back. */
		if (!other && !app->stop)
			bb_tickets_detach_instance(app, ic->instance);
		bb_info("internal", "plugin disconnected instance=%s", ic->instance);
	}
	bb_conn_clear(&ic->conn);
	g_free(ic->instance);
	if (ic->rx)
		g_string_free(ic->rx, TRUE);
	ic->instance = NULL;
	ic->rx = NULL;
}

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
		bb_conn_init(&ic->conn, wsi, "internal", (guint)app->cfg.ws_queue_max);
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
			handle_message(app, ic, ic->rx->str, ic->rx->len);
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
