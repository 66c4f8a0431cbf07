/* routes_stats.c: GET /api/v1/admin/stats — statistics per office and day for clerks and admins,
 * as JSON or as a CSV download (see store/stats.h and docs/rest-api.md "Statistics"). */
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

/* Who may see what: admins every office, clerks the offices they serve; `office` narrows it. The
 * range and format are checked before the database is asked. */
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
	if (office && !bb_clerk_serves(c, office)) {
		bb_http_error_code(resp, "forbidden", "office: you do not serve this office");
		return;
	}
	const char *one[] = {office};
	GError *e = NULL;
	PGresult *r = office ? bb_stats_fetch(req->app->db, from, to, one, 1, &e)
		: bb_stats_fetch(req->app->db, from, to, (const char *const *)c->offices, c->n_offices, &e);
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
		bb_http_json(resp, 200, bb_stats_json(r, from, to));
	}
	PQclear(r);
}

const bb_route bb_routes_stats[] = {
	{"GET", "/api/v1/admin/stats", get_stats, NULL},
	{NULL, NULL, NULL, NULL},
};
