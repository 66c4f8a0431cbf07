/* db.h: a synchronous PostgreSQL connection with automatic reconnect.
 *
 * Contract (small on purpose; other modules such as appointments use only this):
 * - bb_db_exec() runs one parameterised statement (text parameters, NULL = SQL NULL) and returns
 *   the result when it succeeded (PGRES_COMMAND_OK or PGRES_TUPLES_OK); otherwise NULL with
 *   *error in BB_DB_ERROR (code says unavailable / constraint / illegal transition / internal).
 *   Each distinct SQL text is prepared once per connection (named server-side statement, up to
 *   a fixed number per connection) and then executed by name; a new connection starts afresh.
 * - After a connection failure the connection is marked broken; the next call resets it, at
 *   most once per second unless another connection of the process connected since (calls in
 *   between fail fast with BB_DB_UNAVAILABLE). An idle connection the server closed (restart) is
 *   noticed before the next statement and replaced. Inside bb_db_begin()..commit/rollback a lost
 *   connection is never replaced: the statements fail until the caller rolls back.
 * - bb_db_begin()/bb_db_commit()/bb_db_rollback() bracket multi-statement transactions. On any
 *   error inside one, call bb_db_rollback() (harmless when the connection is gone).
 * - A bb_db is not thread-safe: one thread uses it at a time. The lws thread uses app->db; each
 *   worker thread of the pool (pool.h) owns one bb_db of its own. bb_app_db() picks the right one. */
#ifndef BB_DB_H
#define BB_DB_H

#include "base/errors.h"

#include <glib.h>
#include <libpq-fe.h>

#define BB_DB_ERROR (bb_db_error_quark())
GQuark bb_db_error_quark(void);

typedef enum bb_db_error_code {
	BB_DB_UNAVAILABLE,       /* connection down or broken; retry later */
	BB_DB_CONSTRAINT,        /* SQLSTATE class 23 (unique, foreign key, check) */
	BB_DB_ILLEGAL,           /* raised by the ticket transition trigger (SQLSTATE BB001) */
	BB_DB_INTERNAL,          /* anything else (logged with details) */
} bb_db_error_code;

typedef struct bb_db bb_db;

/* Does not connect yet when connect_now is FALSE (the service starts while the DB is down). */
bb_db *bb_db_new(const char *conninfo, int statement_timeout_ms, gboolean connect_now);
void bb_db_free(bb_db *db);
/* A raw connection with the same parameters (used for LISTEN); NULL when it fails. */
PGconn *bb_db_connect_raw(const char *conninfo, int statement_timeout_ms);

PGresult *bb_db_exec(bb_db *db, const char *sql, int n_params, const char *const *params,
	GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* Runs a statement without parameters that may contain several commands (migrations). */
gboolean bb_db_exec_script(bb_db *db, const char *sql, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean bb_db_begin(bb_db *db, GError **error) G_GNUC_WARN_UNUSED_RESULT;
gboolean bb_db_commit(bb_db *db, GError **error) G_GNUC_WARN_UNUSED_RESULT;
void bb_db_rollback(bb_db *db);
/* Rolls back a transaction still open on the connection (safety net after a job); TRUE if one was. */
gboolean bb_db_rollback_open(bb_db *db);
/* SELECT 1: TRUE when the database answers now. */
gboolean bb_db_ping(bb_db *db);
/* Number of failed statements since start (for /metrics). */
guint64 bb_db_error_count(const bb_db *db);

/* The caller's error from a failed statement: unavailable / illegal_transition / bad_request
 * (constraint) / internal by the GError's code; frees db_error (NULL: internal). */
void bb_err_from_db(bb_err *err, GError *db_error);

/* bb_db_exec() with a failure turned into the caller's err (bb_err_from_db). */
PGresult *bb_db_exec_err(bb_db *db, const char *sql, int n_params, const char *const *params, bb_err *err);
/* The same for a statement whose rows nobody reads: TRUE when it ran. */
gboolean bb_db_run(bb_db *db, const char *sql, int n_params, const char *const *params, bb_err *err);

/* Result helpers: value or NULL for SQL NULL; integer (0 for NULL). */
const char *bb_db_str(const PGresult *r, int row, int col);
gint64 bb_db_int(const PGresult *r, int row, int col);
/* A text[] literal ({"a","b"}) for passing an array as one parameter. g_free() it. */
char *bb_db_array_literal(const char *const *items, int n);

#endif
