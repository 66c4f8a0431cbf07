/* ratelimit.h: in-memory failure counters with exponential backoff per key (login guessing, ICE
 * requests). After `free_failures` failures of a key, each further failure blocks it for 2^k
 * seconds (k = failures beyond the free ones, from 0), capped at `max_block_s`.
 *
 * Memory is bounded by `max_keys`. Entries are kept in the order they were last touched; an entry
 * is *expired* once it is not blocked and has been idle for an hour. Pruning and eviction remove
 * expired entries and, when the table is full, the least recently touched entries that are not
 * blocked, oldest first; an active block is never dropped. When every tracked key is blocked, a
 * new key is not tracked on its own: its failures count on one shared overflow entry, which then
 * blocks every untracked key alike (so rotating keys cannot escape the limit). */
#ifndef BB_RATELIMIT_H
#define BB_RATELIMIT_H

#include <glib.h>

#define BB_RATELIMIT_KEYS_DEFAULT 100000
#define BB_RATELIMIT_IDLE_S 3600     /* an unblocked entry idle this long is expired */

typedef struct bb_ratelimit bb_ratelimit;

bb_ratelimit *bb_ratelimit_new(int free_failures, int max_block_s, guint max_keys);
void bb_ratelimit_free(bb_ratelimit *rl);
/* Seconds the key is still blocked (0 = allowed). */
int bb_ratelimit_blocked(bb_ratelimit *rl, const char *key, gint64 now_s);
/* Records `weight` failures (>= 1) at once; returns the seconds the key is blocked now. */
int bb_ratelimit_fail_n(bb_ratelimit *rl, const char *key, gint64 now_s, int weight);
/* One failure. */
int bb_ratelimit_fail(bb_ratelimit *rl, const char *key, gint64 now_s);
void bb_ratelimit_reset(bb_ratelimit *rl, const char *key);
/* Drops expired entries (oldest first, stopping at the first one idle for less than an hour). */
void bb_ratelimit_prune(bb_ratelimit *rl, gint64 now_s);
/* Tracked keys (the overflow entry not counted), for tests and metrics. */
guint bb_ratelimit_size(const bb_ratelimit *rl);

#endif
