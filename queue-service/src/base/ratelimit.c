/* ratelimit.c: per-key failure counters with exponential backoff, bounded (contract: ratelimit.h). */
#include "base/ratelimit.h"

typedef struct entry {
	char *key;               /* NULL for the overflow entry */
	int failures;
	gint64 blocked_until;
	gint64 last;             /* last failure */
	GList link;              /* in `order`; data = the entry */
} entry;

struct bb_ratelimit {
	GHashTable *keys;        /* key -> entry* (owns the entries) */
	GQueue order;            /* entries, least recently touched first (`last` ascending) */
	entry overflow;          /* failures of keys that could not be tracked */
	int free_failures;
	int max_block_s;
	guint max_keys;
};

static void entry_free(gpointer p)
{
	entry *e = p;
	g_free(e->key);
	g_free(e);
}

bb_ratelimit *bb_ratelimit_new(int free_failures, int max_block_s, guint max_keys)
{
	bb_ratelimit *rl = g_new0(bb_ratelimit, 1);
	rl->keys = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, entry_free);
	g_queue_init(&rl->order);
	rl->free_failures = free_failures;
	rl->max_block_s = max_block_s;
	rl->max_keys = MAX(max_keys, 1);
	return rl;
}

void bb_ratelimit_free(bb_ratelimit *rl)
{
	if (!rl)
		return;
	g_hash_table_destroy(rl->keys);   /* the queue's links live in the entries */
	g_free(rl);
}

guint bb_ratelimit_size(const bb_ratelimit *rl)
{
	return g_hash_table_size(rl->keys);
}

static gboolean is_blocked(const entry *e, gint64 now_s)
{
	return e->blocked_until > now_s;
}

static gboolean is_expired(const entry *e, gint64 now_s)
{
	return !is_blocked(e, now_s) && e->last + BB_RATELIMIT_IDLE_S <= now_s;
}

static void remove_entry(bb_ratelimit *rl, entry *e)
{
	g_queue_unlink(&rl->order, &e->link);
	g_hash_table_remove(rl->keys, e->key);   /* frees e */
}

/* Oldest first: `order` is sorted by `last`, so the walk ends at the first entry idle for less
 * than an hour; a blocked entry on the way is kept and stepped over. */
void bb_ratelimit_prune(bb_ratelimit *rl, gint64 now_s)
{
	GList *l = rl->order.head;
	while (l) {
		entry *e = l->data;
		GList *next = l->next;
		if (e->last + BB_RATELIMIT_IDLE_S > now_s)
			break;
		if (!is_blocked(e, now_s))
			remove_entry(rl, e);
		l = next;
	}
	if (rl->overflow.failures && is_expired(&rl->overflow, now_s))
		rl->overflow = (entry){0};
}

/* Makes room for one more key: expired entries first, then the least recently touched entry
 * that is not blocked. FALSE when every tracked key is blocked. */
static gboolean make_room(bb_ratelimit *rl, gint64 now_s)
{
	if (g_hash_table_size(rl->keys) < rl->max_keys)
		return TRUE;
	bb_ratelimit_prune(rl, now_s);
	for (GList *l = rl->order.head; l && g_hash_table_size(rl->keys) >= rl->max_keys; l = l->next) {
		entry *e = l->data;
		if (!is_blocked(e, now_s)) {
			remove_entry(rl, e);
			break;
		}
	}
	return g_hash_table_size(rl->keys) < rl->max_keys;
}

int bb_ratelimit_blocked(bb_ratelimit *rl, const char *key, gint64 now_s)
{
	entry *e = g_hash_table_lookup(rl->keys, key);
	if (!e)
		e = &rl->overflow;   /* an untracked key shares the overflow's block */
	return is_blocked(e, now_s) ? (int)(e->blocked_until - now_s) : 0;
}

int bb_ratelimit_fail_n(bb_ratelimit *rl, const char *key, gint64 now_s, int weight)
{
	entry *e = g_hash_table_lookup(rl->keys, key);
	if (e) {
		g_queue_unlink(&rl->order, &e->link);
	} else if (make_room(rl, now_s)) {
		e = g_new0(entry, 1);
		e->key = g_strdup(key);
		e->link.data = e;
		g_hash_table_insert(rl->keys, e->key, e);
	}
	if (e)
		g_queue_push_tail_link(&rl->order, &e->link);
	else
		e = &rl->overflow;
	e->failures += MAX(weight, 1);
	e->last = now_s;
	if (e->failures >= rl->free_failures) {
		int k = e->failures - rl->free_failures;
		gint64 block = k >= 20 ? rl->max_block_s : MIN((gint64)1 << k, (gint64)rl->max_block_s);
		e->blocked_until = MAX(e->blocked_until, now_s + block);
	}
	return is_blocked(e, now_s) ? (int)(e->blocked_until - now_s) : 0;
}

int bb_ratelimit_fail(bb_ratelimit *rl, const char *key, gint64 now_s)
{
	return bb_ratelimit_fail_n(rl, key, now_s, 1);
}

void bb_ratelimit_reset(bb_ratelimit *rl, const char *key)
{
	entry *e = g_hash_table_lookup(rl->keys, key);
	if (e)
		remove_entry(rl, e);
}
