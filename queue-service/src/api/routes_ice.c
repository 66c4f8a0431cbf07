/* routes_ice.c: GET /api/v1/ice-servers: STUN/TURN servers and TURN credentials for browsers, rate-limited per client address. */
#include "api/http.h"
#include "base/ratelimit.h"
#include "domain/ice.h"

#define ICE_PER_MINUTE 30      /* requests per client address and wall-clock minute */

/* The limiter of this route. bb_app (store/app.h) holds the API layer's state only as opaque
 * pointers and this layer has no state struct of its own yet, so the limiter lives here; the
 * lock keeps it safe should handlers ever run outside the lws thread. */
static GMutex limit_lock;
static bb_ratelimit *limit;
static gint64 limit_minute;

/* Counts one request of addr in the current minute; returns seconds to wait (0 = allowed).
 * The key carries the minute, so every address starts each minute afresh. Every request over the
 * limit is refused for the rest of that minute, however slowly it comes: the module blocks from
 * the (limit + 1)th count on, and a count made at or after that returns a wait, never 0. */
static int count_request(const char *addr, gint64 now_s)
{
	gint64 minute = now_s / 60;
	int left_in_minute = (int)(60 - now_s % 60);
	g_autofree char *key = g_strdup_printf("ice:%s:%" G_GINT64_FORMAT, addr, minute);
	g_mutex_lock(&limit_lock);
	if (!limit)
		limit = bb_ratelimit_new(ICE_PER_MINUTE + 1, 60, BB_RATELIMIT_KEYS_DEFAULT);
	if (minute != limit_minute) {
		bb_ratelimit_prune(limit, now_s);   /* drops keys of minutes idle for an hour */
		limit_minute = minute;
	}
	int wait = bb_ratelimit_blocked(limit, key, now_s);
	if (wait == 0)
		wait = bb_ratelimit_fail(limit, key, now_s);
	g_mutex_unlock(&limit_lock);
	return wait > 0 ? left_in_minute : 0;
}

/* Rate-limited because each answer carries fresh TURN credentials, which relay traffic. */
static void get_ice_servers(bb_http_req *req, bb_http_resp *resp)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	int wait = count_request(req->peer, now);
	if (wait > 0) {
		resp->retry_after = wait;
		bb_http_error_code(resp, "rate_limited", "too many requests for ICE servers; retry later");
		return;
	}
	bb_http_json(resp, 200, bb_ice_servers_json(&req->app->cfg, now));
}

const bb_route bb_routes_ice[] = {
	{"GET", "/api/v1/ice-servers", get_ice_servers, NULL},
	{NULL, NULL, NULL, NULL},
};
