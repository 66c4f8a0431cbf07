/* cfg.c: configuration keys as one table: defaults, the file (GKeyFile), env overrides, help. */
#include "base/cfg.h"
#include "base/client_addr.h"
#include "base/ldap_filter.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#ifndef BB_SOURCE_ROOT
#define BB_SOURCE_ROOT "."
#endif

typedef enum { KEY_STR, KEY_INT } key_type;

typedef struct cfg_key {
	const char *name;
	const char *env;
	key_type type;
	size_t offset;
	const char *def;
	int min, max;          /* KEY_INT only */
	const char *help;
} cfg_key;

#define S(f) KEY_STR, offsetof(bb_cfg, f)
#define I(f) KEY_INT, offsetof(bb_cfg, f)

static const cfg_key keys[] = {
	{"database_url", "BB_DATABASE_URL", S(database_url), "postgresql:///buergerbuero", 0, 0,
	 "libpq connection string or URL of the PostgreSQL database"},
	{"http_bind", "BB_HTTP_BIND", S(http_bind), "0.0.0.0", 0, 0,
	 "address of the public HTTP listener (REST, live WebSocket, static files)"},
	{"http_port", "BB_HTTP_PORT", I(http_port), "8080", 1, 65535, "port of the public HTTP listener"},
	{"internal_bind", "BB_INTERNAL_BIND", S(internal_bind), "127.0.0.1", 0, 0,
	 "address of the internal WebSocket for Janus plugin instances"},
	{"internal_port", "BB_INTERNAL_PORT", I(internal_port), "8089", 1, 65535,
	 "port of the internal WebSocket"},
	{"internal_secret", "BB_INTERNAL_SECRET", S(internal_secret), "", 0, 0,
	 "shared secret plugin instances present in `hello` (required for serve; never logged)"},
	{"static_dir", "BB_STATIC_DIR", S(static_dir), BB_SOURCE_ROOT "/web-client", 0, 0,
	 "folder with demo/, console/, widget/, vendor/ served as static files (missing parts are skipped)"},
	{"janus_url", "BB_JANUS_URL", S(janus_url), "/janus", 0, 0,
	 "Janus WebSocket for widget and console (GET /api/v1/config): a path on the API's own origin, or a ws:// or wss:// URL"},
	{"checkin_url", "BB_CHECKIN_URL", S(checkin_url), "", 0, 0,
	 "http(s) URL of the page with the citizen widget; appointment calendar files link to it for check-in (#checkin=CODE); empty = no link"},
	{"sql_dir", "BB_SQL_DIR", S(sql_dir), BB_SOURCE_ROOT "/sql", 0, 0,
	 "folder holding migrations/NNN_name.sql"},
	{"log_level", "BB_LOG_LEVEL", S(log_level), "info", 0, 0, "debug, info, warn or error"},
	{"log_format", "BB_LOG_FORMAT", S(log_format), "text", 0, 0,
	 "text (one line: time level component message) or json (one JSON object per line: time, level, component, message)"},
	{"session_ttl_s", "BB_SESSION_TTL_S", I(session_ttl_s), "43200", 60, 604800,
	 "lifetime of a clerk session in seconds"},
	{"presence_timeout_s", "BB_PRESENCE_TIMEOUT_S", I(presence_timeout_s), "30", 2, 3600,
	 "a clerk not heard of for this many seconds goes offline"},
	{"plugin_grace_s", "BB_PLUGIN_GRACE_S", I(plugin_grace_s), "30", 1, 3600,
	 "a Janus node away this many seconds loses its consultations: their tickets go back to the front of the queue"},
	{"permit_burst", "BB_PERMIT_BURST", I(permit_burst), "10", 1, 1000000,
	 "join permits a client address (an IPv6 /64) gets at once; then one more every permit_refill_s"},
	{"permit_refill_s", "BB_PERMIT_REFILL_S", I(permit_refill_s), "120", 1, 86400,
	 "seconds until a client address gets one more join permit"},
	{"booking_burst", "BB_BOOKING_BURST", I(booking_burst), "10", 1, 1000000,
	 "appointments a client address (an IPv6 /64) may book at once; then one more every booking_refill_s"},
	{"booking_refill_s", "BB_BOOKING_REFILL_S", I(booking_refill_s), "180", 1, 86400,
	 "seconds until a client address may book one more appointment"},
	{"permit_ttl_s", "BB_PERMIT_TTL_S", I(permit_ttl_s), "120", 10, 3600,
	 "a join permit must be used within this many seconds"},
	{"retention_s", "BB_RETENTION_S", I(retention_s), "0", 0, 31536000,
	 "seconds after arrival until a finished ticket's name and concern are erased; 0 = end of the office's local day"},
	{"ws_queue_max", "BB_WS_QUEUE_MAX", I(ws_queue_max), "2048", 16, 1000000,
	 "outgoing messages queued per WebSocket; a slower consumer is disconnected"},
	{"db_timeout_ms", "BB_DB_TIMEOUT_MS", I(db_timeout_ms), "5000", 100, 600000,
	 "statement timeout of the service's database queries in milliseconds"},
	{"db_pool_size", "BB_DB_POOL_SIZE", I(db_pool_size), "4", 1, 64,
	 "database connections (worker threads) for the internal API's ticket ops; 1 = all SQL on the event loop's one connection"},
	{"login_hash_threads", "BB_LOGIN_HASH_THREADS", I(login_hash_threads), "1", 1, 16,
	 "threads that check clerk login passwords (argon2id, about 20 MiB each), off the event loop"},
	{"login_hash_queue", "BB_LOGIN_HASH_QUEUE", I(login_hash_queue), "16", 1, 1024,
	 "login checks that may wait for a free hash thread; further logins get 429 rate_limited at once"},
	{"checkin_before_s", "BB_CHECKIN_BEFORE_S", I(checkin_before_s), "900", 0, 86400,
	 "appointment check-in opens this many seconds before the slot"},
	{"checkin_after_s", "BB_CHECKIN_AFTER_S", I(checkin_after_s), "900", 0, 86400,
	 "appointment check-in closes this many seconds after the slot's start"},
	{"appointment_retention_s", "BB_APPOINTMENT_RETENTION_S", I(appointment_retention_s), "86400", 0, 31536000,
	 "seconds after an appointment's end until its name, contact and concern are erased"},
	{"reminder_before_s", "BB_REMINDER_BEFORE_S", I(reminder_before_s), "86400", 0, 604800,
	 "reminder e-mail this many seconds before an appointment; 0 = no reminders"},
	{"smtp_url", "BB_SMTP_URL", S(smtp_url), "", 0, 0,
	 "SMTP server for appointment mails, e.g. smtp://127.0.0.1:25 or smtps://host; empty = no mail"},
	{"smtp_from", "BB_SMTP_FROM", S(smtp_from), "buergerbuero@localhost", 0, 0,
	 "sender address of appointment mails"},
	{"callback_notify_position", "BB_CALLBACK_NOTIFY_POSITION", I(callback_notify_position), "3", 0, 1000,
	 "a waiting citizen who left an e-mail address gets \"almost your turn\" (with a link that resumes the ticket) when this many tickets are ahead; 0 = no callback by e-mail (also off without smtp_url or checkin_url)"},
	{"callback_hold_s", "BB_CALLBACK_HOLD_S", I(callback_hold_s), "300", 10, 86400,
	 "a ticket whose citizen is away when its turn comes keeps its place this many seconds (\"your turn now\" mail), then expires with reason callback"},
	{"callback_snooze_places", "BB_CALLBACK_SNOOZE_PLACES", I(callback_snooze_places), "3", 1, 100,
	 "\"I need 5 more minutes\" (once per ticket, within callback_notify_position of the front) moves the ticket back this many places"},
	{"callback_burst", "BB_CALLBACK_BURST", I(callback_burst), "5", 1, 1000000,
	 "callback addresses a client address (an IPv6 /64) may set at once; then one more every callback_refill_s"},
	{"callback_refill_s", "BB_CALLBACK_REFILL_S", I(callback_refill_s), "120", 1, 86400,
	 "seconds until a client address may set one more callback address"},
	{"turn_uris", "BB_TURN_URIS", S(turn_uris), "", 0, 0,
	 "comma-separated TURN URIs handed to browsers, e.g. turn:host:3478?transport=udp,turns:host:5349?transport=tcp; empty = no TURN"},
	{"stun_uris", "BB_STUN_URIS", S(stun_uris), "", 0, 0,
	 "comma-separated STUN URIs handed to browsers, e.g. stun:host:3478"},
	{"turn_secret", "BB_TURN_SECRET", S(turn_secret), "", 0, 0,
	 "coturn's static-auth-secret (use-auth-secret); required with turn_uris; never logged"},
	{"turn_ttl_s", "BB_TURN_TTL_S", I(turn_ttl_s), "3600", 60, 86400,
	 "lifetime of the TURN credentials handed out, in seconds"},
	{"trusted_proxies", "BB_TRUSTED_PROXIES", S(trusted_proxies), "", 0, 0,
	 "comma-separated proxy addresses/CIDRs whose X-Forwarded-For names the client; empty = none"},
	{"ldap_url", "BB_LDAP_URL", S(ldap_url), "", 0, 0,
	 "directory (LDAP / Active Directory) for clerk sign-in: ldap:// or ldaps:// URIs separated by blanks, tried in order; empty = local accounts only"},
	{"ldap_starttls", "BB_LDAP_STARTTLS", I(ldap_starttls), "0", 0, 1,
	 "1 = StartTLS on an ldap:// URI (the sign-in fails when the directory refuses it)"},
	{"ldap_ca_file", "BB_LDAP_CA_FILE", S(ldap_ca_file), "", 0, 0,
	 "PEM file with the CA certificates the directory's TLS certificate must chain to; empty = the system's CAs"},
	{"ldap_bind_dn", "BB_LDAP_BIND_DN", S(ldap_bind_dn), "", 0, 0,
	 "DN of the service account that searches users and groups; empty = anonymous search"},
	{"ldap_bind_password", "BB_LDAP_BIND_PASSWORD", S(ldap_bind_password), "", 0, 0,
	 "password of ldap_bind_dn; required with it; never logged"},
	{"ldap_user_base", "BB_LDAP_USER_BASE", S(ldap_user_base), "", 0, 0,
	 "where clerks are searched (subtree), e.g. ou=people,dc=landkreis,dc=de; required with ldap_url"},
	{"ldap_user_filter", "BB_LDAP_USER_FILTER", S(ldap_user_filter), "(uid=%s)", 0, 0,
	 "filter that finds a clerk by login (%s, escaped); Active Directory: (sAMAccountName=%s)"},
	{"ldap_display_attr", "BB_LDAP_DISPLAY_ATTR", S(ldap_display_attr), "cn", 0, 0,
	 "attribute holding the clerk's display name (Active Directory: displayName)"},
	{"ldap_group_base", "BB_LDAP_GROUP_BASE", S(ldap_group_base), "", 0, 0,
	 "where groups are searched (subtree); empty = ldap_user_base"},
	{"ldap_group_filter", "BB_LDAP_GROUP_FILTER", S(ldap_group_filter), "(member=%d)", 0, 0,
	 "filter that finds the clerk's groups: %d the clerk's DN, %s the login (posixGroup: (memberUid=%s))"},
	{"ldap_group_prefix", "BB_LDAP_GROUP_PREFIX", S(ldap_group_prefix), "buergerbuero-", 0, 0,
	 "a group whose cn is this prefix followed by an office id (buergerbuero-kfz) lets its members serve that office"},
	{"ldap_admin_group", "BB_LDAP_ADMIN_GROUP", S(ldap_admin_group), "", 0, 0,
	 "cn of the group whose members get role admin (every office); empty = no admins from the directory"},
	{"ldap_supervisor_group", "BB_LDAP_SUPERVISOR_GROUP", S(ldap_supervisor_group), "", 0, 0,
	 "cn of the group whose members get role supervisor (they serve their office groups' offices and oversee all); empty = none"},
	{"ldap_timeout_s", "BB_LDAP_TIMEOUT_S", I(ldap_timeout_s), "5", 1, 60,
	 "seconds to connect to the directory and to wait for each of its answers; longer: the sign-in fails with unavailable"},
};

static const cfg_key *find_key(const char *name)
{
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++)
		if (strcmp(keys[i].name, name) == 0)
			return &keys[i];
	return NULL;
}

/* Stores one textual value into the struct, checking integer ranges. */
static gboolean set_value(bb_cfg *cfg, const cfg_key *k, const char *value, const char *origin,
	GError **error)
{
	char *base = (char *)cfg;
	if (k->type == KEY_STR) {
		char **slot = (char **)(base + k->offset);
		g_free(*slot);
		*slot = g_strdup(value);
		return TRUE;
	}
	char *end = NULL;
	errno = 0;
	long v = strtol(value, &end, 10);
	if (errno || end == value || *end != '\0' || v < k->min || v > k->max) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			"%s: %s must be an integer between %d and %d", origin, k->name, k->min, k->max);
		return FALSE;
	}
	*(int *)(base + k->offset) = (int)v;
	return TRUE;
}

/* ---- the configuration file (GKeyFile) ------------------------------------------------------- */

/* The one group of the file. Files written before the format had groups (plain `key = value`
 * lines) are read as if they started with this header. */
#define CFG_GROUP "buergerbuero-queue"

/* The 1-based line of `text` on which `key` is set (the last such line, as the last one wins), or
 * 0: GKeyFile reports no line numbers, but an operator wants one. */
static int line_of_key(const char *text, const char *key)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	size_t klen = strlen(key);
	int found = 0;
	for (int i = 0; lines[i]; i++) {
		const char *l = lines[i];
		while (*l == ' ' || *l == '\t')
			l++;
		if (strncmp(l, key, klen) != 0)
			continue;
		l += klen;
		while (*l == ' ' || *l == '\t')
			l++;
		if (*l == '=')
			found = i + 1;
	}
	return found;
}

/* Whether the first line that is neither blank nor a comment is a group header. */
static gboolean has_group_header(const char *text)
{
	g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
	for (int i = 0; lines[i]; i++) {
		const char *l = g_strchug(lines[i]);
		if (*l == '\0' || *l == '#')
			continue;
		return *l == '[';
	}
	return TRUE;   /* nothing but comments: nothing to prepend */
}

/* A value as the file gives it: no escape sequences (a backslash in a secret or a path stays a
 * backslash, as in the format before GKeyFile), surrounding blanks dropped, and one pair of
 * surrounding double quotes removed. */
static char *plain_value(GKeyFile *kf, const char *key)
{
	char *v = g_strstrip(g_key_file_get_value(kf, CFG_GROUP, key, NULL));
	size_t n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"') {
		memmove(v, v + 1, n - 2);
		v[n - 2] = '\0';
	}
	return v;
}

/* Reads the file with GKeyFile: `#` comment lines, one [buergerbuero-queue] group (optional for
 * old files, see CFG_GROUP), `key = value`. Anything else, another group, an unknown key or a
 * bad value is an error naming the file (and line, where there is one). */
static gboolean load_file(bb_cfg *cfg, const char *path, GError **error)
{
	g_autofree char *text = NULL;
	if (!g_file_get_contents(path, &text, NULL, error))
		return FALSE;
	g_autofree char *data = has_group_header(text) ? g_strdup(text) : g_strconcat("[" CFG_GROUP "]\n", text, NULL);
	g_autoptr(GKeyFile) kf = g_key_file_new();
	g_autoptr(GError) e = NULL;
	if (!g_key_file_load_from_data(kf, data, -1, G_KEY_FILE_KEEP_TRANSLATIONS, &e)) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "%s: %s", path, e->message);
		return FALSE;
	}
	g_auto(GStrv) groups = g_key_file_get_groups(kf, NULL);
	for (int i = 0; groups[i]; i++) {
		if (strcmp(groups[i], CFG_GROUP) != 0) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
				"%s: unknown group [%s] (the only group is [" CFG_GROUP "])", path, groups[i]);
			return FALSE;
		}
	}
	/* A key set twice is listed twice; the value is the last one either way. */
	g_auto(GStrv) names = g_key_file_get_keys(kf, CFG_GROUP, NULL, NULL);
	for (int i = 0; names && names[i]; i++) {
		int line = line_of_key(text, names[i]);
		g_autofree char *origin = line ? g_strdup_printf("%s:%d", path, line) : g_strdup(path);
		const cfg_key *k = find_key(names[i]);
		if (!k) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED, "%s: unknown key '%s'", origin, names[i]);
			return FALSE;
		}
		g_autofree char *value = plain_value(kf, names[i]);
		if (!set_value(cfg, k, value, origin, error))
			return FALSE;
	}
	return TRUE;
}

/* ---- keys checked as a whole ------------------------------------------------------------------ */

#define URIS_MAX 8             /* entries per ICE URI list */
#define URI_MAX 255            /* characters per URI */
#define TURN_SECRET_MIN 16
#define TURN_SECRET_MAX 512

/* Characters a TURN/STUN URI (RFC 7064/7065: scheme:host[:port][?transport=udp|tcp]) may contain;
 * anything else (spaces, quotes, control characters) is a configuration mistake. */
static gboolean uri_char_ok(char c)
{
	return g_ascii_isalnum(c) || strchr(".-_:[]?=%", c) != NULL;
}

/* Checks one comma-separated URI list; each entry must start with one of the schemes. *count is
 * the number of non-empty entries. */
static gboolean check_uris(const char *key, const char *value, const char *const *schemes, guint *count,
	GError **error)
{
	g_auto(GStrv) parts = g_strsplit(value ? value : "", ",", -1);
	*count = 0;
	for (int i = 0; parts[i]; i++) {
		const char *u = g_strstrip(parts[i]);
		if (!*u)
			continue;
		if (++*count > URIS_MAX) {
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

/* turn_uris, stun_uris and turn_secret: URI shapes, the secret's length, and that TURN URIs and
 * secret are set together (coturn refuses credentials made without its secret). Messages never
 * contain the secret. */
static gboolean check_ice(const bb_cfg *cfg, GError **error)
{
	static const char *const turn_schemes[] = {"turn:", "turns:", NULL};
	static const char *const stun_schemes[] = {"stun:", "stuns:", NULL};
	guint turn = 0, stun = 0;
	if (!check_uris("turn_uris", cfg->turn_uris, turn_schemes, &turn, error) ||
	    !check_uris("stun_uris", cfg->stun_uris, stun_schemes, &stun, error))
		return FALSE;
	size_t slen = cfg->turn_secret ? strlen(cfg->turn_secret) : 0;
	if (slen && (slen < TURN_SECRET_MIN || slen > TURN_SECRET_MAX)) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			"turn_secret must have %d to %d characters", TURN_SECRET_MIN, TURN_SECRET_MAX);
		return FALSE;
	}
	if ((turn > 0) != (slen > 0)) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			"turn_uris and turn_secret must be set together (the secret is coturn's static-auth-secret)");
		return FALSE;
	}
	return TRUE;
}

#define LDAP_URIS_MAX 8

/* The directory keys, when ldap_url is set: URI schemes, the keys that belong together, and the
 * filter templates (base/ldap_filter.h), so that a mistake stops the service at start instead of
 * failing every sign-in. An empty bind password with a bind DN is refused outright: many
 * directories treat a simple bind without password as an anonymous bind that "succeeds". */
static gboolean check_ldap(const bb_cfg *cfg, GError **error)
{
	g_auto(GStrv) uris = g_strsplit_set(cfg->ldap_url ? cfg->ldap_url : "", " \t,", -1);
	guint n = 0;
	gboolean ldaps = FALSE;
	for (int i = 0; uris[i]; i++) {
		const char *u = uris[i];
		if (!*u)
			continue;
		gboolean secure = g_str_has_prefix(u, "ldaps://");
		if (++n > LDAP_URIS_MAX || (!secure && !g_str_has_prefix(u, "ldap://"))) {
			g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
				"ldap_url: at most %d URIs, each ldap://host[:port] or ldaps://host[:port]", LDAP_URIS_MAX);
			return FALSE;
		}
		ldaps = ldaps || secure;
	}
	if (n == 0)
		return TRUE;   /* no directory: the other ldap_ keys are not used */
	const char *msg = NULL;
	if (cfg->ldap_starttls && ldaps)
		msg = "ldap_starttls applies to ldap:// only (ldaps:// is TLS from the start)";
	else if (!*cfg->ldap_user_base)
		msg = "ldap_user_base is required with ldap_url";
	else if (!*cfg->ldap_bind_dn != !*cfg->ldap_bind_password)
		msg = "ldap_bind_dn and ldap_bind_password must be set together (an empty password is an anonymous bind)";
	else if (!*cfg->ldap_group_prefix)
		msg = "ldap_group_prefix must not be empty";
	else if (!*cfg->ldap_display_attr || strspn(cfg->ldap_display_attr,
			"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-;") != strlen(cfg->ldap_display_attr))
		msg = "ldap_display_attr must be an attribute name";
	else if (*cfg->ldap_ca_file && !g_file_test(cfg->ldap_ca_file, G_FILE_TEST_IS_REGULAR))
		msg = "ldap_ca_file: no such file";
	if (msg) {
		g_set_error_literal(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, msg);
		return FALSE;
	}
	return bb_ldap_filter_check("ldap_user_filter", cfg->ldap_user_filter, "s", "s", error) &&
		bb_ldap_filter_check("ldap_group_filter", cfg->ldap_group_filter, "sd", "sd", error);
}

gboolean bb_cfg_load(bb_cfg *cfg, const char *path, GError **error)
{
	memset(cfg, 0, sizeof *cfg);
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++)
		if (!set_value(cfg, &keys[i], keys[i].def, "default", error))
			return FALSE;
	if (path && !load_file(cfg, path, error))
		return FALSE;
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		const char *v = g_getenv(keys[i].env);
		if (v && !set_value(cfg, &keys[i], v, keys[i].env, error))
			return FALSE;
	}
	/* Keys checked as a whole (list syntax, keys that belong together). */
	return bb_trusted_proxies_check(cfg->trusted_proxies, error) && check_ice(cfg, error) && check_ldap(cfg, error);
}

void bb_cfg_clear(bb_cfg *cfg)
{
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		if (keys[i].type == KEY_STR) {
			char **slot = (char **)((char *)cfg + keys[i].offset);
			g_clear_pointer(slot, g_free);
		}
	}
}

char *bb_cfg_help(void)
{
	GString *s = g_string_new("Configuration keys (file: `key = value` lines under [" CFG_GROUP "]; "
		"the environment overrides the file):\n");
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++)
		g_string_append_printf(s, "  %-20s %-24s default %s\n      %s\n", keys[i].name, keys[i].env,
			*keys[i].def ? keys[i].def : "(empty)", keys[i].help);
	return g_string_free(s, FALSE);
}

/* The sample is committed (queue-service/buergerbuero-queue.conf.sample), so defaults under the
 * source tree are written as <source>/...: the file is the same whichever checkout made it. */
char *bb_cfg_sample(void)
{
	GString *s = g_string_new("# buergerbuero-queue configuration (generated by `buergerbuero-queue config-sample`).\n"
		"# Format: GLib key file: `key = value` lines under the group header below; lines starting\n"
		"# with # are comments; values are taken literally (no escape sequences), one pair of\n"
		"# surrounding double quotes is removed. Files without the group header are read as if it\n"
		"# were their first line. Each key can be overridden by the environment variable named in its\n"
		"# comment. <source> is the source tree the binary was built from.\n\n[" CFG_GROUP "]\n");
	for (guint i = 0; i < G_N_ELEMENTS(keys); i++) {
		const char *def = keys[i].def;
		gboolean in_source = g_str_has_prefix(def, BB_SOURCE_ROOT "/");
		g_string_append_printf(s, "\n# %s (env %s)\n# %s = %s%s\n", keys[i].help, keys[i].env,
			keys[i].name, in_source ? "<source>" : "", in_source ? def + strlen(BB_SOURCE_ROOT) : def);
	}
	return g_string_free(s, FALSE);
}
