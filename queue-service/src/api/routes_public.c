/* routes_public.c: public REST routes: offices, join permits, client configuration, health check,
 * Prometheus metrics. */
#include "api/http.h"
#include "api/http_guard.h"
#include "api/metrics_offices.h"
#include "base/jsonutil.h"
#include "domain/permit.h"
#include "store/login.h"
#include "store/offices.h"
#include "appointments/callback_mail.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void get_offices(bb_http_req *req, bb_http_resp *resp)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	json_t *list = json_array();
	for (guint i = 0; i < req->app->office_list->len; i++)
		json_array_append_new(list, bb_office_public_json(req->app->office_list->pdata[i], now));
	bb_http_json(resp, 200, json_pack("{s:o}", "offices", list));
}

static void get_office(bb_http_req *req, bb_http_resp *resp)
{
	bb_office *o = bb_office_get(req->app, req->params[0]);
	if (!o) {
		bb_http_error_code(resp, "not_found", "no such office");
		return;
	}
	bb_http_json(resp, 200, bb_office_public_json(o, g_get_real_time() / G_USEC_PER_SEC));
}

/* The permit limiter: like the ICE limiter (routes_ice.c), state of this route kept here; the
 * lws thread is its only user. */
static bb_buckets *permits;

/* Why a permit before every new ticket: one script could otherwise fill a waiting room through
 * Janus, which cannot see addresses. Permits go out at a rate per client address (an IPv6 /64);
 * generous enough for a family or an office behind one NAT address (docs/rest-api.md). */
static void post_join_permit(bb_http_req *req, bb_http_resp *resp)
{
	bb_app *app = req->app;
	bb_office *o = bb_office_get(app, req->params[0]);
	if (!o) {
		bb_http_error_code(resp, "not_found", "no such office");
		return;
	}
	if (!bb_http_client_rate(req, resp, &permits, app->cfg.permit_burst, app->cfg.permit_refill_s, "join permits"))
		return;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	char client[72];
	bb_client_key(req->peer, client, sizeof(client));
	guint8 key[BB_PERMIT_KEY_LEN];
	bb_permit_key(app->cfg.internal_secret, key);
	g_autofree char *permit = bb_permit_make(key, o->id, client, now + app->cfg.permit_ttl_s);
	memset(key, 0, sizeof(key));
	if (!permit) {
		bb_http_error_code(resp, "internal", "no randomness");
		return;
	}
	bb_http_json(resp, 201, json_pack("{s:s, s:i}", "permit", permit, "expires_in_s", app->cfg.permit_ttl_s));
}

/* What widget and console need to know before they connect: where Janus is. Nothing secret;
 * the same for everyone, so browsers and proxies may keep it for a minute. */
static void get_config(bb_http_req *req, bb_http_resp *resp)
{
	bb_app *app = req->app;
	json_t *res = json_pack("{s:s}", "janus_url", app->cfg.janus_url);
	/* callback by e-mail: that the widget offers it, and its numbers (docs/rest-api.md) */
	if (bb_callback_enabled(app))
		json_object_set_new(res, "callback", json_pack("{s:i, s:i, s:i}", "notify_position",
			app->cfg.callback_notify_position, "snooze_places", app->cfg.callback_snooze_places,
			"hold_s", app->cfg.callback_hold_s));
	bb_http_json(resp, 200, res);
	resp->cache_control = "public, max-age=60";
}

static void get_healthz(bb_http_req *req, bb_http_resp *resp)
{
	if (bb_db_ping(req->app->db))
		bb_http_json(resp, 200, json_pack("{s:s}", "status", "ok"));
	else
		bb_http_json(resp, 503, json_pack("{s:s}", "status", "unavailable"));
}

/* Login attempts and the password hash workers (store/login.h): the queue of checks is bounded,
 * and these gauges show it. */
static void append_login_metrics(GString *s, bb_app *app)
{
	bb_login_stats st;
	bb_login_get_stats(app, &st);
	g_string_append_printf(s, "# HELP bb_login_checks Password checks waiting for a hash worker, running, and the bound on waiting ones.\n"
		"# TYPE bb_login_checks gauge\nbb_login_checks{state=\"waiting\"} %u\nbb_login_checks{state=\"running\"} %u\n"
		"bb_login_checks{state=\"max_waiting\"} %u\n", st.waiting, st.running, st.max_waiting);
	g_string_append_printf(s, "# HELP bb_logins_total Login attempts by outcome (limited: blocked before any check; busy: refused, hash workers busy).\n"
		"# TYPE bb_logins_total counter\nbb_logins_total{result=\"ok\"} %" G_GUINT64_FORMAT "\n"
		"bb_logins_total{result=\"failed\"} %" G_GUINT64_FORMAT "\nbb_logins_total{result=\"limited\"} %" G_GUINT64_FORMAT "\n"
		"bb_logins_total{result=\"busy\"} %" G_GUINT64_FORMAT "\n", st.ok, st.failed, st.limited, st.busy);
	g_string_append_printf(s, "# HELP bb_ldap_logins_total Logins decided by the county directory (also counted in bb_logins_total), and those refused because it could not be asked.\n"
		"# TYPE bb_ldap_logins_total counter\nbb_ldap_logins_total{result=\"ok\"} %" G_GUINT64_FORMAT "\n"
		"bb_ldap_logins_total{result=\"failed\"} %" G_GUINT64_FORMAT "\nbb_ldap_logins_total{result=\"unavailable\"} %" G_GUINT64_FORMAT "\n",
		st.ldap_ok, st.ldap_failed, st.ldap_unavailable);
}

/* The process's resident memory (Prometheus's standard name), from /proc/self/statm. */
static void append_process_metrics(GString *s)
{
	g_autofree char *statm = NULL;
	unsigned long long size = 0, resident = 0;
	if (!g_file_get_contents("/proc/self/statm", &statm, NULL, NULL) ||
	    sscanf(statm, "%llu %llu", &size, &resident) != 2)
		return;
	g_string_append_printf(s, "# HELP process_resident_memory_bytes Resident memory size in bytes.\n"
		"# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes %llu\n",
		resident * (unsigned long long)sysconf(_SC_PAGESIZE));
}

/* Prometheus text format; ticket counts by state come from the database at scrape time. */
static void get_metrics(bb_http_req *req, bb_http_resp *resp)
{
	bb_app *app = req->app;
	GString *s = g_string_new(NULL);
	g_string_append(s, "# HELP bb_tickets Tickets by state (today's and older unfinished ones).\n# TYPE bb_tickets gauge\n");
	GError *e = NULL;
	PGresult *r = bb_db_exec(app->db, "SELECT s, (SELECT count(*) FROM ticket WHERE state = s AND "
		"(arrived_at > now() - interval '1 day' OR state IN ('waiting', 'called', 'in_consultation'))) "
		"FROM unnest(ARRAY['waiting','called','in_consultation','done','no_show','cancelled','expired']) s", 0, NULL, &e);
	if (r) {
		for (int i = 0; i < PQntuples(r); i++)
			g_string_append_printf(s, "bb_tickets{state=\"%s\"} %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1));
		PQclear(r);
	}
	g_clear_error(&e);
	g_string_append_printf(s, "# HELP bb_tickets_created_total Tickets drawn through this instance.\n"
		"# TYPE bb_tickets_created_total counter\nbb_tickets_created_total %" G_GUINT64_FORMAT "\n",
		app->metrics.tickets_created);
	g_string_append_printf(s, "# HELP bb_calls_total Tickets called through this instance.\n"
		"# TYPE bb_calls_total counter\nbb_calls_total %" G_GUINT64_FORMAT "\n", app->metrics.calls);
	g_string_append_printf(s, "# HELP bb_wait_seconds Wait from arrival to call.\n# TYPE bb_wait_seconds summary\n"
		"bb_wait_seconds_sum %.0f\nbb_wait_seconds_count %" G_GUINT64_FORMAT "\n",
		app->metrics.wait_sum_s, app->metrics.wait_count);
	g_string_append(s, "# HELP bb_http_requests_total HTTP responses by status.\n# TYPE bb_http_requests_total counter\n");
	for (int c = 100; c < 600; c++)
		if (app->metrics.http_by_code[c])
			g_string_append_printf(s, "bb_http_requests_total{code=\"%d\"} %" G_GUINT64_FORMAT "\n", c,
				app->metrics.http_by_code[c]);
	g_string_append_printf(s, "# HELP bb_ws_connections Open WebSocket connections.\n# TYPE bb_ws_connections gauge\n"
		"bb_ws_connections{kind=\"live\"} %u\nbb_ws_connections{kind=\"internal\"} %u\n",
		g_list_length(app->live_conns), g_list_length(app->internal_conns));
	g_string_append_printf(s, "# HELP bb_ws_messages_out_total WebSocket messages queued to clients.\n"
		"# TYPE bb_ws_messages_out_total counter\nbb_ws_messages_out_total %" G_GUINT64_FORMAT "\n",
		app->metrics.ws_messages_out);
	g_string_append_printf(s, "# HELP bb_db_errors_total Failed database statements.\n# TYPE bb_db_errors_total counter\n"
		"bb_db_errors_total %" G_GUINT64_FORMAT "\n", bb_db_error_count(app->db) + bb_pool_db_errors(app->pool));
	append_login_metrics(s, app);
	bb_metrics_append_offices(s, app);
	g_string_append_printf(s, "# HELP bb_http_header_guard_total Requests with a header name lws 4.1.6 would misparse: rewritten, or the connection refused (api/http_guard.h).\n"
		"# TYPE bb_http_header_guard_total counter\nbb_http_header_guard_total{action=\"rewritten\"} %" G_GUINT64_FORMAT "\n"
		"bb_http_header_guard_total{action=\"refused\"} %" G_GUINT64_FORMAT "\n", bb_http_guard_rewrites(), bb_http_guard_refusals());
	append_process_metrics(s);
	g_free(resp->body);
	resp->status = 200;
	resp->content_type = "text/plain; version=0.0.4";
	resp->body = g_string_free(s, FALSE);
}

const bb_route bb_routes_public[] = {
	{"GET", "/api/v1/offices", get_offices, NULL},
	{"GET", "/api/v1/offices/{id}", get_office, NULL},
	{"POST", "/api/v1/offices/{id}/join-permit", post_join_permit, NULL},
	{"GET", "/api/v1/config", get_config, NULL},
	{"GET", "/healthz", get_healthz, NULL},
	{"GET", "/metrics", get_metrics, NULL},
	{NULL, NULL, NULL, NULL},
};
