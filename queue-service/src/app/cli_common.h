/* cli_common.h: helpers shared by the CLI command files (not part of the service). */
#ifndef BB_CLI_COMMON_H
#define BB_CLI_COMMON_H

#include "base/cfg.h"
#include "db/db.h"
#include "store/audit.h"

/* Connects for a CLI command; prints the reason and returns NULL on failure. */
bb_db *bb_cli_connect(const bb_cfg *cfg);
/* Runs a statement, printing the error; NULL on failure. */
PGresult *bb_cli_exec(bb_db *db, const char *sql, int n, const char *const *p);
/* Tells running services to reload offices (NOTIFY bb_config). */
void bb_cli_announce(bb_db *db);
/* The operator as the audit log names them: cli:<OS user> . */
void bb_cli_actor(bb_actor *actor);
/* Reads a password from stdin (no echo on a terminal); NULL on EOF/too short. */
char *bb_cli_read_password(void);

/* Parses options treating argv as UTF-8 whatever the locale (names like "Müller"). The remaining
 * arguments are returned through out_argc and out_argv (owned by a per-process list freed at exit). */
gboolean parse_utf8(GOptionContext *ctx, int argc, char **argv, int *out_argc, char ***out_argv, GError **error);

#endif
