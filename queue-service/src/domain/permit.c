/* permit.c: signed join permits: "1.<expires>.<nonce>.<office b64url>.<client b64url>.<hmac>". */
#include "domain/permit.h"
#include "base/secret.h"

#include <stdlib.h>
#include <string.h>

void bb_permit_key(const char *secret, guint8 key[BB_PERMIT_KEY_LEN])
{
	GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
	static const char label[] = "buergerbuero join permit v1";
	g_checksum_update(c, (const guchar *)label, sizeof(label));
	g_checksum_update(c, (const guchar *)(secret ? secret : ""), -1);
	gsize len = BB_PERMIT_KEY_LEN;
	g_checksum_get_digest(c, key, &len);
	g_checksum_free(c);
}

static char *b64url(const char *s)
{
	char *b = g_base64_encode((const guchar *)s, strlen(s));
	for (char *p = b; *p; p++)
		*p = *p == '+' ? '-' : *p == '/' ? '_' : *p;
	char *eq = strchr(b, '=');
	if (eq)
		*eq = '\0';
	return b;
}

/* Decodes into out (NUL-terminated); FALSE when not base64url or too long for out. */
static gboolean unb64url(const char *s, char *out, gsize out_len)
{
	gsize n = strlen(s);
	if (n == 0 || n > 200 || strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != n)
		return FALSE;
	GString *t = g_string_new(s);
	for (gsize i = 0; i < t->len; i++)
		t->str[i] = t->str[i] == '-' ? '+' : t->str[i] == '_' ? '/' : t->str[i];
	while (t->len % 4)
		g_string_append_c(t, '=');
	gsize len = 0;
	guchar *raw = g_base64_decode(t->str, &len);
	g_string_free(t, TRUE);
	gboolean ok = raw && len > 0 && len < out_len && !memchr(raw, '\0', len);
	if (ok) {
		memcpy(out, raw, len);
		out[len] = '\0';
	}
	g_free(raw);
	return ok;
}

static char *mac(const guint8 key[BB_PERMIT_KEY_LEN], const char *body, gsize len)
{
	return g_compute_hmac_for_data(G_CHECKSUM_SHA256, key, BB_PERMIT_KEY_LEN, (const guchar *)body, len);
}

char *bb_permit_make(const guint8 key[BB_PERMIT_KEY_LEN], const char *office, const char *client,
	gint64 expires)
{
	guint8 raw[16];
	if (!bb_random_bytes(raw, sizeof(raw)))
		return NULL;
	char nonce[33];
	for (int i = 0; i < 16; i++)
		g_snprintf(nonce + 2 * i, 3, "%02x", raw[i]);
	g_autofree char *o = b64url(office);
	g_autofree char *c = b64url(client);
	g_autofree char *body = g_strdup_printf("1.%" G_GINT64_FORMAT ".%s.%s.%s", expires, nonce, o, c);
	g_autofree char *m = mac(key, body, strlen(body));
	return g_strdup_printf("%s.%s", body, m);
}

/* Why check the signature before anything else: a permit is client input, and only a valid
 * signature makes its office, address and expiry ours. */
gboolean bb_permit_parse(const guint8 key[BB_PERMIT_KEY_LEN], const char *permit, bb_permit *out)
{
	memset(out, 0, sizeof(*out));
	if (!permit || strlen(permit) > 300)
		return FALSE;
	const char *dot = strrchr(permit, '.');
	if (!dot || strlen(dot + 1) != 64)
		return FALSE;
	g_autofree char *want = mac(key, permit, (gsize)(dot - permit));
	if (!bb_secret_equal(want, dot + 1))
		return FALSE;
	g_autofree char *body = g_strndup(permit, (gsize)(dot - permit));
	g_auto(GStrv) parts = g_strsplit(body, ".", 0);
	if (g_strv_length(parts) != 5 || strcmp(parts[0], "1") != 0 || strlen(parts[2]) != 32)
		return FALSE;
	char *end = NULL;
	out->expires = g_ascii_strtoll(parts[1], &end, 10);
	if (!end || *end || out->expires <= 0)
		return FALSE;
	g_strlcpy(out->nonce, parts[2], sizeof(out->nonce));
	return unb64url(parts[3], out->office, sizeof(out->office)) &&
		unb64url(parts[4], out->client, sizeof(out->client));
}
