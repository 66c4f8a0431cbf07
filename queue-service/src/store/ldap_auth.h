/* ldap_auth.h: checking a clerk's login and password with the county's directory (LDAP / Active
 * Directory; config keys ldap_*, docs/operations.md "Sign-in with the county directory").
 *
 * Contract
 * - bb_ldap_check() blocks on the network: it runs on a login hash worker (store/login.h), never
 *   on the loop. It reads only the configuration (immutable while serving) and its arguments, and
 *   opens, uses and closes its own connection, so checks on several workers share nothing.
 * - Every step is bounded by ldap_timeout_s: the connect (per URI), each answer awaited, and the
 *   server-side time limit of each search. A dead or hanging directory costs a worker at most a
 *   few timeouts, then the verdict is BB_LDAP_UNAVAILABLE.
 * - Steps: connect (StartTLS if configured; TLS certificates are always verified), bind as the
 *   service account (or stay anonymous), find exactly one user with ldap_user_filter, read the
 *   groups named <ldap_group_prefix>* or ldap_admin_group that ldap_group_filter finds, and
 *   finally bind as the user with the password. Values in filters are escaped (RFC 4515); the
 *   user's DN is the one the directory returned, never one built from the login.
 * - An empty password is refused without any network traffic: a simple bind with a DN and no
 *   password is an "unauthenticated bind" that many directories answer with success.
 * - Nothing here logs; the reasons handed back name the failed step and the LDAP error, never the
 *   login, the password or the service account's password. */
#ifndef BB_LDAP_AUTH_H
#define BB_LDAP_AUTH_H

#include "base/cfg.h"

#include <glib.h>

typedef enum bb_ldap_verdict {
	BB_LDAP_REFUSED = 0,   /* no such user, more than one, wrong or empty password */
	BB_LDAP_OK,            /* the password is right: display_name and groups are set */
	BB_LDAP_UNAVAILABLE,   /* unreachable, too slow, TLS failed, service account refused, ... */
} bb_ldap_verdict;

typedef struct bb_ldap_user {
	bb_ldap_verdict verdict;
	char *display_name;    /* OK: first value of ldap_display_attr; NULL when the entry has none */
	GPtrArray *groups;     /* OK: every cn of the groups found (char *) */
	char *why;             /* REFUSED and UNAVAILABLE: step and LDAP error, for the log */
} bb_ldap_user;

/* Whether a directory is configured (ldap_url not empty). */
gboolean bb_ldap_enabled(const bb_cfg *cfg);
/* Worker thread: the verdict on login/password; fills *out (clear it with bb_ldap_user_clear). */
void bb_ldap_check(const bb_cfg *cfg, const char *login, const char *password, bb_ldap_user *out);
void bb_ldap_user_clear(bb_ldap_user *u);

#endif
