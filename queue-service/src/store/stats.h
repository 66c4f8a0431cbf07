/* stats.h: county statistics per office and local day (numbers only, never personal fields):
 * one aggregate query over tickets and appointments, rendered as JSON or RFC 4180 CSV, plus one
 * over the same tickets by local hour of arrival (JSON only). Shared by the REST route
 * (api/routes_stats.c) and the `stats` CLI command (app/cli_stats.c). */
#ifndef BB_STATS_H
#define BB_STATS_H

#include "db/db.h"

#include <jansson.h>

#define BB_STATS_MAX_DAYS 366

/* Checks a strict YYYY-MM-DD range with from <= to and at most BB_STATS_MAX_DAYS days; FALSE
 * with a message for the caller (g_free it) otherwise. */
gboolean bb_stats_check_range(const char *from, const char *to, char **message);
/* Runs the aggregate query for these offices (n may be 0: no rows). NULL with *error on failure. */
PGresult *bb_stats_fetch(bb_db *db, const char *from, const char *to, const char *const *offices, int n,
	GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The same tickets per office and local hour of arrival (0..23) over the whole range. */
PGresult *bb_stats_fetch_hours(bb_db *db, const char *from, const char *to, const char *const *offices, int n,
	GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* {"from", "to", "rows": [{column: value}], "hours": [{column: value}]}: counts as integers,
 * durations (s) as numbers or null; without `hours` (NULL) no "hours" key. */
json_t *bb_stats_json(const PGresult *r, const PGresult *hours, const char *from, const char *to);
/* Header row plus one row per result row, CRLF-terminated (g_free it). */
char *bb_stats_csv(const PGresult *r);

#endif
