/* test_secret.c: tokens, SHA-256 token hashes, constant-time compare, argon2id passwords. */
#include <glib.h>
#include <string.h>

#include "base/secret.h"

static gboolean is_base64url(const char *s)
{
	for (; *s != '\0'; s++) {
		if (!g_ascii_isalnum(*s) && *s != '-' && *s != '_')
			return FALSE;
	}
	return TRUE;
}

static void test_token_shape_and_uniqueness(void)
{
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (int i = 0; i < 1000; i++) {
		char *t = bb_token_new();
		g_assert_nonnull(t);
		g_assert_cmpuint(strlen(t), ==, 43);
		g_assert_true(is_base64url(t));
		g_assert_false(g_hash_table_contains(seen, t));
		g_hash_table_add(seen, t);
	}
	g_hash_table_destroy(seen);
}

/* 32 bytes decode back from the token (after mapping back to standard base64). */
static void test_token_decodes_to_32_bytes(void)
{
	g_autofree char *t = bb_token_new();
	g_autofree char *std = g_strdup_printf("%s=", t);
	for (char *c = std; *c; c++) {
		if (*c == '-')
			*c = '+';
		else if (*c == '_')
			*c = '/';
	}
	gsize len = 0;
	g_autofree guchar *raw = g_base64_decode(std, &len);
	g_assert_cmpuint(len, ==, 32);
}

static void test_sha256_vectors(void)
{
	g_autofree char *abc = bb_token_hash("abc");
	g_assert_cmpstr(abc, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	g_autofree char *empty = bb_token_hash("");
	g_assert_cmpstr(empty, ==, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_secret_equal(void)
{
	g_assert_true(bb_secret_equal("", ""));
	g_assert_true(bb_secret_equal("abc", "abc"));
	g_assert_false(bb_secret_equal("abc", "abd"));
	g_assert_false(bb_secret_equal("abc", "abcd"));
	g_assert_false(bb_secret_equal("abcd", "abc"));
	g_assert_false(bb_secret_equal("", "a"));
	g_assert_false(bb_secret_equal("Abc", "abc"));
	g_assert_false(bb_secret_equal(NULL, "abc"));
	g_assert_false(bb_secret_equal("abc", NULL));
	g_assert_false(bb_secret_equal(NULL, NULL));
	/* a difference only in the last byte of a long string */
	char a[200], b[200];
	memset(a, 'x', sizeof a - 1);
	a[sizeof a - 1] = '\0';
	memcpy(b, a, sizeof a);
	g_assert_true(bb_secret_equal(a, b));
	b[198] = 'y';
	g_assert_false(bb_secret_equal(a, b));
}

static void test_password_hash_verify(void)
{
	g_autofree char *enc = bb_password_hash("Korrekt Pferd Batterie");
	g_assert_nonnull(enc);
	g_assert_true(g_str_has_prefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$"));
	g_assert_true(bb_password_verify(enc, "Korrekt Pferd Batterie"));
	g_assert_false(bb_password_verify(enc, "korrekt Pferd Batterie"));
	g_assert_false(bb_password_verify(enc, ""));
	g_assert_false(bb_password_verify(enc, NULL));
	g_assert_false(bb_password_verify(NULL, "x"));
	g_assert_false(bb_password_verify("", "x"));
	g_assert_false(bb_password_verify("$argon2id$garbage", "x"));
	g_assert_false(bb_password_verify("$argon2i$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaA", "x"));
	/* salted: the same password hashes differently each time */
	g_autofree char *enc2 = bb_password_hash("Korrekt Pferd Batterie");
	g_assert_cmpstr(enc, !=, enc2);
	g_assert_true(bb_password_verify(enc2, "Korrekt Pferd Batterie"));
	/* the empty password is hashable (policy is the caller's), over-long is refused */
	g_autofree char *enc3 = bb_password_hash("");
	g_assert_true(bb_password_verify(enc3, ""));
	g_autofree char *huge = g_strnfill(5000, 'a');
	g_assert_null(bb_password_hash(huge));
	g_assert_null(bb_password_hash(NULL));
}

static void test_password_generate(void)
{
	const char *ambiguous = "0O1lI";
	GHashTable *seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	for (int i = 0; i < 200; i++) {
		char *p = bb_password_generate(12);
		g_assert_nonnull(p);
		g_assert_cmpuint(strlen(p), ==, 12);
		for (const char *c = p; *c; c++) {
			g_assert_true(g_ascii_isalnum(*c));
			g_assert_null(strchr(ambiguous, *c));
		}
		g_assert_false(g_hash_table_contains(seen, p));
		g_hash_table_add(seen, p);
	}
	g_hash_table_destroy(seen);
	g_assert_null(bb_password_generate(0));
	g_assert_null(bb_password_generate(-3));
	g_assert_null(bb_password_generate(100000));
	g_autofree char *one = bb_password_generate(1);
	g_assert_cmpuint(strlen(one), ==, 1);
}

static void test_random_bytes(void)
{
	guint8 a[64] = { 0 }, b[64] = { 0 };
	g_assert_true(bb_random_bytes(a, sizeof a));
	g_assert_true(bb_random_bytes(b, sizeof b));
	g_assert_true(memcmp(a, b, sizeof a) != 0);
	g_assert_true(bb_random_bytes(a, 0));
	/* larger than one getrandom() chunk */
	g_autofree guint8 *big = g_malloc0(1 << 20);
	g_assert_true(bb_random_bytes(big, 1 << 20));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/secret/token/shape_and_uniqueness", test_token_shape_and_uniqueness);
	g_test_add_func("/secret/token/decodes_to_32_bytes", test_token_decodes_to_32_bytes);
	g_test_add_func("/secret/token_hash/sha256_vectors", test_sha256_vectors);
	g_test_add_func("/secret/equal", test_secret_equal);
	g_test_add_func("/secret/password/hash_verify", test_password_hash_verify);
	g_test_add_func("/secret/password/generate", test_password_generate);
	g_test_add_func("/secret/random_bytes", test_random_bytes);
	return g_test_run();
}
