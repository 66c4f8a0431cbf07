/* test_ratelimit.c: failure counters with backoff (base/ratelimit.c): the backoff sequence, and
 * that memory stays bounded without ever dropping an active block (the old prune at 100,000 keys
 * wiped them); and the token buckets (base/bucket.c) the login slow-down uses. */
#include "base/bucket.h"
#include "base/ratelimit.h"

#define T0 1800000000   /* some wall-clock second */

static void test_backoff(void)
{
	bb_ratelimit *rl = bb_ratelimit_new(5, 900, 1000);
	for (int i = 0; i < 4; i++)
		g_assert_cmpint(bb_ratelimit_fail(rl, "k", T0), ==, 0);
	g_assert_cmpint(bb_ratelimit_blocked(rl, "k", T0), ==, 0);
	static const int expected[] = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900};
	for (guint i = 0; i < G_N_ELEMENTS(expected); i++) {
		g_assert_cmpint(bb_ratelimit_fail(rl, "k", T0), ==, expected[i]);
		g_assert_cmpint(bb_ratelimit_blocked(rl, "k", T0), ==, expected[i]);
	}
	g_assert_cmpint(bb_ratelimit_blocked(rl, "k", T0 + 899), ==, 1);
	g_assert_cmpint(bb_ratelimit_blocked(rl, "k", T0 + 900), ==, 0);
	g_assert_cmpint(bb_ratelimit_blocked(rl, "other", T0), ==, 0);
	bb_ratelimit_reset(rl, "k");
	g_assert_cmpint(bb_ratelimit_blocked(rl, "k", T0), ==, 0);
	g_assert_cmpuint(bb_ratelimit_size(rl), ==, 0);
	/* A weighted failure counts as many: 15 at once = the cap. */
	g_assert_cmpint(bb_ratelimit_fail_n(rl, "w", T0, 15), ==, 900);
	/* A shorter block never shortens a longer one. */
	bb_ratelimit_reset(rl, "w");
	g_assert_cmpint(bb_ratelimit_fail_n(rl, "w", T0, 15), ==, 900);
	g_assert_cmpint(bb_ratelimit_blocked(rl, "w", T0 + 10), ==, 890);
	bb_ratelimit_free(rl);
}

/* Prune removes expired entries only, oldest first; an old but active block stays. */
static void test_prune(void)
{
	bb_ratelimit *rl = bb_ratelimit_new(1, 7200, 1000);
	bb_ratelimit_fail_n(rl, "old-blocked", T0, 20);   /* blocked for 7200 s */
	bb_ratelimit_fail_n(rl, "old-free", T0, 0);       /* weight 0 counts as 1: blocked 1 s */
	bb_ratelimit *plain = bb_ratelimit_new(5, 900, 1000);
	bb_ratelimit_fail(plain, "a", T0);
	bb_ratelimit_fail(plain, "b", T0 + 100);
	bb_ratelimit_prune(plain, T0 + 3599);
	g_assert_cmpuint(bb_ratelimit_size(plain), ==, 2);
	bb_ratelimit_prune(plain, T0 + 3600);
	g_assert_cmpuint(bb_ratelimit_size(plain), ==, 1);   /* a idle an hour: gone; b not yet */
	bb_ratelimit_prune(plain, T0 + 3700);
	g_assert_cmpuint(bb_ratelimit_size(plain), ==, 0);
	bb_ratelimit_free(plain);
	bb_ratelimit_prune(rl, T0 + 3600);
	g_assert_cmpuint(bb_ratelimit_size(rl), ==, 1);
	g_assert_cmpint(bb_ratelimit_blocked(rl, "old-blocked", T0 + 3600), ==, 3600);
	bb_ratelimit_prune(rl, T0 + 7200);
	g_assert_cmpuint(bb_ratelimit_size(rl), ==, 0);
	bb_ratelimit_free(rl);
}

/* The regression: a full table at the default size (100,000) with active blocks among the keys,
 * then a flood of new keys. The blocks stay, the size stays at the bound. */
static void test_full_table_keeps_blocks(void)
{
	const guint max = BB_RATELIMIT_KEYS_DEFAULT;
	bb_ratelimit *rl = bb_ratelimit_new(5, 900, max);
	char key[32];
	for (guint i = 0; i < max; i++) {
		g_snprintf(key, sizeof key, "k%u", i);
		if (i % 1000 == 0)
			bb_ratelimit_fail_n(rl, key, T0, 20);   /* 100 active blocks, the oldest entries */
		else
			bb_ratelimit_fail(rl, key, T0);
	}
	g_assert_cmpuint(bb_ratelimit_size(rl), ==, max);
	for (guint i = 0; i < 50000; i++) {
		g_snprintf(key, sizeof key, "new%u", i);
		bb_ratelimit_fail(rl, key, T0 + 60);
		g_assert_cmpuint(bb_ratelimit_size(rl), <=, max);
	}
	for (guint i = 0; i < max; i += 1000) {
		g_snprintf(key, sizeof key, "k%u", i);
		g_assert_cmpint(bb_ratelimit_blocked(rl, key, T0 + 60), ==, 840);
	}
	/* The least recently touched unblocked keys were the ones to go. */
	g_assert_cmpint(bb_ratelimit_blocked(rl, "k1", T0 + 60), ==, 0);
	bb_ratelimit_fail(rl, "new49999", T0 + 60);   /* still tracked on its own */
	g_assert_cmpuint(bb_ratelimit_size(rl), ==, max);
	bb_ratelimit_free(rl);
}

/* When every tracked key is blocked, new keys share one overflow entry: bounded, and rotating
 * keys does not escape the limit. */
static void test_overflow(void)
{
	bb_ratelimit *rl = bb_ratelimit_new(3, 900, 4);
	const char *const blocked[] = {"a", "b", "c", "d"};
	for (int i = 0; i < 4; i++)
		g_assert_cmpint(bb_ratelimit_fail_n(rl, blocked[i], T0, 3), ==, 1);
	g_assert_cmpuint(bb_ratelimit_size(rl), ==, 4);
	g_assert_cmpint(bb_ratelimit_fail(rl, "x1", T0), ==, 0);
	g_assert_cmpint(bb_ratelimit_fail(rl, "x2", T0), ==, 0);
	g_assert_cmpint(bb_ratelimit_fail(rl, "x3", T0), ==, 1);        /* third failure of the overflow */
	g_assert_cmpint(bb_ratelimit_blocked(rl, "x999", T0), ==, 1);   /* any untracked key */
	g_assert_cmpuint(bb_ratelimit_size(rl), ==, 4);
	for (int i = 0; i < 4; i++)
		g_assert_cmpint(bb_ratelimit_blocked(rl, blocked[i], T0), ==, 1);
	/* Once the blocks are over, new keys are tracked on their own again. */
	g_assert_cmpint(bb_ratelimit_fail(rl, "y", T0 + 2), ==, 0);
	g_assert_cmpint(bb_ratelimit_blocked(rl, "y", T0 + 2), ==, 0);
	g_assert_cmpint(bb_ratelimit_blocked(rl, "a", T0 + 2), ==, 0);
	g_assert_cmpuint(bb_ratelimit_size(rl), ==, 4);
	bb_ratelimit_free(rl);
}

/* The per-login slow-down (store/login.c) counts on base/bucket.c's buckets: a burst, then one
 * token per refill period. */
static void test_buckets(void)
{
	bb_buckets *b = bb_buckets_new(3, 10, 100);
	for (int i = 0; i < 3; i++)
		g_assert_cmpint(bb_buckets_take(b, "m", T0), ==, 0);
	g_assert_cmpint(bb_buckets_take(b, "m", T0), >, 0);           /* empty: the login is slowed */
	g_assert_cmpint(bb_buckets_take(b, "m", T0 + 9), >, 0);
	g_assert_cmpint(bb_buckets_take(b, "m", T0 + 10), ==, 0);     /* one token after 10 s */
	g_assert_cmpint(bb_buckets_take(b, "other", T0), ==, 0);      /* keys are independent */
	bb_buckets_free(b);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ratelimit/backoff", test_backoff);
	g_test_add_func("/ratelimit/prune", test_prune);
	g_test_add_func("/ratelimit/full_table_keeps_blocks", test_full_table_keeps_blocks);
	g_test_add_func("/ratelimit/overflow", test_overflow);
	g_test_add_func("/ratelimit/buckets", test_buckets);
	return g_test_run();
}
