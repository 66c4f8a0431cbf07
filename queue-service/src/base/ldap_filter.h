/* ldap_filter.h: LDAP search filters built from configured templates and untrusted values, with
 * every value escaped as RFC 4515 demands, so that a login like `*)(uid=*` matches nothing but an
 * entry whose attribute holds exactly those characters.
 *
 * A template is a filter with placeholders: %s the login, %d the user's DN (as the directory
 * returned it), %% a percent sign. Which placeholders a template may use is the caller's choice
 * (configuration check: base/cfg.c). Nothing here talks to a directory. */
#ifndef BB_LDAP_FILTER_H
#define BB_LDAP_FILTER_H

#include <glib.h>

/* value with `*`, `(`, `)`, `\`, NUL-free control characters and DEL written as \XX (RFC 4515
 * section 3); other bytes (UTF-8 included) stay as they are. g_free() it. */
char *bb_ldap_filter_escape(const char *value);

/* FALSE with *error naming `key` when the template is no plausible filter: not in parentheses,
 * parentheses unbalanced, a placeholder other than those in `allowed` (e.g. "sd") or %%, or none
 * of `required` present (e.g. "s": must use %s; "" or NULL: no requirement; "sd": either one). */
gboolean bb_ldap_filter_check(const char *key, const char *tmpl, const char *allowed, const char *required,
	GError **error);

/* The template with %s replaced by the escaped login and %d by the escaped DN (NULL: never
 * used by the template, checked before). g_free() it. */
char *bb_ldap_filter_expand(const char *tmpl, const char *login, const char *dn);

#endif
