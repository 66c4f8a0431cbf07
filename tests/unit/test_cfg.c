/* test_cfg.c: the configuration file (base/cfg.c, GKeyFile): old files without a group header,
 * comments, quotes, literal values, clear errors for unknown keys, groups, bad values and lines,
 * environment over file, the directory keys checked as a whole, and the generated sample read
 * back. */
#include "base/cfg.h"

#include <glib/gstdio.h>
#include <string.h>

/* Writes text to a fresh file in a temporary folder; returns its path (g_free). */
static char *write_conf(const char *text)
{
	static char *dir;
	static int n;
	if (!dir)
		dir = g_dir_make_tmp("bb-cfg-XXXXXX", NULL);
	char *path = g_strdup_printf("%s/%d.conf", dir, n++);
	g_assert_true(g_file_set_contents(path, text, -1, NULL));
	return path;
}

/* Loads text as a config file; on failure returns FALSE with *message set (g_free). */
static gboolean load_text(const char *text, bb_cfg *cfg, char **message)
{
	g_autofree char *path = write_conf(text);
	GError *e = NULL;
	gboolean ok = bb_cfg_load(cfg, path, &e);
	if (!ok) {
		/* Errors name the file, so the message starts with the path. */
		g_assert_true(g_str_has_prefix(e->message, path));
		*message = g_strdup(e->message + strlen(path));
		g_error_free(e);
	}
	return ok;
}

/* The keys these tests set must not come from the caller's environment. */
static void clean_env(void)
{
	static const char *const vars[] = {"BB_HTTP_PORT", "BB_DATABASE_URL", "BB_INTERNAL_SECRET",
		"BB_LOG_LEVEL", "BB_SMTP_FROM", "BB_TRUSTED_PROXIES", "BB_TURN_URIS", "BB_TURN_SECRET",
		"BB_STUN_URIS", "BB_LDAP_URL", "BB_LDAP_STARTTLS", "BB_LDAP_BIND_DN", "BB_LDAP_BIND_PASSWORD",
		"BB_LDAP_USER_BASE", "BB_LDAP_USER_FILTER", "BB_LDAP_GROUP_FILTER", "BB_LDAP_CA_FILE", NULL};
	for (int i = 0; vars[i]; i++)
		g_unsetenv(vars[i]);
}

/* A file as operators wrote them before GKeyFile: no group header, comments, blank lines,
 * spaces around '=', double quotes, a backslash that must stay a backslash. */
static void test_old_format(void)
{
	clean_env();
	bb_cfg cfg;
	g_autofree char *msg = NULL;
	g_assert_true(load_text("# queue service\n\n  http_port = 9090\n"
		"database_url = \"postgresql://bb@db/bb?sslmode=require\"\n"
		"internal_secret=ab\\ncd\\\\ef-0123456789\n"
		"   # indented comment\n"
		"log_level =   warn   \n", &cfg, &msg));
	g_assert_cmpint(cfg.http_port, ==, 9090);
	g_assert_cmpstr(cfg.database_url, ==, "postgresql://bb@db/bb?sslmode=require");
	g_assert_cmpstr(cfg.internal_secret, ==, "ab\\ncd\\\\ef-0123456789");
	g_assert_cmpstr(cfg.log_level, ==, "warn");
	g_assert_cmpint(cfg.session_ttl_s, ==, 43200);   /* untouched keys keep their default */
	bb_cfg_clear(&cfg);
}

static void test_group_header(void)
{
	clean_env();
	bb_cfg cfg;
	g_autofree char *msg = NULL;
	g_assert_true(load_text("# header first\n[buergerbuero-queue]\nhttp_port = 8081\nhttp_port = 8082\n"
		"smtp_from = \"\"\n", &cfg, &msg));
	g_assert_cmpint(cfg.http_port, ==, 8082);   /* set twice: the last one wins */
	g_assert_cmpstr(cfg.smtp_from, ==, "");
	bb_cfg_clear(&cfg);
}

typedef struct bad_case {
	const char *text;
	const char *message;   /* expected after the file name */
} bad_case;

/* Every mistake names the file, the line where there is one, and what is wrong. */
static void test_errors(void)
{
	static const bad_case cases[] = {
		{"# ok\nhttp_port = 1\nno_such_key = 1\n", ":3: unknown key 'no_such_key'"},
		{"[buergerbuero-queue]\nhttp_port[de] = 1\n", ":2: unknown key 'http_port[de]'"},
		{"http_port = 80\n[other]\nx = 1\n", ": unknown group [other] (the only group is [buergerbuero-queue])"},
		{"http_port = eighty\n", ":1: http_port must be an integer between 1 and 65535"},
		{"\n\nhttp_port = 70000\n", ":3: http_port must be an integer between 1 and 65535"},
		{"http_port 8080\n", ": Key file contains line \xe2\x80\x9chttp_port 8080\xe2\x80\x9d which is not a key-value pair, group, or comment"},
		{"trusted_proxies = nginx\n", NULL},   /* checked as a whole: message from client_addr.c */
	};
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		clean_env();
		bb_cfg cfg;
		g_autofree char *path = write_conf(cases[i].text);
		GError *e = NULL;
		g_assert_false(bb_cfg_load(&cfg, path, &e));
		g_test_message("case %u: %s", i, e->message);
		if (cases[i].message) {
			g_assert_true(g_str_has_prefix(e->message, path));
			g_assert_cmpstr(e->message + strlen(path), ==, cases[i].message);
		} else {
			g_assert_nonnull(strstr(e->message, "trusted_proxies"));
		}
		g_error_free(e);
		bb_cfg_clear(&cfg);
	}
	bb_cfg cfg;
	GError *e = NULL;
	g_assert_false(bb_cfg_load(&cfg, "/nonexistent/bb.conf", &e));
	g_assert_nonnull(strstr(e->message, "/nonexistent/bb.conf"));
	g_error_free(e);
	bb_cfg_clear(&cfg);
}

/* The directory keys are checked together once ldap_url is set (and not at all without it). */
static void test_ldap_keys(void)
{
	static const char ad[] = "ldap_url = ldaps://dc1.landkreis.local ldaps://dc2.landkreis.local\n"
		"ldap_bind_dn = CN=svc-buergerbuero,OU=Dienste,DC=landkreis,DC=local\n"
		"ldap_bind_password = \"geheim%(*)\"\n"
		"ldap_user_base = OU=Mitarbeiter,DC=landkreis,DC=local\n"
		"ldap_user_filter = (&(objectClass=user)(sAMAccountName=%s))\n"
		"ldap_display_attr = displayName\n"
		"ldap_admin_group = buergerbuero-admins\n";
	static const struct { const char *text, *message; } bad[] = {
		{"ldap_url = http://dc1\n", "ldap_url: at most 8 URIs, each ldap://host[:port] or ldaps://host[:port]"},
		{"ldap_url = ldaps://dc1\nldap_starttls = 1\nldap_user_base = dc=x\n", "ldap_starttls applies to ldap:// only (ldaps:// is TLS from the start)"},
		{"ldap_url = ldap://dc1\n", "ldap_user_base is required with ldap_url"},
		{"ldap_url = ldap://dc1\nldap_user_base = dc=x\nldap_bind_dn = cn=svc,dc=x\n",
		 "ldap_bind_dn and ldap_bind_password must be set together (an empty password is an anonymous bind)"},
		{"ldap_url = ldap://dc1\nldap_user_base = dc=x\nldap_user_filter = (uid=mueller)\n", "ldap_user_filter must use %s (login)"},
		{"ldap_url = ldap://dc1\nldap_user_base = dc=x\nldap_user_filter = uid=%s\n",
		 "ldap_user_filter must be an LDAP filter in parentheses, e.g. (uid=%s)"},
		{"ldap_url = ldap://dc1\nldap_user_base = dc=x\nldap_group_filter = (member=%u)\n",
		 "ldap_group_filter: unknown placeholder %u (allowed: %s (login) %d (user DN) %%)"},
		{"ldap_url = ldap://dc1\nldap_user_base = dc=x\nldap_ca_file = /nonexistent/ca.pem\n", "ldap_ca_file: no such file"},
		{"ldap_url = ldap://dc1\nldap_user_base = dc=x\nldap_group_prefix = \"\"\n", "ldap_group_prefix must not be empty"},
	};
	clean_env();
	bb_cfg cfg;
	g_autofree char *msg = NULL;
	g_assert_true(load_text(ad, &cfg, &msg));
	g_assert_cmpstr(cfg.ldap_bind_password, ==, "geheim%(*)");
	g_assert_cmpstr(cfg.ldap_group_filter, ==, "(member=%d)");
	g_assert_cmpint(cfg.ldap_timeout_s, ==, 5);
	bb_cfg_clear(&cfg);
	/* Without ldap_url nothing else is checked: the other keys are unused. */
	g_assert_true(load_text("ldap_bind_dn = cn=x\nldap_user_filter = nonsense\n", &cfg, &msg));
	bb_cfg_clear(&cfg);
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		g_autofree char *path = write_conf(bad[i].text);
		GError *e = NULL;
		g_assert_false(bb_cfg_load(&cfg, path, &e));
		g_assert_cmpstr(e->message, ==, bad[i].message);
		g_error_free(e);
		bb_cfg_clear(&cfg);
	}
}

static void test_env_over_file(void)
{
	clean_env();
	g_setenv("BB_HTTP_PORT", "7000", TRUE);
	bb_cfg cfg;
	g_autofree char *msg = NULL;
	g_assert_true(load_text("http_port = 9090\nlog_level = debug\n", &cfg, &msg));
	g_assert_cmpint(cfg.http_port, ==, 7000);
	g_assert_cmpstr(cfg.log_level, ==, "debug");
	bb_cfg_clear(&cfg);
	g_unsetenv("BB_HTTP_PORT");
}

/* The sample with every key line uncommented is a valid file that sets every default (keys under
 * the source tree left commented: their value is a placeholder). */
static void test_sample_round_trip(void)
{
	clean_env();
	g_autofree char *sample = bb_cfg_sample();
	g_assert_nonnull(strstr(sample, "\n[buergerbuero-queue]\n"));
	g_autoptr(GRegex) re = g_regex_new("^# ([a-z_]+ = (?!<source>))", G_REGEX_MULTILINE, 0, NULL);
	g_autofree char *active = g_regex_replace(re, sample, -1, 0, "\\1", 0, NULL);
	g_assert_nonnull(strstr(active, "\nhttp_port = 8080\n"));
	bb_cfg from_file, defaults;
	g_autofree char *msg = NULL;
	g_assert_true(load_text(active, &from_file, &msg));
	g_assert_true(bb_cfg_load(&defaults, NULL, NULL));
	g_assert_cmpint(from_file.http_port, ==, defaults.http_port);
	g_assert_cmpstr(from_file.database_url, ==, defaults.database_url);
	g_assert_cmpstr(from_file.smtp_from, ==, defaults.smtp_from);
	g_assert_cmpstr(from_file.internal_secret, ==, "");
	g_assert_cmpint(from_file.db_pool_size, ==, defaults.db_pool_size);
	bb_cfg_clear(&from_file);
	bb_cfg_clear(&defaults);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/cfg/old_format", test_old_format);
	g_test_add_func("/cfg/group_header", test_group_header);
	g_test_add_func("/cfg/errors", test_errors);
	g_test_add_func("/cfg/ldap_keys", test_ldap_keys);
	g_test_add_func("/cfg/env_over_file", test_env_over_file);
	g_test_add_func("/cfg/sample_round_trip", test_sample_round_trip);
	return g_test_run();
}
