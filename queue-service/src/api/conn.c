/* conn.c: per-connection outgoing queue written from the WRITEABLE callback only. */
#include "api/conn.h"
#include "base/client_addr.h"
#include "base/logging.h"

#include <string.h>

void bb_conn_init(bb_conn *c, struct lws *wsi, const char *kind, guint max, gboolean client)
{
	memset(c, 0, sizeof *c);
	c->wsi = wsi;
	c->kind = kind;
	c->max = max;
	g_queue_init(&c->out);
	char ip[64] = "";
	lws_get_peer_simple(wsi, ip, sizeof ip);
	if (client)
		bb_client_addr_for_log(ip, c->peer, sizeof c->peer);
	else
		g_strlcpy(c->peer, ip, sizeof c->peer);
}

void bb_conn_clear(bb_conn *c)
{
	GBytes *b;
	while ((b = g_queue_pop_head(&c->out)))
		g_bytes_unref(b);
}

void bb_conn_close(bb_conn *c, const char *reason)
{
	if (c->closing)
		return;
	c->closing = TRUE;
	bb_info(c->kind, "closing connection peer=%s reason=\"%s\"", c->peer, reason);
	lws_callback_on_writable(c->wsi);
}

void bb_conn_send(bb_conn *c, const char *text)
{
	if (c->closing)
		return;
	if (g_queue_get_length(&c->out) >= c->max) {
		bb_conn_clear(c);   /* nothing more for a consumer this far behind */
		bb_conn_close(c, "slow consumer: outgoing queue full");
		return;
	}
	size_t n = strlen(text);
	guint8 *buf = g_malloc(LWS_PRE + n);
	memcpy(buf + LWS_PRE, text, n);
	g_queue_push_tail(&c->out, g_bytes_new_take(buf, LWS_PRE + n));
	lws_callback_on_writable(c->wsi);
}

int bb_conn_on_writable(bb_conn *c)
{
	GBytes *b = g_queue_pop_head(&c->out);
	if (!b) {
		if (!c->closing)
			return 0;
		/* Queued replies (e.g. the error explaining the close) went out first. */
		lws_close_reason(c->wsi, LWS_CLOSE_STATUS_POLICY_VIOLATION, NULL, 0);
		return -1;
	}
	gsize n;
	guint8 *p = (guint8 *)g_bytes_get_data(b, &n);
	int w = lws_write(c->wsi, p + LWS_PRE, n - LWS_PRE, LWS_WRITE_TEXT);
	g_bytes_unref(b);
	if (w < (int)(n - LWS_PRE)) {
		bb_info(c->kind, "closing connection peer=%s reason=\"write failed\"", c->peer);
		return -1;
	}
	if (!g_queue_is_empty(&c->out) || c->closing)
		lws_callback_on_writable(c->wsi);
	return 0;
}
