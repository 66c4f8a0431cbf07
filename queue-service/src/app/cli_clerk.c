/* cli_clerk.c: `clerk add|passwd|list|disable` and `migrate` operator commands. Passwords are
 * read from stdin, never from the command line. */
#include "app/cli.h"
#include "base/secret.h"
#include "db/migrate.h"
#include "app/cli_common.h"

#include <stdio.h>
#include <string.h>

/* Inserts the clerk, its offices and its presence row (caller's transaction); the new id. */
static char *clerk_insert(bb_db *db, const char *login, const char *name, const char *hash, const char *role,
	const char *offices)
{
	const char *p[] = {login, name, hash, role};
	PGresult *r = bb_cli_exec(db, "INSERT INTO clerk (login, display_name, password_hash, role) "
		"VALUES ($1, $2, $3, $4) RETURNING id", 4, p);
	if (!r)
		return NULL;
	char *id = g_strdup(PQgetvalue(r, 0, 0));
	PQclear(r);
	g_auto(GStrv) list = g_strsplit(offices ? offices : "", ",", -1);
	for (int i = 0; list[i]; i++) {
		char *o = g_strstrip(list[i]);
		if (!*o)
			continue;
		const char *p2[] = {id, o};
		r = bb_cli_exec(db, "INSERT INTO clerk_office (clerk_id, office_id) VALUES ($1::int, $2)", 2, p2);
		if (!r) {
			fprintf(stderr, "error: office '%s' does not exist?\n", o);
			g_free(id);
			return NULL;
		}
		PQclear(r);
	}
	const char *p3[] = {id};
	r = bb_cli_exec(db, "INSERT INTO clerk_presence (clerk_id) VALUES ($1::int)", 1, p3);
	if (!r) {
		g_free(id);
		return NULL;
	}
	PQclear(r);
	return id;
}

/* Clerk, offices and presence row in one transaction: a clerk never exists half-made. */
static int clerk_add(const bb_cfg *cfg, int argc, char **argv)
{
	char *name = NULL, *role = NULL, *offices = NULL;
	GOptionEntry entries[] = {
		{"name", 0, 0, G_OPTION_ARG_STRING, &name, "display name shown to citizens", "TEXT"},
		{"role", 0, 0, G_OPTION_ARG_STRING, &role, "clerk (default) or admin", "ROLE"},
		{"offices", 0, 0, G_OPTION_ARG_STRING, &offices, "offices served, comma-separated", "kfz,fs"},
		{NULL},
	};
	GOptionContext *ctx = g_option_context_new("LOGIN - add a clerk (password from stdin)");
	g_option_context_add_main_entries(ctx, entries, NULL);
	GError *e = NULL;
	int rc = 2;
	bb_db *db = NULL;
	g_autofree char *pw = NULL, *hash = NULL;
	char *id = NULL;
	if (!parse_utf8(ctx, argc, argv, &argc, &argv, &e) || argc != 2 || !name) {
		fprintf(stderr, "error: %s\n", e ? e->message : "usage: clerk add LOGIN --name TEXT [--role clerk|admin] [--offices a,b]");
		g_clear_error(&e);
		goto out;
	}
	if (role && strcmp(role, "clerk") != 0 && strcmp(role, "admin") != 0) {
		fprintf(stderr, "error: --role must be clerk or admin\n");
		goto out;
	}
	rc = 1;
	if (!(pw = bb_cli_read_password()) || !(hash = bb_password_hash(pw)))
		goto out;
	if (!(db = bb_cli_connect(cfg)) || !bb_db_begin(db, &e))
		goto out;
	id = clerk_insert(db, argv[1], name, hash, role ? role : "clerk", offices);
	if (!id || !bb_db_commit(db, &e)) {
		bb_db_rollback(db);
		goto out;
	}
	printf("clerk %s added (id %s)\n", argv[1], id);
	rc = 0;
out:
	if (e)
		fprintf(stderr, "error: %s\n", e->message);
	g_clear_error(&e);
	g_option_context_free(ctx);
	g_free(name);
	g_free(role);
	g_free(offices);
	g_free(id);
	bb_db_free(db);
	return rc;
}

/* Runs one statement on the clerk named by LOGIN and reports whether it existed. */
static int clerk_update(const bb_cfg *cfg, const char *login, const char *sql, const char *arg, const char *done)
{
	bb_db *db = bb_cli_connect(cfg);
	if (!db)
		return 1;
	const char *p[] = {login, arg};
	PGresult *r = bb_cli_exec(db, sql, arg ? 2 : 1, p);
	int rc = 1;
	if (r) {
		if (PQntuples(r) == 1) {
			printf("clerk %s %s\n", login, done);
			rc = 0;
		} else {
			fprintf(stderr, "error: no clerk '%s'\n", login);
		}
		PQclear(r);
	}
	if (rc == 0)
		bb_cli_announce(db);
	bb_db_free(db);
	return rc;
}

/* The password is read from stdin, never from the command line (ps would show it). */
static int clerk_passwd(const bb_cfg *cfg, int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: buergerbuero-queue clerk passwd LOGIN < password\n");
		return 2;
	}
	g_autofree char *pw = bb_cli_read_password();
	g_autofree char *hash = pw ? bb_password_hash(pw) : NULL;
	if (!hash)
		return 1;
	/* A new password ends every session of the clerk. A directory clerk becomes a local one: the
	 * password set here is the one that counts from now on (docs/operations.md, "Sign-in with the
	 * county directory"). */
	return clerk_update(cfg, argv[1], "WITH c AS (UPDATE clerk SET password_hash = $2, auth = 'local' WHERE login = $1 RETURNING id), "
		"d AS (DELETE FROM clerk_session WHERE clerk_id IN (SELECT id FROM c)) SELECT id FROM c", hash, "password changed");
}

static int clerk_disable(const bb_cfg *cfg, int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: buergerbuero-queue clerk disable LOGIN\n");
		return 2;
	}
	return clerk_update(cfg, argv[1], "WITH c AS (UPDATE clerk SET disabled = true WHERE login = $1 RETURNING id), "
		"d AS (DELETE FROM clerk_session WHERE clerk_id IN (SELECT id FROM c)), "
		"p AS (UPDATE clerk_presence SET state = 'offline', changed_at = now() WHERE clerk_id IN (SELECT id FROM c)) "
		"SELECT id FROM c", NULL, "disabled");
}

static int clerk_list(const bb_cfg *cfg, int argc, char **argv)
{
	bb_db *db = bb_cli_connect(cfg);
	if (!db)
		return 1;
	PGresult *r = bb_cli_exec(db, "SELECT c.id, c.login, c.role, CASE WHEN c.disabled THEN 'disabled' ELSE 'active' END, "
		"coalesce(p.state, 'offline'), coalesce((SELECT string_agg(office_id, ',' ORDER BY office_id) FROM clerk_office "
		"WHERE clerk_id = c.id), '-'), c.display_name FROM clerk c LEFT JOIN clerk_presence p ON p.clerk_id = c.id "
		"ORDER BY c.login", 0, NULL);
	if (!r) {
		bb_db_free(db);
		return 1;
	}
	printf("%-5s %-16s %-6s %-9s %-10s %-20s %s\n", "ID", "LOGIN", "ROLE", "STATUS", "PRESENCE", "OFFICES", "NAME");
	for (int i = 0; i < PQntuples(r); i++)
		printf("%-5s %-16s %-6s %-9s %-10s %-20s %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2),
			PQgetvalue(r, i, 3), PQgetvalue(r, i, 4), PQgetvalue(r, i, 5), PQgetvalue(r, i, 6));
	PQclear(r);
	bb_db_free(db);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(const bb_cfg *, int, char **);
} clerk_cmds[] = {
	{"add", clerk_add}, {"passwd", clerk_passwd}, {"list", clerk_list}, {"disable", clerk_disable},
};

int bb_cli_clerk(const bb_cfg *cfg, int argc, char **argv)
{
	for (guint i = 0; argc >= 2 && i < G_N_ELEMENTS(clerk_cmds); i++)
		if (strcmp(argv[1], clerk_cmds[i].name) == 0)
			return clerk_cmds[i].fn(cfg, argc - 1, argv + 1);
	fprintf(stderr, "usage: buergerbuero-queue clerk add|passwd|list|disable ...\n");
	return 2;
}

int bb_cli_migrate(const bb_cfg *cfg, int argc, char **argv)
{
	bb_db *db = bb_cli_connect(cfg);
	if (!db)
		return 1;
	GError *e = NULL;
	int n = bb_migrate(db, cfg->sql_dir, &e);
	bb_db_free(db);
	if (n < 0) {
		fprintf(stderr, "error: %s\n", e->message);
		g_error_free(e);
		return 1;
	}
	printf(n ? "applied %d migration(s)\n" : "schema up to date\n", n);
	return 0;
}
