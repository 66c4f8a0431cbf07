/* live.c: public live WebSocket with coalesced office updates. */
#include "api/live.h"
#include "base/jsonutil.h"
#include "base/logging.h"

#include <string.h>

/* Compares the serialised view with the last one sent: only a real change is sent, and the
 * timer sends it at most once per tick however often the office was recomputed. */
void bb_live_office_check(bb_app *app, bb_office *o, gint64 now)
{
	char *view = bb_json_take_dump(bb_office_public_json(o, now));
	if (g_strcmp0(view, o->public_json) == 0) {
		g_free(view);
		return;
	}
	g_free(o->public_json);
	o->public_json = view;
	o->live_pending = TRUE;
}

/* Subscriber: never fails (no database involved). */
static gboolean on_office_changed(bb_app *app, bb_office *o, gint64 now)
{
	bb_live_office_check(app, o, now);
	return TRUE;
}

const bb_notify_subscriber bb_live_subscriber = {.office_changed = on_office_changed};

static void send_all(bb_app *app, const char *text)
{
	for (GList *l = app->live_conns; l; l = l->next) {
		bb_lconn *lc = l->data;
		bb_conn_send(&lc->conn, text);
		app->metrics.ws_messages_out++;
	}
}

/* Time alone changes views (opening, closing, a new day's hours), so every office is checked on
 * every tick, not only those the sync layer recomputed. */
void bb_live_tick(bb_app *app)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	for (guint i = 0; i < app->office_list->len; i++) {
		bb_office *o = app->office_list->pdata[i];
		bb_live_office_check(app, o, now);
		if (!o->live_pending)
			continue;
		o->live_pending = FALSE;
		if (!app->live_conns)
			continue;
		g_autofree char *msg = g_strdup_printf("{\"type\":\"office\",\"office\":%s}", o->public_json);
		send_all(app, msg);
	}
}

/* A new visitor gets every office at once, so the widget never waits for the next change. */
static void send_snapshot(bb_app *app, bb_lconn *lc)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	json_t *offices = json_array();
	for (guint i = 0; i < app->office_list->len; i++)
		json_array_append_new(offices, bb_office_public_json(app->office_list->pdata[i], now));
	char *s = bb_json_take_dump(json_pack("{s:s, s:o}", "type", "snapshot", "offices", offices));
	bb_conn_send(&lc->conn, s);
	g_free(s);
}

/* Visitors only listen: what they send is ignored, and a frame over 1 KiB closes the connection,
 * so that an anonymous endpoint cannot be used to push data at the service. */
int bb_live_callback(bb_app *app, bb_lconn *lc, struct lws *wsi, enum lws_callback_reasons reason,
	void *in, size_t len)
{
	switch (reason) {
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION: {
		/* Only /api/v1/live upgrades; refused before the handshake completes. */
		char uri[128] = "";
		lws_hdr_copy(wsi, uri, sizeof uri, WSI_TOKEN_GET_URI);
		if (strcmp(uri, BB_LIVE_PATH) != 0) {
			bb_info("live", "refusing WebSocket path=%.64s", uri);
			return -1;
		}
		break;
	}
	case LWS_CALLBACK_ESTABLISHED: {
		memset(lc, 0, sizeof *lc);
		bb_conn_init(&lc->conn, wsi, "live", (guint)app->cfg.ws_queue_max, TRUE);
		lc->active = TRUE;
		app->live_conns = g_list_prepend(app->live_conns, lc);
		send_snapshot(app, lc);
		break;
	}
	case LWS_CALLBACK_RECEIVE:
		if (len > BB_LIVE_RX_MAX || lws_remaining_packet_payload(wsi) > BB_LIVE_RX_MAX)
			bb_conn_close(&lc->conn, "frame over 1 KiB from a live client");
		break;
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (!lc->active)
			return -1;
		return bb_conn_on_writable(&lc->conn);
	case LWS_CALLBACK_CLOSED:
		if (lc->active) {
			app->live_conns = g_list_remove(app->live_conns, lc);
			bb_conn_clear(&lc->conn);
			lc->active = FALSE;
		}
		break;
	default:
		break;
	}
	return 0;
}
