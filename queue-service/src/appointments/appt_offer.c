/* appt_offer.c: which appointment slots an office offers right now: its policy from the
 * database, the candidate slots from domain/slots.c, minus what is booked. */
#include "appointments/appointments.h"
#include "appointments/appt_internal.h"

#include "base/jsonutil.h"
#include "base/logging.h"
#include "db/pool.h"

#include <stdlib.h>
#include <string.h>

/* ---- policy ------------------------------------------------------------------------------ */

void bb__appt_policy_clear(bb__appt_policy *pol)
{
	if (pol->blocked)
		g_array_unref(pol->blocked);
	if (pol->tz)
		g_time_zone_unref(pol->tz);
}

/* Defaults apply where an office has no appointment_policy row; the capacity defaults to the
 * number of enabled clerks assigned to the office (0 clerks: no appointments). */
gboolean bb__appt_policy_load(bb_app *app, const bb_office *o, bb__appt_policy *pol, bb_err *err)
{
	memset(pol, 0, sizeof *pol);
	const char *p[] = {o->id};
	PGresult *r = bb__appt_exec(app, "SELECT coalesce(p.slot_min, 20), coalesce(p.capacity, "
		"(SELECT count(*) FROM clerk_office co JOIN clerk c ON c.id = co.clerk_id "
		"  WHERE co.office_id = o.id AND NOT c.disabled))::int, "
		"coalesce(p.horizon_days, 28), coalesce(p.lead_s, 7200), coalesce(p.share_permille, 500), "
		"coalesce((SELECT string_agg(to_char(b.day, 'YYYYMMDD'), ',') FROM appointment_blocked_day b "
		"  WHERE b.office_id = o.id AND b.day >= current_date - 1 AND b.day <= current_date + 400), '') "
		"FROM office o LEFT JOIN appointment_policy p ON p.office_id = o.id WHERE o.id = $1", 1, p, err);
	if (!r)
		return FALSE;
	if (PQntuples(r) != 1) {
		PQclear(r);
		bb_err_set(err, "not_found", "office: no such office");
		return FALSE;
	}
	pol->p.slot_min = (int)bb_db_int(r, 0, 0);
	pol->p.capacity = (int)bb_db_int(r, 0, 1);
	pol->p.horizon_days = (int)bb_db_int(r, 0, 2);
	pol->p.lead_s = (int)bb_db_int(r, 0, 3);
	pol->p.share_permille = (int)bb_db_int(r, 0, 4);
	pol->blocked = g_array_new(FALSE, FALSE, sizeof(int));
	g_auto(GStrv) days = g_strsplit(PQgetvalue(r, 0, 5), ",", -1);
	for (int i = 0; days[i] != NULL; i++) {
		int v = atoi(days[i]);
		if (v > 0)
			g_array_append_val(pol->blocked, v);
	}
	PQclear(r);
	pol->p.blocked = (const int *)(void *)pol->blocked->data;
	pol->p.n_blocked = (int)pol->blocked->len;
	pol->p.closed_until = o->closure_until;
	pol->tz = g_time_zone_new_identifier(o->timezone);
	if (pol->tz == NULL) {
		bb_warn("appointments", "office=%s has an unknown time zone", o->id);
		bb_err_set(err, "internal", "office time zone unknown");
		return FALSE;
	}
	return TRUE;
}

/* Does the office take appointments at all? (capacity 0 = no clerk assigned, share 0.) */
gboolean bb__appt_policy_offers(const bb__appt_policy *pol)
{
	return pol->p.capacity >= 1 && pol->p.share_permille > 0 && bb_slot_policy_valid(&pol->p);
}

/* ---- free slots -------------------------------------------------------------------------- */

/* Slot starts (unix) -> booked count between two instants. */
static GHashTable *booked_between(bb_app *app, const char *office, gint64 from, gint64 to, bb_err *err)
{
	g_autofree char *f = g_strdup_printf("%" G_GINT64_FORMAT, from);
	g_autofree char *t = g_strdup_printf("%" G_GINT64_FORMAT, to);
	const char *p[] = {office, f, t};
	PGresult *r = bb__appt_exec(app, "SELECT extract(epoch FROM start_at)::bigint, booked FROM appointment_slot "
		"WHERE office_id = $1 AND start_at >= to_timestamp($2::bigint) AND start_at <= to_timestamp($3::bigint)",
		3, p, err);
	if (!r)
		return NULL;
	GHashTable *h = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
	for (int i = 0; i < PQntuples(r); i++) {
		gint64 *k = g_new(gint64, 1);
		*k = bb_db_int(r, i, 0);
		g_hash_table_insert(h, k, GINT_TO_POINTER((int)bb_db_int(r, i, 1)));
	}
	PQclear(r);
	return h;
}

static json_t *slot_json(GTimeZone *tz, const bb_slot *s, int remaining)
{
	char date[11], time[6];
	bb__appt_local_parts(tz, s->start, date, time);
	return json_pack("{s:o, s:o, s:s, s:s, s:i}", "start", bb_json_time(s->start),
		"end", bb_json_time(s->end), "local_date", date, "local_time", time,
		"remaining", remaining);
}

/* Appends the free slots of [y-m-d, +days) to `out` (at most max; max < 0: all). */
static gboolean free_slots(bb_app *app, const bb_office *o, const bb__appt_policy *pol, int y, int m, int d,
	int days, int max, json_t *out, bb_err *err)
{
	gint64 now = bb__appt_now();
	g_autoptr(GArray) cand = bb_slots_list(o->hours, pol->tz, &pol->p, y, m, d, days, now);
	if (cand->len == 0)
		return TRUE;
	gint64 first = g_array_index(cand, bb_slot, 0).start;
	gint64 last = g_array_index(cand, bb_slot, cand->len - 1).start;
	GHashTable *booked = booked_between(app, o->id, first, last, err);
	if (!booked)
		return FALSE;
	for (guint i = 0; i < cand->len && (max < 0 || (int)json_array_size(out) < max); i++) {
		bb_slot *s = &g_array_index(cand, bb_slot, i);
		int used = GPOINTER_TO_INT(g_hash_table_lookup(booked, &s->start));
		int remaining = pol->p.capacity - used;
		if (remaining > 0)
			json_array_append_new(out, slot_json(pol->tz, s, remaining));
	}
	g_hash_table_destroy(booked);
	return TRUE;
}

json_t *bb_appointments_slots(bb_app *app, const char *office, int y, int m, int d, int days,
	bb_err *err)
{
	bb_office *o = bb_office_get(app, office);
	if (!o) {
		bb_err_set(err, "not_found", "office: no such office");
		return NULL;
	}
	if (days < 1 || days > BB_SLOTS_MAX_DAYS) {
		bb_err_set(err, "bad_request", "days: must be 1..%d", BB_SLOTS_MAX_DAYS);
		return NULL;
	}
	if (!g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y) || y < 2000 || y > 9000) {
		bb_err_set(err, "bad_request", "from: not a valid date (YYYY-MM-DD)");
		return NULL;
	}
	bb__appt_policy pol;
	if (!bb__appt_policy_load(app, o, &pol, err)) {
		bb__appt_policy_clear(&pol);
		return NULL;
	}
	json_t *slots = json_array();
	if (bb__appt_policy_offers(&pol) && !free_slots(app, o, &pol, y, m, d, days, -1, slots, err)) {
		json_decref(slots);
		bb__appt_policy_clear(&pol);
		return NULL;
	}
	json_t *res = json_pack("{s:s, s:s, s:i, s:o}", "office", o->id, "timezone", o->timezone,
		"slot_min", pol.p.slot_min, "slots", slots);
	bb__appt_policy_clear(&pol);
	return res;
}

/* Walks forward month by month from the office's local today until `max` free slots are found
 * or the booking horizon is passed. */
json_t *bb_slots_next_free(bb_app *app, const char *office, int max)
{
	g_return_val_if_fail(!bb_pool_on_worker(), json_array());   /* office cache: lws thread only */
	json_t *out = json_array();
	bb_office *o = bb_office_get(app, office);
	bb_err err = {0};
	bb__appt_policy pol;
	if (!o || max <= 0)
		return out;
	if (!bb__appt_policy_load(app, o, &pol, &err) || !bb__appt_policy_offers(&pol)) {
		bb__appt_policy_clear(&pol);
		bb_err_clear(&err);
		return out;
	}
	int y, m, d;
	bb_hours_local_date(o->hours, bb__appt_now(), &y, &m, &d);
	GDate date;
	g_date_clear(&date, 1);
	g_date_set_dmy(&date, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
	for (int done = 0; done <= pol.p.horizon_days && (int)json_array_size(out) < max;
	     done += BB_SLOTS_MAX_DAYS) {
		if (!free_slots(app, o, &pol, g_date_get_year(&date), g_date_get_month(&date),
		                g_date_get_day(&date), BB_SLOTS_MAX_DAYS, max, out, &err))
			break;
		g_date_add_days(&date, BB_SLOTS_MAX_DAYS);
	}
	bb_err_clear(&err);
	bb__appt_policy_clear(&pol);
	return out;
}
