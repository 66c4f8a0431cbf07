/* client_addr.h: the client address of a public HTTP request, the one place that decides it.
 *
 * Without trusted proxies it is the TCP peer. When the peer is one of `trusted_proxies`
 * (comma-separated IPv4/IPv6 addresses or CIDR networks, docs/configuration.md), the address is
 * taken from `X-Forwarded-For`: walking the list from the right, trusted hops are skipped and the
 * first untrusted entry is the client. Per-address rate limits (login, appointment codes, ICE
 * credentials) key on this address. Addresses are parsed and matched with GIO's GInetAddress and
 * GInetAddressMask; no connection, no lws.
 *
 * Log lines never carry a client's full address: bb_client_addr_for_log() reduces it to its network
 * the way the stack's nginx logs it (docker/web/nginx.conf.template): IPv4 /24, IPv6 /48. */
#ifndef BB_CLIENT_ADDR_H
#define BB_CLIENT_ADDR_H

#include <glib.h>

#define BB_CLIENT_ADDR_MAX 64

/* Validates a `trusted_proxies` value (cfg.c); FALSE with *error naming the bad entry. */
gboolean bb_trusted_proxies_check(const char *value, GError **error);

/* Writes the client address into out (size >= BB_CLIENT_ADDR_MAX): peer is the TCP peer's
 * address text, xff the X-Forwarded-For value (NULL if absent), trusted_proxies the configured
 * text. IPv4-mapped IPv6 addresses are written as IPv4. The public listener reads peer and header
 * from the connection (api/http.c); tests call this directly. */
void bb_client_addr_resolve(const char *peer, const char *xff, const char *trusted_proxies,
	char *out, size_t out_size);

/* Writes the network of addr for a log line into out (size >= BB_CLIENT_ADDR_MAX): "203.0.113.0"
 * for 203.0.113.7, "2001:db8:1::" for 2001:db8:1:2::9 (IPv4-mapped as IPv4), "-" for anything that
 * is no IP address. */
void bb_client_addr_for_log(const char *addr, char *out, size_t out_size);

#endif
