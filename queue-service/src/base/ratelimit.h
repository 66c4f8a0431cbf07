/* ratelimit.h: in-memory failure counter with exponential backoff (login guessing). After
 * `free_failures` failures for a key, each further failure blocks it for 2^k seconds (capped). */
#ifndef BB_RATELIMIT_H
#define BB_RATELIMIT_H

#include <glib.h>

typedef struct bb_ratelimit bb_ratelimit;

bb_ratelimit *bb_ratelimit_new(int free_failures, int max_block_s);
void bb_ratelimit_free(bb_ratelimit *rl);
/* Seconds the key is still blocked (0 = allowed). */
int bb_ratelimit_blocked(bb_ratelimit *rl, const char *key, gint64 now_s);
void bb_ratelimit_fail(bb_ratelimit *rl, const char *key, gint64 now_s);
void bb_ratelimit_reset(bb_ratelimit *rl, const char *key);
/* Drops entries idle for an hour, so memory stays bounded. */
void bb_ratelimit_prune(bb_ratelimit *rl, gint64 now_s);

#endif
