/* ice.c: ICE server list with TURN REST API credentials (HMAC-SHA1 of the coturn shared secret). */
#include "domain/ice.h"

#include <string.h>

#define URIS_MAX 8             /* entries per list */
#define URI_MAX 255            /* characters per URI */
#define SECRET_MIN 16
#define SECRET_MAX 512

/* Characters a TURN/STUN URI (RFC 7064/7065: scheme:host[:port][?transport=udp|tcp]) may contain;
 * anything else (spaces, quotes, control characters) is a configuration mistake. */
static gboolean uri_char_ok(char c)
{
	return g_ascii_isalnum(c) || strchr(".-_:[]?=%", c) != NULL;
}

/* Checks one comma-separated URI list; each entry must start with one of the schemes. */
static gboolean check_uris(const char *key, const char *value, const char *const *schemes, GError **error)
{
	g_auto(GStrv) parts = g_strsplit(value ? value : "", ",", -1);
	guint count = 0;
	for (int i = 0; parts[i]; i++) {
		const char *u = g_strstrip(parts[i]);
		if (!*u)
			continue;
		if (++count > URIS_MAX) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s: more than %d URIs", key, URIS_MAX);
			return FALSE;
		}
		gboolean scheme = FALSE;
		for (int s = 0; schemes[s] && !scheme; s++)
			scheme = g_str_has_prefix(u, schemes[s]) && u[strlen(schemes[s])] != '\0';
		gboolean chars = strlen(u) <= URI_MAX;
		for (const char *c = u; *c && chars; c++)
			chars = uri_char_ok(*c);
		if (!scheme || !chars) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				"%s: '%.64s' is no valid URI (expected %s<host>[:port][?transport=udp|tcp], at most %d characters)",
				key, u, schemes[0], URI_MAX);
			return FALSE;
		}
	}
	return TRUE;
}

/* The non-empty, trimmed entries of a comma-separated list as a JSON array. */
static json_t *uri_array(const char *value)
{
	json_t *a = json_array();
	g_auto(GStrv) parts = g_strsplit(value ? value : "", ",", -1);
	for (int i = 0; parts[i]; i++) {
		const char *u = g_strstrip(parts[i]);
		if (*u)
			json_array_append_new(a, json_string(u));
	}
	return a;
}

static gboolean has_entries(const char *value)
{
	json_t *a = uri_array(value);
	gboolean any = json_array_size(a) > 0;
	json_decref(a);
	return any;
}

gboolean bb_ice_cfg_check(const bb_cfg *cfg, GError **error)
{
	static const char *const turn_schemes[] = {"turn:", "turns:", NULL};
	static const char *const stun_schemes[] = {"stun:", "stuns:", NULL};
	if (!check_uris("turn_uris", cfg->turn_uris, turn_schemes, error) ||
	    !check_uris("stun_uris", cfg->stun_uris, stun_schemes, error))
		return FALSE;
	size_t slen = cfg->turn_secret ? strlen(cfg->turn_secret) : 0;
	gboolean uris = has_entries(cfg->turn_uris);
	if (slen && (slen < SECRET_MIN || slen > SECRET_MAX)) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			"turn_secret must have %d to %d characters", SECRET_MIN, SECRET_MAX);
		return FALSE;
	}
	if (uris != (slen > 0)) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			"turn_uris and turn_secret must be set together (the secret is coturn's static-auth-secret)");
		return FALSE;
	}
	return TRUE;
}

gboolean bb_ice_turn_enabled(const bb_cfg *cfg)
{
	return cfg->turn_secret && *cfg->turn_secret && has_entries(cfg->turn_uris);
}

char *bb_turn_credential(const char *secret, const char *username)
{
	GHmac *h = g_hmac_new(G_CHECKSUM_SHA1, (const guchar *)secret, strlen(secret));
	g_hmac_update(h, (const guchar *)username, (gssize)strlen(username));
	guint8 digest[20];
	gsize len = sizeof digest;
	g_hmac_get_digest(h, digest, &len);
	g_hmac_unref(h);
	return g_base64_encode(digest, len);
}

json_t *bb_ice_servers_json(const bb_cfg *cfg, gint64 now_s)
{
	json_t *servers = json_array();
	int ttl = 0;
	if (bb_ice_turn_enabled(cfg)) {
		ttl = cfg->turn_ttl_s;
		g_autofree char *username = g_strdup_printf("%" G_GINT64_FORMAT ":" BB_TURN_USER, now_s + ttl);
		g_autofree char *credential = bb_turn_credential(cfg->turn_secret, username);
		json_array_append_new(servers, json_pack("{s:o,s:s,s:s}", "urls", uri_array(cfg->turn_uris),
			"username", username, "credential", credential));
	}
	if (has_entries(cfg->stun_uris))
		json_array_append_new(servers, json_pack("{s:o}", "urls", uri_array(cfg->stun_uris)));
	return json_pack("{s:o,s:i}", "ice_servers", servers, "ttl_s", ttl);
}
