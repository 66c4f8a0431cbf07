/* internal_ops.c: handlers of the internal API's core ops (docs/internal-api.md), one each,
 * with their validation tables and which of them may run on a worker thread (store/app.h). */
#include "api/internal.h"
#include "api/positions.h"
#include "base/jsonutil.h"
#include "base/logging.h"
#include "base/secret.h"
#include "store/offices.h"
#include "store/queue.h"
#include "domain/permit.h"
#include "store/recovery.h"
#include "store/tickets.h"
#include "appointments/appointments.h"

#include <stdlib.h>
#include <string.h>

#define TICKET_ID(req) ((gint64)json_integer_value(json_object_get((req)->msg, "ticket")))
#define STR(req, f) json_string_value(json_object_get((req)->msg, f))

/* ---- hello ---------------------------------------------------------------------------------- */

/* The ids of an optional integer array as strings (NULL-terminated; g_strfreev). */
static char **id_strings(json_t *arr, int *n)
{
	*n = arr ? (int)json_array_size(arr) : 0;
	char **ids = g_new0(char *, *n + 1);
	for (int i = 0; i < *n; i++)
		ids[i] = g_strdup_printf("%" JSON_INTEGER_FORMAT, json_integer_value(json_array_get(arr, i)));
	return ids;
}

/* Authenticates the plugin instance, recovers the consultations of a node that restarted, and
 * resynchronises which of its tickets are attached. */
static gboolean op_hello(bb_op_req *req, json_t *res, bb_err *err)
{
	if (req->ic->hello) {
		bb_err_set(err, "bad_request", "hello was already sent on this connection");
		return FALSE;
	}
	const char *secret = req->app->cfg.internal_secret;
	if (!secret || !*secret || !bb_secret_equal(secret, STR(req, "secret"))) {
		bb_err_set(err, "unauthorized", "wrong secret");
		req->close_reason = "wrong secret in hello";
		return FALSE;
	}
	const char *instance = STR(req, "instance");
	int n, n_held;
	g_auto(GStrv) ids = id_strings(json_object_get(req->msg, "tickets"), &n);
	g_auto(GStrv) held = id_strings(json_object_get(req->msg, "consultations"), &n_held);
	if (!bb_recovery_hello(req->app, instance, STR(req, "boot"), (const char *const *)held, n_held, err))
		return FALSE;
	if (!bb_tickets_resync(req->app, instance, (const char *const *)ids, n, err))
		return FALSE;
	req->ic->hello = TRUE;
	g_free(req->ic->instance);
	req->ic->instance = g_strdup(instance);
	bb_positions_forget(req->app, instance);   /* its citizens hear their positions afresh */
	bb_info("internal", "hello instance=%s attached=%d", instance, n);
	/* A reconnecting plugin holds citizens whose places may have changed while it was away:
	 * recompute every office now so that each of them hears its current position. */
	if (n > 0)
		for (guint i = 0; i < req->app->office_list->len; i++)
			bb_sink_office_dirty(req->app, ((bb_office *)req->app->office_list->pdata[i])->id);
	json_object_set_new(res, "service", json_string(BB_SERVICE_NAME));
	json_object_set_new(res, "version", json_string(BB_SERVICE_VERSION));
	return TRUE;
}

/* ---- citizen ops ---------------------------------------------------------------------------- */

/* Refuses a join with the machine-readable reason (closed + next_opening, full). */
static gboolean check_joinable(bb_app *app, bb_office *o, bb_err *err)
{
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	bb_office_status st = bb_office_status_now(o, now);
	/* `full` is decided by the join transaction itself (the cached count may lag ~150 ms). */
	if (bb_office_status_joinable(st) || st == BB_OFFICE_FULL)
		return TRUE;
	gint64 next = bb_hours_is_open(o->hours, now) ? -1 : bb_hours_next_opening(o->hours, now, 400);
	bb_err_set(err, "closed", "the office is closed");
	err->extra = json_pack("{s:o, s:o}", "next_opening", next >= 0 ? bb_json_time(next) : json_null(),
		"slots", bb_slots_next_free(app, o->id, BB_APPT_OFFER_SLOTS));
	return FALSE;
}

/* What prepare_join read from the office cache and the permit for the handler (copies: the cache
 * may reload). */
typedef struct join_prep {
	char *office, *prefix, *timezone;
	int capacity, priority;
	bb_permit permit;
} join_prep;

static void join_prep_free(gpointer p)
{
	join_prep *j = p;
	g_free(j->office);
	g_free(j->prefix);
	g_free(j->timezone);
	g_free(j);
}

/* lws thread: office, opening state and appointment code are checked against the office cache
 * (and the appointments module) before the join runs, possibly on a worker. */
static gboolean prepare_join(bb_op_req *req, bb_err *err)
{
	bb_app *app = req->app;
	if (STR(req, "resume_token"))
		return TRUE;
	bb_office *o = bb_office_get(app, STR(req, "office"));
	if (!o) {
		bb_err_set(err, "not_found", "no such office");
		return FALSE;
	}
	if (!check_joinable(app, o, err))
		return FALSE;
	/* A new ticket needs a join permit of this office that has not expired (its one use is
	 * recorded by op_join); the address it was issued to pays for appointment-code attempts. */
	bb_permit permit;
	guint8 key[BB_PERMIT_KEY_LEN];
	bb_permit_key(app->cfg.internal_secret, key);
	gboolean valid = bb_permit_parse(key, STR(req, "permit"), &permit);
	memset(key, 0, sizeof(key));
	if (!valid || strcmp(permit.office, o->id) != 0 || permit.expires < g_get_real_time() / G_USEC_PER_SEC) {
		bb_err_set(err, "permit_required", "a new ticket needs a fresh join permit of this office");
		return FALSE;
	}
	join_prep *j = g_new0(join_prep, 1);
	j->permit = permit;
	j->office = g_strdup(o->id);
	j->prefix = g_strdup(o->prefix);
	j->timezone = g_strdup(o->timezone);
	j->capacity = o->capacity;
	req->prep = j;
	req->prep_free = join_prep_free;
	const char *code = STR(req, "appointment");
	if (code) {
		/* The check-in hook leaves the appointment in a session setting of app->db that the
		 * ticket insert consumes (sql/migrations/002): this join must use that connection. */
		req->run_inline = TRUE;
		if (!app->join_hook) {
			bb_err_set(err, "bad_request", "appointments are not supported by this service");
			return FALSE;
		}
		if (!app->join_hook(app, o->id, code, j->permit.client, &j->priority, err))
			return FALSE;
	}
	return TRUE;
}

/* Pool-safe: the database part of a join or resume. */
static gboolean op_join(bb_op_req *req, json_t *res, bb_err *err)
{
	g_autofree char *token = NULL;
	json_t *ticket;
	const char *resume = STR(req, "resume_token");
	if (resume) {
		ticket = bb_ticket_resume(req->app, resume, req->instance, &token, err);
		/* the citizen is back on a new handle while a consultation still holds the ticket: that
		 * consultation is gone (the citizen's side of it was the old handle), so it is
		 * recovered and the citizen resumes at the front */
		gint64 held_id;
		if (!ticket && g_strcmp0(err->code, "invalid_token") == 0 &&
				(held_id = bb_ticket_held_by_token(req->app, resume)) && bb_recovery_ticket(req->app, held_id)) {
			bb_err_clear(err);
			ticket = bb_ticket_resume(req->app, resume, req->instance, &token, err);
		}
	} else {
		const join_prep *j = req->prep;
		g_autofree char *expires = g_strdup_printf("%" G_GINT64_FORMAT, j->permit.expires);
		const char *p[] = {j->permit.nonce, expires};
		PGresult *used = bb_app_exec(req->app, "INSERT INTO join_permit_used (nonce, expires_at) "
			"VALUES ($1, to_timestamp($2::bigint)) ON CONFLICT DO NOTHING", 2, p, err);
		if (!used)
			return FALSE;
		gboolean first = atoi(PQcmdTuples(used)) == 1;
		PQclear(used);
		if (!first) {
			bb_err_set(err, "permit_required", "this join permit was used already");
			return FALSE;
		}
		bb_join_args a = {.office = j->office, .prefix = j->prefix, .timezone = j->timezone,
			.capacity = j->capacity, .priority = j->priority, .name = STR(req, "name"),
			.concern = STR(req, "concern"), .lang = STR(req, "lang"),
			.needs_interpreter = json_is_true(json_object_get(req->msg, "needs_interpreter")),
			.instance = req->instance};
		ticket = bb_ticket_join(req->app, &a, &token, err);
	}
	if (!ticket)
		return FALSE;
	json_object_set_new(res, "ticket", ticket);
	json_object_set_new(res, "resume_token", json_string(token));
	return TRUE;
}

/* lws thread: the wait estimate, or the free appointment slots offered when the room is full. */
static void finish_join(bb_op_req *req, json_t *res, gboolean ok, bb_err *err)
{
	bb_app *app = req->app;
	if (!ok) {
		const join_prep *j = req->prep;
		if (j && g_strcmp0(err->code, "full") == 0 && !err->extra)
			err->extra = json_pack("{s:o}", "slots", bb_slots_next_free(app, j->office, BB_APPT_OFFER_SLOTS));
		return;
	}
	json_t *ticket = json_object_get(res, "ticket");
	bb_office *o = bb_office_get(app, json_string_value(json_object_get(ticket, "office")));
	int pos = (int)json_integer_value(json_object_get(ticket, "position"));
	json_object_set_new(res, "estimate", o ? bb_estimate_json(bb_office_estimate(o, pos)) : json_null());
}

/* Runs one state change and puts the resulting ticket (with position) into the result. */
static gboolean apply_into(bb_op_req *req, const bb_ticket_change *ch, json_t *res, gboolean with_ticket,
	int *clerk_out, bb_err *err)
{
	PGresult *r = bb_ticket_apply(req->app, ch, err);
	if (!r)
		return FALSE;
	if (clerk_out)
		*clerk_out = (int)bb_db_int(r, 0, BB_TCOL_CLERK);
	gboolean ok = TRUE;
	if (with_ticket) {
		json_t *t = bb_ticket_json_with_position(req->app, r, 0, err);
		if (t)
			json_object_set_new(res, "ticket", t);
		else
			ok = FALSE;
	}
	PQclear(r);
	return ok;
}

static gboolean op_leave(bb_op_req *req, json_t *res, bb_err *err)
{
	bb_ticket_change ch = {.event = BB_EV_CANCEL, .ticket_id = TICKET_ID(req)};
	return apply_into(req, &ch, res, FALSE, NULL, err);
}

static gboolean op_detach(bb_op_req *req, json_t *res, bb_err *err)
{
	return bb_ticket_detach(req->app, TICKET_ID(req), err);
}

/* The citizen took the call: the clerk who called is now busy. */
static gboolean op_accept(bb_op_req *req, json_t *res, bb_err *err)
{
	bb_ticket_change ch = {.event = BB_EV_ACCEPT, .ticket_id = TICKET_ID(req)};
	int clerk = 0;
	if (!apply_into(req, &ch, res, TRUE, &clerk, err))
		return FALSE;
	return clerk == 0 || bb_clerk_set_presence(req->app, clerk, "busy", err);
}

/* ---- clerk ops ------------------------------------------------------------------------------ */

static gboolean op_clerk_auth(bb_op_req *req, json_t *res, bb_err *err)
{
	json_object_set_new(res, "clerk", bb_clerk_json(req->clerk));
	return TRUE;
}

/* Clerks choose available, paused or offline; busy is set by the service (accept) only. */
static gboolean op_presence(bb_op_req *req, json_t *res, bb_err *err)
{
	const char *state = STR(req, "state");   /* one of presence_settable (catalogue) */
	if (!bb_clerk_set_presence(req->app, req->clerk->id, state, err))
		return FALSE;
	json_object_set_new(res, "presence", json_string(state));
	return TRUE;
}

/* One statement for all sessions of a plugin instance's clerks, sent periodically by the plugin. */
static gboolean op_heartbeat(bb_op_req *req, json_t *res, bb_err *err)
{
	json_t *arr = json_object_get(req->msg, "sessions");
	int n = (int)json_array_size(arr);
	const char **tokens = g_new0(const char *, n + 1);
	for (int i = 0; i < n; i++)
		tokens[i] = json_string_value(json_array_get(arr, i));
	gboolean ok = bb_clerk_heartbeat(req->app, tokens, n, err);
	g_free(tokens);
	return ok;
}

/* The clerk console's full view: each served office's queue plus today's appointments; the
 * events keep it current afterwards. */
static gboolean op_queue(bb_op_req *req, json_t *res, bb_err *err)
{
	json_t *offices = json_array();
	for (int i = 0; i < req->clerk->n_offices; i++) {
		bb_office *o = bb_office_get(req->app, req->clerk->offices[i]);
		if (!o)
			continue;
		GError *e = NULL;
		json_t *q = bb_office_queue_json(req->app, o, &e);
		if (!q) {
			json_decref(offices);
			bb_err_from_db(err, e);
			return FALSE;
		}
		json_object_del(q, "event");
		json_object_set_new(q, "appointments", bb_appointments_today(req->app, o->id));
		json_array_append_new(offices, q);
	}
	json_object_set_new(res, "offices", offices);
	return TRUE;
}

/* More of one office's queue than the head in office_queue: a page for the clerk's console. */
static gboolean op_queue_page(bb_op_req *req, json_t *res, bb_err *err)
{
	const char *id = STR(req, "office");
	bb_office *o = bb_office_get(req->app, id);
	if (!o) {
		bb_err_set(err, "not_found", "office: no such office");
		return FALSE;
	}
	if (!bb_clerk_serves(req->clerk, id)) {
		bb_err_set(err, "forbidden", "office: you do not serve this office");
		return FALSE;
	}
	GError *e = NULL;
	json_t *page = bb_office_queue_page(req->app, o, (int)json_integer_value(json_object_get(req->msg, "offset")), &e);
	if (!page) {
		bb_err_from_db(err, e);
		return FALSE;
	}
	json_object_update(res, page);
	json_decref(page);
	return TRUE;
}

static gboolean op_call_next(bb_op_req *req, json_t *res, bb_err *err)
{
	bb_ticket_change ch = {.event = BB_EV_CALL, .ticket_id = 0, .clerk_id = req->clerk->id,
		.offices = (const char *const *)req->clerk->offices, .n_offices = req->clerk->n_offices};
	return apply_into(req, &ch, res, TRUE, NULL, err);
}

/* Calls a chosen ticket (not the next one): a ticket id is required. */
static gboolean op_call(bb_op_req *req, json_t *res, bb_err *err)
{
	bb_ticket_change ch = {.event = BB_EV_CALL, .ticket_id = TICKET_ID(req), .clerk_id = req->clerk->id,
		.offices = (const char *const *)req->clerk->offices, .n_offices = req->clerk->n_offices};
	if (ch.ticket_id <= 0) {
		bb_err_set(err, "bad_request", "field 'ticket' must be a ticket id");
		return FALSE;
	}
	return apply_into(req, &ch, res, TRUE, NULL, err);
}

/* A no-show outcome is its own transition (the ticket ends as no_show, not done); either way the
 * clerk is available again once no consultation is left. */
static gboolean op_finish(bb_op_req *req, json_t *res, bb_err *err)
{
	const char *outcome = STR(req, "outcome");   /* one of outcome (catalogue) */
	gboolean no_show = strcmp(outcome, bb_outcome_names[BB_OUTCOME_NO_SHOW]) == 0;
	bb_ticket_change ch = {.event = no_show ? BB_EV_NO_SHOW : BB_EV_FINISH, .ticket_id = TICKET_ID(req),
		.outcome = outcome, .offices = (const char *const *)req->clerk->offices,
		.n_offices = req->clerk->n_offices};
	if (!apply_into(req, &ch, res, FALSE, NULL, err))
		return FALSE;
	return bb_clerk_release(req->app, req->clerk->id, err);
}

/* Statistics only: the consultation itself runs in the plugin. */
static gboolean op_interpreted(bb_op_req *req, json_t *res, bb_err *err)
{
	return bb_ticket_interpreted(req->app, TICKET_ID(req), req->clerk->id, err);
}

/* lws thread: the target office must exist (office cache). */
static gboolean prepare_transfer(bb_op_req *req, bb_err *err)
{
	if (!bb_office_get(req->app, STR(req, "office"))) {
		bb_err_set(err, "not_found", "no such office");
		return FALSE;
	}
	return TRUE;
}

static gboolean op_transfer(bb_op_req *req, json_t *res, bb_err *err)
{
	const char *to = STR(req, "office");
	bb_ticket_change ch = {.event = BB_EV_TRANSFER, .ticket_id = TICKET_ID(req), .to_office = to,
		.offices = (const char *const *)req->clerk->offices, .n_offices = req->clerk->n_offices};
	if (!apply_into(req, &ch, res, TRUE, NULL, err))
		return FALSE;
	return bb_clerk_release(req->app, req->clerk->id, err);
}

static gboolean op_requeue(bb_op_req *req, json_t *res, bb_err *err)
{
	bb_ticket_change ch = {.event = BB_EV_REQUEUE, .ticket_id = TICKET_ID(req),
		.offices = (const char *const *)req->clerk->offices, .n_offices = req->clerk->n_offices};
	if (!apply_into(req, &ch, res, TRUE, NULL, err))
		return FALSE;
	return bb_clerk_release(req->app, req->clerk->id, err);
}

/* A clerk's message to everyone waiting in an office they serve; it travels as an event so the
 * citizens on every plugin instance get it. */
static gboolean op_broadcast(bb_op_req *req, json_t *res, bb_err *err)
{
	const char *office = STR(req, "office");
	if (!bb_office_get(req->app, office)) {
		bb_err_set(err, "not_found", "no such office");
		return FALSE;
	}
	if (!bb_clerk_serves(req->clerk, office)) {
		bb_err_set(err, "forbidden", "you do not serve this office");
		return FALSE;
	}
	const char *text = STR(req, "text");
	if (!*text) {
		bb_err_set(err, "bad_request", "field 'text' must not be empty");
		return FALSE;
	}
	bb_sink_event(req->app, json_pack("{s:s, s:s, s:s, s:s}", "event", "broadcast", "office", office,
		"text", text, "from", req->clerk->display_name));
	bb_info("internal", "broadcast office=%s clerk=%d", office, req->clerk->id);
	return TRUE;
}

/* `pooled`: the handler only uses the database (bb_app_db) and the bb_sink_*() calls, so
 * it may run on a worker thread; everything it needs from the office cache is done in prepare or
 * finish. The others (connection state, office cache, broadcast) run on the lws thread. */
#define POOLED .pooled = TRUE
#define INLINE .pooled = FALSE
const bb_op bb_ops_core[] = {
	{BB_OP_HELLO, op_hello, INLINE},
	{BB_OP_JOIN, op_join, POOLED, .prepare = prepare_join, .finish = finish_join},
	{BB_OP_LEAVE, op_leave, POOLED},
	{BB_OP_DETACH, op_detach, POOLED},
	{BB_OP_ACCEPT, op_accept, POOLED},
	{BB_OP_CLERK_AUTH, op_clerk_auth, INLINE},
	{BB_OP_PRESENCE, op_presence, POOLED},
	{BB_OP_HEARTBEAT, op_heartbeat, POOLED},
	{BB_OP_QUEUE, op_queue, INLINE},
	{BB_OP_QUEUE_PAGE, op_queue_page, INLINE},
	{BB_OP_CALL_NEXT, op_call_next, POOLED},
	{BB_OP_CALL, op_call, POOLED},
	{BB_OP_FINISH, op_finish, POOLED},
	{BB_OP_INTERPRETED, op_interpreted, POOLED},
	{BB_OP_TRANSFER, op_transfer, POOLED, .prepare = prepare_transfer},
	{BB_OP_REQUEUE, op_requeue, POOLED},
	{BB_OP_BROADCAST, op_broadcast, INLINE},
	{.id = BB_OP_N},
};
