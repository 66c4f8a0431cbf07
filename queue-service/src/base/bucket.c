/* bucket.c: token buckets per client key. */
#include "base/bucket.h"

#include <arpa/inet.h>
#include <string.h>

typedef struct bucket {
	double tokens;
	gint64 at;          /* when `tokens` was last computed (unix s) */
} bucket;

struct bb_buckets {
	int burst, refill_s;
	guint max_keys;
	GHashTable *keys;   /* key -> bucket* */
};

bb_buckets *bb_buckets_new(int burst, int refill_s, guint max_keys)
{
	bb_buckets *b = g_new0(bb_buckets, 1);
	b->burst = MAX(burst, 1);
	b->refill_s = MAX(refill_s, 1);
	b->max_keys = MAX(max_keys, 16);
	b->keys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	return b;
}

void bb_buckets_free(bb_buckets *b)
{
	if (!b)
		return;
	g_hash_table_destroy(b->keys);
	g_free(b);
}

guint bb_buckets_size(const bb_buckets *b)
{
	return g_hash_table_size(b->keys);
}

static double refill(const bb_buckets *b, bucket *k, gint64 now_s)
{
	if (now_s > k->at) {
		k->tokens = MIN((double)b->burst, k->tokens + (double)(now_s - k->at) / b->refill_s);
		k->at = now_s;
	}
	return k->tokens;
}

/* Why prune only full buckets: a full bucket is what an unknown key gets anyway, so dropping it
 * forgets nothing; a partly used one still limits its client and must stay. */
static void prune(bb_buckets *b, gint64 now_s)
{
	GHashTableIter it;
	gpointer value;
	g_hash_table_iter_init(&it, b->keys);
	while (g_hash_table_iter_next(&it, NULL, &value))
		if (refill(b, value, now_s) >= b->burst)
			g_hash_table_iter_remove(&it);
}

int bb_buckets_take(bb_buckets *b, const char *key, gint64 now_s)
{
	bucket *k = g_hash_table_lookup(b->keys, key);
	if (!k) {
		if (g_hash_table_size(b->keys) >= b->max_keys)
			prune(b, now_s);
		if (g_hash_table_size(b->keys) >= b->max_keys)
			return 0;   /* every tracked client is active: serve rather than refuse everyone */
		k = g_new0(bucket, 1);
		k->tokens = b->burst;
		k->at = now_s;
		g_hash_table_insert(b->keys, g_strdup(key), k);
	}
	if (refill(b, k, now_s) >= 1.0) {
		k->tokens -= 1.0;
		return 0;
	}
	return (int)((1.0 - k->tokens) * b->refill_s) + 1;
}

void bb_client_key(const char *addr, char *out, gsize out_len)
{
	unsigned char v6[16];
	if (addr && strchr(addr, ':') && inet_pton(AF_INET6, addr, v6) == 1) {
		static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
		if (memcmp(v6, mapped, 12) == 0) {
			g_snprintf(out, out_len, "%u.%u.%u.%u", v6[12], v6[13], v6[14], v6[15]);
			return;
		}
		g_snprintf(out, out_len, "%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", v6[0], v6[1], v6[2], v6[3],
			v6[4], v6[5], v6[6], v6[7]);
		return;
	}
	g_strlcpy(out, addr ? addr : "?", out_len);
}
