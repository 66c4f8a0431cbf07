/* conn.h: a WebSocket connection's bounded outgoing queue. Messages are only written from the
 * WRITEABLE callback; a consumer that falls more than `max` messages behind is closed with a
 * logged reason instead of growing memory without bound. */
#ifndef BB_CONN_H
#define BB_CONN_H

#include <glib.h>
#include <libwebsockets.h>

typedef struct bb_conn {
	struct lws *wsi;
	const char *kind;       /* "live" or "internal" (log component) */
	GQueue out;             /* GBytes with LWS_PRE headroom */
	guint max;
	gboolean closing;
	char peer[64];          /* for log lines: a client's network only (see bb_conn_init()) */
} bb_conn;

/* client: the peer is a member of the public (a live WebSocket), whose address is logged as its
 * network only (base/client_addr.h); else (a Janus node) the address is logged as it is. */
void bb_conn_init(bb_conn *c, struct lws *wsi, const char *kind, guint max, gboolean client);
void bb_conn_clear(bb_conn *c);
/* Queues a copy of text; closes the connection (logged) when over the bound. */
void bb_conn_send(bb_conn *c, const char *text);
/* Schedules a close with a logged reason, after the messages already queued. */
void bb_conn_close(bb_conn *c, const char *reason);
/* Call from LWS_CALLBACK_SERVER_WRITEABLE; returns -1 when the connection must close. */
int bb_conn_on_writable(bb_conn *c);

#endif
