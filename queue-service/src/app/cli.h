/* cli.h: operator commands (migrate, office, clerk). Each returns the process exit code:
 * 0 success, 1 failure (message on stderr), 2 usage error. */
#ifndef BB_CLI_H
#define BB_CLI_H

#include "base/cfg.h"

int bb_cli_migrate(const bb_cfg *cfg, int argc, char **argv);
int bb_cli_office(const bb_cfg *cfg, int argc, char **argv);
int bb_cli_clerk(const bb_cfg *cfg, int argc, char **argv);
int bb_cli_stats(const bb_cfg *cfg, int argc, char **argv);   /* cli_stats.c */
/* Parses `mon-fri 08:00-12:00,13:00-16:00; sat 09:00-12:00` into (weekday, open, close) triples
 * appended to out (ints). FALSE with *error on bad syntax. Exposed for reuse by tests/tools. */
gboolean bb_cli_parse_hours(const char *spec, GArray *out, GError **error);

#endif
