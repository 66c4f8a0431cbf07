/* ice.c: ICE server list with TURN REST API credentials (HMAC-SHA1 of the coturn shared secret). */
#include "domain/ice.h"

#include <string.h>

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
