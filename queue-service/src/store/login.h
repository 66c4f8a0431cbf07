/* login.h: clerk login attempts: who may try, the password check off the event loop (local
 * argon2 hash, or the county's directory), and what a failure costs.
 *
 * Contract
 * - The password hash (argon2id, ~20 MiB and tens of milliseconds) is checked on a worker of
 *   app->hash_pool (config login_hash_threads), never on the loop. At most login_hash_queue
 *   attempts wait for a worker; beyond that an attempt is refused at once (rate_limited,
 *   Retry-After 1): nothing a client sends queues without bound.
 * - An unknown login is checked against a dummy hash on the same worker, so both answers take as
 *   long and cost the same; every limit below treats unknown logins like existing ones.
 * - With a directory configured (ldap_url, store/ldap_auth.h) every login that is not an enabled
 *   local clerk's (unknown, directory clerk, disabled) and could be a clerk's login goes to the
 *   directory, on the same worker, after the same dummy hash: local clerks are always checked
 *   here, never by the directory. The limits below apply unchanged; a directory refusal (or our
 *   database refusing the directory's user: disabled, a local login, no office group) is a
 *   failure like a wrong password. A directory that cannot be asked answers `unavailable`
 *   (nothing counted), and for ldap_timeout_s after that directory logins are answered
 *   `unavailable` at once, queued ones included, so local logins never wait behind it for long.
 * - Limits, all checked before any hashing (a refused attempt costs no CPU):
 *     * per (login, client address): 5 free failures, then 1, 2, 4 ... s, at most 15 min. A
 *       stranger guessing `mueller` blocks only his own pair, never mueller at his own address;
 *     * per client address across logins: 20 free failures, then the same backoff (credential
 *       stuffing from one address);
 *     * per login across all addresses: a token bucket of failures (20, one more every 30 s).
 *       While it is empty the login is *slowed*: attempts are still checked, so the correct
 *       password still logs in, but a failure blocks its (login, address) pair for 15 min at
 *       once. Many addresses then get one guess each per quarter hour.
 *   A client address is counted as its client key (bb_client_key(): IPv4 as it is, IPv6 as its
 *   /64). A success clears its pair's failures. Blocks and buckets are bounded in memory
 *   (base/ratelimit.h, base/bucket.h).
 * - Log lines carry the client address reduced to its network (base/client_addr.h), never whole.
 *
 * Threads: everything here runs on the loop except the hash check, which touches only its own
 * attempt (the copied password and hash), the immutable configuration and one atomic flag (the
 * directory just failed). */
#ifndef BB_LOGIN_H
#define BB_LOGIN_H

#include "store/app.h"
#include "store/clerks.h"

/* What became of an attempt that was checked. On success clerk and token (plain, shown once) are
 * set; else err is (unauthorized, or unavailable when the database or the directory failed). */
typedef struct bb_login_result {
	bb_clerk *clerk;
	char *token;
	gint64 expires_at;
	bb_err err;
} bb_login_result;

/* Loop: called once per started attempt with its result; the result is freed after it returns
 * (steal what you keep). */
typedef void (*bb_login_done)(bb_app *app, bb_login_result *res, gpointer user);

/* Creates the limiters and, with hash_threads > 0, the hash pool (woken through wake(wake_data),
 * thread-safe); without a pool the check runs inline (operator commands, tests). */
void bb_login_init(bb_app *app, int hash_threads, guint hash_queue, bb_pool_fn wake, gpointer wake_data);
/* Finishes the attempts in flight (their done functions run), then frees everything. */
void bb_login_free(bb_app *app);

/* Loop: starts an attempt of `login` from client address `peer`. Returns TRUE when the check
 * runs (done(app, res, user) follows, on the loop, possibly before this returns when there is no
 * pool); FALSE when refused at once: err is rate_limited with *retry_after > 0 (blocked, or all
 * hash workers busy and the queue full) or unavailable (database; or the directory failed just
 * before, then with *retry_after > 0). */
gboolean bb_login_start(bb_app *app, const char *login, const char *password, const char *peer,
	bb_login_done done, gpointer user, int *retry_after, bb_err *err) G_GNUC_WARN_UNUSED_RESULT;
/* The hash workers (NULL: none, hashing runs inline), for other slow password work
 * (store/password_job.h). */
bb_pool *bb_login_pool(bb_app *app);
/* Loop: runs the finished checks' done functions (called on every wake-up; idempotent). */
void bb_login_dispatch(bb_app *app);
/* Janitor: forgets expired blocks. */
void bb_login_prune(bb_app *app, gint64 now_s);

/* Counters for /metrics. */
typedef struct bb_login_stats {
	guint waiting, running, max_waiting;   /* hash checks */
	guint64 ok, failed, limited, busy;     /* attempts: logged in, wrong, blocked, queue full */
	guint64 ldap_ok, ldap_failed, ldap_unavailable;   /* of them by the directory; not asked */
} bb_login_stats;
void bb_login_get_stats(bb_app *app, bb_login_stats *out);

#endif
