/* secret.c: random bytes, resume/session tokens, token hashing, argon2id passwords. */
#include "base/secret.h"

#include <argon2.h>
#include <errno.h>
#include <string.h>
#include <sys/random.h>

/* Password hashing parameters: OWASP's minimum for argon2id (19 MiB, 2 passes, 1 lane).
 * Higher values would slow every clerk login on a 2-core box for little extra safety. */
#define PW_T_COST 2
#define PW_M_COST_KIB 19456
#define PW_PARALLELISM 1
#define PW_SALT_LEN 16
#define PW_HASH_LEN 32
/* Longer inputs are refused: argon2 would take them, but nobody types 1 KiB and it bounds work. */
#define PW_MAX_LEN 1024
#define TOKEN_BYTES 32
#define PW_GEN_MAX 256

/* Unambiguous when read aloud or copied from paper: no 0/O, 1/l/I. */
static const char pw_alphabet[] = "abcdefghijkmnopqrstuvwxyz"
                                  "ABCDEFGHJKLMNPQRSTUVWXYZ"
                                  "23456789";

/* getrandom() may return fewer bytes than asked for large requests or be interrupted by a
 * signal; loop until the buffer is full. It blocks only before the kernel pool is seeded. */
gboolean bb_random_bytes(void *buf, size_t n)
{
	guint8 *p = buf;
	while (n > 0) {
		ssize_t got = getrandom(p, n, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return FALSE;
		}
		p += got;
		n -= (size_t)got;
	}
	return TRUE;
}

/* base64url without padding (RFC 4648 §5): safe in URLs, cookies and JSON without escaping. */
char *bb_token_new(void)
{
	guint8 raw[TOKEN_BYTES];
	if (!bb_random_bytes(raw, sizeof raw))
		return NULL;
	char *s = g_base64_encode(raw, sizeof raw);
	explicit_bzero(raw, sizeof raw);
	for (char *c = s; *c != '\0'; c++) {
		if (*c == '+')
			*c = '-';
		else if (*c == '/')
			*c = '_';
		else if (*c == '=') {
			*c = '\0';
			break;
		}
	}
	return s;
}

/* Tokens carry 256 bits of entropy, so a fast unsalted hash is enough to make a stolen
 * database useless for impersonation; the service looks tokens up by this hash. */
char *bb_token_hash(const char *token)
{
	g_return_val_if_fail(token != NULL, NULL);
	return g_compute_checksum_for_string(G_CHECKSUM_SHA256, token, -1);
}

/* Runs over max(len a, len b) bytes without branching on content, so timing reveals at most
 * the lengths (which for hashes and tokens are public anyway). */
gboolean bb_secret_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return FALSE;
	size_t la = strlen(a), lb = strlen(b);
	size_t n = MAX(la, lb);
	volatile unsigned diff = (unsigned)(la != lb);
	for (size_t i = 0; i < n; i++) {
		unsigned ca = i < la ? (unsigned char)a[i] : 0u;
		unsigned cb = i < lb ? (unsigned char)b[i] : 0u;
		diff |= ca ^ cb;
	}
	return diff == 0;
}

char *bb_password_hash(const char *password)
{
	if (password == NULL)
		return NULL;
	size_t plen = strlen(password);
	if (plen > PW_MAX_LEN)
		return NULL;
	guint8 salt[PW_SALT_LEN];
	if (!bb_random_bytes(salt, sizeof salt))
		return NULL;
	size_t enc_len = argon2_encodedlen(PW_T_COST, PW_M_COST_KIB, PW_PARALLELISM, PW_SALT_LEN,
	                                   PW_HASH_LEN, Argon2_id);
	char *encoded = g_malloc0(enc_len);
	int rc = argon2id_hash_encoded(PW_T_COST, PW_M_COST_KIB, PW_PARALLELISM, password, plen,
	                               salt, sizeof salt, PW_HASH_LEN, encoded, enc_len);
	if (rc != ARGON2_OK) {
		g_free(encoded);
		return NULL;
	}
	return encoded;
}

/* The encoded string carries its own parameters, so hashes made with older settings keep
 * verifying after the constants above change. A malformed hash simply does not verify. */
gboolean bb_password_verify(const char *encoded, const char *password)
{
	if (encoded == NULL || password == NULL)
		return FALSE;
	size_t plen = strlen(password);
	if (plen > PW_MAX_LEN || strncmp(encoded, "$argon2id$", 10) != 0)
		return FALSE;
	return argon2id_verify(encoded, password, plen) == ARGON2_OK;
}

/* Rejection sampling keeps every character equally likely (256 is not a multiple of the
 * alphabet size, plain modulo would favour the first letters). */
char *bb_password_generate(int n)
{
	if (n <= 0 || n > PW_GEN_MAX)
		return NULL;
	const unsigned alpha = sizeof pw_alphabet - 1;
	const unsigned limit = 256u - 256u % alpha;
	char *out = g_malloc(n + 1);
	int filled = 0;
	guint8 pool[64];
	while (filled < n) {
		if (!bb_random_bytes(pool, sizeof pool)) {
			g_free(out);
			return NULL;
		}
		for (size_t i = 0; i < sizeof pool && filled < n; i++) {
			if (pool[i] < limit)
				out[filled++] = pw_alphabet[pool[i] % alpha];
		}
	}
	explicit_bzero(pool, sizeof pool);
	out[n] = '\0';
	return out;
}
