/* routes_callback.c: public REST routes of "leave and be called back" (docs/rest-api.md
 * "Callback by e-mail"): a waiting citizen's e-mail address and "I need 5 more minutes", both
 * authorised by the ticket's resume token. The work is in store/callback.c. */
#include "api/http.h"
#include "domain/mailaddr.h"
#include "store/callback.h"
#include "appointments/callback_mail.h"

#include <string.h>

static const char *str_field(json_t *body, const char *name)
{
	return json_string_value(json_object_get(body, name));
}

static void reply(bb_http_resp *resp, json_t *res, bb_err *err)
{
	if (res)
		bb_http_json(resp, 200, res);
	else
		bb_http_error(resp, err);
	bb_err_clear(err);
}

static gboolean enabled(bb_http_req *req, bb_http_resp *resp)
{
	if (bb_callback_enabled(req->app))
		return TRUE;
	bb_http_error_code(resp, "unavailable", "this service sends no callback mails");
	return FALSE;
}

/* Address changes per client: state of this route, the lws thread its only user. */
static bb_buckets *changes;

/* Why a rate per client address on top of the per-ticket count: a script could otherwise draw
 * tickets (join permits are rate-limited too) and mail one address per ticket. Taken before any
 * check, so refused attempts count as well. */
static gboolean change_allowed(bb_http_req *req, bb_http_resp *resp)
{
	return bb_http_client_rate(req, resp, &changes, req->app->cfg.callback_burst,
		req->app->cfg.callback_refill_s, "callback addresses");
}

/* POST /api/v1/tickets/callback {resume_token, email}: email absent or "" removes the address. */
static void post_callback(bb_http_req *req, bb_http_resp *resp)
{
	if (!enabled(req, resp) || !change_allowed(req, resp))
		return;
	const char *email = str_field(req->body, "email");
	if (!email)
		email = "";
	if (*email && !bb_mailaddr_valid(email)) {
		bb_http_error_code(resp, "bad_request", "email: expected an e-mail address");
		return;
	}
	bb_err err = {0};
	reply(resp, bb_callback_set(req->app, str_field(req->body, "resume_token"), email, &err), &err);
}

/* POST /api/v1/tickets/snooze {resume_token} */
static void post_snooze(bb_http_req *req, bb_http_resp *resp)
{
	if (!enabled(req, resp))
		return;
	bb_err err = {0};
	reply(resp, bb_callback_snooze(req->app, str_field(req->body, "resume_token"),
		req->app->cfg.callback_notify_position, req->app->cfg.callback_snooze_places, &err), &err);
}

const bb_route bb_routes_callback[] = {
	{"POST", "/api/v1/tickets/callback", post_callback, &bb_rest_bodies[BB_REST_CALLBACK]},
	{"POST", "/api/v1/tickets/snooze", post_snooze, &bb_rest_bodies[BB_REST_SNOOZE]},
	{NULL, NULL, NULL, NULL},
};
