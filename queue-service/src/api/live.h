/* live.h: `/api/v1/live`, the anonymous WebSocket for homepage visitors: a snapshot of all
 * offices, then `office` messages whenever an office's public view changes, coalesced by a
 * 250 ms timer (a burst of joins becomes one message). Visitors send nothing. */
#ifndef BB_LIVE_H
#define BB_LIVE_H

#include "store/app.h"
#include "store/offices.h"
#include "sync/notify.h"
#include "api/conn.h"

#define BB_LIVE_PATH "/api/v1/live"
#define BB_LIVE_RX_MAX 1024

typedef struct bb_lconn {
	bb_conn conn;
	gboolean active;
} bb_lconn;

/* WebSocket reasons of the public protocol are forwarded here. */
int bb_live_callback(bb_app *app, bb_lconn *lc, struct lws *wsi, enum lws_callback_reasons reason,
	void *in, size_t len);
/* Recomputes an office's public view; marks it for sending when it changed. */
void bb_live_office_check(bb_app *app, bb_office *o, gint64 now);
/* What the live connections hear from the sync layer (subscribed in app/server.c): every
 * recomputed office is checked at once instead of at the next tick. */
extern const bb_notify_subscriber bb_live_subscriber;
/* Timer body (250 ms): re-derives views by time and sends pending ones. */
void bb_live_tick(bb_app *app);

#endif
