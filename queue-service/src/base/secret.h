/* secret.h: passwords (argon2id), random tokens, token hashing, constant-time compare.
 * Nothing here ever logs its inputs. */
#ifndef BB_SECRET_H
#define BB_SECRET_H

#include <glib.h>
#include <stddef.h>

/* A fresh token: 32 random bytes (getrandom) as 43 chars base64url without padding. g_free() it. */
char *bb_token_new(void);
/* SHA-256 of the token as 64 lowercase hex chars. g_free() it. Tokens are stored only like this. */
char *bb_token_hash(const char *token);
/* Constant-time equality of two NUL-terminated strings (length leaks, content does not). */
gboolean bb_secret_equal(const char *a, const char *b);
/* argon2id encoded hash ("$argon2id$v=19$m=...") of password; NULL on failure. g_free() it. */
char *bb_password_hash(const char *password);
gboolean bb_password_verify(const char *encoded, const char *password);
/* A readable random password for demo accounts: n chars from an unambiguous alphabet. */
char *bb_password_generate(int n);
/* Fill buf with n cryptographically random bytes; FALSE on failure. */
gboolean bb_random_bytes(void *buf, size_t n);

#endif
