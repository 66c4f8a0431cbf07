/* admin_clerks.c: reading and changing clerk accounts for administrators (contract: admin_clerks.h). */
#include "store/admin_clerks.h"
#include "base/jsonutil.h"

#include <string.h>


static void field_err(bb_err *err, const char *code, const char *field, const char *message)
{
	bb_err_set(err, code, "%s", message);
	err->extra = json_pack("{s:s}", "field", field);
}

json_t *bb_admin_clerks_get(bb_db *db, const char *only_login, bb_err *err)
{
	const char *p[] = {only_login};
	PGresult *r = bb_db_exec_err(db, "SELECT c.id, c.login, c.display_name, c.role, c.disabled, "
		"coalesce((SELECT string_agg(office_id, ',' ORDER BY office_id) FROM clerk_office WHERE clerk_id = c.id), ''), "
		"coalesce(p.state, 'offline'), extract(epoch FROM c.created_at)::bigint, c.auth "
		"FROM clerk c LEFT JOIN clerk_presence p ON p.clerk_id = c.id "
		"WHERE ($1::text IS NULL OR c.login = $1) ORDER BY c.login", 1, p, err);
	if (!r)
		return NULL;
	if (only_login && PQntuples(r) != 1) {
		PQclear(r);
		bb_err_set(err, "not_found", "clerk: no such clerk");
		return NULL;
	}
	json_t *list = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *offices = json_array();
		g_auto(GStrv) ids = g_strsplit(PQgetvalue(r, i, 5), ",", -1);
		for (int j = 0; ids[j]; j++)
			if (*ids[j])
				json_array_append_new(offices, json_string(ids[j]));
		json_array_append_new(list, json_pack("{s:i, s:s, s:s, s:s, s:b, s:o, s:s, s:o, s:s}",
			"id", (int)bb_db_int(r, i, 0), "login", PQgetvalue(r, i, 1), "display_name", PQgetvalue(r, i, 2),
			"role", PQgetvalue(r, i, 3), "disabled", strcmp(PQgetvalue(r, i, 4), "t") == 0, "offices", offices,
			"presence", PQgetvalue(r, i, 6), "created_at", bb_json_time(bb_db_int(r, i, 7)), "auth", PQgetvalue(r, i, 8)));
	}
	PQclear(r);
	if (!only_login)
		return json_pack("{s:o}", "clerks", list);
	json_t *res = json_pack("{s:O}", "clerk", json_array_get(list, 0));
	json_decref(list);
	return res;
}

/* Replaces the clerk's offices; every id must exist (the message names the first that does not). */
static gboolean write_offices(bb_db *db, const char *clerk_id, json_t *offices, bb_err *err)
{
	size_t k;
	json_t *item;
	const char *p[] = {clerk_id};
	if (!bb_db_run(db, "DELETE FROM clerk_office WHERE clerk_id = $1::int", 1, p, err))
		return FALSE;
	json_array_foreach(offices, k, item) {
		const char *p2[] = {clerk_id, json_string_value(item)};
		PGresult *r = bb_db_exec_err(db, "INSERT INTO clerk_office (clerk_id, office_id) SELECT $1::int, id FROM office "
			"WHERE id = $2 ON CONFLICT DO NOTHING RETURNING office_id", 2, p2, err);
		if (!r)
			return FALSE;
		gboolean known = PQntuples(r) == 1 || PQresultStatus(r) != PGRES_TUPLES_OK;
		PQclear(r);
		if (!known) {
			/* ON CONFLICT (a repeated id) returns nothing either: only an unknown office is an error */
			const char *p3[] = {json_string_value(item)};
			PGresult *x = bb_db_exec_err(db, "SELECT 1 FROM office WHERE id = $1", 1, p3, err);
			if (!x)
				return FALSE;
			gboolean exists = PQntuples(x) == 1;
			PQclear(x);
			if (!exists) {
				g_autofree char *m = g_strdup_printf("offices: no office '%s'", json_string_value(item));
				field_err(err, "bad_request", "offices", m);
				return FALSE;
			}
		}
	}
	return TRUE;
}

/* What the audit keeps of a change: the body's fields, a password only as "it was set". */
static json_t *audit_detail(json_t *body, gboolean password)
{
	json_t *d = json_deep_copy(body);
	json_object_del(d, "reset_password");
	if (password)
		json_object_set_new(d, "password_set", json_true());
	return d;
}

/* Commits with audit and NOTIFY, or rolls back; the clerk's view on success. */
static json_t *finish(bb_db *db, const bb_actor *actor, const char *action, const char *login, json_t *body,
	gboolean password, gboolean ok, bb_err *err)
{
	if (ok) {
		json_t *detail = audit_detail(body, password);
		ok = bb_audit_add(db, actor, action, login, detail, err) &&
			bb_db_run(db, "SELECT pg_notify('bb_config', 'reload')", 0, NULL, err);
		json_decref(detail);
	}
	GError *e = NULL;
	if (ok && !bb_db_commit(db, &e)) {
		bb_err_from_db(err, e);
		ok = FALSE;
	}
	if (!ok) {
		bb_db_rollback(db);
		return NULL;
	}
	return bb_admin_clerks_get(db, login, err);
}

static gboolean begin(bb_db *db, bb_err *err)
{
	GError *e = NULL;
	if (bb_db_begin(db, &e))
		return TRUE;
	bb_err_from_db(err, e);
	return FALSE;
}

json_t *bb_admin_clerk_create(bb_db *db, const bb_actor *actor, const char *login, json_t *body,
	const char *password_hash, bb_err *err)
{
	if (!g_regex_match_simple("^[a-z0-9][a-z0-9._-]{0,63}$", login, 0, 0)) {
		field_err(err, "bad_request", "login", "login: lower-case letters, digits, '.', '_' and '-', starting with a letter or digit");
		return NULL;
	}
	if (!begin(db, err))
		return NULL;
	const char *role = json_string_value(json_object_get(body, "role"));
	const char *p[] = {login, json_string_value(json_object_get(body, "display_name")), password_hash, role ? role : "clerk"};
	PGresult *r = bb_db_exec_err(db, "INSERT INTO clerk (login, display_name, password_hash, role) VALUES ($1, $2, $3, $4) "
		"ON CONFLICT (login) DO NOTHING RETURNING id", 4, p, err);
	gboolean ok = r != NULL;
	char id[16] = "";
	if (r) {
		if (PQntuples(r) == 1)
			g_strlcpy(id, PQgetvalue(r, 0, 0), sizeof id);
		else {
			field_err(err, "conflict", "login", "login: a clerk with this login exists");
			ok = FALSE;
		}
		PQclear(r);
	}
	const char *pid[] = {id};
	json_t *offices = json_object_get(body, "offices");
	ok = ok && (!offices || write_offices(db, id, offices, err)) &&
		bb_db_run(db, "INSERT INTO clerk_presence (clerk_id) VALUES ($1::int)", 1, pid, err);
	return finish(db, actor, "clerk.create", login, body, TRUE, ok, err);
}

/* Takes the clerk row lock first: two admins changing one clerk apply one after the other. */
json_t *bb_admin_clerk_update(bb_db *db, const bb_actor *actor, const char *login, json_t *body,
	const char *password_hash, bb_err *err)
{
	json_t *disabled = json_object_get(body, "disabled");
	const char *role = json_string_value(json_object_get(body, "role"));
	gboolean self = actor->clerk_id > 0 && strcmp(actor->name, login) == 0;
	if (self && json_is_true(disabled)) {
		field_err(err, "conflict", "disabled", "disabled: you cannot disable your own account");
		return NULL;
	}
	if (self && role && strcmp(role, "admin") != 0) {
		field_err(err, "conflict", "role", "role: you cannot take your own admin role away");
		return NULL;
	}
	if (!begin(db, err))
		return NULL;
	const char *pl[] = {login};
	PGresult *r = bb_db_exec_err(db, "SELECT id FROM clerk WHERE login = $1 FOR UPDATE", 1, pl, err);
	char id[16] = "";
	gboolean ok = r != NULL;
	if (r) {
		if (PQntuples(r) == 1)
			g_strlcpy(id, PQgetvalue(r, 0, 0), sizeof id);
		else {
			bb_err_set(err, "not_found", "clerk: no such clerk");
			ok = FALSE;
		}
		PQclear(r);
	}
	const char *pid[] = {id};
	const char *name = json_string_value(json_object_get(body, "display_name"));
	if (ok && name) {
		const char *p[] = {id, name};
		ok = bb_db_run(db, "UPDATE clerk SET display_name = $2 WHERE id = $1::int", 2, p, err);
	}
	if (ok && role) {
		const char *p[] = {id, role};
		ok = bb_db_run(db, "UPDATE clerk SET role = $2 WHERE id = $1::int", 2, p, err);
	}
	json_t *offices = json_object_get(body, "offices");
	if (ok && offices)
		ok = write_offices(db, id, offices, err);
	if (ok && disabled) {
		const char *p[] = {id, json_is_true(disabled) ? "true" : "false"};
		ok = bb_db_run(db, "UPDATE clerk SET disabled = $2::boolean WHERE id = $1::int", 2, p, err);
		if (ok && json_is_true(disabled))
			ok = bb_db_run(db, "DELETE FROM clerk_session WHERE clerk_id = $1::int", 1, pid, err) &&
				bb_db_run(db, "UPDATE clerk_presence SET state = 'offline', changed_at = now() WHERE clerk_id = $1::int",
					1, pid, err);
	}
	if (ok && password_hash) {
		const char *p[] = {id, password_hash};
		/* a directory clerk given a password becomes a local one (docs/operations.md) */
		ok = bb_db_run(db, "UPDATE clerk SET password_hash = $2, auth = 'local' WHERE id = $1::int", 2, p, err) &&
			bb_db_run(db, "DELETE FROM clerk_session WHERE clerk_id = $1::int", 1, pid, err);
	}
	return finish(db, actor, "clerk.update", login, body, password_hash != NULL, ok, err);
}
