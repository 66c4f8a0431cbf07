/* ratelimit.c: per-key failure counters with exponential backoff. */
#include "base/ratelimit.h"

#define MAX_KEYS 100000   /* beyond this, new keys are not tracked individually but pruned first */

typedef struct entry {
	int failures;
	gint64 blocked_until;
	gint64 last;
} entry;

struct bb_ratelimit {
	GHashTable *keys;
	int free_failures;
	int max_block_s;
};

bb_ratelimit *bb_ratelimit_new(int free_failures, int max_block_s)
{
	bb_ratelimit *rl = g_new0(bb_ratelimit, 1);
	rl->keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	rl->free_failures = free_failures;
	rl->max_block_s = max_block_s;
	return rl;
}

void bb_ratelimit_free(bb_ratelimit *rl)
{
	if (!rl)
		return;
	g_hash_table_destroy(rl->keys);
	g_free(rl);
}

int bb_ratelimit_blocked(bb_ratelimit *rl, const char *key, gint64 now_s)
{
	entry *e = g_hash_table_lookup(rl->keys, key);
	if (!e || e->blocked_until <= now_s)
		return 0;
	return (int)(e->blocked_until - now_s);
}

void bb_ratelimit_fail(bb_ratelimit *rl, const char *key, gint64 now_s)
{
	entry *e = g_hash_table_lookup(rl->keys, key);
	if (!e) {
		if (g_hash_table_size(rl->keys) >= MAX_KEYS)
			bb_ratelimit_prune(rl, now_s + 3600);
		e = g_new0(entry, 1);
		g_hash_table_insert(rl->keys, g_strdup(key), e);
	}
	e->failures++;
	e->last = now_s;
	if (e->failures >= rl->free_failures) {
		int k = e->failures - rl->free_failures;
		gint64 block = k >= 20 ? rl->max_block_s : MIN((gint64)1 << k, (gint64)rl->max_block_s);
		e->blocked_until = now_s + block;
	}
}

void bb_ratelimit_reset(bb_ratelimit *rl, const char *key)
{
	g_hash_table_remove(rl->keys, key);
}

void bb_ratelimit_prune(bb_ratelimit *rl, gint64 now_s)
{
	GHashTableIter it;
	gpointer k, v;
	g_hash_table_iter_init(&it, rl->keys);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		entry *e = v;
		if (e->blocked_until <= now_s && e->last + 3600 <= now_s)
			g_hash_table_iter_remove(&it);
	}
}
