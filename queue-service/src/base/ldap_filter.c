/* ldap_filter.c: LDAP filter templates and RFC 4515 value escaping (contract: ldap_filter.h). */
#include "base/ldap_filter.h"

#include <string.h>

/* RFC 4515 requires escaping of the three filter metacharacters, the backslash and NUL; control
 * characters are escaped too, so that a value can never end up as anything but one value in a
 * log line or a server's parser. */
static gboolean needs_escape(unsigned char c)
{
	return c == '*' || c == '(' || c == ')' || c == '\\' || c < 0x20 || c == 0x7f;
}

char *bb_ldap_filter_escape(const char *value)
{
	GString *s = g_string_sized_new(strlen(value) + 8);
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if (needs_escape(*p))
			g_string_append_printf(s, "\\%02x", *p);
		else
			g_string_append_c(s, (char)*p);
	}
	return g_string_free(s, FALSE);
}

/* A template is checked once, when the configuration is loaded, so that expanding it at sign-in
 * cannot fail: it is wrapped in parentheses that balance, and its placeholders are the allowed
 * ones. A template like `uid=%s` (no parentheses) is refused rather than silently wrapped, as the
 * operator may have meant something else. */
gboolean bb_ldap_filter_check(const char *key, const char *tmpl, const char *allowed, const char *required,
	GError **error)
{
	size_t n = tmpl ? strlen(tmpl) : 0;
	if (n < 2 || tmpl[0] != '(' || tmpl[n - 1] != ')') {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s must be an LDAP filter in parentheses, e.g. (uid=%%s)", key);
		return FALSE;
	}
	int depth = 0;
	gboolean balanced = TRUE, has_required = !required || !*required;
	for (size_t i = 0; i < n && balanced; i++) {
		char c = tmpl[i];
		if (c == '(') {
			depth++;
		} else if (c == ')') {
			/* the outer parentheses close at the very end, nowhere before */
			balanced = --depth > 0 || (depth == 0 && i == n - 1);
		} else if (c == '%') {
			char p = tmpl[++i];
			if (p == '%')
				continue;
			if (!p || !strchr(allowed, p)) {
				g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
					"%s: unknown placeholder %%%c (allowed: %s%s%%%%)", key, p ? p : ' ',
					strchr(allowed, 's') ? "%s (login) " : "", strchr(allowed, 'd') ? "%d (user DN) " : "");
				return FALSE;
			}
			if (required && strchr(required, p))
				has_required = TRUE;
		}
	}
	if (!balanced || depth != 0) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s: unbalanced parentheses", key);
		return FALSE;
	}
	if (!has_required) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s must use %s", key,
			strchr(required, 'd') ? (strchr(required, 's') ? "%s (login) or %d (user DN)" : "%d (user DN)") : "%s (login)");
		return FALSE;
	}
	return TRUE;
}

char *bb_ldap_filter_expand(const char *tmpl, const char *login, const char *dn)
{
	GString *s = g_string_new(NULL);
	for (const char *p = tmpl; *p; p++) {
		if (*p != '%' || !p[1]) {
			g_string_append_c(s, *p);
			continue;
		}
		p++;
		const char *value = *p == 's' ? login : *p == 'd' ? dn : NULL;
		if (*p == '%') {
			g_string_append_c(s, '%');
		} else if (value) {
			g_autofree char *e = bb_ldap_filter_escape(value);
			g_string_append(s, e);
		}
	}
	return g_string_free(s, FALSE);
}
