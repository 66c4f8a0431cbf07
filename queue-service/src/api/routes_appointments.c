/* routes_appointments.c: public REST routes for appointments: free slots, booking, look-up,
 * cancel and the .ics (docs/rest-api.md, docs/appointments.md). Request checks live here; the
 * work is in appointments/appointments.c. */
#include "api/http.h"
#include "base/timeparse.h"
#include "store/offices.h"
#include "appointments/appointments.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_DAYS 7

/* Error responses carry Retry-After when the module says how long a client must wait. */
static void reply_error(bb_http_resp *resp, const bb_err *err)
{
	bb_http_error(resp, err);
	json_t *ra = err->extra ? json_object_get(err->extra, "retry_after_s") : NULL;
	if (json_is_integer(ra))
		resp->retry_after = (int)json_integer_value(ra);
}

/* GET /api/v1/offices/{id}/slots?from=YYYY-MM-DD&days=N (from: default the office's local
 * today; days: 1..31, default 7). */
static void get_slots(bb_http_req *req, bb_http_resp *resp)
{
	bb_office *o = bb_office_get(req->app, req->params[0]);
	if (!o) {
		bb_http_error_code(resp, "not_found", "office: no such office");
		return;
	}
	char from_buf[32] = "", days_buf[16] = "";
	int y, m, d, days = DEFAULT_DAYS;
	/* lws returns a pointer to the value inside the buffer (after "name="). */
	const char *from = lws_get_urlarg_by_name(req->wsi, "from=", from_buf, sizeof from_buf);
	const char *days_s = lws_get_urlarg_by_name(req->wsi, "days=", days_buf, sizeof days_buf);
	if (from != NULL) {
		if (!bb_date_parse(from, &y, &m, &d)) {
			bb_http_error_code(resp, "bad_request", "from: expected a date YYYY-MM-DD");
			return;
		}
	} else {
		bb_hours_local_date(o->hours, g_get_real_time() / G_USEC_PER_SEC, &y, &m, &d);
	}
	if (days_s != NULL) {
		char *end = NULL;
		gint64 v = g_ascii_strtoll(days_s, &end, 10);
		if (!*days_s || *end || v < 1 || v > 31) {
			bb_http_error_code(resp, "bad_request", "days: expected a whole number 1..31");
			return;
		}
		days = (int)v;
	}
	bb_err err = {0};
	json_t *res = bb_appointments_slots(req->app, o->id, y, m, d, days, &err);
	if (res)
		bb_http_json(resp, 200, res);
	else
		reply_error(resp, &err);
	bb_err_clear(&err);
}

static gboolean blank(const char *s)
{
	for (; *s; s++)
		if (!g_ascii_isspace(*s))
			return FALSE;
	return TRUE;
}

static const char *str_field(json_t *body, const char *name)
{
	return json_string_value(json_object_get(body, name));
}

/* The booking limiter: state of this route, the lws thread its only user (as routes_public.c's
 * permits). */
static bb_buckets *bookings;

/* Why a rate per address: one script could otherwise book every slot of every office, and
 * citizens would find nothing free. Taken before any check, so refused attempts count too;
 * generous enough for a family or a citizens' advice desk behind one address (docs/rest-api.md). */
static gboolean booking_allowed(bb_http_req *req, bb_http_resp *resp)
{
	return bb_http_client_rate(req, resp, &bookings, req->app->cfg.booking_burst,
		req->app->cfg.booking_refill_s, "bookings");
}

/* POST /api/v1/appointments */
static void post_appointment(bb_http_req *req, bb_http_resp *resp)
{
	if (!booking_allowed(req, resp))
		return;
	bb_booking b = {
		.office = str_field(req->body, "office"), .start = str_field(req->body, "start"),
		.name = str_field(req->body, "name"), .contact = str_field(req->body, "contact"),
		.concern = str_field(req->body, "concern"),
		.resume_token = str_field(req->body, "resume_token"), .lang = str_field(req->body, "lang"),
	};
	/* control characters and invalid UTF-8 were refused by the router (catalogue: invalid_text) */
	if (b.name && blank(b.name)) {
		bb_http_error_code(resp, "bad_request", "name: must not be blank");
		return;
	}
	if (!b.name && !b.resume_token) {
		bb_http_error_code(resp, "bad_request", "name: required");
		return;
	}
	if (b.contact && *b.contact == '\0')
		b.contact = NULL;
	if (b.contact && !bb_appointment_contact_valid(b.contact)) {
		bb_http_error_code(resp, "bad_request", "contact: expected an e-mail address or a phone number");
		return;
	}
	bb_err err = {0};
	json_t *res = bb_appointment_book(req->app, &b, &err);
	if (res)
		bb_http_json(resp, 201, res);
	else
		reply_error(resp, &err);
	bb_err_clear(&err);
}

/* GET /api/v1/appointments/{code} and /api/v1/appointments/{code}.ics share one pattern. */
static void get_appointment(bb_http_req *req, bb_http_resp *resp)
{
	const char *param = req->params[0];
	bb_err err = {0};
	if (g_str_has_suffix(param, ".ics")) {
		g_autofree char *code = g_strndup(param, strlen(param) - 4);
		char *ics = bb_appointment_ics(req->app, code, req->peer, &err);
		if (ics) {
			g_free(resp->body);
			resp->status = 200;
			resp->content_type = "text/calendar; charset=utf-8";
			resp->body = ics;
		} else {
			reply_error(resp, &err);
		}
	} else {
		json_t *res = bb_appointment_get(req->app, param, req->peer, &err);
		if (res)
			bb_http_json(resp, 200, res);
		else
			reply_error(resp, &err);
	}
	bb_err_clear(&err);
}

/* DELETE /api/v1/appointments/{code} */
static void delete_appointment(bb_http_req *req, bb_http_resp *resp)
{
	bb_err err = {0};
	json_t *res = bb_appointment_cancel(req->app, req->params[0], req->peer, &err);
	if (res)
		bb_http_json(resp, 200, res);
	else
		reply_error(resp, &err);
	bb_err_clear(&err);
}

const bb_route bb_routes_appointments[] = {
	{"GET", "/api/v1/offices/{id}/slots", get_slots, NULL},
	{"POST", "/api/v1/appointments", post_appointment, &bb_rest_bodies[BB_REST_BOOK]},
	{"GET", "/api/v1/appointments/{code}", get_appointment, NULL},
	{"DELETE", "/api/v1/appointments/{code}", delete_appointment, NULL},
	{NULL, NULL, NULL, NULL},
};
