/* routes_stats.c: GET /api/v1/admin/stats — statistics per office and day (and hour of day) for
 * clerks, supervisors and admins, as JSON or as a CSV download (see store/stats.h and docs/rest-api.md "Statistics"). */
#include "api/http.h"
#include "store/clerks.h"
#include "store/offices.h"
#include "store/stats.h"

#include <string.h>

/* Output formats of the route: name -> content type (NULL: JSON). */
static const struct {
	const char *name;
	const char *content_type;
} formats[] = {
	{"json", NULL},
	{"csv", "text/csv; charset=utf-8"},
};

/* Longest query string worth reading: four short arguments. */
#define QUERY_MAX 256

/* Reads one query argument; NULL when absent (lws also says NULL when it does not fit, hence the
 * check of the whole query's length first). */
static const char *url_arg(bb_http_req *req, const char *name_eq, char *buf, size_t size)
{
	return lws_get_urlarg_by_name(req->wsi, name_eq, buf, (int)size);
}

/* The offices a clerk's statistics cover: every office for admins and supervisors (the catalogue's
 * clerk_role), the offices they serve for clerks. Borrowed strings; free the array only. */
static GPtrArray *visible_offices(bb_app *app, const bb_clerk *c)
{
	GPtrArray *ids = g_ptr_array_new();
	if (bb_clerk_oversees(c)) {
		for (guint i = 0; i < app->office_list->len; i++)
			g_ptr_array_add(ids, ((bb_office *)app->office_list->pdata[i])->id);
	} else {
		for (int i = 0; i < c->n_offices; i++)
			g_ptr_array_add(ids, c->offices[i]);
	}
	return ids;
}

/* JSON: the day rows and the hour-of-day rows of the same tickets; NULL with the error answer set. */
static json_t *stats_json(bb_http_req *req, bb_http_resp *resp, PGresult *days, const char *from, const char *to,
	const char *const *offices, int n)
{
	GError *e = NULL;
	PGresult *hours = bb_stats_fetch_hours(req->app->db, from, to, offices, n, &e);
	if (!hours) {
		bb_err err = {0};
		bb_err_from_db(&err, e);   /* consumes e */
		bb_http_error(resp, &err);
		bb_err_clear(&err);
		return NULL;
	}
	json_t *o = bb_stats_json(days, hours, from, to);
	PQclear(hours);
	return o;
}

/* Who may see what: admins and supervisors every office, clerks the offices they serve; `office`
 * narrows it. The range and format are checked before the database is asked. */
static void get_stats(bb_http_req *req, bb_http_resp *resp)
{
	g_autoptr(bb_clerk) c = bb_http_clerk(req, resp);
	if (!c)
		return;
	if (lws_hdr_total_length(req->wsi, WSI_TOKEN_HTTP_URI_ARGS) > QUERY_MAX) {
		bb_http_error_code(resp, "bad_request", "the query string is too long");
		return;
	}
	char from_buf[QUERY_MAX], to_buf[QUERY_MAX], office_buf[QUERY_MAX], format_buf[QUERY_MAX];
	const char *from = url_arg(req, "from=", from_buf, sizeof from_buf);
	const char *to = url_arg(req, "to=", to_buf, sizeof to_buf);
	const char *office = url_arg(req, "office=", office_buf, sizeof office_buf);
	const char *format = url_arg(req, "format=", format_buf, sizeof format_buf);
	int fmt = -1;
	for (guint i = 0; i < G_N_ELEMENTS(formats); i++)
		if (strcmp(format ? format : "json", formats[i].name) == 0)
			fmt = (int)i;
	if (fmt < 0) {
		bb_http_error_code(resp, "bad_request", "format: expected json or csv");
		return;
	}
	g_autofree char *message = NULL;
	if (!bb_stats_check_range(from, to, &message)) {
		bb_http_error_code(resp, "bad_request", message);
		return;
	}
	if (office && !bb_office_get(req->app, office)) {
		bb_http_error_code(resp, "not_found", "office: no such office");
		return;
	}
	if (office && !bb_clerk_oversees(c) && !bb_clerk_serves(c, office)) {
		bb_http_error_code(resp, "forbidden", "office: you do not serve this office");
		return;
	}
	g_autoptr(GPtrArray) all = visible_offices(req->app, c);
	const char *one[] = {office};
	const char *const *ids = office ? one : (const char *const *)all->pdata;
	int n = office ? 1 : (int)all->len;
	GError *e = NULL;
	PGresult *r = bb_stats_fetch(req->app->db, from, to, ids, n, &e);
	if (!r) {
		bb_err err = {0};
		bb_err_from_db(&err, e);   /* consumes e */
		bb_http_error(resp, &err);
		bb_err_clear(&err);
		return;
	}
	if (formats[fmt].content_type) {
		g_free(resp->body);
		resp->status = 200;
		resp->body = bb_stats_csv(r);
		resp->content_type = formats[fmt].content_type;
		g_snprintf(resp->disposition, sizeof resp->disposition,
			"attachment; filename=\"buergerbuero-stats-%s-%s.csv\"", from, to);
	} else {
		json_t *o = stats_json(req, resp, r, from, to, ids, n);
		if (o)
			bb_http_json(resp, 200, o);
	}
	PQclear(r);
}

const bb_route bb_routes_stats[] = {
	{"GET", "/api/v1/admin/stats", get_stats, NULL},
	{NULL, NULL, NULL, NULL},
};
