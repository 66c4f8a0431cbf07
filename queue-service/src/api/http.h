/* http.h: the public listener's protocol: REST requests routed through route tables
 * {method, path pattern, handler, body fields}, plus the live WebSocket (live.h).
 *
 * Adding routes from another module: define a NULL-terminated `const bb_route x_routes[]` and add
 * it to `route_tables` in http.c. Patterns are literal segments or `{name}` (one segment,
 * available as req->params[i] in order). A route with `body` gets its JSON body parsed and
 * checked against that table before the handler runs (bad JSON -> 400, > 16 KiB -> 413). */
#ifndef BB_HTTP_H
#define BB_HTTP_H

#include "base/bucket.h"
#include "base/validate.h"
#include "store/app.h"
#include "bb_protocol.h"
#include "api/live.h"

#define BB_HTTP_BODY_MAX 16384
#define BB_HTTP_PROTOCOL "bb-live"
#define BB_ROUTE_PARAMS_MAX 4

typedef struct bb_http_req {
	bb_app *app;
	struct lws *wsi;
	const char *method;
	const char *path;
	const char *params[BB_ROUTE_PARAMS_MAX];
	json_t *body;               /* parsed body (routes with a body table) */
	char bearer[160];           /* token from `Authorization: Bearer`, "" if none */
	char peer[64];
} bb_http_req;

typedef struct bb_http_resp {
	int status;
	char *body;                 /* g_malloc'd */
	const char *content_type;
	int retry_after;            /* > 0: Retry-After header */
	char disposition[128];      /* non-empty: Content-Disposition header (downloads) */
	const char *cache_control;  /* NULL: no-store (every answer but a few public ones) */
} bb_http_resp;

typedef struct bb_route {
	const char *method;
	const char *pattern;
	void (*handler)(bb_http_req *req, bb_http_resp *resp);
	const bb_rest_body *body;   /* its fields in the catalogue (bb_rest_bodies); NULL: no body */
} bb_route;

extern const bb_route bb_routes_public[];
extern const bb_route bb_routes_clerk[];
extern const bb_route bb_routes_appointments[];   /* routes_appointments.c */
extern const bb_route bb_routes_ice[];            /* routes_ice.c */
extern const bb_route bb_routes_stats[];          /* routes_stats.c */
extern const bb_route bb_routes_admin[];          /* routes_admin.c */
extern const bb_route bb_routes_overview[];       /* routes_overview.c */
extern const bb_route bb_routes_callback[];       /* routes_callback.c */

/* A transaction a handler answers later, once work off the loop is done (a login waiting for
 * its password check). While it waits, the connection reads nothing more (lws rx flow control),
 * so a pipelined next request cannot overtake it; the answer is written from the WRITEABLE
 * callback. If the client goes away meanwhile, the answer is dropped. */
typedef struct bb_http_later bb_http_later;
/* In a handler: takes the transaction over; the handler leaves resp untouched and returns. */
bb_http_later *bb_http_answer_later(bb_http_req *req);
/* Loop: answers with resp (its body is taken) and frees later. Exactly once per handle. */
void bb_http_answer(bb_http_later *later, bb_http_resp *resp);

/* Response helpers: JSON (consumes o), error JSON from err, plain text. */
void bb_http_json(bb_http_resp *resp, int status, json_t *o);
void bb_http_error(bb_http_resp *resp, const bb_err *err);
void bb_http_error_code(bb_http_resp *resp, const char *code, const char *message);
/* A per-client-address limit of a public route: takes one token from the client's bucket in
 * *buckets (made on first use with burst and refill_s; the route's own state, loop only). FALSE
 * when the client must wait: resp is then 429 rate_limited ("too many <what> from this address")
 * with Retry-After and retry_after_s. */
gboolean bb_http_client_rate(bb_http_req *req, bb_http_resp *resp, bb_buckets **buckets, int burst,
	int refill_s, const char *what);
/* The clerk of the request's bearer token, or NULL with the error response set (routes_clerk.c). */
struct bb_clerk *bb_http_clerk(bb_http_req *req, bb_http_resp *resp);

int bb_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len);
/* lws per-session data size of the public protocol. */
size_t bb_http_pss_size(void);

#endif
