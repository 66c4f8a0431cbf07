/* bucket.h: token buckets per key (client addresses): `burst` requests at once, then one more
 * every `refill_s` seconds. Bounded in memory. Not thread-safe: one owner thread (the lws loop). */
#ifndef BB_BUCKET_H
#define BB_BUCKET_H

#include <glib.h>

typedef struct bb_buckets bb_buckets;

/* max_keys bounds memory; full buckets carry no information and are dropped first. */
bb_buckets *bb_buckets_new(int burst, int refill_s, guint max_keys);
void bb_buckets_free(bb_buckets *b);
/* Takes one token for key: 0 = allowed, else the seconds until the next token. */
int bb_buckets_take(bb_buckets *b, const char *key, gint64 now_s);
guint bb_buckets_size(const bb_buckets *b);

/* The key a client address is limited under: an IPv4 address as it is, an IPv6 address as its
 * /64 (one household or office gets one /64; a single host can pick any address in it). Writes
 * into out (size >= 64); an unparsable address is used as it is. */
void bb_client_key(const char *addr, char *out, gsize out_len);

#endif
