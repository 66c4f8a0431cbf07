/* db.c: synchronous libpq connection with reconnect, error classification and helpers. */
#include "db/db.h"
#include "base/logging.h"

#include <poll.h>
#include <stdatomic.h>
#include <string.h>

G_DEFINE_QUARK(bb-db-error-quark, bb_db_error)

struct bb_db {
	char *conninfo;
	int timeout_ms;
	PGconn *conn;
	gboolean broken;
	gint64 last_reset_us;
	guint64 errors;
	gboolean tx_open;        /* between bb_db_begin() and bb_db_commit()/bb_db_rollback() */
	GHashTable *prepared;    /* SQL text -> statement name, valid for the current conn only */
	guint prepared_seq;      /* next statement name (never reused on a connection) */
};

/* Statements prepared per connection at most (the service has a few dozen distinct ones; SQL
 * built at run time from a bounded set of parts stays under this too). Beyond it statements
 * run unprepared, so an unexpected stream of distinct SQL cannot grow the cache. */
#define PREPARED_MAX 256

/* When any connection of the process last connected (monotonic us): a connection that failed
 * to reconnect less than a second ago may try again at once when another one got through since,
 * because then the database is back (several connections with a pool, pool.h). */
static _Atomic gint64 last_success_us;

/* Server notices (e.g. "already exists, skipping") are not errors: debug log only. */
static void on_notice(void *arg, const char *message)
{
	g_autofree char *m = g_strchomp(g_strdup(message));
	bb_debug("db", "notice message=\"%s\"", m);
}

/* Every connection of the process is made here, from database_url as given: a multi-host URL
 * (`postgresql://h1:p1,h2:p2/db?target_session_attrs=read-write`) is libpq's to walk, and it
 * skips a server that is down or read-only (a standby not yet promoted). The keyword order
 * matters: what precedes "dbname" is a default the URL may override (TCP keepalives, so that a
 * connection to a primary whose host vanished in a failover - no FIN, no RST - is noticed in
 * about half a minute; the LISTEN connection would otherwise wait for notifications forever);
 * what follows it is ours. A failed attempt is logged with every host's reason on one line. */
PGconn *bb_db_connect_raw(const char *conninfo, int statement_timeout_ms)
{
	g_autofree char *opts = g_strdup_printf("-c statement_timeout=%d -c lock_timeout=%d",
		statement_timeout_ms, statement_timeout_ms);
	const char *kw[] = {"keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
		"dbname", "connect_timeout", "options", "application_name", NULL};
	const char *val[] = {"10", "5", "3", "30000", conninfo, "3", opts, "buergerbuero-queue", NULL};
	PGconn *c = PQconnectdbParams(kw, val, 1);
	if (PQstatus(c) != CONNECTION_OK) {
		g_auto(GStrv) lines = g_strsplit(PQerrorMessage(c), "\n", -1);
		for (int i = 0; lines[i]; i++)
			g_strstrip(lines[i]);
		g_autofree char *why = g_strjoinv("; ", lines);
		g_strchomp(why);
		if (g_str_has_suffix(why, ";"))
			why[strlen(why) - 1] = '\0';
		bb_warn("db", "connect failed reason=\"%s\"", why);
		PQfinish(c);
		return NULL;
	}
	PQsetNoticeProcessor(c, on_notice, NULL);
	return c;
}

bb_db *bb_db_new(const char *conninfo, int statement_timeout_ms, gboolean connect_now)
{
	bb_db *db = g_new0(bb_db, 1);
	db->conninfo = g_strdup(conninfo);
	db->timeout_ms = statement_timeout_ms;
	db->broken = TRUE;
	db->prepared = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
	if (connect_now) {
		db->conn = bb_db_connect_raw(conninfo, statement_timeout_ms);
		db->broken = db->conn == NULL;
		db->last_reset_us = g_get_monotonic_time();
	}
	return db;
}

void bb_db_free(bb_db *db)
{
	if (!db)
		return;
	if (db->conn)
		PQfinish(db->conn);
	g_clear_pointer(&db->prepared, g_hash_table_destroy);
	g_free(db->conninfo);
	g_free(db);
}

/* An idle connection (no query running, no LISTEN on it) has nothing to read unless the server
 * said goodbye (shutdown, restart, terminated backend) or closed it; either way it is not worth
 * keeping. A false alarm (e.g. an asynchronous parameter report) costs one reconnect. */
static gboolean idle_conn_quiet(PGconn *c)
{
	struct pollfd p = {.fd = PQsocket(c), .events = POLLIN};
	return p.fd >= 0 && poll(&p, 1, 0) == 0;
}

/* Makes sure there is a usable connection; reconnects at most once per second (unless another
 * connection got through since) so that a database outage costs each request one fast failure
 * rather than a blocking connect. Between transactions an idle connection is first checked for
 * anything the server sent meanwhile (see idle_conn_quiet): after a server restart the statement
 * goes to a new connection instead of failing. Inside a transaction the connection is
 * never replaced: the rest of the transaction would silently run outside of it. */
static gboolean ensure_conn(bb_db *db, GError **error)
{
	if (db->conn && !db->broken && PQstatus(db->conn) == CONNECTION_OK) {
		if (db->tx_open || PQtransactionStatus(db->conn) != PQTRANS_IDLE)
			return TRUE;
		if (idle_conn_quiet(db->conn))
			return TRUE;
		db->broken = TRUE;
		bb_info("db", "connection closed by the server while idle; reconnecting");
	}
	if (db->tx_open) {
		g_set_error_literal(error, BB_DB_ERROR, BB_DB_UNAVAILABLE, "database unavailable");
		return FALSE;
	}
	gint64 now = g_get_monotonic_time();
	if (now - db->last_reset_us < G_USEC_PER_SEC &&
	    atomic_load(&last_success_us) <= db->last_reset_us) {
		g_set_error_literal(error, BB_DB_ERROR, BB_DB_UNAVAILABLE, "database unavailable");
		return FALSE;
	}
	db->last_reset_us = now;
	if (db->conn) {
		PQfinish(db->conn);
		db->conn = NULL;
	}
	g_hash_table_remove_all(db->prepared);   /* server-side statements died with the old conn */
	db->prepared_seq = 0;
	db->conn = bb_db_connect_raw(db->conninfo, db->timeout_ms);
	if (!db->conn) {
		g_set_error_literal(error, BB_DB_ERROR, BB_DB_UNAVAILABLE, "database unavailable");
		return FALSE;
	}
	db->broken = FALSE;
	atomic_store(&last_success_us, g_get_monotonic_time());
	bb_info("db", "connected");
	return TRUE;
}

/* Turns a failed result into a GError code; SQLSTATE decides, the connection status tells
 * whether the failure was the network/server going away. */
static void classify(bb_db *db, PGresult *r, GError **error)
{
	db->errors++;
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (PQstatus(db->conn) != CONNECTION_OK || !state || g_str_has_prefix(state, "08") ||
	    g_str_has_prefix(state, "57P")) {
		db->broken = TRUE;
		bb_warn("db", "connection lost sqlstate=%s", state ? state : "none");
		g_set_error_literal(error, BB_DB_ERROR, BB_DB_UNAVAILABLE, "database unavailable");
		return;
	}
	/* A read-only server (a standby: target_session_attrs=read-write missing from database_url, or
	 * a server demoted under us) will not take writes however often we retry on this connection:
	 * drop it, so the next statement connects afresh and libpq looks for the primary. */
	if (strcmp(state, "25006") == 0) {
		db->broken = TRUE;
		bb_warn("db", "server is read-only (a standby?); reconnecting; set target_session_attrs=read-write");
		g_set_error_literal(error, BB_DB_ERROR, BB_DB_UNAVAILABLE, "database unavailable");
		return;
	}
	if (g_str_has_prefix(state, "23")) {
		g_set_error(error, BB_DB_ERROR, BB_DB_CONSTRAINT, "%s", msg ? msg : "constraint violated");
		return;
	}
	if (strcmp(state, "BB001") == 0) {
		g_set_error(error, BB_DB_ERROR, BB_DB_ILLEGAL, "%s", msg ? msg : "illegal transition");
		return;
	}
	if (strcmp(state, "57014") == 0 || strcmp(state, "55P03") == 0 || strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0) {
		bb_warn("db", "statement aborted sqlstate=%s", state);
		g_set_error_literal(error, BB_DB_ERROR, BB_DB_UNAVAILABLE, "database busy; retry");
		return;
	}
	bb_error("db", "statement failed sqlstate=%s message=\"%s\"", state, msg ? msg : "");
	g_set_error(error, BB_DB_ERROR, BB_DB_INTERNAL, "database error %s", state);
}

/* Finds the server-side name of sql on the current connection, preparing it on first use: the
 * backend then parses and analyses each distinct statement once per connection instead of once
 * per call (that parse/plan work was the largest part of the database's CPU per ticket cycle,
 * tests/bench/queue/README.md). *name stays NULL when the cache is full (run unprepared). FALSE
 * with *error when preparing failed: the same error the statement itself would have given. */
static gboolean prepared_name(bb_db *db, const char *sql, int n_params, const char **name, GError **error)
{
	*name = g_hash_table_lookup(db->prepared, sql);
	if (*name || g_hash_table_size(db->prepared) >= PREPARED_MAX)
		return TRUE;
	char *fresh = g_strdup_printf("bb_%u", db->prepared_seq++);
	PGresult *r = PQprepare(db->conn, fresh, sql, n_params, NULL);
	if (!r || PQresultStatus(r) != PGRES_COMMAND_OK) {
		classify(db, r, error);
		PQclear(r);
		g_free(fresh);
		return FALSE;
	}
	PQclear(r);
	g_hash_table_insert(db->prepared, g_strdup(sql), fresh);
	*name = fresh;
	return TRUE;
}

/* A prepared statement the server no longer accepts (its result type changed after a schema
 * change elsewhere: 0A000, or it is gone: 26000) is prepared afresh on the next call instead of
 * failing on this connection forever. */
static void forget_stale(bb_db *db, const char *sql, const char *name, const PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	if (name && state && (strcmp(state, "0A000") == 0 || strcmp(state, "26000") == 0))
		g_hash_table_remove(db->prepared, sql);
}

PGresult *bb_db_exec(bb_db *db, const char *sql, int n_params, const char *const *params, GError **error)
{
	if (!ensure_conn(db, error)) {
		db->errors++;
		return NULL;
	}
	const char *name = NULL;
	if (!prepared_name(db, sql, n_params, &name, error))
		return NULL;
	PGresult *r = name ? PQexecPrepared(db->conn, name, n_params, params, NULL, NULL, 0)
	                   : PQexecParams(db->conn, sql, n_params, NULL, params, NULL, NULL, 0);
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK)
		return r;
	forget_stale(db, sql, name, r);
	classify(db, r, error);
	PQclear(r);
	return NULL;
}

gboolean bb_db_exec_script(bb_db *db, const char *sql, GError **error)
{
	if (!ensure_conn(db, error))
		return FALSE;
	PGresult *r = PQexec(db->conn, sql);
	ExecStatusType st = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
		PQclear(r);
		return TRUE;
	}
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	g_autofree char *copy = g_strdup(msg ? msg : PQerrorMessage(db->conn));
	classify(db, r, error);
	if (error && *error && (*error)->code != BB_DB_UNAVAILABLE) {
		g_clear_error(error);
		g_set_error(error, BB_DB_ERROR, BB_DB_INTERNAL, "%s", copy);
	}
	PQclear(r);
	return FALSE;
}

static gboolean exec_simple(bb_db *db, const char *sql, GError **error)
{
	PGresult *r = bb_db_exec(db, sql, 0, NULL, error);
	if (!r)
		return FALSE;
	PQclear(r);
	return TRUE;
}

gboolean bb_db_begin(bb_db *db, GError **error)
{
	db->tx_open = exec_simple(db, "BEGIN", error);
	return db->tx_open;
}

gboolean bb_db_commit(bb_db *db, GError **error)
{
	gboolean ok = exec_simple(db, "COMMIT", error);
	db->tx_open = FALSE;
	return ok;
}

void bb_db_rollback(bb_db *db)
{
	db->tx_open = FALSE;
	if (!db->conn || db->broken || PQstatus(db->conn) != CONNECTION_OK)
		return;
	PGresult *r = PQexec(db->conn, "ROLLBACK");
	PQclear(r);
}

gboolean bb_db_rollback_open(bb_db *db)
{
	db->tx_open = FALSE;
	if (!db->conn || db->broken || PQstatus(db->conn) != CONNECTION_OK)
		return FALSE;
	if (PQtransactionStatus(db->conn) == PQTRANS_IDLE)
		return FALSE;
	PGresult *r = PQexec(db->conn, "ROLLBACK");
	PQclear(r);
	return TRUE;
}

gboolean bb_db_ping(bb_db *db)
{
	GError *err = NULL;
	PGresult *r = bb_db_exec(db, "SELECT 1", 0, NULL, &err);
	g_clear_error(&err);
	if (!r)
		return FALSE;
	PQclear(r);
	return TRUE;
}

/* Clients get the catalogue's code for the kind of failure (base/errors.h), never SQL text:
 * classify() logged whatever needs a look. */
void bb_err_from_db(bb_err *err, GError *e)
{
	if (!e) {
		bb_err_set(err, "internal", "internal error");
		return;
	}
	switch (e->code) {
	case BB_DB_UNAVAILABLE:
		bb_err_set(err, "unavailable", "database unavailable, retry later");
		break;
	case BB_DB_ILLEGAL:
		bb_err_set(err, "illegal_transition", "the ticket is not in a state that allows this");
		break;
	case BB_DB_CONSTRAINT:
		bb_err_set(err, "bad_request", "rejected by a database constraint");
		break;
	default:
		bb_err_set(err, "internal", "internal error");
	}
	g_error_free(e);
}

PGresult *bb_db_exec_err(bb_db *db, const char *sql, int n_params, const char *const *params, bb_err *err)
{
	GError *e = NULL;
	PGresult *r = bb_db_exec(db, sql, n_params, params, &e);
	if (!r)
		bb_err_from_db(err, e);
	return r;
}

gboolean bb_db_run(bb_db *db, const char *sql, int n_params, const char *const *params, bb_err *err)
{
	PGresult *r = bb_db_exec_err(db, sql, n_params, params, err);
	if (r)
		PQclear(r);
	return r != NULL;
}

guint64 bb_db_error_count(const bb_db *db) { return db->errors; }

const char *bb_db_str(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? NULL : PQgetvalue(r, row, col);
}

gint64 bb_db_int(const PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? 0 : g_ascii_strtoll(PQgetvalue(r, row, col), NULL, 10);
}

char *bb_db_array_literal(const char *const *items, int n)
{
	GString *s = g_string_new("{");
	for (int i = 0; i < n; i++) {
		if (i)
			g_string_append_c(s, ',');
		g_string_append_c(s, '"');
		for (const char *p = items[i]; *p; p++) {
			if (*p == '"' || *p == '\\')
				g_string_append_c(s, '\\');
			g_string_append_c(s, *p);
		}
		g_string_append_c(s, '"');
	}
	g_string_append_c(s, '}');
	return g_string_free(s, FALSE);
}
