/* clerks_ldap.h: clerks who sign in with the county's directory: their rows here follow what the
 * directory says at each sign-in (docs/operations.md "Sign-in with the county directory").
 *
 * - A directory clerk's row (clerk.auth = 'ldap') is made at the first sign-in; at every sign-in
 *   its display name, role (ldap_admin_group) and offices (groups <ldap_group_prefix><office>)
 *   are replaced by the directory's. Groups naming no office here are ignored.
 * - A local clerk (auth 'local') is never touched and never signed in by the directory, even
 *   when the directory knows the same login with another password.
 * - A disabled clerk stays disabled (buergerbuero-queue clerk disable), whatever the directory says.
 * - A directory user in none of our groups gets no session (and no row); an existing row of such
 *   a user loses its role, offices and sessions. */
#ifndef BB_CLERKS_LDAP_H
#define BB_CLERKS_LDAP_H

#include "store/clerks.h"
#include "store/ldap_auth.h"

/* Whether login can be a clerk's login at all (the CHECK of clerk.login, sql/migrations/001):
 * only such logins are ever sent to the directory. */
gboolean bb_clerk_login_valid(const char *login);

/* Loop: the directory accepted `login` (u->verdict BB_LDAP_OK). Brings the clerk's row up to date
 * and opens a session as bb_clerk_session_open() does. NULL with err unauthorized when the login
 * is a local or disabled clerk or the user is in none of our groups; else a database error. */
bb_clerk *bb_clerk_directory_session_open(bb_app *app, const char *login, const bb_ldap_user *u, char **token,
	gint64 *expires_at, bb_err *err);

#endif
