/* admin_clerks.h: clerk accounts as administrators see and change them, shared by the REST API
 * (api/routes_admin.c) and the operator commands (`clerk add|passwd|disable`).
 *
 * Contract
 * - One transaction per change: the clerk row, its offices, its presence row, ended sessions, the
 *   audit entry (store/audit.h) and a NOTIFY bb_config (office status depends on who serves).
 * - Passwords arrive here already hashed (argon2 is slow work: the caller hashes on a worker or,
 *   in an operator command, in its own process). The audit entry says that a password was set,
 *   never anything of it.
 * - Disabling a clerk or setting a new password ends all of the clerk's sessions at once (other
 *   service instances trust a verified session for at most 2 s more, store/clerks.c).
 * - An admin cannot disable their own account or take their own admin role away: a county must
 *   not lock itself out with one click (conflict). */
#ifndef BB_ADMIN_CLERKS_H
#define BB_ADMIN_CLERKS_H

#include "store/audit.h"

/* {"clerks": [view, ...]} by login; with only_login {"clerk": view} or NULL with not_found.
 * view: {id, login, display_name, role, disabled, offices: [...], presence, created_at}. */
json_t *bb_admin_clerks_get(bb_db *db, const char *only_login, bb_err *err);
/* Creates a clerk (body: clerk_create of the catalogue) with this password hash. */
json_t *bb_admin_clerk_create(bb_db *db, const bb_actor *actor, const char *login, json_t *body,
	const char *password_hash, bb_err *err);
/* Changes the fields present in body (clerk_update); password_hash non-NULL sets a new password. */
json_t *bb_admin_clerk_update(bb_db *db, const bb_actor *actor, const char *login, json_t *body,
	const char *password_hash, bb_err *err);

#endif
