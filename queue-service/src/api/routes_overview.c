/* routes_overview.c: GET /api/v1/admin/overview — the live overview of every office for
 * supervisors and admins (store/overview.h, docs/rest-api.md "Live overview"). */
#include "api/http.h"
#include "store/clerks.h"
#include "store/overview.h"

/* Why plain clerks get 403 rather than their own offices: they see their own waiting rooms in
 * the console's queue already; the overview is the supervisors' tool across the county, and one
 * answer per role keeps it predictable (protocol catalogue, clerk_role). */
static void get_overview(bb_http_req *req, bb_http_resp *resp)
{
	g_autoptr(bb_clerk) c = bb_http_clerk(req, resp);
	if (!c)
		return;
	if (!bb_clerk_oversees(c)) {
		bb_http_error_code(resp, "forbidden", "the overview is for supervisors and admins");
		return;
	}
	GError *e = NULL;
	GArray *rows = bb_overview_fetch(req->app, &e);
	if (!rows) {
		bb_err err = {0};
		bb_err_from_db(&err, e);   /* consumes e */
		bb_http_error(resp, &err);
		bb_err_clear(&err);
		return;
	}
	bb_http_json(resp, 200, bb_overview_json(rows, g_get_real_time() / G_USEC_PER_SEC));
	g_array_unref(rows);
}

const bb_route bb_routes_overview[] = {
	{"GET", "/api/v1/admin/overview", get_overview, NULL},
	{NULL, NULL, NULL, NULL},
};
