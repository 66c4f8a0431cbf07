/* test_apptcode.c: confirmation codes (alphabet, entropy, normalisation, hashing) and the
 * per-address guessing limiter. */
#include <glib.h>
#include <string.h>

#include "domain/apptcode.h"

static const char alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

static void test_shape(void)
{
	for (int i = 0; i < 2000; i++) {
		g_autofree char *c = bb_apptcode_new();
		g_assert_nonnull(c);
		g_assert_cmpuint(strlen(c), ==, 9);
		g_assert_cmpint(c[4], ==, '-');
		for (int k = 0; k < 9; k++)
			if (k != 4)
				g_assert_nonnull(strchr(alphabet, c[k]));
		for (const char *bad = "01IO"; *bad; bad++)
			g_assert_null(strchr(c, *bad));
	}
}

/* 20,000 codes: every symbol appears at every position (the 5-bit mapping uses all 32), and
 * no duplicates (expected collisions at 40 bits: ~0.0002). */
static void test_distribution(void)
{
	int seen[8][32] = { { 0 } };
	g_autoptr(GHashTable) set = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (int i = 0; i < 20000; i++) {
		char *c = bb_apptcode_new();
		for (int k = 0, pos = 0; k < 9; k++) {
			if (k == 4)
				continue;
			seen[pos++][strchr(alphabet, c[k]) - alphabet]++;
		}
		g_assert_true(g_hash_table_add(set, c));
	}
	for (int p = 0; p < 8; p++)
		for (int s = 0; s < 32; s++) {
			g_assert_cmpint(seen[p][s], >, 400);   /* mean 625 */
			g_assert_cmpint(seen[p][s], <, 900);
		}
}

static void test_normalize(void)
{
	struct { const char *in, *out; } ok[] = {
		{ "ABCD-EFGH", "ABCD-EFGH" }, { "abcdefgh", "ABCD-EFGH" }, { " abcd efgh ", "ABCD-EFGH" },
		{ "ab-cd-ef-gh", "ABCD-EFGH" }, { "2345-6789", "2345-6789" }, { "LLLL-ZZZZ", "LLLL-ZZZZ" },
	};
	for (guint i = 0; i < G_N_ELEMENTS(ok); i++) {
		g_autofree char *n = bb_apptcode_normalize(ok[i].in);
		g_assert_cmpstr(n, ==, ok[i].out);
	}
	const char *bad[] = { "", "ABCD-EFG", "ABCD-EFGHJ", "ABCD-EFG0", "ABCD-EFGI", "ABCD_EFGH",
		"ABCD-EFG\xc3\xa4", "ABCD\nEFGH", "----------------------------------ABCDEFGH", NULL };
	for (guint i = 0; bad[i] != NULL; i++)
		g_assert_null(bb_apptcode_normalize(bad[i]));
	g_assert_null(bb_apptcode_normalize(NULL));
}

static void test_hash(void)
{
	g_autofree char *a = bb_apptcode_hash("abcd efgh");
	g_autofree char *b = bb_apptcode_hash("ABCD-EFGH");
	g_autofree char *expect = g_compute_checksum_for_string(G_CHECKSUM_SHA256, "ABCD-EFGH", -1);
	g_assert_cmpstr(a, ==, b);
	g_assert_cmpstr(a, ==, expect);
	g_assert_cmpuint(strlen(a), ==, 64);
	g_assert_null(bb_apptcode_hash("nope"));
}

static void test_limiter(void)
{
	bb_apptcode_limiter *l = bb_apptcode_limiter_new(3, 600, 100);
	gint64 t = 1000000;
	g_assert_cmpint(bb_apptcode_limiter_check(l, "10.0.0.1", t), ==, 0);
	for (int i = 0; i < 3; i++) {
		g_assert_cmpint(bb_apptcode_limiter_check(l, "10.0.0.1", t + i), ==, 0);
		bb_apptcode_limiter_fail(l, "10.0.0.1", t + i);
	}
	/* Window opened at t: blocked until t + 600. Others unaffected. */
	g_assert_cmpint(bb_apptcode_limiter_check(l, "10.0.0.1", t + 10), ==, 590);
	g_assert_cmpint(bb_apptcode_limiter_check(l, "10.0.0.2", t + 10), ==, 0);
	g_assert_cmpint(bb_apptcode_limiter_check(l, "10.0.0.1", t + 600), ==, 0);
	bb_apptcode_limiter_fail(l, "10.0.0.1", t + 601);
	g_assert_cmpint(bb_apptcode_limiter_check(l, "10.0.0.1", t + 602), ==, 0);
	bb_apptcode_limiter_free(l);
}

/* An attacker rotating addresses fills the table, then shares one bucket: still limited. */
static void test_limiter_overflow(void)
{
	bb_apptcode_limiter *l = bb_apptcode_limiter_new(2, 600, 10);
	gint64 t = 5000;
	for (int i = 0; i < 10; i++) {
		g_autofree char *a = g_strdup_printf("10.1.0.%d", i);
		bb_apptcode_limiter_fail(l, a, t);
	}
	g_assert_cmpuint(bb_apptcode_limiter_size(l), ==, 10);
	for (int i = 10; i < 20; i++) {
		g_autofree char *a = g_strdup_printf("10.1.0.%d", i);
		bb_apptcode_limiter_fail(l, a, t);
	}
	g_assert_cmpuint(bb_apptcode_limiter_size(l), ==, 11);
	g_assert_cmpint(bb_apptcode_limiter_check(l, "10.9.9.9", t + 1), ==, 599);
	/* After the window, stale entries make room again. */
	bb_apptcode_limiter_fail(l, "10.2.0.1", t + 700);
	g_assert_cmpint(bb_apptcode_limiter_check(l, "10.2.0.1", t + 701), ==, 0);
	g_assert_cmpuint(bb_apptcode_limiter_size(l), <=, 11);
	bb_apptcode_limiter_free(l);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/apptcode/shape", test_shape);
	g_test_add_func("/apptcode/distribution", test_distribution);
	g_test_add_func("/apptcode/normalize", test_normalize);
	g_test_add_func("/apptcode/hash", test_hash);
	g_test_add_func("/apptcode/limiter", test_limiter);
	g_test_add_func("/apptcode/limiter_overflow", test_limiter_overflow);
	return g_test_run();
}
