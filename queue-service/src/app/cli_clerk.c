/* cli_clerk.c: `clerk add|passwd|list|disable` and `migrate` operator commands. Passwords are
 * read from stdin, never from the command line. */
#include "app/cli.h"
#include "bb_protocol.h"
#include "base/secret.h"
#include "db/migrate.h"
#include "app/cli_common.h"
#include "base/validate.h"
#include "store/admin_clerks.h"

#include <stdio.h>
#include <string.h>

/* Runs one change through the admin API's code (store/admin_clerks.h): one transaction with its
 * audit entry. create: body is clerk_create, else clerk_update; hash: a new password or NULL. */
static int clerk_change(const bb_cfg *cfg, const char *login, json_t *body, const char *hash, gboolean create,
	const char *done)
{
	bb_db *db = bb_cli_connect(cfg);
	if (!db)
		return 1;
	bb_err err = {0};
	bb_actor actor;
	bb_cli_actor(&actor);
	const bb_rest_body *rb = &bb_rest_bodies[create ? BB_REST_CLERK_CREATE : BB_REST_CLERK_UPDATE];
	json_t *view = NULL;
	if (bb_validate_proto(body, rb->fields, rb->n_fields, &err))
		view = create ? bb_admin_clerk_create(db, &actor, login, body, hash, &err)
			: bb_admin_clerk_update(db, &actor, login, body, hash, &err);
	int rc = 0;
	if (view) {
		printf("clerk %s %s\n", login, done);
	} else {
		fprintf(stderr, "error: %s\n", err.message);
		rc = 1;
	}
	bb_err_clear(&err);
	json_decref(view);
	bb_db_free(db);
	return rc;
}

/* Clerk, offices and presence row in one transaction: a clerk never exists half-made. */
static int clerk_add(const bb_cfg *cfg, int argc, char **argv)
{
	char *name = NULL, *role = NULL, *offices = NULL;
	GOptionEntry entries[] = {
		{"name", 0, 0, G_OPTION_ARG_STRING, &name, "display name shown to citizens", "TEXT"},
		{"role", 0, 0, G_OPTION_ARG_STRING, &role, "clerk (default), supervisor or admin", "ROLE"},
		{"offices", 0, 0, G_OPTION_ARG_STRING, &offices, "offices served, comma-separated", "kfz,fs"},
		{NULL},
	};
	GOptionContext *ctx = g_option_context_new("LOGIN - add a clerk (password from stdin)");
	g_option_context_add_main_entries(ctx, entries, NULL);
	GError *e = NULL;
	int rc = 2;
	g_autofree char *pw = NULL, *hash = NULL;
	json_t *body = NULL;
	g_auto(GStrv) ids = NULL;
	if (!parse_utf8(ctx, argc, argv, &argc, &argv, &e) || argc != 2 || !name) {
		fprintf(stderr, "error: %s\n", e ? e->message : "usage: clerk add LOGIN --name TEXT [--role clerk|supervisor|admin] [--offices a,b]");
		g_clear_error(&e);
		goto out;
	}
	if (role && bb_proto_lookup(bb_clerk_role_names, BB_CLERK_ROLE_N, role) < 0) {
		fprintf(stderr, "error: --role must be clerk, supervisor or admin\n");
		goto out;
	}
	rc = 1;
	if (!(pw = bb_cli_read_password()) || !(hash = bb_password_hash(pw)))
		goto out;
	json_t *list = json_array();
	ids = g_strsplit(offices ? offices : "", ",", -1);
	for (int i = 0; ids[i]; i++)
		if (*g_strstrip(ids[i]))
			json_array_append_new(list, json_string(ids[i]));
	body = json_pack("{s:s, s:s, s:s, s:o}", "login", argv[1], "display_name", name, "role", role ? role : "clerk",
		"offices", list);
	rc = clerk_change(cfg, argv[1], body, hash, TRUE, "added");
out:
	g_option_context_free(ctx);
	g_free(name);
	g_free(role);
	g_free(offices);
	json_decref(body);
	return rc;
}

/* The password is read from stdin, never from the command line (ps would show it). A new
 * password ends every session of the clerk. */
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
	json_t *body = json_object();
	int rc = clerk_change(cfg, argv[1], body, hash, FALSE, "password changed");
	json_decref(body);
	return rc;
}

static int clerk_disable(const bb_cfg *cfg, int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: buergerbuero-queue clerk disable LOGIN\n");
		return 2;
	}
	json_t *body = json_pack("{s:b}", "disabled", 1);
	int rc = clerk_change(cfg, argv[1], body, NULL, FALSE, "disabled");
	json_decref(body);
	return rc;
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
