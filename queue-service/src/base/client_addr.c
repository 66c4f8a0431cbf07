/* client_addr.c: client address of a public request: TCP peer, or X-Forwarded-For behind trusted
 * proxies; and the reduced form of an address for log lines. Addresses and networks are GIO's
 * GInetAddress and GInetAddressMask. */
#include "base/client_addr.h"

#include <gio/gio.h>
#include <stdlib.h>
#include <string.h>

#define PROXIES_MAX 64         /* entries in trusted_proxies */
#define ENTRY_MAX 63           /* characters of one entry ("addr/prefix") */
#define LOG_V4_PREFIX 24       /* log lines keep the /24 of an IPv4 address ... */
#define LOG_V6_PREFIX 48       /* ... and the /48 of an IPv6 address, as nginx's log does */

/* The parsed trusted_proxies (GInetAddressMask*), cached by text: the configuration does not
 * change at run time, and this base module knows no service context (store/app.h) to keep it in,
 * so the parse result lives here, under a lock. */
static GMutex cache_lock;
static char *cache_text;
static GPtrArray *cache_nets;

/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d) as the IPv4 address it carries, so that one
 * family is compared and reported; anything else unchanged. Takes a and returns a reference. */
static GInetAddress *unmap(GInetAddress *a)
{
	if (g_inet_address_get_family(a) != G_SOCKET_FAMILY_IPV6)
		return a;
	static const guint8 mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	const guint8 *b = g_inet_address_to_bytes(a);
	if (memcmp(b, mapped, sizeof mapped) != 0)
		return a;
	GInetAddress *v4 = g_inet_address_new_from_bytes(b + 12, G_SOCKET_FAMILY_IPV4);
	g_object_unref(a);
	return v4;
}

/* A plain IPv4 or IPv6 address (no port, no scope, no blanks), unmapped; NULL if it is none. */
static GInetAddress *parse_ip(const char *text)
{
	GInetAddress *a = text ? g_inet_address_new_from_string(text) : NULL;
	return a ? unmap(a) : NULL;
}

/* The first `prefix` bits of a, the rest zero (GInetAddressMask refuses host bits; the
 * configuration has always allowed and ignored them). */
static GInetAddress *network_of(GInetAddress *a, guint prefix)
{
	gsize n = g_inet_address_get_native_size(a);
	guint8 bytes[16];
	memcpy(bytes, g_inet_address_to_bytes(a), n);
	for (gsize i = 0; i < n; i++) {
		guint keep = prefix >= (i + 1) * 8 ? 8 : prefix > i * 8 ? prefix - (guint)(i * 8) : 0;
		bytes[i] &= (guint8)(0xff << (8 - keep));
	}
	return g_inet_address_new_from_bytes(bytes, g_inet_address_get_family(a));
}

/* Parses "addr" or "addr/prefix" into a mask. An IPv4-mapped IPv6 network with a prefix of at
 * least 96 becomes the IPv4 network it covers, as mapped peers are compared as IPv4. */
static GInetAddressMask *parse_net(const char *text)
{
	if (strlen(text) > ENTRY_MAX)
		return NULL;
	char buf[ENTRY_MAX + 1];
	g_strlcpy(buf, text, sizeof buf);
	char *slash = strchr(buf, '/');
	if (slash)
		*slash = '\0';
	GInetAddress *raw = g_inet_address_new_from_string(buf);
	if (!raw)
		return NULL;
	guint max = g_inet_address_get_family(raw) == G_SOCKET_FAMILY_IPV4 ? 32 : 128, prefix = max;
	if (slash) {
		const char *p = slash + 1;
		char *end = NULL;
		long v = g_ascii_isdigit(*p) ? strtol(p, &end, 10) : -1;
		if (v < 0 || *end != '\0' || v > (long)max) {
			g_object_unref(raw);
			return NULL;
		}
		prefix = (guint)v;
	}
	g_autoptr(GInetAddress) a = unmap(raw);
	if (g_inet_address_get_family(a) == G_SOCKET_FAMILY_IPV4 && max == 128)
		prefix = prefix >= 96 ? prefix - 96 : 0;   /* a mapped network shorter than /96 is all of IPv4 */
	g_autoptr(GInetAddress) net = network_of(a, prefix);
	return g_inet_address_mask_new(net, prefix, NULL);
}

/* Parses the comma-separated list into nets (may be NULL to only validate). Empty entries
 * (e.g. a trailing comma) are skipped; anything unparsable is an error naming the entry. */
static gboolean parse_list(const char *value, GPtrArray *nets, GError **error)
{
	g_auto(GStrv) parts = g_strsplit(value ? value : "", ",", -1);
	guint count = 0;
	for (int i = 0; parts[i]; i++) {
		char *e = g_strstrip(parts[i]);
		if (!*e)
			continue;
		GInetAddressMask *m = parse_net(e);
		if (!m) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				"trusted_proxies: '%.*s' is no IPv4/IPv6 address or CIDR network", ENTRY_MAX, e);
			return FALSE;
		}
		if (++count > PROXIES_MAX) {
			g_object_unref(m);
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				"trusted_proxies: more than %d entries", PROXIES_MAX);
			return FALSE;
		}
		if (nets)
			g_ptr_array_add(nets, m);
		else
			g_object_unref(m);
	}
	return TRUE;
}

gboolean bb_trusted_proxies_check(const char *value, GError **error)
{
	return parse_list(value, NULL, error);
}

/* Whether the network matches the address. A /0 network matches every address of both families
 * (`::/0` has always covered IPv4 clients, which arrive mapped on a dual-stack listener). */
static gboolean net_matches(GInetAddressMask *m, GInetAddress *a)
{
	if (g_inet_address_mask_get_length(m) == 0)
		return TRUE;
	return g_inet_address_mask_get_family(m) == g_inet_address_get_family(a) && g_inet_address_mask_matches(m, a);
}

/* Whether a is in the trusted list `text` (parsed once per distinct text). A list that does not
 * parse (only possible if cfg.c's check was bypassed) trusts nobody. */
static gboolean is_trusted(const char *text, GInetAddress *a)
{
	g_mutex_lock(&cache_lock);
	if (!cache_text || strcmp(cache_text, text) != 0) {
		g_free(cache_text);
		cache_text = g_strdup(text);
		if (cache_nets)
			g_ptr_array_unref(cache_nets);
		cache_nets = g_ptr_array_new_with_free_func(g_object_unref);
		if (!parse_list(text, cache_nets, NULL))
			g_ptr_array_set_size(cache_nets, 0);
	}
	gboolean found = FALSE;
	for (guint i = 0; i < cache_nets->len && !found; i++)
		found = net_matches(cache_nets->pdata[i], a);
	g_mutex_unlock(&cache_lock);
	return found;
}

static void write_ip(GInetAddress *a, char *out, size_t out_size)
{
	g_autofree char *text = g_inet_address_to_string(a);
	g_strlcpy(out, text, out_size);
}

void bb_client_addr_resolve(const char *peer, const char *xff, const char *trusted_proxies,
	char *out, size_t out_size)
{
	g_autoptr(GInetAddress) a = parse_ip(peer);
	if (!a) {
		g_strlcpy(out, peer ? peer : "", out_size);   /* e.g. a unix socket: nothing to decide */
		return;
	}
	write_ip(a, out, out_size);
	if (!trusted_proxies || !*trusted_proxies || !xff || !is_trusted(trusted_proxies, a))
		return;
	/* Right to left: each trusted hop vouches for the entry before it; the first untrusted
	 * entry is the client. An unparsable entry stops the walk at the last hop we could trust. */
	g_auto(GStrv) hops = g_strsplit(xff, ",", -1);
	for (int i = (int)g_strv_length(hops) - 1; i >= 0; i--) {
		g_autoptr(GInetAddress) hop = parse_ip(g_strstrip(hops[i]));
		if (!hop)
			return;
		write_ip(hop, out, out_size);
		if (!is_trusted(trusted_proxies, hop))
			return;
	}
}

/* The network, not the host: what an operator needs to tell clients apart in a log (one office,
 * one provider) without the log holding a citizen's address. IPv6 keeps the /48 in nginx's
 * shape, `2001:db8:1::`. */
void bb_client_addr_for_log(const char *addr, char *out, size_t out_size)
{
	g_autoptr(GInetAddress) a = parse_ip(addr);
	if (!a) {
		g_strlcpy(out, "-", out_size);   /* not an IP address: nothing that could be shown safely */
		return;
	}
	gboolean v4 = g_inet_address_get_family(a) == G_SOCKET_FAMILY_IPV4;
	g_autoptr(GInetAddress) net = network_of(a, v4 ? LOG_V4_PREFIX : LOG_V6_PREFIX);
	write_ip(net, out, out_size);
}
