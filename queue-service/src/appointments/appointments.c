/* appointments.c: appointments in PostgreSQL — booking with database-enforced capacity,
 * look-up/cancel/.ics by code (rate-limited per client address), check-in through the join hook,
 * today's list and no-shows for clerks, retention. Slots on offer: appt_offer.c; calendar file
 * and mails: appt_mail.c.
 *
 * Capacity: a booking is ONE statement that upserts the slot row with `booked + 1` guarded by
 * `booked < capacity` and inserts the appointment only if that row came back; the CHECK
 * `booked <= capacity` stands behind it. Concurrent bookings (several service instances) queue
 * on the slot row, so the count can never pass the capacity. Cancelling decrements it in the
 * same statement that cancels. */
#include "appointments/appointments.h"
#include "appointments/appt_internal.h"
#include "base/bucket.h"

#include "base/jsonutil.h"
#include "base/logging.h"
#include "base/secret.h"
#include "base/timeparse.h"
#include "domain/mailaddr.h"
#include "store/tickets.h"

#include <stdlib.h>
#include <string.h>

/* The guessing budget (docs/appointments.md "Guessing"): 10 wrong codes per client key (an IPv4
 * address or an IPv6 /64) per 15 minutes, shared by REST look-ups and check-ins; on top, 100 wrong
 * check-in codes per office and 1,000 wrong REST look-ups in all per 15 minutes, however many
 * addresses a guesser has. So at most 1,000 + 100 x offices guesses per 15 minutes reach the
 * database; with 40-bit codes and N live codes the chance to hit any of them is below
 * (1,000 + 100 x offices) x 96 x N / 2^40 a day. */
#define GUESS_MAX_FAILURES 10
#define GUESS_WINDOW_S 900
#define GUESS_MAX_CLIENTS 10000
#define GUESS_OFFICE_FAILURES 100
#define GUESS_REST_FAILURES 1000
#define GUESS_ALL "all"
#define BOOK_CODE_ATTEMPTS 4

/* ---- one appointment --------------------------------------------------------------------- */

static char *ics_url(const char *code)
{
	return g_strdup_printf("/api/v1/appointments/%s.ics", code);
}

/* The citizen's view; contact is not echoed (whoever holds the code sees name and concern only). */
static json_t *appointment_json(bb_app *app, const PGresult *r, const char *code)
{
	bb_office *o = bb_office_get(app, PQgetvalue(r, 0, BB__AC_OFFICE));
	g_autoptr(GTimeZone) tz = g_time_zone_new_identifier(o ? o->timezone : "UTC");
	if (!tz)
		tz = g_time_zone_new_utc();
	gint64 start = bb_db_int(r, 0, BB__AC_START);
	char date[11], time[6];
	bb__appt_local_parts(tz, start, date, time);
	g_autofree char *url = ics_url(code);
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:s}",
		"code", code, "office", PQgetvalue(r, 0, BB__AC_OFFICE), "state", PQgetvalue(r, 0, BB__AC_STATE),
		"start", bb_json_time(start), "end", bb_json_time(bb_db_int(r, 0, BB__AC_END)),
		"local_date", date, "local_time", time, "timezone", o ? o->timezone : "UTC",
		"checkin_from", bb_json_time(start - bb_appointments_checkin_before(app, o)),
		"checkin_until", bb_json_time(start + bb_appointments_checkin_after(app, o)),
		"name", bb_json_str_or_null(bb_db_str(r, 0, BB__AC_NAME)),
		"concern", bb_json_str_or_null(bb_db_str(r, 0, BB__AC_CONCERN)),
		"lang", bb_json_str_or_null(bb_db_str(r, 0, BB__AC_LANG)),
		"ics_url", url);
}

/* ---- booking ----------------------------------------------------------------------------- */

static const char *verdict_reason(bb_slot_verdict v)
{
	static const char *const names[] = {
		[BB_SLOT_OK] = "ok", [BB_SLOT_PAST] = "past", [BB_SLOT_TOO_SOON] = "too_soon",
		[BB_SLOT_TOO_FAR] = "too_far", [BB_SLOT_NOT_A_SLOT] = "not_a_slot",
	};
	return (unsigned)v < G_N_ELEMENTS(names) ? names[v] : "invalid";
}

typedef struct from_ticket {
	char *id, *state, *name, *concern, *lang;
} from_ticket;

static void from_ticket_clear(from_ticket *t)
{
	g_free(t->id);
	g_free(t->state);
	g_free(t->name);
	g_free(t->concern);
	g_free(t->lang);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(from_ticket, from_ticket_clear)

/* A ticket of the same office drawn within the last day, whatever its state now (waiting,
 * or expired at closing: the case the offer is made for). */
static gboolean load_from_ticket(bb_app *app, const char *office, const char *token, from_ticket *t,
	bb_err *err)
{
	g_autofree char *hash = bb_token_hash(token);
	const char *p[] = {hash, office};
	PGresult *r = bb__appt_exec(app, "SELECT id, state, name, concern, lang FROM ticket WHERE resume_token_hash = $1 "
		"AND office_id = $2 AND arrived_at > now() - interval '1 day'", 2, p, err);
	if (!r)
		return FALSE;
	if (PQntuples(r) != 1) {
		PQclear(r);
		bb_err_set(err, "invalid_token", "resume_token: no ticket of this office with this token");
		return FALSE;
	}
	t->id = g_strdup(PQgetvalue(r, 0, 0));
	t->state = g_strdup(PQgetvalue(r, 0, 1));
	t->name = g_strdup(bb_db_str(r, 0, 2));
	t->concern = g_strdup(bb_db_str(r, 0, 3));
	t->lang = g_strdup(bb_db_str(r, 0, 4));
	PQclear(r);
	return TRUE;
}

/* The citizen leaves the waiting room for the appointment. Failure (taken meanwhile) is fine. */
static void leave_waiting_room(bb_app *app, const from_ticket *t)
{
	if (strcmp(t->state, "waiting") != 0)
		return;
	bb_ticket_change ch = { .event = BB_EV_CANCEL, .ticket_id = g_ascii_strtoll(t->id, NULL, 10) };
	bb_err e = {0};
	PGresult *r = bb_ticket_apply(app, &ch, &e);
	if (r)
		PQclear(r);
	bb_err_clear(&e);
}

/* One attempt with a fresh code. Returns the row (BB__APPT_COLS) or NULL: *full when the slot had no
 * room, *retry on a constraint error (a code collision: 2^-40 per existing code). */
static PGresult *insert_booking(bb_app *app, const bb_office *o, const bb__appt_policy *pol, gint64 start,
	const char *name, const char *contact, const char *concern, const char *lang, const char *ticket_id,
	const char *hash, gboolean *full, gboolean *retry, bb_err *err)
{
	g_autofree char *st = g_strdup_printf("%" G_GINT64_FORMAT, start);
	g_autofree char *en = g_strdup_printf("%" G_GINT64_FORMAT, start + (gint64)pol->p.slot_min * 60);
	g_autofree char *cap = g_strdup_printf("%d", pol->p.capacity);
	g_autofree char *ret = g_strdup_printf("%d", app->cfg.appointment_retention_s);
	const char *p[] = {o->id, st, cap, en, hash, name, contact, concern, ticket_id, ret, lang};
	GError *e = NULL;
	PGresult *r = bb_db_exec(app->db,
		"WITH s AS (INSERT INTO appointment_slot AS s (office_id, start_at, capacity, booked) "
		"  VALUES ($1, to_timestamp($2::bigint), $3::int, 1) "
		"  ON CONFLICT (office_id, start_at) DO UPDATE SET booked = s.booked + 1, capacity = EXCLUDED.capacity "
		"  WHERE s.booked < EXCLUDED.capacity RETURNING office_id, start_at), "
		"a AS (INSERT INTO appointment (office_id, start_at, end_at, code_hash, name, contact, concern, "
		"  from_ticket_id, erase_after, lang) SELECT office_id, start_at, to_timestamp($4::bigint), $5, $6, $7, $8, "
		"  $9::bigint, to_timestamp($4::bigint) + make_interval(secs => $10::int), $11 FROM s RETURNING *) "
		"SELECT " BB__APPT_COLS " FROM a", 11, p, &e);
	if (!r) {
		*retry = e && e->code == BB_DB_CONSTRAINT;
		bb_err_from_db(err, e);
		return NULL;
	}
	if (PQntuples(r) == 0) {
		PQclear(r);
		*full = TRUE;
		return NULL;
	}
	return r;
}

/* Everything after the office's policy is known; the caller clears the policy. */
static json_t *book_with_policy(bb_app *app, const bb_office *o, const bb__appt_policy *pol, gint64 start,
	const bb_booking *b, bb_err *err)
{
	if (!bb__appt_policy_offers(pol)) {
		bb_err_set(err, "conflict", "this office takes no appointments");
		return NULL;
	}
	bb_slot_verdict v = bb_slots_check(o->hours, pol->tz, &pol->p, start, bb__appt_now(), NULL);
	if (v != BB_SLOT_OK) {
		bb_err_set(err, "bad_request", "%s", bb_slot_verdict_message(v));
		err->extra = json_pack("{s:s}", "reason", verdict_reason(v));
		return NULL;
	}
	g_auto(from_ticket) t = {0};
	if (b->resume_token && !load_from_ticket(app, o->id, b->resume_token, &t, err))
		return NULL;
	const char *name = b->name ? b->name : t.name;
	const char *concern = b->concern ? b->concern : t.concern;
	const char *lang = b->lang ? b->lang : t.lang;
	if (name == NULL || *name == '\0') {
		bb_err_set(err, "bad_request", "name: required");
		return NULL;
	}
	PGresult *r = NULL;
	g_autofree char *code = NULL;
	gboolean full = FALSE;
	for (int i = 0; i < BOOK_CODE_ATTEMPTS && !r && !full; i++) {
		g_free(code);
		code = bb_apptcode_new();
		g_autofree char *hash = bb_apptcode_hash(code);
		gboolean retry = FALSE;
		bb_err_clear(err);
		r = insert_booking(app, o, pol, start, name, b->contact, concern, lang, t.id, hash, &full, &retry, err);
		if (!r && !full && !retry)
			break;
	}
	if (full) {
		bb_err_set(err, "full", "this slot is fully booked");
		err->extra = json_pack("{s:o}", "slots", bb_slots_next_free(app, o->id, BB_APPT_OFFER_SLOTS));
	}
	if (!r)
		return NULL;
	if (t.id)
		leave_waiting_room(app, &t);
	bb_info("appointments", "booked office=%s appointment=%s", o->id, PQgetvalue(r, 0, BB__AC_ID));
	bb__appt_send_mail(app, r, code, "confirm");
	json_t *res = appointment_json(app, r, code);
	PQclear(r);
	return res;
}

json_t *bb_appointment_book(bb_app *app, const bb_booking *b, bb_err *err)
{
	bb_office *o = bb_office_get(app, b->office);
	if (!o) {
		bb_err_set(err, "not_found", "office: no such office");
		return NULL;
	}
	gint64 start;
	int usec;
	if (!bb_time_parse_rfc3339(b->start, &start, &usec)) {
		bb_err_set(err, "bad_request", "start: not an RFC 3339 time with offset (e.g. 2026-11-25T08:00:00Z)");
		return NULL;
	}
	if (usec != 0) {   /* a slot starts on a whole second: .000 is fine, .5 is no slot */
		bb_err_set(err, "bad_request", "%s", bb_slot_verdict_message(BB_SLOT_NOT_A_SLOT));
		err->extra = json_pack("{s:s}", "reason", verdict_reason(BB_SLOT_NOT_A_SLOT));
		return NULL;
	}
	bb__appt_policy pol;
	json_t *res = NULL;
	if (bb__appt_policy_load(app, o, &pol, err))
		res = book_with_policy(app, o, &pol, start, b, err);
	bb__appt_policy_clear(&pol);
	return res;
}

/* ---- look-up by code --------------------------------------------------------------------- */

/* The budgets are checked before any database access, so a blocked guesser costs nothing: the
 * client's own (ckey) and a shared one (budget_key in `shared`). rate_limited with the wait. */
static gboolean budget_left(bb_app *app, const char *ckey, bb_apptcode_limiter *shared,
	const char *budget_key, bb_err *err)
{
	gint64 now = bb__appt_now();
	int wait = MAX(bb_apptcode_limiter_check(app->appointments->limiter, ckey, now),
		bb_apptcode_limiter_check(shared, budget_key, now));
	if (wait <= 0)
		return TRUE;
	bb_err_set(err, "rate_limited", "too many wrong codes; try again later");
	err->extra = json_pack("{s:i}", "retry_after_s", wait);
	return FALSE;
}

static void count_failure(bb_app *app, const char *ckey, bb_apptcode_limiter *shared, const char *budget_key)
{
	gint64 now = bb__appt_now();
	bb_apptcode_limiter_fail(app->appointments->limiter, ckey, now);
	bb_apptcode_limiter_fail(shared, budget_key, now);
}

/* Why one answer for a malformed and an unknown code: a guesser must not learn more from an
 * attempt than that it failed. */
static PGresult *lookup(bb_app *app, const char *code, const char *peer, char **canon, bb_err *err)
{
	char ckey[72];
	bb_client_key(peer ? peer : "?", ckey, sizeof(ckey));
	if (!budget_left(app, ckey, app->appointments->rest_limiter, GUESS_ALL, err))
		return NULL;
	*canon = bb_apptcode_normalize(code);
	g_autofree char *hash = *canon ? bb_apptcode_hash(*canon) : NULL;
	PGresult *r = NULL;
	if (hash) {
		const char *p[] = {hash};
		r = bb__appt_exec(app, "SELECT " BB__APPT_COLS " FROM appointment a WHERE a.code_hash = $1", 1, p, err);
		if (!r)
			return NULL;
	}
	if (!r || PQntuples(r) == 0) {
		if (r)
			PQclear(r);
		count_failure(app, ckey, app->appointments->rest_limiter, GUESS_ALL);
		bb_err_set(err, "not_found", "no appointment with this code");
		return NULL;
	}
	return r;
}

json_t *bb_appointment_get(bb_app *app, const char *code, const char *peer, bb_err *err)
{
	g_autofree char *canon = NULL;
	PGresult *r = lookup(app, code, peer, &canon, err);
	if (!r)
		return NULL;
	json_t *res = appointment_json(app, r, canon);
	PQclear(r);
	return res;
}

char *bb_appointment_ics(bb_app *app, const char *code, const char *peer, bb_err *err)
{
	g_autofree char *canon = NULL;
	PGresult *r = lookup(app, code, peer, &canon, err);
	if (!r)
		return NULL;
	char *ics = bb__appt_render_ics(app, r, canon);
	PQclear(r);
	if (!ics)
		bb_err_set(err, "internal", "calendar file could not be made");
	return ics;
}

json_t *bb_appointment_cancel(bb_app *app, const char *code, const char *peer, bb_err *err)
{
	g_autofree char *canon = NULL;
	PGresult *r = lookup(app, code, peer, &canon, err);
	if (!r)
		return NULL;
	const char *state = PQgetvalue(r, 0, BB__AC_STATE);
	if (strcmp(state, "cancelled") == 0) {
		PQclear(r);
		bb_err_set(err, "cancelled", "this appointment is already cancelled");
		return NULL;
	}
	g_autofree char *id = g_strdup(PQgetvalue(r, 0, BB__AC_ID));
	PQclear(r);
	const char *p[] = {id};
	r = bb__appt_exec(app, "WITH a AS (UPDATE appointment SET state = 'cancelled', cancelled_at = now(), "
		"  sequence = sequence + 1 WHERE id = $1 AND state = 'booked' AND start_at > now() RETURNING *), "
		"s AS (UPDATE appointment_slot s SET booked = s.booked - 1 FROM a "
		"  WHERE s.office_id = a.office_id AND s.start_at = a.start_at) "
		"SELECT " BB__APPT_COLS " FROM a", 1, p, err);
	if (!r)
		return NULL;
	if (PQntuples(r) == 0) {
		PQclear(r);
		bb_err_set(err, "illegal_transition", "this appointment has started or is checked in; it cannot be cancelled");
		return NULL;
	}
	bb_info("appointments", "cancelled appointment=%s", id);
	bb__appt_send_mail(app, r, canon, "cancel");
	json_t *res = appointment_json(app, r, canon);
	PQclear(r);
	return res;
}

/* ---- check-in ---------------------------------------------------------------------------- */

/* An office's own check-in window where an admin set one, else the service's. */
int bb_appointments_checkin_before(bb_app *app, const bb_office *o)
{
	return o && o->checkin_before_s >= 0 ? o->checkin_before_s : app->cfg.checkin_before_s;
}

int bb_appointments_checkin_after(bb_app *app, const bb_office *o)
{
	return o && o->checkin_after_s >= 0 ? o->checkin_after_s : app->cfg.checkin_after_s;
}

/* Runs right before the join path draws the ticket (see ticket_take_checkin() in
 * 002_appointments.sql for how the ticket and the appointment meet). */
gboolean bb_appointments_checkin(bb_app *app, const char *office, const char *code, const char *client,
	int *priority, bb_err *err)
{
	g_autofree char *budget_key = g_strdup_printf("office:%s", office);
	const char *ckey = client ? client : "?";
	if (!budget_left(app, ckey, app->appointments->office_limiter, budget_key, err))
		return FALSE;
	g_autofree char *hash = bb_apptcode_hash(code);
	PGresult *r = NULL;
	if (hash) {
		const char *p[] = {hash};
		r = bb__appt_exec(app, "SELECT " BB__APPT_COLS " FROM appointment a WHERE a.code_hash = $1", 1, p, err);
		if (!r)
			return FALSE;
	}
	if (!r || PQntuples(r) == 0 || strcmp(PQgetvalue(r, 0, BB__AC_OFFICE), office) != 0) {
		if (r)
			PQclear(r);
		count_failure(app, ckey, app->appointments->office_limiter, budget_key);
		bb_err_set(err, "invalid_code", "appointment: no appointment with this code for this office");
		return FALSE;
	}
	const char *state = PQgetvalue(r, 0, BB__AC_STATE);
	gint64 start = bb_db_int(r, 0, BB__AC_START), now = bb__appt_now();
	bb_office *o = bb_office_get(app, office);
	int before = bb_appointments_checkin_before(app, o), after = bb_appointments_checkin_after(app, o);
	gint64 opens = start - before, closes = start + after;
	g_autofree char *id = g_strdup(PQgetvalue(r, 0, BB__AC_ID));
	gboolean ok = FALSE;
	if (strcmp(state, "cancelled") == 0)
		bb_err_set(err, "cancelled", "appointment: this appointment was cancelled");
	else if (strcmp(state, "checked_in") == 0)
		bb_err_set(err, "invalid_code", "appointment: already checked in; rejoin with your resume token");
	else if (strcmp(state, "no_show") == 0 || now > closes)
		bb_err_set(err, "too_late", "appointment: check-in closed %d minutes after the start; please book a new appointment",
			after / 60);
	else if (now < opens) {
		bb_err_set(err, "too_early", "appointment: check-in opens %d minutes before the start",
			before / 60);
		err->extra = json_pack("{s:o}", "checkin_from", bb_json_time(opens));
	} else
		ok = TRUE;
	PQclear(r);
	if (!ok)
		return FALSE;
	g_autofree char *v = g_strdup_printf("%s/%" G_GINT64_FORMAT, id, opens);
	const char *q[] = {v};
	PGresult *s = bb__appt_exec(app, "SELECT set_config('bb.checkin', $1, false)", 1, q, err);
	if (!s)
		return FALSE;
	PQclear(s);
	*priority = BB_APPOINTMENT_PRIORITY;
	bb_info("appointments", "check-in office=%s appointment=%s", office, id);
	return TRUE;
}

/* ---- clerks ------------------------------------------------------------------------------ */

#define TODAY_COLS "a.id, a.state, extract(epoch FROM a.start_at)::bigint, " \
	"extract(epoch FROM a.end_at)::bigint, a.name, a.concern, a.ticket_id, o.timezone"

/* The clerk's view of an appointment: local time of the office, the ticket once checked in. */
static json_t *today_entry(const PGresult *r, int i)
{
	g_autoptr(GTimeZone) tz = g_time_zone_new_identifier(PQgetvalue(r, i, 7));
	if (!tz)
		tz = g_time_zone_new_utc();
	char date[11], time[6];
	bb__appt_local_parts(tz, bb_db_int(r, i, 2), date, time);
	return json_pack("{s:I, s:s, s:o, s:o, s:s, s:o, s:o, s:o}",
		"id", (json_int_t)bb_db_int(r, i, 0), "state", PQgetvalue(r, i, 1),
		"start", bb_json_time(bb_db_int(r, i, 2)), "end", bb_json_time(bb_db_int(r, i, 3)),
		"local_time", time, "name", bb_json_str_or_null(bb_db_str(r, i, 4)),
		"concern", bb_json_str_or_null(bb_db_str(r, i, 5)),
		"ticket", PQgetisnull(r, i, 6) ? json_null() : json_integer(bb_db_int(r, i, 6)));
}

json_t *bb_appointments_today(bb_app *app, const char *office)
{
	const char *p[] = {office};
	bb_err err = {0};
	json_t *arr = json_array();
	PGresult *r = bb__appt_exec(app, "SELECT " TODAY_COLS " FROM appointment a JOIN office o ON o.id = a.office_id "
		"WHERE a.office_id = $1 AND a.state <> 'cancelled' "
		"AND a.start_at >= (date_trunc('day', now() AT TIME ZONE o.timezone)) AT TIME ZONE o.timezone "
		"AND a.start_at < (date_trunc('day', now() AT TIME ZONE o.timezone) + interval '1 day') AT TIME ZONE o.timezone "
		"ORDER BY a.start_at, a.id LIMIT 1000", 1, p, &err);
	if (!r) {
		bb_warn("appointments", "today's list of office=%s failed: %s", office, err.message);
		bb_err_clear(&err);
		return arr;
	}
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(arr, today_entry(r, i));
	PQclear(r);
	return arr;
}

json_t *bb_appointment_no_show(bb_app *app, const bb_clerk *clerk, gint64 id, bb_err *err)
{
	g_autofree char *ids = g_strdup_printf("%" G_GINT64_FORMAT, id);
	const char *p[] = {ids};
	PGresult *r = bb__appt_exec(app, "SELECT a.office_id, a.state, a.start_at <= now() FROM appointment a WHERE a.id = $1",
		1, p, err);
	if (!r)
		return NULL;
	if (PQntuples(r) == 0 || !bb_clerk_serves(clerk, PQgetvalue(r, 0, 0))) {
		gboolean exists = PQntuples(r) > 0;
		PQclear(r);
		bb_err_set(err, exists ? "forbidden" : "not_found",
			exists ? "you do not serve this appointment's office" : "appointment: no such appointment");
		return NULL;
	}
	gboolean started = strcmp(PQgetvalue(r, 0, 2), "t") == 0;
	PQclear(r);
	if (!started) {
		bb_err_set(err, "illegal_transition", "the appointment has not started yet");
		return NULL;
	}
	r = bb__appt_exec(app, "WITH a AS (UPDATE appointment SET state = 'no_show', no_show_at = now() "
		"WHERE id = $1 AND state IN ('booked', 'checked_in') RETURNING *) "
		"SELECT " TODAY_COLS " FROM a JOIN office o ON o.id = a.office_id", 1, p, err);
	if (!r)
		return NULL;
	if (PQntuples(r) == 0) {
		PQclear(r);
		bb_err_set(err, "illegal_transition", "the appointment is cancelled or already a no-show");
		return NULL;
	}
	bb_info("appointments", "no-show appointment=%s clerk=%d", ids, clerk->id);
	json_t *res = today_entry(r, 0);
	PQclear(r);
	return res;
}

/* ---- janitor ----------------------------------------------------------------------------- */

void bb_appointments_janitor(bb_app *app)
{
	bb_err err = {0};
	PGresult *r = bb__appt_exec(app, "UPDATE appointment SET name = NULL, contact = NULL, concern = NULL "
		"WHERE erase_after <= now() AND (name IS NOT NULL OR contact IS NOT NULL OR concern IS NOT NULL)",
		0, NULL, &err);
	if (r) {
		const char *n = PQcmdTuples(r);
		if (n && *n && strcmp(n, "0") != 0)
			bb_info("appointments", "erased personal fields of %s appointments", n);
		PQclear(r);
	}
	bb_err_clear(&err);
	bb__appt_send_reminders(app);
}

/* ---- contact validation ------------------------------------------------------------------ */

/* An address the mailer can send to: ASCII local part, domain possibly internationalised
 * (domain/mailaddr.c). Stored and shown as typed; sent to the domain's ASCII form. */
gboolean bb_appointment_contact_is_email(const char *c)
{
	return bb_mailaddr_valid(c);
}

/* A phone number as people write it: digits with spaces, +, -, /, parentheses; 6 to 20 digits. */
static gboolean contact_is_phone(const char *c)
{
	int digits = 0;
	for (const char *p = c; *p; p++) {
		if (g_ascii_isdigit(*p))
			digits++;
		else if (!strchr(" +-/()", *p) || (*p == '+' && p != c))
			return FALSE;
	}
	return digits >= 6 && digits <= 20;
}

gboolean bb_appointment_contact_valid(const char *c)
{
	return c && g_utf8_validate(c, -1, NULL) && g_utf8_strlen(c, -1) <= BB_APPT_CONTACT_MAX
	    && (bb_appointment_contact_is_email(c) || contact_is_phone(c));
}

/* ---- life cycle -------------------------------------------------------------------------- */

/* The offer hook (bb_offer_hook): a ticket expired at closing time gets the next free slots. */
static json_t *offer_slots(bb_app *app, const char *office)
{
	return bb_slots_next_free(app, office, BB_APPT_OFFER_SLOTS);
}

void bb_appointments_init(bb_app *app)
{
	struct bb_appointments *a = g_new0(struct bb_appointments, 1);
	a->limiter = bb_apptcode_limiter_new(GUESS_MAX_FAILURES, GUESS_WINDOW_S, GUESS_MAX_CLIENTS);
	a->office_limiter = bb_apptcode_limiter_new(GUESS_OFFICE_FAILURES, GUESS_WINDOW_S, GUESS_MAX_CLIENTS);
	a->rest_limiter = bb_apptcode_limiter_new(GUESS_REST_FAILURES, GUESS_WINDOW_S, 4);
	a->mailer = bb_mailer_new(app->cfg.smtp_url, app->cfg.smtp_from);
	app->appointments = a;
	app->join_hook = bb_appointments_checkin;
	app->offer_hook = offer_slots;
	bb_info("appointments", "ready mail=%s", bb_mailer_enabled(a->mailer) ? "on" : "off");
}

void bb_appointments_free(bb_app *app)
{
	if (!app->appointments)
		return;
	bb_apptcode_limiter_free(app->appointments->limiter);
	bb_apptcode_limiter_free(app->appointments->office_limiter);
	bb_apptcode_limiter_free(app->appointments->rest_limiter);
	bb_mailer_free(app->appointments->mailer);
	g_clear_pointer(&app->appointments, g_free);
}
