/* slots.c: appointment slots from opening hours, DST-correct (see slots.h and
 * docs/appointments.md for the rules). */
#include "domain/slots.h"

#include <stdlib.h>

#define MAX_INTERVALS 8

gboolean bb_slot_policy_valid(const bb_slot_policy *p)
{
	return p != NULL && p->slot_min >= 5 && p->slot_min <= 240 && p->capacity >= 1
	    && p->capacity <= 1000 && p->horizon_days >= 1 && p->horizon_days <= 366
	    && p->lead_s >= 0 && p->lead_s <= 30 * 86400 && p->share_permille >= 0
	    && p->share_permille <= 1000 && p->n_blocked >= 0
	    && (p->n_blocked == 0 || p->blocked != NULL);
}

/* Appointment slots are spread evenly over each opening interval instead of filling its first
 * part, so walk-ins are served all day long and no hour belongs to appointments only. Slot i
 * is an appointment slot when the running quota ceil((i+1)*share) grows at i: with share 0.5
 * that is slots 0, 2, 4, ...; with 0.25 slots 0, 4, 8, ...; with 1 every slot; with 0 none.
 * Integer arithmetic keeps the rule exact. */
gboolean bb_slots_is_appointment_slot(int i, int share_permille)
{
	if (i < 0 || share_permille <= 0)
		return FALSE;
	gint64 before = ((gint64)i * share_permille + 999) / 1000;
	gint64 after = ((gint64)(i + 1) * share_permille + 999) / 1000;
	return after > before;
}

static gboolean is_blocked(const bb_slot_policy *p, int y, int m, int d)
{
	int key = y * 10000 + m * 100 + d;
	for (int i = 0; i < p->n_blocked; i++)
		if (p->blocked[i] == key)
			return TRUE;
	return FALSE;
}

/* The local wall-clock time (date + minute) of an instant in tz. */
static void wall_of(GTimeZone *tz, gint64 t, int *y, int *m, int *d, int *minute)
{
	g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(t);
	g_autoptr(GDateTime) local = g_date_time_to_timezone(utc, tz);
	g_date_time_get_ymd(local, y, m, d);
	*minute = g_date_time_get_hour(local) * 60 + g_date_time_get_minute(local);
}

/* All appointment slots of one local date, ignoring now/lead/horizon. Slots are laid out in
 * wall-clock minutes from each interval's opening, so "09:00" is a slot on every day of the
 * year. A start that does not exist locally (inside the spring-forward gap) is skipped; a start
 * in the repeated autumn hour means its first occurrence, and a start whose first occurrence
 * falls before the previous slot's end is skipped so that slots never overlap in real time. */
static void day_slots(const bb_hours *hours, GTimeZone *tz, const bb_slot_policy *p,
	int y, int m, int d, GArray *out)
{
	if (is_blocked(p, y, m, d))
		return;
	gint64 noon = bb_hours_local_to_unix(hours, y, m, d, 12 * 60);
	if (noon < 0)
		return;
	bb_interval iv[MAX_INTERVALS];
	int n = bb_hours_intervals_on(hours, noon, iv, MAX_INTERVALS);
	gint64 last_end = G_MININT64;
	for (int k = 0; k < n; k++) {
		int i = 0;
		for (int start = iv[k].open_min; start + p->slot_min <= iv[k].close_min;
		     start += p->slot_min, i++) {
			if (!bb_slots_is_appointment_slot(i, p->share_permille))
				continue;
			gint64 t = bb_hours_local_to_unix(hours, y, m, d, start);
			int wy, wm, wd, wmin;
			wall_of(tz, t, &wy, &wm, &wd, &wmin);
			if (t < 0 || wy != y || wm != m || wd != d || wmin != start || t < last_end)
				continue;
			bb_slot s = { .start = t, .end = t + (gint64)p->slot_min * 60,
			              .y = y, .m = m, .d = d, .minute = start };
			g_array_append_val(out, s);
			last_end = s.end;
		}
	}
}

/* The time rules shared by listing and checking: past, lead time, horizon. */
static bb_slot_verdict judge(const bb_slot_policy *p, gint64 start, gint64 now)
{
	if (start < now)
		return BB_SLOT_PAST;
	if (start < now + p->lead_s || start < p->closed_until)   /* the office is closed for a while */
		return BB_SLOT_TOO_SOON;
	if (start > now + (gint64)p->horizon_days * 86400)
		return BB_SLOT_TOO_FAR;
	return BB_SLOT_OK;
}

GArray *bb_slots_list(const bb_hours *hours, GTimeZone *tz, const bb_slot_policy *p,
	int y, int m, int d, int days, gint64 now)
{
	GArray *out = g_array_new(FALSE, FALSE, sizeof(bb_slot));
	g_return_val_if_fail(hours != NULL && tz != NULL && bb_slot_policy_valid(p), out);
	if (days < 1 || days > BB_SLOTS_MAX_DAYS
	    || !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
		return out;
	GDate date;
	g_date_clear(&date, 1);
	g_date_set_dmy(&date, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
	g_autoptr(GArray) day = g_array_new(FALSE, FALSE, sizeof(bb_slot));
	for (int i = 0; i < days; i++) {
		g_array_set_size(day, 0);
		day_slots(hours, tz, p, g_date_get_year(&date), g_date_get_month(&date),
		          g_date_get_day(&date), day);
		for (guint k = 0; k < day->len; k++) {
			bb_slot *s = &g_array_index(day, bb_slot, k);
			if (judge(p, s->start, now) == BB_SLOT_OK)
				g_array_append_val(out, *s);
		}
		if (g_date_get_year(&date) >= 9999)
			break;
		g_date_add_days(&date, 1);
	}
	return out;
}

bb_slot_verdict bb_slots_check(const bb_hours *hours, GTimeZone *tz, const bb_slot_policy *p,
	gint64 start, gint64 now, bb_slot *out)
{
	g_return_val_if_fail(hours != NULL && tz != NULL && bb_slot_policy_valid(p),
	                     BB_SLOT_NOT_A_SLOT);
	bb_slot_verdict v = judge(p, start, now);
	if (v != BB_SLOT_OK)
		return v;
	int y, m, d, minute;
	wall_of(tz, start, &y, &m, &d, &minute);
	g_autoptr(GArray) day = g_array_new(FALSE, FALSE, sizeof(bb_slot));
	day_slots(hours, tz, p, y, m, d, day);
	for (guint k = 0; k < day->len; k++) {
		bb_slot *s = &g_array_index(day, bb_slot, k);
		if (s->start == start) {
			if (out != NULL)
				*out = *s;
			return BB_SLOT_OK;
		}
	}
	return BB_SLOT_NOT_A_SLOT;
}

const char *bb_slot_verdict_message(bb_slot_verdict v)
{
	static const char *const msg[] = {
		[BB_SLOT_OK] = "ok",
		[BB_SLOT_PAST] = "start: this time is in the past",
		[BB_SLOT_TOO_SOON] = "start: too soon; appointments need the office's minimum lead time",
		[BB_SLOT_TOO_FAR] = "start: beyond the office's booking horizon",
		[BB_SLOT_NOT_A_SLOT] = "start: not the start of an appointment slot of this office",
	};
	return (unsigned)v < G_N_ELEMENTS(msg) ? msg[v] : "start: invalid";
}
