/* apptcode.h: appointment confirmation codes (short, unguessable, easy to read aloud) and the
 * per-client-address limiter that makes guessing them impractical. */
#ifndef BB_APPTCODE_H
#define BB_APPTCODE_H

#include <glib.h>

/* 8 characters from a 32-character alphabet = exactly 40 random bits. */
#define BB_APPTCODE_LEN 8
/* "ABCD-EFGH" plus NUL. */
#define BB_APPTCODE_DISPLAY_LEN (BB_APPTCODE_LEN + 2)

/* A fresh code in display form ("ABCD-EFGH"); NULL when the system has no randomness. g_free() it. */
char *bb_apptcode_new(void) G_GNUC_WARN_UNUSED_RESULT;
/* What a citizen typed ("abcd efgh", "ABCD-EFGH", "abcdefgh") in canonical display form, or NULL
 * when it cannot be a code (wrong length, characters outside the alphabet). g_free() it. */
char *bb_apptcode_normalize(const char *input) G_GNUC_WARN_UNUSED_RESULT;
/* SHA-256 (64 hex chars) of the canonical form: codes are stored and looked up only like this.
 * NULL when `code` is not a valid code. g_free() it. */
char *bb_apptcode_hash(const char *code) G_GNUC_WARN_UNUSED_RESULT;

/* Failed code look-ups per client address within a sliding window. Not thread-safe: used from
 * the service's one event-loop thread. */
typedef struct bb_apptcode_limiter bb_apptcode_limiter;

bb_apptcode_limiter *bb_apptcode_limiter_new(int max_failures, int window_s, int max_clients);
void bb_apptcode_limiter_free(bb_apptcode_limiter *l);
/* 0 when `client` may try a code now, else the seconds until it may (for Retry-After). */
int bb_apptcode_limiter_check(bb_apptcode_limiter *l, const char *client, gint64 now);
/* Record a failed look-up (unknown or malformed code). */
void bb_apptcode_limiter_fail(bb_apptcode_limiter *l, const char *client, gint64 now);
/* Number of client addresses currently tracked (for tests and metrics). */
guint bb_apptcode_limiter_size(const bb_apptcode_limiter *l);

#endif
