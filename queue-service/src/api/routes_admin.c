/* routes_admin.c: the administration API for the admin role (docs/rest-api.md "Administration"):
 * offices, clerk accounts and the audit log. The same store functions serve the operator
 * commands, so the console and the CLI change things the same way and both leave audit entries. */
#include "api/http.h"
#include "base/timeparse.h"
#include "store/admin_clerks.h"
#include "store/admin_offices.h"
#include "store/clerks.h"
#include "store/password_job.h"

#include <string.h>

#define QUERY_MAX 512
#define AUDIT_PAGE_DEFAULT 100
#define AUDIT_PAGE_MAX 500

/* The admin behind the request: 401 without a valid session, 403 for clerks and supervisors. */
static bb_clerk *admin_of(bb_http_req *req, bb_http_resp *resp, bb_actor *actor)
{
	bb_clerk *c = bb_http_clerk(req, resp);
	if (!c)
		return NULL;
	if (!bb_clerk_is_admin(c)) {
		bb_http_error_code(resp, "forbidden", "administration is for the admin role");
		bb_clerk_free(c);
		return NULL;
	}
	actor->clerk_id = c->id;
	g_strlcpy(actor->name, c->login, sizeof actor->name);
	return c;
}

/* Answers the view, or the error; created: 201. */
static void answer(bb_http_resp *resp, json_t *view, bb_err *err, int ok_status)
{
	if (view)
		bb_http_json(resp, ok_status, view);
	else
		bb_http_error(resp, err);
	bb_err_clear(err);
}

/* ---- offices -------------------------------------------------------------------------------- */

static void get_offices(bb_http_req *req, bb_http_resp *resp)
{
	bb_actor actor;
	g_autoptr(bb_clerk) c = admin_of(req, resp, &actor);
	bb_err err = {0};
	if (c)
		answer(resp, bb_admin_offices_get(req->app->db, NULL, &err), &err, 200);
}

static void get_office(bb_http_req *req, bb_http_resp *resp)
{
	bb_actor actor;
	g_autoptr(bb_clerk) c = admin_of(req, resp, &actor);
	bb_err err = {0};
	if (c)
		answer(resp, bb_admin_offices_get(req->app->db, req->params[0], &err), &err, 200);
}

static void post_office(bb_http_req *req, bb_http_resp *resp)
{
	bb_actor actor;
	g_autoptr(bb_clerk) c = admin_of(req, resp, &actor);
	bb_err err = {0};
	const char *id = json_string_value(json_object_get(req->body, "id"));
	if (c)
		answer(resp, bb_admin_office_write(req->app->db, &actor, id, req->body, TRUE, &err), &err, 201);
}

static void patch_office(bb_http_req *req, bb_http_resp *resp)
{
	bb_actor actor;
	g_autoptr(bb_clerk) c = admin_of(req, resp, &actor);
	bb_err err = {0};
	if (c)
		answer(resp, bb_admin_office_write(req->app->db, &actor, req->params[0], req->body, FALSE, &err), &err, 200);
}

/* ---- clerks --------------------------------------------------------------------------------- */

static void get_clerks(bb_http_req *req, bb_http_resp *resp)
{
	bb_actor actor;
	g_autoptr(bb_clerk) c = admin_of(req, resp, &actor);
	bb_err err = {0};
	if (c)
		answer(resp, bb_admin_clerks_get(req->app->db, NULL, &err), &err, 200);
}

static void get_clerk(bb_http_req *req, bb_http_resp *resp)
{
	bb_actor actor;
	g_autoptr(bb_clerk) c = admin_of(req, resp, &actor);
	bb_err err = {0};
	if (c)
		answer(resp, bb_admin_clerks_get(req->app->db, req->params[0], &err), &err, 200);
}

/* A change that needs a new password waits for its hash; this is what it carries meanwhile. */
typedef struct pending {
	bb_http_later *later;
	bb_actor actor;
	char *login;
	json_t *body;
	gboolean create;
} pending;

/* Loop: the password is hashed; the change runs now and the answer carries the password once. */
static void with_password(bb_app *app, const char *password, const char *hash, gpointer user)
{
	pending *pd = user;
	bb_http_resp resp = {0};
	bb_err err = {0};
	json_t *view = NULL;
	if (!hash)
		bb_err_set(&err, "internal", "could not make a password");
	else if (pd->create)
		view = bb_admin_clerk_create(app->db, &pd->actor, pd->login, pd->body, hash, &err);
	else
		view = bb_admin_clerk_update(app->db, &pd->actor, pd->login, pd->body, hash, &err);
	if (view)
		json_object_set_new(view, "password", json_string(password));
	answer(&resp, view, &err, pd->create ? 201 : 200);
	bb_http_answer(pd->later, &resp);
	json_decref(pd->body);
	g_free(pd->login);
	g_free(pd);
}

/* Starts the hash; when every hash worker is busy the request is refused at once (429). */
static void start_with_password(bb_http_req *req, const bb_actor *actor, const char *login, gboolean create)
{
	pending *pd = g_new0(pending, 1);
	pd->actor = *actor;
	pd->login = g_strdup(login);
	pd->body = json_incref(req->body);
	pd->create = create;
	pd->later = bb_http_answer_later(req);
	if (!bb_password_job_start(req->app, with_password, pd)) {
		bb_http_resp busy = {0};
		bb_http_error_code(&busy, "rate_limited", "busy: try again in a second");
		busy.retry_after = 1;
		bb_http_answer(pd->later, &busy);
		json_decref(pd->body);
		g_free(pd->login);
		g_free(pd);
	}
}

static void post_clerk(bb_http_req *req, bb_http_resp *resp)
{
	bb_actor actor;
	g_autoptr(bb_clerk) c = admin_of(req, resp, &actor);
	if (c)
		start_with_password(req, &actor, json_string_value(json_object_get(req->body, "login")), TRUE);
}

static void patch_clerk(bb_http_req *req, bb_http_resp *resp)
{
	bb_actor actor;
	g_autoptr(bb_clerk) c = admin_of(req, resp, &actor);
	if (!c)
		return;
	if (json_is_true(json_object_get(req->body, "reset_password"))) {
		start_with_password(req, &actor, req->params[0], FALSE);
		return;
	}
	bb_err err = {0};
	answer(resp, bb_admin_clerk_update(req->app->db, &actor, req->params[0], req->body, NULL, &err), &err, 200);
}

/* ---- audit log ------------------------------------------------------------------------------ */

/* One query argument (NULL when absent or empty); the whole query's length is checked first. */
static const char *arg(bb_http_req *req, const char *name_eq, char *buf, size_t size)
{
	const char *v = lws_get_urlarg_by_name(req->wsi, name_eq, buf, (int)size);
	return v && *v ? v : NULL;
}

static void get_audit(bb_http_req *req, bb_http_resp *resp)
{
	bb_actor actor;
	g_autoptr(bb_clerk) c = admin_of(req, resp, &actor);
	if (!c)
		return;
	if (lws_hdr_total_length(req->wsi, WSI_TOKEN_HTTP_URI_ARGS) > QUERY_MAX) {
		bb_http_error_code(resp, "bad_request", "the query string is too long");
		return;
	}
	char b_actor[QUERY_MAX], b_action[QUERY_MAX], b_target[QUERY_MAX], b_from[QUERY_MAX], b_to[QUERY_MAX],
		b_before[QUERY_MAX], b_limit[QUERY_MAX];
	bb_audit_query q = {
		.actor = arg(req, "actor=", b_actor, sizeof b_actor),
		.action = arg(req, "action=", b_action, sizeof b_action),
		.target = arg(req, "target=", b_target, sizeof b_target),
		.from = arg(req, "from=", b_from, sizeof b_from),
		.to = arg(req, "to=", b_to, sizeof b_to),
		.limit = AUDIT_PAGE_DEFAULT,
	};
	const char *before = arg(req, "before=", b_before, sizeof b_before);
	const char *limit = arg(req, "limit=", b_limit, sizeof b_limit);
	int y, m, d;
	if ((q.from && !bb_date_parse(q.from, &y, &m, &d)) || (q.to && !bb_date_parse(q.to, &y, &m, &d))) {
		bb_http_error_code(resp, "bad_request", "from, to: dates as YYYY-MM-DD");
		return;
	}
	char *end = NULL;
	if (before) {
		q.before_id = g_ascii_strtoll(before, &end, 10);
		if (*end || q.before_id <= 0) {
			bb_http_error_code(resp, "bad_request", "before: an entry id");
			return;
		}
	}
	if (limit) {
		q.limit = (int)g_ascii_strtoll(limit, &end, 10);
		if (*end || q.limit < 1 || q.limit > AUDIT_PAGE_MAX) {
			bb_http_error_code(resp, "bad_request", "limit: 1 to 500");
			return;
		}
	}
	bb_err err = {0};
	answer(resp, bb_audit_list(req->app->db, &q, &err), &err, 200);
}

const bb_route bb_routes_admin[] = {
	{"GET", "/api/v1/admin/offices", get_offices, NULL},
	{"POST", "/api/v1/admin/offices", post_office, &bb_rest_bodies[BB_REST_OFFICE_CREATE]},
	{"GET", "/api/v1/admin/offices/{id}", get_office, NULL},
	{"PATCH", "/api/v1/admin/offices/{id}", patch_office, &bb_rest_bodies[BB_REST_OFFICE_UPDATE]},
	{"GET", "/api/v1/admin/clerks", get_clerks, NULL},
	{"POST", "/api/v1/admin/clerks", post_clerk, &bb_rest_bodies[BB_REST_CLERK_CREATE]},
	{"GET", "/api/v1/admin/clerks/{login}", get_clerk, NULL},
	{"PATCH", "/api/v1/admin/clerks/{login}", patch_clerk, &bb_rest_bodies[BB_REST_CLERK_UPDATE]},
	{"GET", "/api/v1/admin/audit", get_audit, NULL},
	{NULL, NULL, NULL, NULL},
};
