/* test_estimate.c: the wait-time range: null without data, growth with position, clerks. */
#include <glib.h>

#include "domain/estimate.h"

static const int durations[] = { 420, 600, 300, 540, 480, 360, 660, 390, 510, 450 };

static void test_no_data(void)
{
	const int two[] = { 300, 400 };
	g_assert_false(bb_estimate_wait(NULL, 0, 0, 1.0).known);
	g_assert_false(bb_estimate_wait(two, 2, 0, 1.0).known);
	g_assert_cmpint(BB_ESTIMATE_MIN_SAMPLES, ==, 3);
	/* enough durations but nobody online */
	g_assert_false(bb_estimate_wait(durations, 10, 0, 0.0).known);
	g_assert_false(bb_estimate_wait(durations, 10, 0, -1.0).known);
	/* implausible durations do not count as samples */
	const int bad[] = { 0, -5, 300, 400, 99999 };
	g_assert_false(bb_estimate_wait(bad, 5, 0, 1.0).known);
	g_assert_false(bb_estimate_wait(durations, 10, -1, 1.0).known);
}

static void test_minimum_samples(void)
{
	bb_estimate e = bb_estimate_wait(durations, 3, 0, 1.0);
	g_assert_true(e.known);
	g_assert_cmpint(e.min_s, >=, 0);
	g_assert_cmpint(e.max_s, >, e.min_s);
}

/* The figure from docs/wait-estimate.md: keep the doc and the code in step. */
static void test_worked_example(void)
{
	bb_estimate e = bb_estimate_wait(durations, 10, 3, 2.0);
	g_assert_true(e.known);
	g_assert_cmpint(e.min_s, ==, 840);
	g_assert_cmpint(e.max_s, ==, 1080);
}

static void test_whole_minutes(void)
{
	for (int p = 0; p < 30; p++) {
		bb_estimate e = bb_estimate_wait(durations, 10, p, 1.5);
		g_assert_true(e.known);
		g_assert_cmpint(e.min_s % 60, ==, 0);
		g_assert_cmpint(e.max_s % 60, ==, 0);
		g_assert_cmpint(e.max_s - e.min_s, >=, 60);
	}
}

static void test_grows_with_position(void)
{
	bb_estimate prev = bb_estimate_wait(durations, 10, 0, 1.0);
	for (int p = 1; p < 50; p++) {
		bb_estimate e = bb_estimate_wait(durations, 10, p, 1.0);
		g_assert_true(e.known);
		g_assert_cmpint(e.min_s, >, prev.min_s);
		g_assert_cmpint(e.max_s, >, prev.max_s);
		/* the range also widens: more consultations ahead, more uncertainty */
		g_assert_cmpint(e.max_s - e.min_s, >=, prev.max_s - prev.min_s);
		prev = e;
	}
}

static void test_shrinks_with_clerks(void)
{
	bb_estimate prev = bb_estimate_wait(durations, 10, 8, 1.0);
	for (int c = 2; c <= 6; c++) {
		bb_estimate e = bb_estimate_wait(durations, 10, 8, (double)c);
		g_assert_true(e.known);
		g_assert_cmpint(e.min_s, <, prev.min_s);
		g_assert_cmpint(e.max_s, <, prev.max_s);
		prev = e;
	}
	/* a paused clerk counts half: between one and two clerks */
	bb_estimate one = bb_estimate_wait(durations, 10, 8, 1.0);
	bb_estimate half = bb_estimate_wait(durations, 10, 8, 1.5);
	bb_estimate two = bb_estimate_wait(durations, 10, 8, 2.0);
	g_assert_cmpint(half.max_s, <, one.max_s);
	g_assert_cmpint(half.max_s, >, two.max_s);
}

/* One forgotten hang-up (3 h) must not blow up the estimate: it is trimmed away. */
static void test_outlier_trimmed(void)
{
	int with_outlier[G_N_ELEMENTS(durations)];
	for (gsize i = 0; i < G_N_ELEMENTS(durations); i++)
		with_outlier[i] = durations[i];
	with_outlier[0] = 3 * 3600;
	bb_estimate a = bb_estimate_wait(durations, 10, 0, 1.0);
	bb_estimate b = bb_estimate_wait(with_outlier, 10, 0, 1.0);
	g_assert_true(b.known);
	g_assert_cmpint(b.max_s, <=, a.max_s + 120);
}

/* Only the newest durations count: old slow ones beyond the window are ignored. */
static void test_window_newest_first(void)
{
	int many[40];
	for (int i = 0; i < 40; i++)
		many[i] = i < 20 ? 300 : 3000;
	bb_estimate e = bb_estimate_wait(many, 40, 0, 1.0);
	g_assert_true(e.known);
	g_assert_cmpint(e.max_s, <=, 420);
}

static void test_bounded(void)
{
	const int long_ones[] = { 14000, 14000, 14000 };
	bb_estimate e = bb_estimate_wait(long_ones, 3, 100000, 0.5);
	g_assert_true(e.known);
	g_assert_cmpint(e.max_s, <=, 7 * 86400 + 60);
	g_assert_false(bb_estimate_wait(long_ones, 3, 100001, 0.5).known);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/estimate/no_data", test_no_data);
	g_test_add_func("/estimate/minimum_samples", test_minimum_samples);
	g_test_add_func("/estimate/worked_example", test_worked_example);
	g_test_add_func("/estimate/whole_minutes", test_whole_minutes);
	g_test_add_func("/estimate/grows_with_position", test_grows_with_position);
	g_test_add_func("/estimate/shrinks_with_clerks", test_shrinks_with_clerks);
	g_test_add_func("/estimate/outlier_trimmed", test_outlier_trimmed);
	g_test_add_func("/estimate/window_newest_first", test_window_newest_first);
	g_test_add_func("/estimate/bounded", test_bounded);
	return g_test_run();
}
