/* test_ldap.c: the pieces of directory sign-in that need no directory: RFC 4515 escaping of
 * values in filters (a login like `*)(uid=*` must stay one value), filter templates from the
 * configuration, which logins may be sent to a directory at all (store/clerks_ldap.h), and the
 * check's refusals before any network traffic (an empty password) and with nothing listening. */
#include "base/ldap_filter.h"
#include "store/clerks_ldap.h"
#include "store/ldap_auth.h"

#include <gio/gio.h>
#include <string.h>

typedef struct escape_case {
	const char *value, *escaped;
} escape_case;

static const escape_case escapes[] = {
	{"mueller", "mueller"},
	{"*", "\\2a"},
	{"a*)(uid=*", "a\\2a\\29\\28uid=\\2a"},
	{"*)(|(objectClass=*", "\\2a\\29\\28|\\28objectClass=\\2a"},
	{"back\\slash", "back\\5cslash"},
	{"ctl\x01\x1f\x7f", "ctl\\01\\1f\\7f"},
	{"Ayşe Yılmaz", "Ayşe Yılmaz"},          /* UTF-8 stays as it is (RFC 4515 UTFMB) */
	{"", ""},
};

static void test_escape(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(escapes); i++) {
		g_autofree char *e = bb_ldap_filter_escape(escapes[i].value);
		g_assert_cmpstr(e, ==, escapes[i].escaped);
	}
}

static void test_expand(void)
{
	g_autofree char *a = bb_ldap_filter_expand("(uid=%s)", "a*)(uid=*", NULL);
	g_assert_cmpstr(a, ==, "(uid=a\\2a\\29\\28uid=\\2a)");
	g_autofree char *b = bb_ldap_filter_expand("(|(member=%d)(memberUid=%s))", "ayse", "cn=Yilmaz\\, Ayse (KFZ),dc=x");
	g_assert_cmpstr(b, ==, "(|(member=cn=Yilmaz\\5c, Ayse \\28KFZ\\29,dc=x)(memberUid=ayse))");
	g_autofree char *c = bb_ldap_filter_expand("(&(objectClass=user)(sAMAccountName=%s)(x=100%%))", "m", NULL);
	g_assert_cmpstr(c, ==, "(&(objectClass=user)(sAMAccountName=m)(x=100%))");
}

typedef struct template_case {
	const char *tmpl, *allowed, *required;
	gboolean ok;
} template_case;

static const template_case templates[] = {
	{"(uid=%s)", "s", "s", TRUE},
	{"(&(objectClass=user)(sAMAccountName=%s))", "s", "s", TRUE},
	{"(member=%d)", "sd", "sd", TRUE},
	{"(memberUid=%s)", "sd", "sd", TRUE},
	{"(uid=%s)(cn=%s)", "s", "s", FALSE},       /* two filters */
	{"uid=%s", "s", "s", FALSE},                /* no parentheses */
	{"(uid=%s", "s", "s", FALSE},
	{"((uid=%s)", "s", "s", FALSE},
	{"(uid=%d)", "s", "s", FALSE},              /* %d not allowed for users */
	{"(uid=mueller)", "s", "s", FALSE},         /* no %s */
	{"(uid=%s%)", "s", "s", FALSE},             /* lone % */
	{"(uid=100%%%s)", "s", "s", TRUE},
	{"", "s", "s", FALSE},
};

static void test_template_check(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(templates); i++) {
		GError *e = NULL;
		gboolean ok = bb_ldap_filter_check("k", templates[i].tmpl, templates[i].allowed, templates[i].required, &e);
		if (ok != templates[i].ok)
			g_error("template '%s': expected %s", templates[i].tmpl, templates[i].ok ? "ok" : "an error");
		if (!ok)
			g_assert_true(g_str_has_prefix(e->message, "k"));
		g_clear_error(&e);
	}
}

static void test_login_valid(void)
{
	static const char *const good[] = {"mueller", "a", "m.mueller", "m_mueller-2", "0abc", NULL};
	static const char *const bad[] = {"", "*", "a*)(uid=*", "Mueller", ".a", "-a", "a b", "müller", "a\\2a",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" /* 65 */, NULL};
	for (int i = 0; good[i]; i++)
		g_assert_true(bb_clerk_login_valid(good[i]));
	for (int i = 0; bad[i]; i++)
		if (bb_clerk_login_valid(bad[i]))
			g_error("'%s' accepted", bad[i]);
}

/* A port on 127.0.0.1 that nothing listens on (bound, then closed). */
static int closed_port(void)
{
	g_autoptr(GSocket) s = g_socket_new(G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
	g_autoptr(GInetAddress) lo = g_inet_address_new_loopback(G_SOCKET_FAMILY_IPV4);
	g_autoptr(GSocketAddress) any = g_inet_socket_address_new(lo, 0);
	g_assert_true(g_socket_bind(s, any, TRUE, NULL));
	g_autoptr(GSocketAddress) bound = g_socket_get_local_address(s, NULL);
	return g_inet_socket_address_get_port(G_INET_SOCKET_ADDRESS(bound));
}

static void test_check_without_directory(void)
{
	g_autofree char *url = g_strdup_printf("ldap://127.0.0.1:%d", closed_port());
	bb_cfg cfg = {
		.ldap_url = url, .ldap_ca_file = "", .ldap_bind_dn = "", .ldap_bind_password = "",
		.ldap_user_base = "dc=x", .ldap_user_filter = "(uid=%s)", .ldap_display_attr = "cn",
		.ldap_group_base = "", .ldap_group_filter = "(member=%d)", .ldap_group_prefix = "bb-",
		.ldap_admin_group = "", .ldap_timeout_s = 2,
	};
	g_assert_true(bb_ldap_enabled(&cfg));
	bb_ldap_user u;
	/* An empty password is refused before anything is sent: nothing listens, yet not unavailable. */
	bb_ldap_check(&cfg, "mueller", "", &u);
	g_assert_cmpint(u.verdict, ==, BB_LDAP_REFUSED);
	g_assert_null(u.groups);
	bb_ldap_user_clear(&u);
	gint64 t0 = g_get_monotonic_time();
	bb_ldap_check(&cfg, "mueller", "secret", &u);
	g_assert_cmpint(u.verdict, ==, BB_LDAP_UNAVAILABLE);
	g_assert_nonnull(u.why);
	g_assert_null(strstr(u.why, "secret"));
	g_assert_null(strstr(u.why, "mueller"));
	g_assert_cmpint(g_get_monotonic_time() - t0, <, 2 * G_USEC_PER_SEC);
	bb_ldap_user_clear(&u);
	cfg.ldap_url = "  ";
	g_assert_false(bb_ldap_enabled(&cfg));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ldap/escape", test_escape);
	g_test_add_func("/ldap/expand", test_expand);
	g_test_add_func("/ldap/template_check", test_template_check);
	g_test_add_func("/ldap/login_valid", test_login_valid);
	g_test_add_func("/ldap/check_without_directory", test_check_without_directory);
	return g_test_run();
}
