/* internal.h: the internal WebSocket API for Janus plugin instances (docs/internal-api.md).
 * Requests are validated against their op's field table, then dispatched through op tables:
 * the core table (internal_ops.c) and any table added to `op_tables` in internal.c (e.g. the
 * appointments module).
 *
 * Threads (store/app.h, db/pool.h): receiving, validation, the hello gate, session lookup, an
 * op's prepare and finish steps and the reply all run on the lws thread. The handler of an op
 * marked `pooled` runs on a worker thread when db_pool_size > 1 and must follow store/app.h's
 * rules (database through bb_app_db(), changes only through the bb_sink_*() calls, no office
 * cache, no req->ic);
 * handlers of other ops run inline on the lws thread. A connection has at most one request in
 * flight; requests received meanwhile wait in `pending`, so replies keep request order while
 * different connections run in parallel. */
#ifndef BB_INTERNAL_H
#define BB_INTERNAL_H

#include "base/validate.h"
#include "bb_protocol.h"
#include "store/app.h"
#include "store/clerks.h"
#include "sync/notify.h"
#include "api/conn.h"

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
	GQueue pending;          /* complete requests (GBytes) waiting for the one in flight */
	struct bb_op_req *inflight;   /* the request a worker thread runs now, if any */
} bb_iconn;

typedef struct bb_op bb_op;

/* One request being handled (owned by the lws thread except while a worker runs its handler). */
typedef struct bb_op_req {
	bb_app *app;
	bb_iconn *ic;            /* lws thread only (never in a pooled handler); NULL once closed */
	const bb_op *op;
	json_t *msg;
	json_t *id;              /* borrowed from msg */
	bb_clerk *clerk;         /* set when the op requires `session` */
	char *instance;          /* the connection's instance name (copy; NULL before hello) */
	const char *close_reason;/* set by a handler: close the connection after the response */
	gboolean run_inline;     /* set by prepare: the handler needs the lws thread's connection */
	gpointer prep;           /* what the op's prepare step hands to its handler */
	GDestroyNotify prep_free;
	json_t *result;
	gboolean ok;
	bb_err err;
	char *detach_instance;   /* the connection closed while in flight: detach after completion */
} bb_op_req;

/* Name, fields and whether `session` is needed come from the catalogue (bb_internal_ops[id],
 * protocol/internal-api.json); a table here only says how the service runs the op. A clerk op's
 * `session` is resolved into req->clerk before the handler. */
struct bb_op {
	bb_op_id id;             /* BB_OP_N ends a table */
	/* Fills result (an object that gets id/ok added) or err. */
	gboolean (*handler)(bb_op_req *req, json_t *result, bb_err *err);
	gboolean pooled;         /* the handler follows store/app.h's rules and may run on a worker */
	/* Optional, lws thread: before the handler (office cache lookups; FALSE = reply err) ... */
	gboolean (*prepare)(bb_op_req *req, bb_err *err);
	/* ... and after it, before the reply (additions that need the office cache). */
	void (*finish)(bb_op_req *req, json_t *result, gboolean ok, bb_err *err);
};

extern const bb_op bb_ops_core[];   /* ended by .id = BB_OP_N */
extern const bb_op bb_ops_appointments[];   /* ops_appointments.c */

int bb_internal_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);
/* Sends an event to every authenticated plugin connection of this instance; steals ev. */
void bb_internal_broadcast(bb_app *app, json_t *ev);
/* What the plugin connections hear from the sync layer (subscribed in app/server.c): each
 * recomputed office's `office_queue` and every event. */
extern const bb_notify_subscriber bb_internal_subscriber;

#endif
