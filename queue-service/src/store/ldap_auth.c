/* ldap_auth.c: the directory check of one sign-in, on a worker thread (contract: ldap_auth.h). */
#include "store/ldap_auth.h"
#include "base/ldap_filter.h"

#include <ldap.h>
#include <string.h>

#define USER_SIZELIMIT 2      /* one entry is a user; two mean the filter is ambiguous */
#define GROUP_SIZELIMIT 500   /* only groups of our prefix are asked for */

gboolean bb_ldap_enabled(const bb_cfg *cfg)
{
	const char *u = cfg->ldap_url ? cfg->ldap_url : "";
	return strspn(u, " \t,") != strlen(u);
}

void bb_ldap_user_clear(bb_ldap_user *u)
{
	g_clear_pointer(&u->display_name, g_free);
	g_clear_pointer(&u->groups, g_ptr_array_unref);
	g_clear_pointer(&u->why, g_free);
}

static void verdict(bb_ldap_user *out, bb_ldap_verdict v, const char *step, int rc)
{
	out->verdict = v;
	g_free(out->why);
	out->why = rc == LDAP_SUCCESS ? g_strdup(step) : g_strdup_printf("%s: %s", step, ldap_err2string(rc));
}

/* A new handle for this check alone. Its TLS context is its own (LDAP_OPT_X_TLS_NEWCTX), built
 * from our options: certificates are always verified, against ldap_ca_file when set. The
 * timeouts bound the connect (per URI) and every answer a synchronous call waits for. */
static LDAP *open_directory(const bb_cfg *cfg, bb_ldap_user *out)
{
	LDAP *ld = NULL;
	int rc = ldap_initialize(&ld, cfg->ldap_url);
	if (rc != LDAP_SUCCESS) {
		verdict(out, BB_LDAP_UNAVAILABLE, "initialize", rc);
		return NULL;
	}
	int v3 = LDAP_VERSION3, demand = LDAP_OPT_X_TLS_DEMAND, new_ctx = 0;
	struct timeval timeout = {cfg->ldap_timeout_s, 0};
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);   /* never bind to servers we were sent to */
	ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &timeout);
	ldap_set_option(ld, LDAP_OPT_TIMEOUT, &timeout);
	if (cfg->ldap_starttls || strstr(cfg->ldap_url, "ldaps://")) {
		ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand);
		if (*cfg->ldap_ca_file)
			ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, cfg->ldap_ca_file);
		rc = ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &new_ctx);
	}
	if (rc == LDAP_SUCCESS && cfg->ldap_starttls)
		rc = ldap_start_tls_s(ld, NULL, NULL);
	if (rc != LDAP_SUCCESS) {
		verdict(out, BB_LDAP_UNAVAILABLE, cfg->ldap_starttls ? "starttls" : "tls", rc);
		ldap_unbind_ext_s(ld, NULL, NULL);
		return NULL;
	}
	return ld;
}

static int simple_bind(LDAP *ld, const char *dn, const char *password)
{
	struct berval cred = {.bv_len = strlen(password), .bv_val = (char *)password};
	return ldap_sasl_bind_s(ld, dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
}

static int search(LDAP *ld, const bb_cfg *cfg, const char *base, const char *filter, const char *attr,
	int sizelimit, LDAPMessage **res)
{
	char *attrs[] = {(char *)attr, NULL};
	struct timeval timeout = {cfg->ldap_timeout_s, 0};
	*res = NULL;
	return ldap_search_ext_s(ld, base, LDAP_SCOPE_SUBTREE, filter, attrs, 0, NULL, NULL, &timeout, sizelimit, res);
}

/* The first value of attr as a string (values are UTF-8 by LDAPv3; the caller checks the text). */
static char *first_value(LDAP *ld, LDAPMessage *entry, const char *attr)
{
	struct berval **vals = ldap_get_values_len(ld, entry, attr);
	char *v = vals && vals[0] ? g_strndup(vals[0]->bv_val, vals[0]->bv_len) : NULL;
	ldap_value_free_len(vals);
	return v;
}

/* The user's DN, or NULL with the verdict set. No entry and several entries both refuse: the
 * login names nobody, or nobody in particular (the directory's problem, logged as such). */
static char *find_user(LDAP *ld, const bb_cfg *cfg, const char *login, bb_ldap_user *out)
{
	g_autofree char *filter = bb_ldap_filter_expand(cfg->ldap_user_filter, login, NULL);
	LDAPMessage *res = NULL;
	int rc = search(ld, cfg, cfg->ldap_user_base, filter, cfg->ldap_display_attr, USER_SIZELIMIT, &res);
	int n = rc == LDAP_SUCCESS ? ldap_count_entries(ld, res) : 0;
	char *dn = NULL;
	if (rc == LDAP_SIZELIMIT_EXCEEDED || n > 1) {
		verdict(out, BB_LDAP_REFUSED, "user search: more than one entry matches", LDAP_SUCCESS);
	} else if (rc == LDAP_NO_SUCH_OBJECT) {
		verdict(out, BB_LDAP_UNAVAILABLE, "user search: ldap_user_base", rc);
	} else if (rc != LDAP_SUCCESS) {
		verdict(out, BB_LDAP_UNAVAILABLE, "user search", rc);
	} else if (n == 0) {
		verdict(out, BB_LDAP_REFUSED, "no such user", LDAP_SUCCESS);
	} else {
		LDAPMessage *entry = ldap_first_entry(ld, res);
		char *d = ldap_get_dn(ld, entry);
		if (d && *d) {
			dn = g_strdup(d);
			out->display_name = first_value(ld, entry, cfg->ldap_display_attr);
		} else {
			verdict(out, BB_LDAP_REFUSED, "user entry without DN", LDAP_SUCCESS);
		}
		ldap_memfree(d);
	}
	ldap_msgfree(res);
	return dn;
}

/* The cn values of the user's groups, restricted to the names that mean something here (the
 * prefix, the admin and the supervisor group), so that a member of hundreds of groups costs no more. */
static gboolean find_groups(LDAP *ld, const bb_cfg *cfg, const char *login, const char *dn, bb_ldap_user *out)
{
	g_autofree char *member = bb_ldap_filter_expand(cfg->ldap_group_filter, login, dn);
	g_autofree char *prefix = bb_ldap_filter_escape(cfg->ldap_group_prefix);
	GString *names = g_string_new(NULL);   /* the groups with a role, beside the office groups */
	for (const char *const *g = (const char *const[]){cfg->ldap_admin_group, cfg->ldap_supervisor_group, NULL}; *g; g++)
		if (**g) {
			g_autofree char *esc = bb_ldap_filter_escape(*g);
			g_string_append_printf(names, "(cn=%s)", esc);
		}
	g_autofree char *filter = g_strdup_printf("(&%s(|(cn=%s*)%s))", member, prefix, names->str);
	g_string_free(names, TRUE);
	const char *base = *cfg->ldap_group_base ? cfg->ldap_group_base : cfg->ldap_user_base;
	LDAPMessage *res = NULL;
	int rc = search(ld, cfg, base, filter, "cn", GROUP_SIZELIMIT, &res);
	if (rc != LDAP_SUCCESS) {
		ldap_msgfree(res);
		verdict(out, BB_LDAP_UNAVAILABLE, "group search", rc);
		return FALSE;
	}
	out->groups = g_ptr_array_new_with_free_func(g_free);
	for (LDAPMessage *e = ldap_first_entry(ld, res); e; e = ldap_next_entry(ld, e)) {
		struct berval **cns = ldap_get_values_len(ld, e, "cn");
		for (int i = 0; cns && cns[i]; i++)
			g_ptr_array_add(out->groups, g_strndup(cns[i]->bv_val, cns[i]->bv_len));
		ldap_value_free_len(cns);
	}
	ldap_msgfree(res);
	return TRUE;
}

/* What the directory says to the user's own bind. Answers about these credentials refuse; the
 * rest (connection lost, busy, timeouts) means we could not ask. */
static bb_ldap_verdict bind_verdict(int rc)
{
	switch (rc) {
	case LDAP_SUCCESS:
		return BB_LDAP_OK;
	case LDAP_INVALID_CREDENTIALS:
	case LDAP_INAPPROPRIATE_AUTH:
	case LDAP_UNWILLING_TO_PERFORM:
	case LDAP_INSUFFICIENT_ACCESS:
	case LDAP_CONSTRAINT_VIOLATION:
	case LDAP_INVALID_DN_SYNTAX:
	case LDAP_NO_SUCH_OBJECT:
		return BB_LDAP_REFUSED;
	default:
		return BB_LDAP_UNAVAILABLE;
	}
}

/* The steps in the contract's order. The groups are read with the service account before the
 * user's bind, so that one connection does it all (after a successful user bind the connection
 * has the user's rights, which may not include reading groups). */
void bb_ldap_check(const bb_cfg *cfg, const char *login, const char *password, bb_ldap_user *out)
{
	memset(out, 0, sizeof *out);
	if (!password || !*password) {
		verdict(out, BB_LDAP_REFUSED, "empty password (never sent)", LDAP_SUCCESS);
		return;
	}
	LDAP *ld = open_directory(cfg, out);
	if (!ld)
		return;
	g_autofree char *dn = NULL;
	int rc = *cfg->ldap_bind_dn ? simple_bind(ld, cfg->ldap_bind_dn, cfg->ldap_bind_password) : LDAP_SUCCESS;
	if (rc != LDAP_SUCCESS)
		verdict(out, BB_LDAP_UNAVAILABLE, "service account bind", rc);
	else if ((dn = find_user(ld, cfg, login, out)) && find_groups(ld, cfg, login, dn, out)) {
		rc = simple_bind(ld, dn, password);
		verdict(out, bind_verdict(rc), "user bind", rc);
	}
	ldap_unbind_ext_s(ld, NULL, NULL);
	if (out->verdict == BB_LDAP_OK) {
		g_clear_pointer(&out->why, g_free);
	} else {
		g_clear_pointer(&out->display_name, g_free);
		g_clear_pointer(&out->groups, g_ptr_array_unref);
	}
}
