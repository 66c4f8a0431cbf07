/* http.c: public HTTP protocol callback: request parsing, size limits, routing, responses. */
#include "api/http.h"
#include "api/http_guard.h"
#include "base/client_addr.h"
#include "base/jsonutil.h"
#include "base/logging.h"

#include <string.h>

/* Every route table the public listener serves; add another module's table here. */
static const bb_route *const route_tables[] = {bb_routes_public, bb_routes_clerk,
	bb_routes_appointments, bb_routes_ice, bb_routes_stats, bb_routes_admin, bb_routes_overview, bb_routes_callback, NULL};

/* Per-connection state: one HTTP transaction at a time, or a live WebSocket. */
typedef struct pss {
	bb_lconn live;              /* used once the connection is a WebSocket */
	gboolean is_http;
	char method[8];
	char path[512];
	GString *body;
	gboolean body_too_large;
	bb_http_resp resp;
	gboolean close_after;       /* unread body left: close instead of keep-alive */
	bb_http_later *later;       /* the transaction waits for bb_http_answer() */
	gboolean answer_ready;      /* ... which has come: write resp when writable */
	gboolean in_handler;        /* a route handler runs: an answer now is just the response */
} pss;

/* Outlives the connection when the client goes away first (then p is NULL). */
struct bb_http_later {
	struct lws *wsi;
	pss *p;
};

size_t bb_http_pss_size(void) { return sizeof(pss); }

void bb_http_json(bb_http_resp *resp, int status, json_t *o)
{
	g_free(resp->body);
	resp->status = status;
	resp->body = bb_json_take_dump(o);
	resp->content_type = "application/json";
}

void bb_http_error(bb_http_resp *resp, const bb_err *err)
{
	bb_http_json(resp, bb_err_http_status(err->code), json_pack("{s:o}", "error", bb_err_json(err)));
}

void bb_http_error_code(bb_http_resp *resp, const char *code, const char *message)
{
	bb_err err = {.code = code, .message = (char *)message};
	bb_http_json(resp, bb_err_http_status(code), json_pack("{s:o}", "error", bb_err_json(&err)));
}

/* Why taken before any other check: refused attempts must cost the client as much as good ones,
 * or a script learns for free. */
gboolean bb_http_client_rate(bb_http_req *req, bb_http_resp *resp, bb_buckets **buckets, int burst,
	int refill_s, const char *what)
{
	char client[72];
	bb_client_key(req->peer, client, sizeof(client));
	if (!*buckets)
		*buckets = bb_buckets_new(burst, refill_s, 200000);
	int wait = bb_buckets_take(*buckets, client, g_get_real_time() / G_USEC_PER_SEC);
	if (wait <= 0)
		return TRUE;
	bb_err err = {0};
	bb_err_set(&err, "rate_limited", "too many %s from this address; try again later", what);
	err.extra = json_pack("{s:i}", "retry_after_s", wait);
	bb_http_error(resp, &err);
	resp->retry_after = wait;
	bb_err_clear(&err);
	return FALSE;
}

static const struct { enum lws_token_indexes tok; const char *name; } methods[] = {
	{WSI_TOKEN_GET_URI, "GET"}, {WSI_TOKEN_POST_URI, "POST"}, {WSI_TOKEN_PUT_URI, "PUT"},
	{WSI_TOKEN_DELETE_URI, "DELETE"}, {WSI_TOKEN_PATCH_URI, "PATCH"},
	{WSI_TOKEN_OPTIONS_URI, "OPTIONS"}, {WSI_TOKEN_HEAD_URI, "HEAD"},
};

/* Reads method and path from the request line; FALSE when unusable (too long, unknown). */
static gboolean read_request_line(struct lws *wsi, pss *p)
{
	for (guint i = 0; i < G_N_ELEMENTS(methods); i++) {
		int n = lws_hdr_total_length(wsi, methods[i].tok);
		if (n <= 0)
			continue;
		g_strlcpy(p->method, methods[i].name, sizeof p->method);
		if (n >= (int)sizeof p->path)
			return FALSE;
		return lws_hdr_copy(wsi, p->path, sizeof p->path, methods[i].tok) >= 0;
	}
	return FALSE;
}

/* Matches path against a pattern, capturing {name} segments. */
static gboolean match(const char *pattern, const char *path, const char **params, char **storage)
{
	g_auto(GStrv) ps = g_strsplit(pattern, "/", -1);
	g_auto(GStrv) xs = g_strsplit(path, "/", -1);
	if (g_strv_length(ps) != g_strv_length(xs))
		return FALSE;
	int np = 0;
	for (int i = 0; ps[i]; i++) {
		if (ps[i][0] == '{') {
			if (!*xs[i] || strlen(xs[i]) > 64 || np >= BB_ROUTE_PARAMS_MAX)
				return FALSE;
			params[np++] = xs[i];
		} else if (strcmp(ps[i], xs[i]) != 0) {
			return FALSE;
		}
	}
	*storage = (char *)g_steal_pointer(&xs);
	return TRUE;
}

/* Longer X-Forwarded-For values are not read (lws's header limit would cut them anyway). */
#define XFF_MAX 8192

/* The request's client address: TCP peer and X-Forwarded-For read from the connection, the
 * decision (which hops to believe) made by base/client_addr.c. The header is only read when
 * proxies are trusted at all. */
static void client_addr(struct lws *wsi, const char *trusted_proxies, char *out, size_t out_size)
{
	char peer[BB_CLIENT_ADDR_MAX] = "";
	lws_get_peer_simple(wsi, peer, sizeof peer);
	if (!trusted_proxies || !*trusted_proxies) {
		bb_client_addr_resolve(peer, NULL, NULL, out, out_size);
		return;
	}
	g_autofree char *xff = NULL;
	int n = lws_hdr_total_length(wsi, WSI_TOKEN_X_FORWARDED_FOR);
	if (n > 0 && n <= XFF_MAX) {
		xff = g_malloc((gsize)n + 1);
		if (lws_hdr_copy(wsi, xff, n + 1, WSI_TOKEN_X_FORWARDED_FOR) < 0)
			g_clear_pointer(&xff, g_free);
	}
	bb_client_addr_resolve(peer, xff, trusted_proxies, out, out_size);
}

/* Finds the route and runs it, producing p->resp (404/405/400 handled here). */
static void dispatch(bb_app *app, struct lws *wsi, pss *p)
{
	bb_http_req req = {.app = app, .wsi = wsi, .method = p->method, .path = p->path};
	client_addr(wsi, app->cfg.trusted_proxies, req.peer, sizeof req.peer);
	char auth[200] = "";
	if (lws_hdr_copy(wsi, auth, sizeof auth, WSI_TOKEN_HTTP_AUTHORIZATION) > 0 && g_str_has_prefix(auth, "Bearer "))
		g_strlcpy(req.bearer, auth + 7, sizeof req.bearer);

	/* HEAD is GET without the body (RFC 9110 §9.3.2): the GET route answers, send_response leaves
	 * the body out. */
	const char *method = strcmp(p->method, "HEAD") == 0 ? "GET" : p->method;
	gboolean path_known = FALSE;
	for (int t = 0; route_tables[t]; t++) {
		for (const bb_route *r = route_tables[t]; r->method; r++) {
			char *storage = NULL;
			if (!match(r->pattern, p->path, req.params, &storage))
				continue;
			path_known = TRUE;
			if (strcmp(r->method, method) != 0) {
				g_strfreev((GStrv)storage);
				continue;
			}
			bb_err err = {0};
			if (r->body) {
				json_error_t jerr;
				req.body = p->body && p->body->len ? json_loadb(p->body->str, p->body->len, JSON_REJECT_DUPLICATES, &jerr) : NULL;
				if (!req.body)
					bb_err_set(&err, "bad_request", "the body must be a JSON object");
				else
					bb_validate_proto(req.body, r->body->fields, r->body->n_fields, &err);
			}
			if (err.code)
				bb_http_error(&p->resp, &err);
			else
				r->handler(&req, &p->resp);
			bb_err_clear(&err);
			if (req.body)
				json_decref(req.body);
			g_strfreev((GStrv)storage);
			return;
		}
	}
	if (path_known)
		bb_http_error_code(&p->resp, "method_not_allowed", "method not allowed for this path");
	else
		bb_http_error_code(&p->resp, "not_found", "no such resource");
}

static void reset(pss *p)
{
	if (p->body)
		g_string_free(p->body, TRUE);
	p->body = NULL;
	g_clear_pointer(&p->resp.body, g_free);
	memset(&p->resp, 0, sizeof p->resp);
	p->body_too_large = FALSE;
}

/* Writes the whole response (status line, headers, body) at once and ends the transaction.
 * Why not the body from WRITEABLE: lws 4.1.6 parses a pipelined next request (or unread junk
 * after a refused one) before that callback and rebinds the per-session data, so the next
 * response's headers went out in place of this body. lws buffers what the socket cannot take.
 * A later answer (bb_http_answer_later()) is written from WRITEABLE, but its connection reads
 * nothing while it waits (rx flow control), so nothing can be parsed in between. */
static int send_response(bb_app *app, struct lws *wsi, pss *p)
{
	if (!p->resp.status)
		bb_http_error_code(&p->resp, "internal", "no response");
	size_t len = p->resp.body ? strlen(p->resp.body) : 0;
	size_t send = strcmp(p->method, "HEAD") == 0 ? 0 : len;   /* HEAD: Content-Length, no body */
	if (p->resp.status < 600)
		app->metrics.http_by_code[p->resp.status]++;
	const char *cache = p->resp.cache_control ? p->resp.cache_control : "no-store";
	guint8 *buf = g_malloc(LWS_PRE + 1024 + len);
	unsigned char *start = buf + LWS_PRE, *ptr = start, *end = buf + LWS_PRE + 1024 - 1;
	gboolean ok = !lws_add_http_common_headers(wsi, (unsigned)p->resp.status, p->resp.content_type,
		(lws_filepos_t)len, &ptr, end) &&
		!lws_add_http_header_by_name(wsi, (const unsigned char *)"cache-control:", (const unsigned char *)cache,
			(int)strlen(cache), &ptr, end);
	if (ok && p->resp.retry_after > 0) {
		char ra[16];
		int n = g_snprintf(ra, sizeof ra, "%d", p->resp.retry_after);
		ok = !lws_add_http_header_by_name(wsi, (const unsigned char *)"retry-after:", (unsigned char *)ra, n, &ptr, end);
	}
	if (ok && p->resp.disposition[0])
		ok = !lws_add_http_header_by_name(wsi, (const unsigned char *)"content-disposition:",
			(const unsigned char *)p->resp.disposition, (int)strlen(p->resp.disposition), &ptr, end);
	if (ok && p->close_after)
		ok = !lws_add_http_header_by_name(wsi, (const unsigned char *)"connection:", (const unsigned char *)"close", 5, &ptr, end);
	ok = ok && !lws_finalize_write_http_header(wsi, start, &ptr, end);
	if (ok && send)
		memcpy(buf + LWS_PRE, p->resp.body, send);
	ok = ok && lws_write(wsi, buf + LWS_PRE, send, LWS_WRITE_HTTP_FINAL) >= (int)send;
	g_free(buf);
	gboolean close = p->close_after;
	/* Before ending the transaction: lws may free this per-session data in there. */
	reset(p);
	if (!ok || close)
		return -1;
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

/* Only for requests with a body: after their body lws 4.1.6 stays in its body state, where a
 * spurious BODY_COMPLETION is the only callback data can cause (see bb_http_callback()). */
bb_http_later *bb_http_answer_later(bb_http_req *req)
{
	pss *p = lws_wsi_user(req->wsi);
	g_return_val_if_fail(p && p->body && !p->later, NULL);
	bb_http_later *later = g_new0(bb_http_later, 1);
	later->wsi = req->wsi;
	later->p = p;
	p->later = later;
	return later;   /* reading stops when the handler returns still waiting (dispatch_and_send) */
}

/* lws 4.1.6 skips an h1 connection's POLLOUT, and so WRITEABLE, while it is rx flow controlled:
 * reading is allowed again here, and whichever callback of the connection comes first (WRITEABLE,
 * or a BODY_COMPLETION repeated for data that came meanwhile) writes the answer. */
void bb_http_answer(bb_http_later *later, bb_http_resp *resp)
{
	pss *p = later->p;
	if (p) {
		g_free(p->resp.body);
		p->resp = *resp;
		resp->body = NULL;
		p->later = NULL;
		if (!p->in_handler) {   /* else the handler's caller sends it right away */
			p->answer_ready = TRUE;
			lws_rx_flow_control(later->wsi, 1);
			lws_callback_on_writable(later->wsi);
		}
	} else {
		g_clear_pointer(&resp->body, g_free);
	}
	g_free(later);
}

/* Runs the route and answers now, unless the handler took the transaction for later (an answer
 * that came before the handler returned goes out now, as any other). */
static int dispatch_and_send(bb_app *app, struct lws *wsi, pss *p)
{
	p->in_handler = TRUE;
	dispatch(app, wsi, p);
	p->in_handler = FALSE;
	if (p->later) {
		lws_rx_flow_control(wsi, 0);
		return 0;
	}
	return send_response(app, wsi, p);
}

/* Content-Length as RFC 9110 wants it: at most one such header, 1 to 18 decimal digits (none: 0).
 * Two headers, a list ("5, 5"), a sign or blanks are refused: lws reads the body by the first
 * header's value while another reader might take another one, and a request whose end is in
 * doubt must not be answered as if it were not (request smuggling). */
static gboolean read_content_length(struct lws *wsi, long long *out)
{
	char cl[24];
	*out = 0;
	int n = lws_hdr_copy_fragment(wsi, cl, sizeof cl, WSI_TOKEN_HTTP_CONTENT_LENGTH, 0);
	if (n < 0)
		return lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH) == 0;   /* absent, or too long */
	char second[24];
	if (lws_hdr_copy_fragment(wsi, second, sizeof second, WSI_TOKEN_HTTP_CONTENT_LENGTH, 1) >= 0 ||
	    lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH, 1) > 0)
		return FALSE;   /* a second Content-Length header (empty or not) */
	if (n == 0 || n > 18)
		return FALSE;
	for (int i = 0; i < n; i++)
		if (!g_ascii_isdigit(cl[i]))
			return FALSE;
	*out = g_ascii_strtoll(cl, NULL, 10);
	return TRUE;
}

static int on_http(bb_app *app, struct lws *wsi, pss *p)
{
	reset(p);
	p->is_http = TRUE;
	p->close_after = FALSE;
	p->method[0] = '\0';
	if (!read_request_line(wsi, p)) {
		p->close_after = TRUE;
		bb_http_error_code(&p->resp, "bad_request", "unsupported method or path too long");
		return send_response(app, wsi, p);
	}
	long long content_length = 0;
	if (!read_content_length(wsi, &content_length)) {
		p->close_after = TRUE;
		bb_http_error_code(&p->resp, "bad_request", "Content-Length must be one header holding a decimal number");
		return send_response(app, wsi, p);
	}
	if (content_length > BB_HTTP_BODY_MAX) {
		p->close_after = TRUE;
		bb_http_error_code(&p->resp, "too_large", "request body over 16 KiB");
		return send_response(app, wsi, p);
	}
	/* lws 4.1 never completes a chunked request body: refuse it instead of hanging until the
	 * timeout; the unread chunks make the connection unusable, so close it. */
	if (lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING) > 0) {
		p->close_after = TRUE;
		bb_http_error_code(&p->resp, "bad_request", "chunked request bodies are not supported; send Content-Length");
		return send_response(app, wsi, p);
	}
	if (content_length > 0) {
		p->body = g_string_new(NULL);
		return 0;   /* wait for BODY / BODY_COMPLETION */
	}
	return dispatch_and_send(app, wsi, p);
}

int bb_http_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	pss *p = user;
	bb_app *app = lws_context_user(lws_get_context(wsi));
	/* A new connection of the public listener (`in` is its socket; no per-session data yet):
	 * its reads go through the header guard (api/http_guard.h). */
	if (reason == LWS_CALLBACK_FILTER_NETWORK_CONNECTION) {
		bb_http_guard_watch((int)(lws_intptr_t)in);
		return 0;
	}
	/* Closed, also before any per-session data (a header timeout): the socket is no longer ours. */
	if (reason == LWS_CALLBACK_CLOSED_HTTP || reason == LWS_CALLBACK_CLOSED)
		bb_http_guard_forget(lws_get_socket_fd(wsi));
	/* lws calls some reasons (e.g. after a header overflow) before per-session data exists. */
	if (!p)
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	/* A later answer is due: it goes out before anything else happens on this connection. */
	if (p->answer_ready && (reason == LWS_CALLBACK_HTTP_WRITEABLE || reason == LWS_CALLBACK_HTTP ||
	    reason == LWS_CALLBACK_HTTP_BODY || reason == LWS_CALLBACK_HTTP_BODY_COMPLETION)) {
		p->answer_ready = FALSE;
		return send_response(app, wsi, p);
	}
	switch (reason) {
	case LWS_CALLBACK_HTTP:
		return on_http(app, wsi, p);
	case LWS_CALLBACK_HTTP_BODY:
		if (!p->body || p->later)
			return 0;
		if (p->body->len + len > BB_HTTP_BODY_MAX)
			p->body_too_large = TRUE;
		else
			g_string_append_len(p->body, in, (gssize)len);
		return 0;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (!p->body || p->later)
			return 0;   /* no body of ours, or repeated while the answer is pending */
		if (p->body_too_large) {
			bb_http_error_code(&p->resp, "too_large", "request body over 16 KiB");
			return send_response(app, wsi, p);
		}
		return dispatch_and_send(app, wsi, p);
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return 0;   /* responses are written whole in send_response (a later answer: above) */
	case LWS_CALLBACK_CLOSED_HTTP:
		if (p->later) {
			p->later->p = NULL;   /* the answer, when it comes, is dropped */
			p->later = NULL;
		}
		p->answer_ready = FALSE;
		reset(p);
		return 0;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
	case LWS_CALLBACK_ESTABLISHED:
	case LWS_CALLBACK_RECEIVE:
	case LWS_CALLBACK_SERVER_WRITEABLE:
	case LWS_CALLBACK_CLOSED:
		return bb_live_callback(app, &p->live, wsi, reason, in, len);
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}
