/* apptcode.c: appointment confirmation codes and the guessing limiter. */
#include "domain/apptcode.h"

#include "base/secret.h"

#include <string.h>

/* 32 symbols: digits without 0 and 1, letters without I and O. With 0/1/I/O gone nothing left
 * can be confused when read aloud or copied from paper (L stays: its look-alikes are gone).
 * 32 = 2^5, so each character takes exactly 5 random bits and there is no modulo bias. */
static const char code_alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

static gboolean in_alphabet(char c)
{
	return c != '\0' && strchr(code_alphabet, c) != NULL;
}

/* 5 random bytes = 40 bits, split into eight 5-bit groups. */
char *bb_apptcode_new(void)
{
	guint8 raw[5];
	if (!bb_random_bytes(raw, sizeof raw))
		return NULL;
	guint64 bits = 0;
	for (size_t i = 0; i < sizeof raw; i++)
		bits = (bits << 8) | raw[i];
	char *out = g_malloc(BB_APPTCODE_DISPLAY_LEN);
	int o = 0;
	for (int i = 0; i < BB_APPTCODE_LEN; i++) {
		if (i == BB_APPTCODE_LEN / 2)
			out[o++] = '-';
		out[o++] = code_alphabet[(bits >> (5 * (BB_APPTCODE_LEN - 1 - i))) & 31];
	}
	out[o] = '\0';
	return out;
}

/* Citizens type codes from a letter or a phone call: accept lower case, spaces and dashes
 * anywhere, but nothing else, and bound the work on hostile input. */
char *bb_apptcode_normalize(const char *input)
{
	if (input == NULL)
		return NULL;
	char bare[BB_APPTCODE_LEN];
	int n = 0;
	for (const char *p = input; *p != '\0'; p++) {
		if (p - input > 32)
			return NULL;
		if (*p == '-' || *p == ' ')
			continue;
		char c = g_ascii_toupper(*p);
		if (!in_alphabet(c) || n == BB_APPTCODE_LEN)
			return NULL;
		bare[n++] = c;
	}
	if (n != BB_APPTCODE_LEN)
		return NULL;
	char *out = g_malloc(BB_APPTCODE_DISPLAY_LEN);
	memcpy(out, bare, BB_APPTCODE_LEN / 2);
	out[BB_APPTCODE_LEN / 2] = '-';
	memcpy(out + BB_APPTCODE_LEN / 2 + 1, bare + BB_APPTCODE_LEN / 2, BB_APPTCODE_LEN / 2);
	out[BB_APPTCODE_DISPLAY_LEN - 1] = '\0';
	return out;
}

/* Hashing the canonical form means every spelling a citizen may type finds the same row. */
char *bb_apptcode_hash(const char *code)
{
	g_autofree char *canon = bb_apptcode_normalize(code);
	if (canon == NULL)
		return NULL;
	return bb_token_hash(canon);
}

/* ---- guessing limiter ------------------------------------------------------------------- */

typedef struct client_failures {
	int count;
	gint64 window_start;
} client_failures;

struct bb_apptcode_limiter {
	GHashTable *clients;   /* client address (owned string) -> client_failures */
	int max_failures;
	int window_s;
	guint max_clients;
};

bb_apptcode_limiter *bb_apptcode_limiter_new(int max_failures, int window_s, int max_clients)
{
	g_return_val_if_fail(max_failures > 0 && window_s > 0 && max_clients > 0, NULL);
	bb_apptcode_limiter *l = g_new0(bb_apptcode_limiter, 1);
	l->clients = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	l->max_failures = max_failures;
	l->window_s = window_s;
	l->max_clients = (guint)max_clients;
	return l;
}

void bb_apptcode_limiter_free(bb_apptcode_limiter *l)
{
	if (l == NULL)
		return;
	g_hash_table_destroy(l->clients);
	g_free(l);
}

static gboolean window_over(gpointer key, gpointer value, gpointer user)
{
	const client_failures *f = value;
	const gint64 *cutoff = user;
	return f->window_start <= *cutoff;
}

/* Clients the table had no room for share one bucket, so address rotation buys nothing. */
#define OVERFLOW_KEY "\x01overflow"

/* A window that has passed is forgotten here, so a blocked client is let in again without
 * waiting for a prune. */
static int wait_for(bb_apptcode_limiter *l, const char *key, gint64 now)
{
	client_failures *f = g_hash_table_lookup(l->clients, key);
	if (f == NULL || f->count < l->max_failures)
		return 0;
	gint64 reopen = f->window_start + l->window_s;
	if (reopen <= now) {
		g_hash_table_remove(l->clients, key);
		return 0;
	}
	return (int)(reopen - now);
}

int bb_apptcode_limiter_check(bb_apptcode_limiter *l, const char *client, gint64 now)
{
	if (g_hash_table_contains(l->clients, client))
		return wait_for(l, client, now);
	return wait_for(l, OVERFLOW_KEY, now);
}

/* A fixed window per client that starts with its first failure. When the table is full (an
 * attacker rotating addresses), expired windows are dropped first; if that frees nothing, the
 * failure is charged to the shared overflow bucket. Memory stays bounded by max_clients + 1. */
void bb_apptcode_limiter_fail(bb_apptcode_limiter *l, const char *client, gint64 now)
{
	client_failures *f = g_hash_table_lookup(l->clients, client);
	if (f == NULL && g_hash_table_size(l->clients) >= l->max_clients) {
		gint64 cutoff = now - l->window_s;
		g_hash_table_foreach_remove(l->clients, window_over, &cutoff);
		if (g_hash_table_size(l->clients) >= l->max_clients) {
			client = OVERFLOW_KEY;
			f = g_hash_table_lookup(l->clients, client);
		}
	}
	if (f != NULL && f->window_start + l->window_s <= now) {
		f->count = 0;
		f->window_start = now;
	}
	if (f == NULL) {
		f = g_new0(client_failures, 1);
		f->window_start = now;
		g_hash_table_insert(l->clients, g_strdup(client), f);
	}
	if (f->count < G_MAXINT)
		f->count++;
}

guint bb_apptcode_limiter_size(const bb_apptcode_limiter *l)
{
	return g_hash_table_size(l->clients);
}
