/* clerks_ldap.c: the clerk rows of directory users, updated at each sign-in (contract:
 * clerks_ldap.h). */
#include "store/clerks_ldap.h"
#include "base/logging.h"
#include "bb_text.h"

#include <string.h>

#define DISPLAY_NAME_MAX 120   /* clerk.display_name's CHECK */
#define LOGIN_MAX 64

gboolean bb_clerk_login_valid(const char *login)
{
	size_t n = login ? strlen(login) : 0;
	if (n == 0 || n > LOGIN_MAX || !(g_ascii_islower(login[0]) || g_ascii_isdigit(login[0])))
		return FALSE;
	return strspn(login, "abcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* The directory's name if it is text we would accept from a client (UTF-8, no control
 * characters), cut to the column's length; else the login, so that a clerk always has a name. */
static char *display_name(const char *login, const char *from_directory)
{
	g_autofree char *name = g_strstrip(g_strdup(from_directory ? from_directory : ""));
	if (!*name || bb_text_check(name, strlen(name), -1, 0, NULL) != BB_TEXT_OK)
		return g_strdup(login);
	return g_utf8_substring(name, 0, MIN(g_utf8_strlen(name, -1), DISPLAY_NAME_MAX));
}

/* Group names compare as the directory compares cn: without regard to case. */
static void map_groups(const bb_cfg *cfg, const bb_ldap_user *u, GPtrArray *offices, gboolean *admin,
	gboolean *supervisor)
{
	g_autofree char *prefix = g_ascii_strdown(cfg->ldap_group_prefix, -1);
	size_t plen = strlen(prefix);
	*admin = *supervisor = FALSE;
	for (guint i = 0; u->groups && i < u->groups->len; i++) {
		g_autofree char *cn = g_ascii_strdown(u->groups->pdata[i], -1);
		if (*cfg->ldap_admin_group && g_ascii_strcasecmp(cn, cfg->ldap_admin_group) == 0)
			*admin = TRUE;
		else if (*cfg->ldap_supervisor_group && g_ascii_strcasecmp(cn, cfg->ldap_supervisor_group) == 0)
			*supervisor = TRUE;
		else if (g_str_has_prefix(cn, prefix) && cn[plen])
			g_ptr_array_add(offices, g_strdup(cn + plen));
	}
}

/* One statement, so the row is never half-updated: upsert the clerk (a local row is left alone
 * and returns nothing), replace its offices with the granted ones that exist, make sure it has
 * a presence row. */
static const char UPSERT_SQL[] =
	"WITH up AS (INSERT INTO clerk AS c (login, display_name, role, auth) VALUES ($1, $2, $3, 'ldap') "
	"  ON CONFLICT (login) DO UPDATE SET display_name = EXCLUDED.display_name, role = EXCLUDED.role "
	"  WHERE c.auth = 'ldap' RETURNING id, disabled), "
	"gone AS (DELETE FROM clerk_office WHERE clerk_id IN (SELECT id FROM up) AND office_id <> ALL($4::text[])), "
	"added AS (INSERT INTO clerk_office (clerk_id, office_id) SELECT up.id, o.id FROM up "
	"  JOIN office o ON o.id = ANY($4::text[]) ON CONFLICT DO NOTHING), "
	"presence AS (INSERT INTO clerk_presence (clerk_id) SELECT id FROM up ON CONFLICT DO NOTHING) "
	"SELECT id, disabled, (SELECT count(*) FROM office WHERE id = ANY($4::text[])) FROM up";

/* A directory user who is no longer in any of our groups: whatever the row still allowed ends. */
static const char REVOKE_SQL[] =
	"WITH c AS (UPDATE clerk SET role = 'clerk' WHERE login = $1 AND auth = 'ldap' RETURNING id), "
	"o AS (DELETE FROM clerk_office WHERE clerk_id IN (SELECT id FROM c)) "
	"DELETE FROM clerk_session WHERE clerk_id IN (SELECT id FROM c)";

/* The clerk row as the directory describes it; FALSE with err (unauthorized or a database
 * error) when no session may be opened. */
static gboolean sync_row(bb_app *app, const char *login, const bb_ldap_user *u, bb_err *err)
{
	g_autoptr(GPtrArray) offices = g_ptr_array_new_with_free_func(g_free);
	gboolean admin, supervisor;
	map_groups(&app->cfg, u, offices, &admin, &supervisor);
	if (!admin && !supervisor && offices->len == 0) {
		const char *p[] = {login};
		PGresult *r = bb_app_exec(app, REVOKE_SQL, 1, p, err);
		if (!r)
			return FALSE;
		PQclear(r);
		bb_info("login", "directory user in no office group: refused");
		bb_err_set(err, "unauthorized", "wrong login or password");
		return FALSE;
	}
	g_autofree char *name = display_name(login, u->display_name);
	g_autofree char *list = bb_db_array_literal((const char *const *)offices->pdata, (int)offices->len);
	const char *p[] = {login, name, admin ? "admin" : supervisor ? "supervisor" : "clerk", list};
	PGresult *r = bb_app_exec(app, UPSERT_SQL, 4, p, err);
	if (!r)
		return FALSE;
	const char *why = NULL;
	if (PQntuples(r) != 1)
		why = "a local clerk has this login";
	else if (strcmp(PQgetvalue(r, 0, 1), "t") == 0)
		why = "disabled";
	else if (!admin && !supervisor && bb_db_int(r, 0, 2) == 0)
		why = "its groups name no office here";
	if (why) {
		bb_info("login", "directory sign-in refused clerk=%s reason=\"%s\"", PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "-", why);
		bb_err_set(err, "unauthorized", "wrong login or password");
	}
	PQclear(r);
	return why == NULL;
}

bb_clerk *bb_clerk_directory_session_open(bb_app *app, const char *login, const bb_ldap_user *u, char **token,
	gint64 *expires_at, bb_err *err)
{
	if (!sync_row(app, login, u, err))
		return NULL;
	return bb_clerk_session_open(app, login, token, expires_at, err);
}
