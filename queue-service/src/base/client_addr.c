/* client_addr.c: client address of a public request: TCP peer, or X-Forwarded-For behind trusted proxies. */
#include "base/client_addr.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#define PROXIES_MAX 64         /* entries in trusted_proxies */
#define ENTRY_MAX 63           /* characters of one entry ("addr/prefix") */

/* One trusted network; IPv4 is held IPv4-mapped (::ffff:a.b.c.d, prefix + 96) so one compare fits both. */
typedef struct net {
	guint8 addr[16];
	int prefix;
} net;

/* The parsed trusted_proxies, cached by text: the configuration does not change at run time, and
 * this base module knows no service context (store/app.h) to keep it in, so the parse result
 * lives here, under a lock. */
static GMutex cache_lock;
static char *cache_text;
static GArray *cache_nets;

/* Parses an IPv4 or IPv6 address into 16 bytes (IPv4 mapped); FALSE if it is neither. */
static gboolean parse_ip(const char *text, guint8 out[16])
{
	struct in_addr v4;
	struct in6_addr v6;
	if (inet_pton(AF_INET, text, &v4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &v4, 4);
		return TRUE;
	}
	if (inet_pton(AF_INET6, text, &v6) == 1) {
		memcpy(out, &v6, 16);
		return TRUE;
	}
	return FALSE;
}

static gboolean is_v4_mapped(const guint8 a[16])
{
	static const guint8 prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	return memcmp(a, prefix, sizeof prefix) == 0;
}

/* Canonical text of an address: dotted quad for IPv4 (also when it came IPv4-mapped). */
static void format_ip(const guint8 a[16], char *out, size_t out_size)
{
	char buf[INET6_ADDRSTRLEN] = "";
	if (is_v4_mapped(a))
		inet_ntop(AF_INET, a + 12, buf, sizeof buf);
	else
		inet_ntop(AF_INET6, a, buf, sizeof buf);
	g_strlcpy(out, buf, out_size);
}

/* Parses "addr" or "addr/prefix"; host bits after the prefix are allowed and ignored. */
static gboolean parse_net(const char *text, net *n)
{
	if (strlen(text) > ENTRY_MAX)
		return FALSE;
	char buf[ENTRY_MAX + 1];
	g_strlcpy(buf, text, sizeof buf);
	char *slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	if (!parse_ip(buf, n->addr))
		return FALSE;
	gboolean v4 = strchr(buf, ':') == NULL;
	int max = v4 ? 32 : 128;
	n->prefix = max;
	if (slash) {
		const char *p = slash + 1;
		char *end = NULL;
		if (!g_ascii_isdigit(*p))
			return FALSE;
		long v = strtol(p, &end, 10);
		if (*end != '\0' || v < 0 || v > max)
			return FALSE;
		n->prefix = (int)v;
	}
	if (v4)
		n->prefix += 96;
	return TRUE;
}

/* Whole bytes first, then the masked rest of the prefix. */
static gboolean net_contains(const net *n, const guint8 a[16])
{
	int full = n->prefix / 8, rest = n->prefix % 8;
	if (memcmp(n->addr, a, (size_t)full) != 0)
		return FALSE;
	if (rest == 0)
		return TRUE;
	guint8 mask = (guint8)(0xff << (8 - rest));
	return (n->addr[full] & mask) == (a[full] & mask);
}

/* Parses the comma-separated list into nets (may be NULL to only validate). Empty entries
 * (e.g. a trailing comma) are skipped; anything unparsable is an error naming the entry. */
static gboolean parse_list(const char *value, GArray *nets, GError **error)
{
	g_auto(GStrv) parts = g_strsplit(value ? value : "", ",", -1);
	guint count = 0;
	for (int i = 0; parts[i]; i++) {
		char *e = g_strstrip(parts[i]);
		if (!*e)
			continue;
		net n;
		if (!parse_net(e, &n)) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				"trusted_proxies: '%.*s' is no IPv4/IPv6 address or CIDR network", ENTRY_MAX, e);
			return FALSE;
		}
		if (++count > PROXIES_MAX) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				"trusted_proxies: more than %d entries", PROXIES_MAX);
			return FALSE;
		}
		if (nets)
			g_array_append_val(nets, n);
	}
	return TRUE;
}

gboolean bb_trusted_proxies_check(const char *value, GError **error)
{
	return parse_list(value, NULL, error);
}

/* Whether a is in the trusted list `text` (parsed once per distinct text). A list that does not
 * parse (only possible if cfg.c's check was bypassed) trusts nobody. */
static gboolean is_trusted(const char *text, const guint8 a[16])
{
	g_mutex_lock(&cache_lock);
	if (!cache_text || strcmp(cache_text, text) != 0) {
		g_free(cache_text);
		cache_text = g_strdup(text);
		if (cache_nets)
			g_array_unref(cache_nets);
		cache_nets = g_array_new(FALSE, FALSE, sizeof(net));
		if (!parse_list(text, cache_nets, NULL))
			g_array_set_size(cache_nets, 0);
	}
	gboolean found = FALSE;
	for (guint i = 0; i < cache_nets->len && !found; i++)
		found = net_contains(&g_array_index(cache_nets, net, i), a);
	g_mutex_unlock(&cache_lock);
	return found;
}

void bb_client_addr_resolve(const char *peer, const char *xff, const char *trusted_proxies,
	char *out, size_t out_size)
{
	guint8 a[16];
	if (!parse_ip(peer ? peer : "", a)) {
		g_strlcpy(out, peer ? peer : "", out_size);   /* e.g. a unix socket: nothing to decide */
		return;
	}
	format_ip(a, out, out_size);
	if (!trusted_proxies || !*trusted_proxies || !xff || !is_trusted(trusted_proxies, a))
		return;
	/* Right to left: each trusted hop vouches for the entry before it; the first untrusted
	 * entry is the client. An unparsable entry stops the walk at the last hop we could trust. */
	g_auto(GStrv) hops = g_strsplit(xff, ",", -1);
	for (int i = (int)g_strv_length(hops) - 1; i >= 0; i--) {
		char *h = g_strstrip(hops[i]);
		if (!parse_ip(h, a))
			return;
		format_ip(a, out, out_size);
		if (!is_trusted(trusted_proxies, a))
			return;
	}
}
