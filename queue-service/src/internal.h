/* internal.h: the internal WebSocket API for Janus plugin instances (docs/internal-api.md).
 * Requests are validated against their op's field table, then dispatched through op tables:
 * the core table (internal_ops.c) and any table added to `op_tables` in internal.c (e.g. the
 * appointments module). */
#ifndef BB_INTERNAL_H
#define BB_INTERNAL_H

#include "app.h"
#include "clerks.h"
#include "conn.h"
#include "validate.h"

#define BB_INTERNAL_PROTOCOL "bb-internal"
#define BB_INTERNAL_PATH "/internal/v1"
#define BB_INTERNAL_FRAME_MAX 65536

/* Per-connection state (lws per-session data). */
typedef struct bb_iconn {
	bb_conn conn;
	gboolean hello;          /* authenticated with the shared secret */
	char *instance;          /* the Janus node's name from hello */
	GString *rx;             /* fragments of the message being received */
	gboolean rx_too_large;
} bb_iconn;

/* One request being handled. */
typedef struct bb_op_req {
	bb_app *app;
	bb_iconn *ic;
	json_t *msg;
	bb_clerk *clerk;         /* set when the op requires `session` */
	const char *close_reason;/* set by a handler: close the connection after the response */
} bb_op_req;

typedef struct bb_op {
	const char *name;
	const bb_field *fields;  /* NULL-terminated validation table */
	gboolean needs_clerk;    /* `session` is resolved into req->clerk before the handler */
	/* Fills result (an object that gets id/ok added) or err. */
	gboolean (*handler)(bb_op_req *req, json_t *result, bb_err *err);
} bb_op;

extern const bb_op bb_ops_core[];   /* NULL-terminated */
extern const bb_op bb_ops_appointments[];   /* ops_appointments.c */

int bb_internal_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);
/* Sends an event to every authenticated plugin connection of this instance; steals ev. */
void bb_internal_broadcast(bb_app *app, json_t *ev);

#endif
