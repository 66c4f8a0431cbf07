/* clerks.c: clerks, their sessions and presence (login attempts: login.c). */
#include "store/clerks.h"
#include "base/logging.h"
#include "base/secret.h"
#include "store/offices.h"

#include <string.h>

/* A verified session is trusted for this long without asking the database again. Logout on
 * this instance drops it at once; logout, password change or disable through another instance
 * or the CLI takes effect after at most this long. */
#define SESSION_CACHE_US (2 * G_USEC_PER_SEC)
#define SESSION_CACHE_MAX 10000

typedef struct cached_session {
	bb_clerk *clerk;
	gint64 until_us;
} cached_session;

static void cached_free(gpointer p)
{
	cached_session *c = p;
	bb_clerk_free(c->clerk);
	g_free(c);
}

void bb_clerks_init(bb_app *app)
{
	app->session_cache = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, cached_free);
}

void bb_clerks_free(bb_app *app)
{
	g_clear_pointer(&app->session_cache, g_hash_table_destroy);
}

/* Callers own what they get: the cache keeps its own copy. */
static bb_clerk *clerk_copy(const bb_clerk *c)
{
	bb_clerk *d = g_new0(bb_clerk, 1);
	d->id = c->id;
	d->login = g_strdup(c->login);
	d->display_name = g_strdup(c->display_name);
	d->role = g_strdup(c->role);
	d->offices = g_strdupv(c->offices);
	d->n_offices = c->n_offices;
	return d;
}

void bb_clerk_free(bb_clerk *c)
{
	if (!c)
		return;
	g_free(c->login);
	g_free(c->display_name);
	g_free(c->role);
	g_strfreev(c->offices);
	g_free(c);
}

gboolean bb_clerk_is_admin(const bb_clerk *c)
{
	return g_strcmp0(c->role, "admin") == 0;
}

gboolean bb_clerk_oversees(const bb_clerk *c)
{
	return g_strcmp0(c->role, "admin") == 0 || g_strcmp0(c->role, "supervisor") == 0;
}

gboolean bb_clerk_serves(const bb_clerk *c, const char *office)
{
	for (int i = 0; i < c->n_offices; i++)
		if (strcmp(c->offices[i], office) == 0)
			return TRUE;
	return FALSE;
}

json_t *bb_clerk_json(const bb_clerk *c)
{
	json_t *offices = json_array();
	for (int i = 0; i < c->n_offices; i++)
		json_array_append_new(offices, json_string(c->offices[i]));
	return json_pack("{s:i, s:s, s:s, s:s, s:o}", "id", c->id, "login", c->login,
		"display_name", c->display_name, "role", c->role, "offices", offices);
}

#define CLERK_SELECT "SELECT c.id, c.login, c.display_name, c.role, " \
	"coalesce((SELECT string_agg(office_id, ',' ORDER BY office_id) FROM clerk_office WHERE clerk_id = c.id), '') "

/* Builds the clerk from a CLERK_SELECT row; admins act on every office. */
static bb_clerk *clerk_from_row(bb_app *app, PGresult *r)
{
	bb_clerk *c = g_new0(bb_clerk, 1);
	c->id = (int)bb_db_int(r, 0, 0);
	c->login = g_strdup(PQgetvalue(r, 0, 1));
	c->display_name = g_strdup(PQgetvalue(r, 0, 2));
	c->role = g_strdup(PQgetvalue(r, 0, 3));
	if (bb_clerk_is_admin(c)) {
		c->offices = g_new0(char *, app->office_list->len + 1);
		for (guint i = 0; i < app->office_list->len; i++)
			c->offices[i] = g_strdup(((bb_office *)app->office_list->pdata[i])->id);
	} else {
		const char *list = PQgetvalue(r, 0, 4);
		c->offices = *list ? g_strsplit(list, ",", -1) : g_new0(char *, 1);
	}
	c->n_offices = (int)g_strv_length(c->offices);
	return c;
}

bb_clerk *bb_clerk_by_session(bb_app *app, const char *token, bb_err *err)
{
	if (!token || strlen(token) > 128) {
		bb_err_set(err, "unauthorized", "unknown or expired session");
		return NULL;
	}
	g_autofree char *hash = bb_token_hash(token);
	gint64 now = g_get_monotonic_time();
	cached_session *hit = g_hash_table_lookup(app->session_cache, hash);
	if (hit && hit->until_us > now)
		return clerk_copy(hit->clerk);
	const char *p[] = {hash};
	PGresult *r = bb_app_exec(app, CLERK_SELECT "FROM clerk_session s JOIN clerk c ON c.id = s.clerk_id "
		"WHERE s.token_hash = $1 AND s.expires_at > now() AND NOT c.disabled", 1, p, err);
	if (!r)
		return NULL;
	if (PQntuples(r) != 1) {
		PQclear(r);
		bb_err_set(err, "unauthorized", "unknown or expired session");
		return NULL;
	}
	bb_clerk *c = clerk_from_row(app, r);
	PQclear(r);
	if (g_hash_table_size(app->session_cache) >= SESSION_CACHE_MAX)
		g_hash_table_remove_all(app->session_cache);
	cached_session *entry = g_new0(cached_session, 1);
	entry->clerk = clerk_copy(c);
	entry->until_us = now + SESSION_CACHE_US;
	g_hash_table_replace(app->session_cache, g_strdup(hash), entry);
	return c;
}

gboolean bb_clerk_password_hash(bb_app *app, const char *login, char **hash, bb_err *err)
{
	const char *p[] = {login};
	PGresult *r = bb_app_exec(app, "SELECT password_hash FROM clerk WHERE login = $1 AND auth = 'local' AND NOT disabled", 1, p, err);
	if (!r)
		return FALSE;
	*hash = PQntuples(r) == 1 ? g_strdup(PQgetvalue(r, 0, 0)) : NULL;
	PQclear(r);
	return TRUE;
}

bb_clerk *bb_clerk_session_open(bb_app *app, const char *login, char **token, gint64 *expires_at, bb_err *err)
{
	g_autofree char *tok = bb_token_new();
	g_autofree char *hash = bb_token_hash(tok);
	g_autofree char *ttl = g_strdup_printf("%d", app->cfg.session_ttl_s);
	const char *p2[] = {hash, login, ttl};
	PGresult *s = bb_app_exec(app, "WITH ins AS (INSERT INTO clerk_session (token_hash, clerk_id, expires_at) "
		"SELECT $1, id, now() + make_interval(secs => $3::int) FROM clerk WHERE login = $2 AND NOT disabled "
		"RETURNING clerk_id, expires_at) "
		CLERK_SELECT ", extract(epoch FROM ins.expires_at)::bigint FROM ins JOIN clerk c ON c.id = ins.clerk_id",
		3, p2, err);
	if (!s)
		return NULL;
	if (PQntuples(s) != 1) {   /* disabled or removed while the password was checked */
		PQclear(s);
		bb_err_set(err, "unauthorized", "wrong login or password");
		return NULL;
	}
	bb_clerk *c = clerk_from_row(app, s);
	*expires_at = bb_db_int(s, 0, 5);
	PQclear(s);
	*token = g_steal_pointer(&tok);
	return c;
}

gboolean bb_clerk_logout(bb_app *app, const char *token, bb_err *err)
{
	g_autofree char *hash = bb_token_hash(token);
	g_hash_table_remove(app->session_cache, hash);
	const char *p[] = {hash};
	PGresult *r = bb_app_exec(app, "DELETE FROM clerk_session WHERE token_hash = $1 RETURNING clerk_id", 1, p, err);
	if (!r)
		return FALSE;
	gboolean found = PQntuples(r) == 1;
	if (found)
		bb_info("clerks", "logout clerk=%s", PQgetvalue(r, 0, 0));
	PQclear(r);
	if (!found)
		bb_err_set(err, "unauthorized", "unknown or expired session");
	return found;
}

/* Marks every office of these clerks dirty (their status may change with presence). */
static void dirty_offices_of(bb_app *app, PGresult *r, int col)
{
	for (int i = 0; i < PQntuples(r); i++) {
		if (PQgetisnull(r, i, col))
			continue;
		g_auto(GStrv) ids = g_strsplit(PQgetvalue(r, i, col), ",", -1);
		for (int j = 0; ids[j]; j++)
			if (*ids[j])
				bb_sink_office_dirty(app, ids[j]);
	}
}

gboolean bb_clerk_set_presence(bb_app *app, int clerk_id, const char *state, bb_err *err)
{
	g_autofree char *id = g_strdup_printf("%d", clerk_id);
	const char *p[] = {id, state};
	PGresult *r = bb_app_exec(app, "INSERT INTO clerk_presence AS p (clerk_id, state) VALUES ($1::int, $2) "
		"ON CONFLICT (clerk_id) DO UPDATE SET state = $2, last_seen = now(), "
		"changed_at = CASE WHEN p.state = $2 THEN p.changed_at ELSE now() END "
		"RETURNING (SELECT string_agg(office_id, ',') FROM clerk_office WHERE clerk_id = $1::int)", 2, p, err);
	if (!r)
		return FALSE;
	dirty_offices_of(app, r, 0);
	PQclear(r);
	return TRUE;
}

gboolean bb_clerk_heartbeat(bb_app *app, const char *const *tokens, int n, bb_err *err)
{
	if (n == 0)
		return TRUE;
	char **hashes = g_new0(char *, n + 1);
	for (int i = 0; i < n; i++)
		hashes[i] = bb_token_hash(tokens[i]);
	g_autofree char *arr = bb_db_array_literal((const char *const *)hashes, n);
	g_strfreev(hashes);
	const char *p[] = {arr};
	PGresult *r = bb_app_exec(app, "UPDATE clerk_presence SET last_seen = now() WHERE clerk_id IN "
		"(SELECT clerk_id FROM clerk_session WHERE token_hash = ANY($1::text[]) AND expires_at > now())", 1, p, err);
	if (!r)
		return FALSE;
	PQclear(r);
	return TRUE;
}

gboolean bb_clerk_release(bb_app *app, int clerk_id, bb_err *err)
{
	g_autofree char *id = g_strdup_printf("%d", clerk_id);
	const char *p[] = {id};
	PGresult *r = bb_app_exec(app, "UPDATE clerk_presence SET state = 'available', changed_at = now(), last_seen = now() "
		"WHERE clerk_id = $1::int AND state = 'busy' AND NOT EXISTS "
		"(SELECT 1 FROM ticket WHERE clerk_id = $1::int AND state = 'in_consultation') "
		"RETURNING (SELECT string_agg(office_id, ',') FROM clerk_office WHERE clerk_id = $1::int)", 1, p, err);
	if (!r)
		return FALSE;
	dirty_offices_of(app, r, 0);
	PQclear(r);
	return TRUE;
}
