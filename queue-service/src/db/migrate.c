/* migrate.c: numbered roll-forward SQL migrations with a checksum ledger. */
#include "db/migrate.h"
#include "base/logging.h"

#include <stdlib.h>
#include <string.h>

#define MIGRATE_LOCK_KEY "4242001"   /* pg_advisory_lock key: two instances never migrate at once */

typedef struct migration {
	int version;
	char *name;
	char *path;
} migration;

static void migration_free(gpointer p)
{
	migration *m = p;
	g_free(m->name);
	g_free(m->path);
	g_free(m);
}

static gint by_version(gconstpointer a, gconstpointer b)
{
	const migration *x = *(migration *const *)a, *y = *(migration *const *)b;
	return (x->version > y->version) - (x->version < y->version);
}

/* Lists NNN_name.sql files, sorted by number; two files with one number is an error. */
static GPtrArray *list_migrations(const char *dir, GError **error)
{
	g_autofree char *mdir = g_build_filename(dir, "migrations", NULL);
	GDir *d = g_dir_open(mdir, 0, error);
	if (!d)
		return NULL;
	GPtrArray *list = g_ptr_array_new_with_free_func(migration_free);
	const char *f;
	while ((f = g_dir_read_name(d))) {
		if (!g_str_has_suffix(f, ".sql"))
			continue;
		char *end = NULL;
		long v = strtol(f, &end, 10);
		if (end == f || *end != '_' || v <= 0 || v > 99999) {
			bb_warn("migrate", "ignoring file=%s reason=\"not NNN_name.sql\"", f);
			continue;
		}
		migration *m = g_new0(migration, 1);
		m->version = (int)v;
		m->name = g_strndup(end + 1, strlen(end + 1) - 4);
		m->path = g_build_filename(mdir, f, NULL);
		g_ptr_array_add(list, m);
	}
	g_dir_close(d);
	g_ptr_array_sort(list, by_version);
	for (guint i = 1; i < list->len; i++) {
		migration *a = list->pdata[i - 1], *b = list->pdata[i];
		if (a->version == b->version) {
			g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_EXIST, "two migrations numbered %d", a->version);
			g_ptr_array_free(list, TRUE);
			return NULL;
		}
	}
	return list;
}

static gboolean exec_ok(bb_db *db, const char *sql, int n, const char *const *p, GError **error)
{
	PGresult *r = bb_db_exec(db, sql, n, p, error);
	if (!r)
		return FALSE;
	PQclear(r);
	return TRUE;
}

/* Applies one file and its ledger row in one transaction. */
static gboolean apply_one(bb_db *db, const migration *m, const char *text, const char *sum, GError **error)
{
	if (!bb_db_begin(db, error))
		return FALSE;
	if (!bb_db_exec_script(db, text, error)) {
		bb_db_rollback(db);
		g_prefix_error(error, "migration %03d_%s: ", m->version, m->name);
		return FALSE;
	}
	g_autofree char *ver = g_strdup_printf("%d", m->version);
	const char *p[] = {ver, m->name, sum};
	if (!exec_ok(db, "INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)", 3, p, error) ||
	    !bb_db_commit(db, error)) {
		bb_db_rollback(db);
		return FALSE;
	}
	bb_info("migrate", "applied version=%d name=%s", m->version, m->name);
	return TRUE;
}

int bb_migrate(bb_db *db, const char *sql_dir, GError **error)
{
	g_autoptr(GPtrArray) list = list_migrations(sql_dir, error);
	if (!list)
		return -1;
	if (!exec_ok(db, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", 0, NULL, error))
		return -1;
	int applied = 0;
	if (!exec_ok(db, "CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, "
		"name text NOT NULL, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())",
		0, NULL, error)) {
		applied = -1;
		goto unlock;
	}
	for (guint i = 0; i < list->len && applied >= 0; i++) {
		migration *m = list->pdata[i];
		g_autofree char *text = NULL;
		if (!g_file_get_contents(m->path, &text, NULL, error)) {
			applied = -1;
			break;
		}
		g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, text, -1);
		g_autofree char *ver = g_strdup_printf("%d", m->version);
		const char *p[] = {ver};
		PGresult *r = bb_db_exec(db, "SELECT checksum FROM schema_migrations WHERE version = $1", 1, p, error);
		if (!r) {
			applied = -1;
			break;
		}
		if (PQntuples(r) == 1) {
			gboolean same = strcmp(PQgetvalue(r, 0, 0), sum) == 0;
			PQclear(r);
			if (!same) {
				g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
					"migration %03d_%s was changed after it was applied (checksum differs); "
					"migrations are roll-forward only: restore the file and add a new one",
					m->version, m->name);
				applied = -1;
			}
			continue;
		}
		PQclear(r);
		if (!apply_one(db, m, text, sum, error))
			applied = -1;
		else
			applied++;
	}
unlock:;
	GError *ignored = NULL;
	if (!exec_ok(db, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")", 0, NULL, &ignored))
		g_clear_error(&ignored);
	return applied;
}
