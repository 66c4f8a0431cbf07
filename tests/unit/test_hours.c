/* test_hours.c: opening hours across DST changes, holidays, special hours, 24/7, lunch breaks. */
#include <glib.h>

#include "domain/hours.h"

#define H(x) ((x) * 60)

/* Unix seconds of a UTC wall time: inputs of the tests ("at"), written readably. */
static gint64 utc(int y, int mo, int d, int h, int mi)
{
	GDateTime *dt = g_date_time_new_utc(y, mo, d, h, mi, 0);
	gint64 t = g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return t;
}

/* Expected openings are literal unix times, checked independently with
 * TZ=Europe/Berlin date -d '2026-03-29 08:00' +%s, not computed by the code under test. */
#define SUN_2026_03_22_0800 G_GINT64_CONSTANT(1774162800)   /* 07:00Z, CET */
#define SUN_2026_03_29_0800 G_GINT64_CONSTANT(1774764000)   /* 06:00Z, CEST (DST began 02:00) */
#define SUN_2026_03_29_1200 G_GINT64_CONSTANT(1774778400)   /* 10:00Z */
#define MON_2026_03_30_0800 G_GINT64_CONSTANT(1774850400)   /* 06:00Z */
#define MON_2026_10_19_0800 G_GINT64_CONSTANT(1792389600)   /* 06:00Z, CEST */
#define SUN_2026_10_25_0800 G_GINT64_CONSTANT(1792911600)   /* 07:00Z, CET (DST ended 03:00) */
#define SUN_2026_10_25_1200 G_GINT64_CONSTANT(1792926000)   /* 11:00Z */
#define MON_2026_10_26_0800 G_GINT64_CONSTANT(1792998000)   /* 07:00Z */
#define MON_2026_12_28_0800 G_GINT64_CONSTANT(1798441200)   /* 07:00Z */
#define THU_2026_12_24_0900 G_GINT64_CONSTANT(1798099200)   /* 08:00Z */
#define THU_2026_12_24_1100 G_GINT64_CONSTANT(1798106400)   /* 10:00Z */

static bb_hours *berlin(void)
{
	bb_hours *h = bb_hours_new("Europe/Berlin");
	g_assert_nonnull(h);
	return h;
}

/* Sunday and Monday 08:00-12:00. */
static bb_hours *sun_mon_office(void)
{
	bb_hours *h = berlin();
	g_assert_true(bb_hours_add_weekly(h, 7, H(8), H(12)));
	g_assert_true(bb_hours_add_weekly(h, 1, H(8), H(12)));
	return h;
}

static bb_hours *weekday_office(void)
{
	bb_hours *h = berlin();
	for (int wd = 1; wd <= 5; wd++)
		g_assert_true(bb_hours_add_weekly(h, wd, H(8), H(12)));
	return h;
}

static void test_dst_spring(void)
{
	bb_hours *h = sun_mon_office();
	/* the week before: CET */
	g_assert_cmpint(bb_hours_next_opening(h, utc(2026, 3, 21, 12, 0), 14), ==, SUN_2026_03_22_0800);
	/* Saturday before the change -> Sunday 08:00 CEST */
	g_assert_cmpint(bb_hours_next_opening(h, utc(2026, 3, 28, 12, 0), 14), ==, SUN_2026_03_29_0800);
	/* in the night of the change, before and after 02:00 local */
	g_assert_cmpint(bb_hours_next_opening(h, utc(2026, 3, 29, 0, 30), 14), ==, SUN_2026_03_29_0800);
	g_assert_cmpint(bb_hours_next_opening(h, utc(2026, 3, 29, 1, 30), 14), ==, SUN_2026_03_29_0800);
	/* 05:59Z is 07:59 CEST: closed; 06:00Z is 08:00 CEST: open */
	g_assert_false(bb_hours_is_open(h, SUN_2026_03_29_0800 - 60));
	g_assert_true(bb_hours_is_open(h, SUN_2026_03_29_0800));
	g_assert_cmpint(bb_hours_current_close(h, SUN_2026_03_29_0800), ==, SUN_2026_03_29_1200);
	g_assert_false(bb_hours_is_open(h, SUN_2026_03_29_1200));
	/* open now: the next opening is the one after this interval, Monday */
	g_assert_cmpint(bb_hours_next_opening(h, SUN_2026_03_29_0800 + 3600, 14), ==, MON_2026_03_30_0800);
	g_assert_true(bb_hours_is_open(h, MON_2026_03_30_0800));
	/* the day is 23 h long */
	g_assert_cmpint(bb_hours_local_to_unix(h, 2026, 3, 29, 1440)
	                - bb_hours_local_to_unix(h, 2026, 3, 29, 0), ==, 23 * 3600);
	bb_hours_free(h);
}

static void test_dst_autumn(void)
{
	bb_hours *h = sun_mon_office();
	g_assert_cmpint(bb_hours_next_opening(h, utc(2026, 10, 18, 12, 0), 14), ==, MON_2026_10_19_0800);
	g_assert_cmpint(bb_hours_next_opening(h, utc(2026, 10, 24, 12, 0), 14), ==, SUN_2026_10_25_0800);
	/* 06:30Z is 07:30 CET (it would be 08:30 in summer time): still closed */
	g_assert_false(bb_hours_is_open(h, utc(2026, 10, 25, 6, 30)));
	g_assert_true(bb_hours_is_open(h, SUN_2026_10_25_0800));
	g_assert_cmpint(bb_hours_current_close(h, SUN_2026_10_25_0800 + 60), ==, SUN_2026_10_25_1200);
	g_assert_cmpint(bb_hours_next_opening(h, SUN_2026_10_25_1200, 14), ==, MON_2026_10_26_0800);
	/* the day is 25 h long */
	g_assert_cmpint(bb_hours_local_to_unix(h, 2026, 10, 25, 1440)
	                - bb_hours_local_to_unix(h, 2026, 10, 25, 0), ==, 25 * 3600);
	bb_hours_free(h);
}

/* Wall times that do not exist or exist twice. */
static void test_local_to_unix_edges(void)
{
	bb_hours *h = berlin();
	/* 02:30 on 2026-03-29 is skipped: interpreted with the offset before the gap -> 03:30 CEST */
	g_assert_cmpint(bb_hours_local_to_unix(h, 2026, 3, 29, H(2) + 30), ==, utc(2026, 3, 29, 1, 30));
	/* 02:30 on 2026-10-25 happens twice: the first (CEST) one */
	g_assert_cmpint(bb_hours_local_to_unix(h, 2026, 10, 25, H(2) + 30), ==, utc(2026, 10, 25, 0, 30));
	g_assert_cmpint(bb_hours_local_to_unix(h, 2026, 10, 25, H(8)), ==, SUN_2026_10_25_0800);
	/* 1440 = midnight at the end of the day */
	g_assert_cmpint(bb_hours_local_to_unix(h, 2026, 12, 31, 1440), ==,
	                bb_hours_local_to_unix(h, 2027, 1, 1, 0));
	g_assert_cmpint(bb_hours_local_to_unix(h, 2026, 2, 29, 0), ==, -1);
	g_assert_cmpint(bb_hours_local_to_unix(h, 2026, 13, 1, 0), ==, -1);
	g_assert_cmpint(bb_hours_local_to_unix(h, 2026, 1, 1, 1441), ==, -1);
	g_assert_cmpint(bb_hours_local_to_unix(h, 2026, 1, 1, -1), ==, -1);
	bb_hours_free(h);
}

static void test_local_date(void)
{
	bb_hours *h = berlin();
	int y, m, d;
	/* 23:30Z on the 28th is 00:30 local on the 29th */
	bb_hours_local_date(h, utc(2026, 3, 28, 23, 30), &y, &m, &d);
	g_assert_cmpint(y, ==, 2026);
	g_assert_cmpint(m, ==, 3);
	g_assert_cmpint(d, ==, 29);
	bb_hours_local_date(h, utc(2026, 12, 31, 22, 59), &y, &m, &d);
	g_assert_cmpint(y, ==, 2026);
	g_assert_cmpint(d, ==, 31);
	bb_hours_local_date(h, utc(2026, 12, 31, 23, 0), &y, &m, &d);
	g_assert_cmpint(y, ==, 2027);
	g_assert_cmpint(m, ==, 1);
	g_assert_cmpint(d, ==, 1);
	bb_hours_free(h);
}

/* A public holiday on Friday: from Thursday afternoon the next opening is Monday. */
static void test_holiday(void)
{
	bb_hours *h = weekday_office();
	bb_day_override xmas = { .year = 2026, .month = 12, .day = 25, .n_intervals = 0 };
	g_assert_true(bb_hours_add_override(h, &xmas));
	g_assert_cmpint(bb_hours_next_opening(h, utc(2026, 12, 24, 12, 0), 14), ==, MON_2026_12_28_0800);
	g_assert_false(bb_hours_is_open(h, utc(2026, 12, 25, 9, 0)));
	g_assert_cmpint(bb_hours_current_close(h, utc(2026, 12, 25, 9, 0)), ==, -1);
	bb_interval iv[4];
	g_assert_cmpint(bb_hours_intervals_on(h, utc(2026, 12, 25, 9, 0), iv, 4), ==, 0);
	/* the Friday before is a normal day */
	g_assert_true(bb_hours_is_open(h, utc(2026, 12, 18, 9, 0)));
	bb_hours_free(h);
}

/* Christmas Eve: 09:00-11:00 instead of 08:00-12:00. */
static void test_special_hours(void)
{
	bb_hours *h = weekday_office();
	bb_day_override eve = { .year = 2026, .month = 12, .day = 24, .n_intervals = 1,
	                        .intervals = { { 0, H(9), H(11) } } };
	g_assert_true(bb_hours_add_override(h, &eve));
	g_assert_false(bb_hours_is_open(h, THU_2026_12_24_0900 - 1800));
	g_assert_cmpint(bb_hours_next_opening(h, THU_2026_12_24_0900 - 3600, 14), ==, THU_2026_12_24_0900);
	g_assert_true(bb_hours_is_open(h, THU_2026_12_24_0900));
	g_assert_cmpint(bb_hours_current_close(h, THU_2026_12_24_0900 + 600), ==, THU_2026_12_24_1100);
	g_assert_false(bb_hours_is_open(h, THU_2026_12_24_1100));
	bb_interval iv[4];
	g_assert_cmpint(bb_hours_intervals_on(h, THU_2026_12_24_0900, iv, 4), ==, 1);
	g_assert_cmpint(iv[0].weekday, ==, 4);
	g_assert_cmpint(iv[0].open_min, ==, H(9));
	g_assert_cmpint(iv[0].close_min, ==, H(11));
	/* a later override for the same date replaces the earlier one */
	bb_day_override closed = { .year = 2026, .month = 12, .day = 24, .n_intervals = 0 };
	g_assert_true(bb_hours_add_override(h, &closed));
	g_assert_false(bb_hours_is_open(h, THU_2026_12_24_0900));
	bb_hours_free(h);
}

/* Open around the clock: continuous across midnight and DST, no next opening. */
static void test_around_the_clock(void)
{
	bb_hours *h = berlin();
	for (int wd = 1; wd <= 7; wd++)
		g_assert_true(bb_hours_add_weekly(h, wd, 0, 1440));
	gint64 times[] = { utc(2026, 3, 28, 23, 0) /* local midnight */, utc(2026, 3, 29, 1, 0),
	                   utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30), utc(2026, 6, 1, 12, 0) };
	for (gsize i = 0; i < G_N_ELEMENTS(times); i++) {
		g_assert_true(bb_hours_is_open(h, times[i]));
		g_assert_cmpint(bb_hours_next_opening(h, times[i], 30), ==, -1);
		/* documented: the end of continuous opening, followed up to 14 days ahead */
		g_assert_cmpint(bb_hours_current_close(h, times[i]), >=, times[i] + 14 * 86400);
		g_assert_cmpint(bb_hours_current_close(h, times[i]), <=, times[i] + 15 * 86400 + 3600);
	}
	bb_interval iv[4];
	g_assert_cmpint(bb_hours_intervals_on(h, times[4], iv, 4), ==, 1);
	g_assert_cmpint(iv[0].open_min, ==, 0);
	g_assert_cmpint(iv[0].close_min, ==, 1440);
	/* a closing day breaks the run: it ends at that day's midnight, then opens after it */
	bb_day_override off = { .year = 2026, .month = 6, .day = 3, .n_intervals = 0 };
	g_assert_true(bb_hours_add_override(h, &off));
	g_assert_cmpint(bb_hours_current_close(h, times[4]), ==, bb_hours_local_to_unix(h, 2026, 6, 3, 0));
	g_assert_cmpint(bb_hours_next_opening(h, times[4], 30), ==, bb_hours_local_to_unix(h, 2026, 6, 4, 0));
	bb_hours_free(h);
}

/* Friday evening into Saturday night: one continuous opening across midnight. */
static void test_across_midnight(void)
{
	bb_hours *h = berlin();
	g_assert_true(bb_hours_add_weekly(h, 5, H(20), 1440));
	g_assert_true(bb_hours_add_weekly(h, 6, 0, H(2)));
	gint64 sat_midnight = bb_hours_local_to_unix(h, 2026, 6, 6, 0);
	g_assert_true(bb_hours_is_open(h, sat_midnight - 3600));
	g_assert_true(bb_hours_is_open(h, sat_midnight));
	g_assert_cmpint(bb_hours_current_close(h, sat_midnight - 3600), ==, sat_midnight + 2 * 3600);
	g_assert_cmpint(bb_hours_next_opening(h, sat_midnight - 3600, 14), ==,
	                bb_hours_local_to_unix(h, 2026, 6, 12, H(20)));
	bb_hours_free(h);
}

/* Two intervals a day (lunch break), and touching intervals merge. */
static void test_lunch_break(void)
{
	bb_hours *h = berlin();
	g_assert_true(bb_hours_add_weekly(h, 2, H(13), H(16)));   /* added out of order on purpose */
	g_assert_true(bb_hours_add_weekly(h, 2, H(8), H(12)));
	gint64 t0800 = bb_hours_local_to_unix(h, 2026, 6, 2, H(8));
	gint64 t1200 = bb_hours_local_to_unix(h, 2026, 6, 2, H(12));
	gint64 t1300 = bb_hours_local_to_unix(h, 2026, 6, 2, H(13));
	gint64 t1600 = bb_hours_local_to_unix(h, 2026, 6, 2, H(16));
	g_assert_true(bb_hours_is_open(h, t0800 + 60));
	g_assert_cmpint(bb_hours_current_close(h, t0800 + 60), ==, t1200);
	g_assert_cmpint(bb_hours_next_opening(h, t0800 + 60, 14), ==, t1300);
	g_assert_false(bb_hours_is_open(h, t1200 + 1800));
	g_assert_cmpint(bb_hours_next_opening(h, t1200 + 1800, 14), ==, t1300);
	g_assert_cmpint(bb_hours_current_close(h, t1300), ==, t1600);
	g_assert_cmpint(bb_hours_next_opening(h, t1300, 14), ==,
	                bb_hours_local_to_unix(h, 2026, 6, 9, H(8)));
	bb_interval iv[4];
	g_assert_cmpint(bb_hours_intervals_on(h, t0800, iv, 4), ==, 2);
	g_assert_cmpint(iv[0].open_min, ==, H(8));
	g_assert_cmpint(iv[1].open_min, ==, H(13));
	g_assert_cmpint(bb_hours_intervals_on(h, t0800, iv, 1), ==, 1);
	/* 12:00-13:00 fills the gap: one run 08:00-16:00 */
	g_assert_true(bb_hours_add_weekly(h, 2, H(12), H(13)));
	g_assert_cmpint(bb_hours_current_close(h, t0800 + 60), ==, t1600);
	g_assert_cmpint(bb_hours_intervals_on(h, t0800, iv, 4), ==, 1);
	bb_hours_free(h);
}

/* Friday afternoon -> Monday morning; horizon limits the search. */
static void test_weekend(void)
{
	bb_hours *h = weekday_office();
	gint64 fri_1400 = bb_hours_local_to_unix(h, 2026, 6, 5, H(14));
	gint64 mon_0800 = bb_hours_local_to_unix(h, 2026, 6, 8, H(8));
	g_assert_false(bb_hours_is_open(h, fri_1400));
	g_assert_cmpint(bb_hours_next_opening(h, fri_1400, 14), ==, mon_0800);
	g_assert_cmpint(bb_hours_next_opening(h, fri_1400, 3), ==, mon_0800);
	g_assert_cmpint(bb_hours_next_opening(h, fri_1400, 2), ==, -1);
	g_assert_cmpint(bb_hours_next_opening(h, fri_1400, -5), ==, -1);
	/* Friday early morning: the same day */
	g_assert_cmpint(bb_hours_next_opening(h, fri_1400 - H(8) * 60, 0), ==,
	                bb_hours_local_to_unix(h, 2026, 6, 5, H(8)));
	bb_hours_free(h);
}

static void test_no_hours(void)
{
	bb_hours *h = berlin();
	g_assert_false(bb_hours_is_open(h, utc(2026, 6, 1, 10, 0)));
	g_assert_cmpint(bb_hours_next_opening(h, utc(2026, 6, 1, 10, 0), 400), ==, -1);
	g_assert_cmpint(bb_hours_current_close(h, utc(2026, 6, 1, 10, 0)), ==, -1);
	bb_hours_free(h);
}

static void test_invalid_input(void)
{
	g_assert_null(bb_hours_new("Mars/Olympus_Mons"));
	g_assert_null(bb_hours_new(""));
	g_assert_null(bb_hours_new(NULL));
	bb_hours *h = berlin();
	g_assert_false(bb_hours_add_weekly(h, 0, H(8), H(12)));
	g_assert_false(bb_hours_add_weekly(h, 8, H(8), H(12)));
	g_assert_false(bb_hours_add_weekly(h, 1, H(12), H(8)));
	g_assert_false(bb_hours_add_weekly(h, 1, H(8), H(8)));
	g_assert_false(bb_hours_add_weekly(h, 1, -1, H(8)));
	g_assert_false(bb_hours_add_weekly(h, 1, H(8), 1441));
	bb_day_override bad_date = { .year = 2026, .month = 2, .day = 30 };
	g_assert_false(bb_hours_add_override(h, &bad_date));
	bb_day_override too_many = { .year = 2026, .month = 2, .day = 3, .n_intervals = 5 };
	g_assert_false(bb_hours_add_override(h, &too_many));
	bb_day_override bad_iv = { .year = 2026, .month = 2, .day = 3, .n_intervals = 1,
	                           .intervals = { { 0, H(10), H(9) } } };
	g_assert_false(bb_hours_add_override(h, &bad_iv));
	g_assert_false(bb_hours_add_override(h, NULL));
	/* nothing was added */
	g_assert_cmpint(bb_hours_next_opening(h, utc(2026, 1, 1, 0, 0), 400), ==, -1);
	/* per-day limit: 8 intervals, the 9th is refused */
	for (int i = 0; i < 8; i++)
		g_assert_true(bb_hours_add_weekly(h, 3, H(i), H(i) + 30));
	g_assert_false(bb_hours_add_weekly(h, 3, H(20), H(21)));
	/* out-of-range instants never crash */
	g_assert_false(bb_hours_is_open(h, -1));
	g_assert_false(bb_hours_is_open(h, G_MAXINT64));
	g_assert_cmpint(bb_hours_next_opening(h, G_MININT64, 10), ==, -1);
	int y = 1, m = 1, d = 1;
	bb_hours_local_date(h, G_MAXINT64, &y, &m, &d);
	g_assert_cmpint(y, ==, 0);
	bb_hours_free(h);
	bb_hours_free(NULL);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/hours/dst_spring", test_dst_spring);
	g_test_add_func("/hours/dst_autumn", test_dst_autumn);
	g_test_add_func("/hours/local_to_unix_edges", test_local_to_unix_edges);
	g_test_add_func("/hours/local_date", test_local_date);
	g_test_add_func("/hours/holiday", test_holiday);
	g_test_add_func("/hours/special_hours", test_special_hours);
	g_test_add_func("/hours/around_the_clock", test_around_the_clock);
	g_test_add_func("/hours/across_midnight", test_across_midnight);
	g_test_add_func("/hours/lunch_break", test_lunch_break);
	g_test_add_func("/hours/weekend", test_weekend);
	g_test_add_func("/hours/no_hours", test_no_hours);
	g_test_add_func("/hours/invalid_input", test_invalid_input);
	return g_test_run();
}
