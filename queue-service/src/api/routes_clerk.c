/* routes_clerk.c: clerk login, logout and "who am I" over REST. */
#include "api/http.h"
#include "base/jsonutil.h"
#include "store/clerks.h"
#include "store/login.h"

/* Loop: the password check is done; answer the waiting request. The token is returned once. */
static void login_done(bb_app *app, bb_login_result *res, gpointer user)
{
	bb_http_resp resp = {0};
	if (res->clerk)
		bb_http_json(&resp, 200, json_pack("{s:s, s:o, s:o}", "token", res->token,
			"expires_at", bb_json_time(res->expires_at), "clerk", bb_clerk_json(res->clerk)));
	else
		bb_http_error(&resp, &res->err);
	bb_http_answer(user, &resp);
}

/* The password is checked on a hash worker (store/login.h): the request is answered when the
 * check is done. Refused at once (rate limited, workers busy): the client learns how long to wait. */
static void post_login(bb_http_req *req, bb_http_resp *resp)
{
	bb_err err = {0};
	int retry = 0;
	const char *login = json_string_value(json_object_get(req->body, "login"));
	const char *password = json_string_value(json_object_get(req->body, "password"));
	bb_http_later *later = bb_http_answer_later(req);
	if (!bb_login_start(req->app, login, password, req->peer, login_done, later, &retry, &err)) {
		bb_http_resp refused = {0};
		bb_http_error(&refused, &err);
		refused.retry_after = retry;
		bb_http_answer(later, &refused);
		bb_err_clear(&err);
	}
}

/* 204 without body: nothing left to say about a session that is gone. */
static void post_logout(bb_http_req *req, bb_http_resp *resp)
{
	bb_err err = {0};
	if (!*req->bearer || !bb_clerk_logout(req->app, req->bearer, &err)) {
		if (!err.code)
			bb_err_set(&err, "unauthorized", "missing bearer token");
		bb_http_error(resp, &err);
		bb_err_clear(&err);
		return;
	}
	g_free(resp->body);
	resp->body = NULL;
	resp->status = 204;
	resp->content_type = "application/json";
}

/* The clerk behind the request's bearer token; on failure the error response is already set. */
bb_clerk *bb_http_clerk(bb_http_req *req, bb_http_resp *resp)
{
	bb_err err = {0};
	bb_clerk *c = bb_clerk_by_session(req->app, *req->bearer ? req->bearer : NULL, &err);
	if (!c) {
		bb_http_error(resp, &err);
		bb_err_clear(&err);
	}
	return c;
}

static void get_me(bb_http_req *req, bb_http_resp *resp)
{
	g_autoptr(bb_clerk) c = bb_http_clerk(req, resp);
	if (!c)
		return;
	bb_http_json(resp, 200, json_pack("{s:o}", "clerk", bb_clerk_json(c)));
}

const bb_route bb_routes_clerk[] = {
	{"POST", "/api/v1/clerk/login", post_login, &bb_rest_bodies[BB_REST_LOGIN]},
	{"POST", "/api/v1/clerk/logout", post_logout, NULL},
	{"GET", "/api/v1/clerk/me", get_me, NULL},
	{NULL, NULL, NULL, NULL},
};
