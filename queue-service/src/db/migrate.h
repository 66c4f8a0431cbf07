/* migrate.h: applies sql/migrations/NNN_name.sql in order, each in its own transaction, recording
 * them in schema_migrations(version, name, checksum, applied_at). An applied file whose checksum
 * changed is refused (roll-forward only: add a new file instead). */
#ifndef BB_MIGRATE_H
#define BB_MIGRATE_H

#include "db/db.h"

/* Returns the number of migrations applied now (0 when up to date) or -1 with *error set. */
int bb_migrate(bb_db *db, const char *sql_dir, GError **error);

#endif
