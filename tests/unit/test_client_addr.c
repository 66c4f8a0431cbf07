/* test_client_addr.c: the client-address decision behind trusted proxies (base/client_addr.c): list
 * parsing, CIDR matching for IPv4, IPv6 and IPv4-mapped IPv6, the X-Forwarded-For walk, and the
 * reduced address of log lines. */
#include "base/client_addr.h"

#include <string.h>

typedef struct xff_case {
	const char *peer, *xff, *trusted, *expected;
} xff_case;

/* Each row: TCP peer, X-Forwarded-For (NULL = absent), trusted_proxies, expected client. */
static const xff_case cases[] = {
	{"127.0.0.1", "203.0.113.7", "", "127.0.0.1"},                              /* nothing trusted */
	{"127.0.0.1", "203.0.113.7", "10.0.0.0/8", "127.0.0.1"},                    /* peer not trusted */
	{"127.0.0.1", NULL, "127.0.0.1", "127.0.0.1"},                              /* no header */
	{"127.0.0.1", "203.0.113.7", "127.0.0.1", "203.0.113.7"},
	{"127.0.0.1", " 198.51.100.1 ,203.0.113.7 ", "127.0.0.1", "203.0.113.7"},   /* forged left part */
	{"127.0.0.1", "203.0.113.7, 10.1.2.3, 10.9.9.9", "127.0.0.1,10.0.0.0/8", "203.0.113.7"},
	{"127.0.0.1", "10.1.2.3, 10.9.9.9", "127.0.0.1,10.0.0.0/8", "10.1.2.3"},    /* all trusted: left-most */
	{"127.0.0.1", "203.0.113.7, junk", "127.0.0.1", "127.0.0.1"},               /* junk stops at last trusted hop */
	{"127.0.0.1", "203.0.113.7, 10.0.0.1:8080", "127.0.0.0/8,10.0.0.0/8", "127.0.0.1"},
	{"127.0.0.1", "", "127.0.0.1", "127.0.0.1"},
	{"::ffff:172.30.80.5", "203.0.113.7", "172.30.80.0/24", "203.0.113.7"},     /* v4-mapped peer */
	{"::ffff:172.30.80.5", NULL, "", "172.30.80.5"},                            /* normalised */
	{"172.30.81.5", "203.0.113.7", "172.30.80.0/24", "172.30.81.5"},            /* outside the /24 */
	{"172.30.80.255", "203.0.113.7", "172.30.80.9/24", "203.0.113.7"},          /* host bits ignored */
	{"2001:db8::1", "2001:db8:1::9", "2001:db8::/64", "2001:db8:1::9"},
	{"2001:db8:0:1::1", "198.51.100.4", "2001:db8::/64", "2001:db8:0:1::1"},    /* other /64 */
	{"2001:db8::1", "2001:DB8:0:0::0:5", "2001:db8::/127", "2001:db8::5"},      /* canonical text */
	{"2001:db8::1", "2001:db8::0", "2001:db8::/127", "2001:db8::"},             /* all trusted */
	{"10.0.0.1", "203.0.113.7", "0.0.0.0/0", "203.0.113.7"},
	{"10.0.0.1", "203.0.113.7", "::/0", "203.0.113.7"},                         /* ::/0 covers IPv4 too */
	/* IPv4 CIDR edges */
	{"192.0.2.127", "203.0.113.7", "192.0.2.0/25", "203.0.113.7"},
	{"192.0.2.128", "203.0.113.7", "192.0.2.0/25", "192.0.2.128"},
	{"192.0.2.1", "203.0.113.7", "192.0.2.1/32", "203.0.113.7"},
	{"192.0.2.2", "203.0.113.7", "192.0.2.1/32", "192.0.2.2"},
	/* IPv6 CIDR edges */
	{"2001:db8:1:ffff::1", "198.51.100.4", "2001:db8:1::/48", "198.51.100.4"},
	{"2001:db8:2::1", "198.51.100.4", "2001:db8:1::/48", "2001:db8:2::1"},
	{"2001:db8::", "198.51.100.4", "2001:db8::1/128", "2001:db8::"},
	{"2001:db8::1", "198.51.100.4", "2001:db8::1/128", "198.51.100.4"},
	{"fe80::1", "198.51.100.4", "2001:db8::/32", "fe80::1"},
	/* IPv4-mapped IPv6: peers, hops and networks all compare as IPv4 */
	{"::ffff:192.0.2.9", "::ffff:203.0.113.7", "192.0.2.0/24", "203.0.113.7"},
	{"192.0.2.9", "203.0.113.7", "::ffff:192.0.2.0/120", "203.0.113.7"},      /* mapped network = 192.0.2.0/24 */
	{"192.0.2.9", "203.0.113.7", "::ffff:192.0.3.0/120", "192.0.2.9"},
	{"::ffff:10.9.8.7", "203.0.113.7, ::ffff:10.1.1.1", "10.0.0.0/8", "203.0.113.7"},
	{"10.9.8.7", "2001:db8::7", "10.0.0.0/8", "2001:db8::7"},                  /* IPv6 client behind an IPv4 proxy */
	{"2001:db8::1", "203.0.113.7", "10.0.0.0/8", "2001:db8::1"},               /* an IPv4 network never matches IPv6 */
	{"::ffff:10.0.0.1", "203.0.113.7", "::ffff:0:0/96", "203.0.113.7"},        /* all of IPv4 */
	/* entries that are no plain address end the walk */
	{"127.0.0.1", "203.0.113.7, [2001:db8::1]", "127.0.0.1", "127.0.0.1"},
	{"127.0.0.1", "203.0.113.7, fe80::1%eth0", "127.0.0.1", "127.0.0.1"},
	{"127.0.0.1", "203.0.113.7, unknown", "127.0.0.1", "127.0.0.1"},
	{"not-an-address", "203.0.113.7", "0.0.0.0/0", "not-an-address"},          /* e.g. a unix socket peer */
};

static void test_resolve(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		char out[BB_CLIENT_ADDR_MAX];
		bb_client_addr_resolve(cases[i].peer, cases[i].xff, cases[i].trusted, out, sizeof out);
		g_test_message("case %u: peer %s xff %s trusted %s", i, cases[i].peer, cases[i].xff, cases[i].trusted);
		g_assert_cmpstr(out, ==, cases[i].expected);
	}
}

static void test_check(void)
{
	static const char *const good[] = {"", " ", "127.0.0.1", "10.0.0.0/8, ::1 ,fd00::/8,", "0.0.0.0/0", "::/0", NULL};
	static const char *const bad[] = {"nginx", "10.0.0.0/33", "::1/129", "10.0.0.0/", "10.0.0.0/-1",
		"10.0.0.0/8x", "1.2.3", "10.0.0.1:80", "10.0.0.0/+8", "10.0.0.0/ 8", "[::1]", "::1/",
		"::ffff:10.0.0.0/129", "01.2.3.4", "fe80::1%eth0", NULL};
	for (int i = 0; good[i]; i++)
		g_assert_true(bb_trusted_proxies_check(good[i], NULL));
	for (int i = 0; bad[i]; i++) {
		GError *e = NULL;
		g_assert_false(bb_trusted_proxies_check(bad[i], &e));
		g_assert_nonnull(strstr(e->message, "trusted_proxies"));
		g_error_free(e);
	}
	GString *many = g_string_new("");
	for (int i = 0; i < 65; i++)
		g_string_append_printf(many, "10.0.0.%d,", i);
	g_assert_false(bb_trusted_proxies_check(many->str, NULL));
	g_string_free(many, TRUE);
}

/* Log lines show the network as nginx logs it: IPv4 /24, IPv6 /48. */
static void test_for_log(void)
{
	static const struct { const char *addr, *expected; } cases[] = {
		{"203.0.113.7", "203.0.113.0"}, {"10.1.2.255", "10.1.2.0"}, {"::ffff:192.0.2.77", "192.0.2.0"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1::"}, {"2001:db8::1", "2001:db8::"}, {"::1", "::"},
		{"fe80::1:2", "fe80::"}, {"", "-"}, {NULL, "-"}, {"not-an-address", "-"}, {"203.0.113.7:80", "-"},
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		char out[BB_CLIENT_ADDR_MAX];
		bb_client_addr_for_log(cases[i].addr, out, sizeof out);
		g_assert_cmpstr(out, ==, cases[i].expected);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/client_addr/resolve", test_resolve);
	g_test_add_func("/client_addr/check", test_check);
	g_test_add_func("/client_addr/for_log", test_for_log);
	return g_test_run();
}
