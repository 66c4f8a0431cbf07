/* test_slots.c: appointment slots from opening hours: share rule, lead time, horizon, blocked
 * days, holidays and both DST changes of 2026 (Europe/Berlin). */
#include <glib.h>
#include <string.h>

#include "domain/slots.h"

#define H(x) ((x) * 60)

/* Expected instants are written as UTC wall times derived by hand (CET = UTC+1 until
 * 2026-03-29 02:00 local, CEST = UTC+2 until 2026-10-25 03:00 local), never by the code. */
static gint64 utc(int y, int mo, int d, int h, int mi)
{
	g_autoptr(GDateTime) dt = g_date_time_new_utc(y, mo, d, h, mi, 0);
	return g_date_time_to_unix(dt);
}

typedef struct fixture {
	bb_hours *hours;
	GTimeZone *tz;
	bb_slot_policy p;
} fixture;

/* A typical office: Monday to Friday 08:00-12:00 and 13:00-16:00, 20-minute slots, half of
 * them for appointments, capacity 2, lead time 2 h, horizon 28 days. */
static void office_setup(fixture *f, gconstpointer data)
{
	f->hours = bb_hours_new("Europe/Berlin");
	g_assert_nonnull(f->hours);
	for (int wd = 1; wd <= 5; wd++) {
		g_assert_true(bb_hours_add_weekly(f->hours, wd, H(8), H(12)));
		g_assert_true(bb_hours_add_weekly(f->hours, wd, H(13), H(16)));
	}
	f->tz = g_time_zone_new_identifier("Europe/Berlin");
	g_assert_nonnull(f->tz);
	f->p = (bb_slot_policy){ .slot_min = 20, .capacity = 2, .horizon_days = 28,
	                         .lead_s = 7200, .share_permille = 500 };
}

/* Open around the clock, every slot an appointment slot: shows the DST edges directly. */
static void always_setup(fixture *f, gconstpointer data)
{
	f->hours = bb_hours_new("Europe/Berlin");
	for (int wd = 1; wd <= 7; wd++)
		g_assert_true(bb_hours_add_weekly(f->hours, wd, 0, H(24)));
	f->tz = g_time_zone_new_identifier("Europe/Berlin");
	f->p = (bb_slot_policy){ .slot_min = 20, .capacity = 1, .horizon_days = 60,
	                         .lead_s = 0, .share_permille = 1000 };
}

static void teardown(fixture *f, gconstpointer data)
{
	bb_hours_free(f->hours);
	g_time_zone_unref(f->tz);
}

static void test_share_rule(void)
{
	const char *half = "1010101010", *quarter = "1000100010", *all = "1111111111";
	const char *none = "0000000000", *third = "1001001001";
	struct { int permille; const char *pattern; } cases[] = {
		{ 500, half }, { 250, quarter }, { 1000, all }, { 0, none }, { 333, third },
	};
	for (guint c = 0; c < G_N_ELEMENTS(cases); c++)
		for (int i = 0; i < 10; i++)
			g_assert_cmpint(bb_slots_is_appointment_slot(i, cases[c].permille), ==,
			                (cases[c].pattern[i] == '1'));
	g_assert_false(bb_slots_is_appointment_slot(-1, 500));
}

static void test_policy_validation(void)
{
	bb_slot_policy ok = { 20, 2, 28, 7200, 500, NULL, 0, 0 };
	g_assert_true(bb_slot_policy_valid(&ok));
	bb_slot_policy bad[] = {
		{ 4, 2, 28, 7200, 500, NULL, 0, 0 }, { 20, 0, 28, 7200, 500, NULL, 0, 0 },
		{ 20, 2, 0, 7200, 500, NULL, 0, 0 }, { 20, 2, 28, -1, 500, NULL, 0, 0 },
		{ 20, 2, 28, 7200, 1001, NULL, 0, 0 }, { 20, 2, 28, 7200, 500, NULL, 3, 0 },
	};
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++)
		g_assert_false(bb_slot_policy_valid(&bad[i]));
	g_assert_false(bb_slot_policy_valid(NULL));
}

/* Wednesday 2026-11-25 (CET): 08:00-12:00 has 12 slots, 13:00-16:00 has 9; every second one
 * from the opening is an appointment slot: 6 + 5. */
static void test_ordinary_day(fixture *f, gconstpointer data)
{
	gint64 now = utc(2026, 11, 20, 12, 0);
	g_autoptr(GArray) s = bb_slots_list(f->hours, f->tz, &f->p, 2026, 11, 25, 1, now);
	static const int expect_local[] = { H(8), H(8) + 40, H(9) + 20, H(10), H(10) + 40,
		H(11) + 20, H(13), H(13) + 40, H(14) + 20, H(15), H(15) + 40 };
	g_assert_cmpuint(s->len, ==, G_N_ELEMENTS(expect_local));
	for (guint i = 0; i < s->len; i++) {
		bb_slot *x = &g_array_index(s, bb_slot, i);
		g_assert_cmpint(x->minute, ==, expect_local[i]);
		g_assert_cmpint(x->start, ==, utc(2026, 11, 25, 0, 0) + (expect_local[i] - 60) * 60);
		g_assert_cmpint(x->end - x->start, ==, 20 * 60);
		g_assert_cmpint(x->d, ==, 25);
	}
	/* Closed by an admin until 10:00 local: the slots before are not offered. */
	bb_slot_policy closed = f->p;
	closed.closed_until = utc(2026, 11, 25, 9, 0);
	g_autoptr(GArray) c = bb_slots_list(f->hours, f->tz, &closed, 2026, 11, 25, 1, now);
	g_assert_cmpuint(c->len, ==, G_N_ELEMENTS(expect_local) - 3);
	g_assert_cmpint(g_array_index(c, bb_slot, 0).minute, ==, H(10));
	/* A weekend has none. */
	g_autoptr(GArray) we = bb_slots_list(f->hours, f->tz, &f->p, 2026, 11, 28, 2, now);
	g_assert_cmpuint(we->len, ==, 0);
}

/* The week of the spring change: Friday 27 March is CET (08:00 = 07:00Z), Monday 30 March is
 * CEST (08:00 = 06:00Z). Same local slots on both days. */
static void test_dst_spring_week(fixture *f, gconstpointer data)
{
	gint64 now = utc(2026, 3, 20, 12, 0);
	g_autoptr(GArray) s = bb_slots_list(f->hours, f->tz, &f->p, 2026, 3, 27, 4, now);
	g_assert_cmpuint(s->len, ==, 22);
	bb_slot *fri = &g_array_index(s, bb_slot, 0), *mon = &g_array_index(s, bb_slot, 11);
	g_assert_cmpint(fri->start, ==, utc(2026, 3, 27, 7, 0));
	g_assert_cmpint(mon->d, ==, 30);
	g_assert_cmpint(mon->minute, ==, H(8));
	g_assert_cmpint(mon->start, ==, utc(2026, 3, 30, 6, 0));
	bb_slot *mon_last = &g_array_index(s, bb_slot, 21);
	g_assert_cmpint(mon_last->start, ==, utc(2026, 3, 30, 13, 40));   /* 15:40 CEST */
}

/* The week of the autumn change: Friday 23 October CEST (08:00 = 06:00Z), Monday 26 October
 * CET (08:00 = 07:00Z). */
static void test_dst_autumn_week(fixture *f, gconstpointer data)
{
	gint64 now = utc(2026, 10, 15, 12, 0);
	g_autoptr(GArray) s = bb_slots_list(f->hours, f->tz, &f->p, 2026, 10, 23, 4, now);
	g_assert_cmpuint(s->len, ==, 22);
	g_assert_cmpint(g_array_index(s, bb_slot, 0).start, ==, utc(2026, 10, 23, 6, 0));
	g_assert_cmpint(g_array_index(s, bb_slot, 11).start, ==, utc(2026, 10, 26, 7, 0));
	g_assert_cmpint(g_array_index(s, bb_slot, 11).minute, ==, H(8));
}

/* Sunday 29 March around the clock: local 02:00-02:59 does not exist, so 72 - 3 slots; the
 * one after 01:40 CET (00:40Z) is 03:00 CEST (01:00Z). Slots never overlap. */
static void test_dst_gap_day(fixture *f, gconstpointer data)
{
	gint64 now = utc(2026, 3, 1, 0, 0);
	g_autoptr(GArray) s = bb_slots_list(f->hours, f->tz, &f->p, 2026, 3, 29, 1, now);
	g_assert_cmpuint(s->len, ==, 69);
	g_assert_cmpint(g_array_index(s, bb_slot, 5).minute, ==, H(1) + 40);
	g_assert_cmpint(g_array_index(s, bb_slot, 5).start, ==, utc(2026, 3, 29, 0, 40));
	g_assert_cmpint(g_array_index(s, bb_slot, 6).minute, ==, H(3));
	g_assert_cmpint(g_array_index(s, bb_slot, 6).start, ==, utc(2026, 3, 29, 1, 0));
	for (guint i = 1; i < s->len; i++)
		g_assert_cmpint(g_array_index(s, bb_slot, i).start, >=,
		                g_array_index(s, bb_slot, i - 1).end);
}

/* Sunday 25 October around the clock: 02:00-02:59 happens twice; slots take the first
 * occurrence (CEST), the repeated hour has none: 72 slots over 25 hours. */
static void test_dst_repeat_day(fixture *f, gconstpointer data)
{
	gint64 now = utc(2026, 10, 1, 0, 0);
	g_autoptr(GArray) s = bb_slots_list(f->hours, f->tz, &f->p, 2026, 10, 25, 1, now);
	g_assert_cmpuint(s->len, ==, 72);
	g_assert_cmpint(g_array_index(s, bb_slot, 6).minute, ==, H(2));
	g_assert_cmpint(g_array_index(s, bb_slot, 6).start, ==, utc(2026, 10, 25, 0, 0));
	g_assert_cmpint(g_array_index(s, bb_slot, 8).start, ==, utc(2026, 10, 25, 0, 40));
	g_assert_cmpint(g_array_index(s, bb_slot, 9).minute, ==, H(3));
	g_assert_cmpint(g_array_index(s, bb_slot, 9).start, ==, utc(2026, 10, 25, 2, 0));
	g_assert_cmpint(g_array_index(s, bb_slot, 71).start, ==, utc(2026, 10, 25, 22, 40));
}

/* Now = Wednesday 09:05 local: with 2 h lead time the first bookable slot is 11:20. */
static void test_lead_time(fixture *f, gconstpointer data)
{
	gint64 now = utc(2026, 11, 25, 8, 5);
	g_autoptr(GArray) s = bb_slots_list(f->hours, f->tz, &f->p, 2026, 11, 25, 1, now);
	g_assert_cmpuint(s->len, ==, 6);
	g_assert_cmpint(g_array_index(s, bb_slot, 0).minute, ==, H(11) + 20);
}

/* Horizon 28 days from Wednesday 2026-11-25 12:00Z ends Wednesday 23 December 12:00Z
 * (13:00 local): that slot is the last bookable one. */
static void test_horizon(fixture *f, gconstpointer data)
{
	gint64 now = utc(2026, 11, 25, 12, 0);
	g_autoptr(GArray) s = bb_slots_list(f->hours, f->tz, &f->p, 2026, 12, 22, 3, now);
	g_assert_cmpuint(s->len, >, 0);
	gint64 limit = now + 28 * 86400;
	for (guint i = 0; i < s->len; i++)
		g_assert_cmpint(g_array_index(s, bb_slot, i).start, <=, limit);
	/* 23 December: the morning up to 13:00 local (12:00Z) only. */
	bb_slot *last = &g_array_index(s, bb_slot, s->len - 1);
	g_assert_cmpint(last->d, ==, 23);
	g_assert_cmpint(last->start, ==, utc(2026, 12, 23, 12, 0));
}

static void test_blocked_and_holiday(fixture *f, gconstpointer data)
{
	static const int blocked[] = { 20261126 };
	f->p.blocked = blocked;
	f->p.n_blocked = 1;
	bb_day_override christmas = { .year = 2026, .month = 12, .day = 24, .n_intervals = 0 };
	g_assert_true(bb_hours_add_override(f->hours, &christmas));
	gint64 now = utc(2026, 11, 20, 12, 0);
	g_autoptr(GArray) s = bb_slots_list(f->hours, f->tz, &f->p, 2026, 11, 25, 3, now);
	g_assert_cmpuint(s->len, ==, 22);       /* Wed + Fri, Thu blocked */
	for (guint i = 0; i < s->len; i++)
		g_assert_cmpint(g_array_index(s, bb_slot, i).d, !=, 26);
	now = utc(2026, 12, 1, 12, 0);
	g_autoptr(GArray) x = bb_slots_list(f->hours, f->tz, &f->p, 2026, 12, 24, 1, now);
	g_assert_cmpuint(x->len, ==, 0);
}

static void test_check(fixture *f, gconstpointer data)
{
	gint64 now = utc(2026, 11, 20, 12, 0);
	bb_slot s;
	g_assert_cmpint(bb_slots_check(f->hours, f->tz, &f->p, utc(2026, 11, 25, 7, 40), now, &s),
	                ==, BB_SLOT_OK);
	g_assert_cmpint(s.minute, ==, H(8) + 40);
	g_assert_cmpint(s.end, ==, utc(2026, 11, 25, 8, 0));
	/* 08:20 is a walk-in slot; 08:05 no boundary; 12:00 lunch; Saturday closed. */
	g_assert_cmpint(bb_slots_check(f->hours, f->tz, &f->p, utc(2026, 11, 25, 7, 20), now, NULL),
	                ==, BB_SLOT_NOT_A_SLOT);
	g_assert_cmpint(bb_slots_check(f->hours, f->tz, &f->p, utc(2026, 11, 25, 7, 5), now, NULL),
	                ==, BB_SLOT_NOT_A_SLOT);
	g_assert_cmpint(bb_slots_check(f->hours, f->tz, &f->p, utc(2026, 11, 25, 11, 0), now, NULL),
	                ==, BB_SLOT_NOT_A_SLOT);
	g_assert_cmpint(bb_slots_check(f->hours, f->tz, &f->p, utc(2026, 11, 28, 8, 0), now, NULL),
	                ==, BB_SLOT_NOT_A_SLOT);
	g_assert_cmpint(bb_slots_check(f->hours, f->tz, &f->p, utc(2026, 11, 19, 7, 0), now, NULL),
	                ==, BB_SLOT_PAST);
	g_assert_cmpint(bb_slots_check(f->hours, f->tz, &f->p, utc(2026, 11, 20, 13, 0), now, NULL),
	                ==, BB_SLOT_TOO_SOON);
	g_assert_cmpint(bb_slots_check(f->hours, f->tz, &f->p, utc(2027, 1, 6, 7, 0), now, NULL),
	                ==, BB_SLOT_TOO_FAR);
	g_assert_nonnull(strstr(bb_slot_verdict_message(BB_SLOT_PAST), "past"));
}

/* Spring gap: 02:20 local does not exist, the instant 01:20Z is 03:20 CEST: a slot, but
 * 02:20 as such can never be booked. */
static void test_check_dst(fixture *f, gconstpointer data)
{
	gint64 now = utc(2026, 3, 1, 0, 0);
	g_assert_cmpint(bb_slots_check(f->hours, f->tz, &f->p, utc(2026, 3, 29, 1, 20), now, NULL),
	                ==, BB_SLOT_OK);
	/* The repeated autumn hour: 02:20 CET (01:20Z) is not offered, 02:20 CEST (00:20Z) is. */
	now = utc(2026, 10, 1, 0, 0);
	g_assert_cmpint(bb_slots_check(f->hours, f->tz, &f->p, utc(2026, 10, 25, 1, 20), now, NULL),
	                ==, BB_SLOT_NOT_A_SLOT);
	g_assert_cmpint(bb_slots_check(f->hours, f->tz, &f->p, utc(2026, 10, 25, 0, 20), now, NULL),
	                ==, BB_SLOT_OK);
}

static void test_bad_arguments(fixture *f, gconstpointer data)
{
	g_autoptr(GArray) a = bb_slots_list(f->hours, f->tz, &f->p, 2026, 2, 30, 1, 0);
	g_assert_cmpuint(a->len, ==, 0);
	g_autoptr(GArray) b = bb_slots_list(f->hours, f->tz, &f->p, 2026, 11, 25, 32, 0);
	g_assert_cmpuint(b->len, ==, 0);
	g_autoptr(GArray) c = bb_slots_list(f->hours, f->tz, &f->p, 2026, 11, 25, 0, 0);
	g_assert_cmpuint(c->len, ==, 0);
}

#define FIX(path, setup, fn) \
	g_test_add(path, fixture, NULL, setup, fn, teardown)

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/slots/share_rule", test_share_rule);
	g_test_add_func("/slots/policy_validation", test_policy_validation);
	FIX("/slots/ordinary_day", office_setup, test_ordinary_day);
	FIX("/slots/dst_spring_week", office_setup, test_dst_spring_week);
	FIX("/slots/dst_autumn_week", office_setup, test_dst_autumn_week);
	FIX("/slots/dst_gap_day", always_setup, test_dst_gap_day);
	FIX("/slots/dst_repeat_day", always_setup, test_dst_repeat_day);
	FIX("/slots/lead_time", office_setup, test_lead_time);
	FIX("/slots/horizon", office_setup, test_horizon);
	FIX("/slots/blocked_and_holiday", office_setup, test_blocked_and_holiday);
	FIX("/slots/check", office_setup, test_check);
	FIX("/slots/check_dst", always_setup, test_check_dst);
	FIX("/slots/bad_arguments", office_setup, test_bad_arguments);
	return g_test_run();
}
