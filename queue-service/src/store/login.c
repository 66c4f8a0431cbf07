/* login.c: clerk login attempts: limits per (login, address), per address and per login, and the
 * argon2 or directory check on the hash workers (contract: login.h). */
#include "store/login.h"
#include "base/bucket.h"
#include "base/client_addr.h"
#include "base/logging.h"
#include "base/ratelimit.h"
#include "base/secret.h"
#include "store/clerks_ldap.h"
#include "store/ldap_auth.h"

#include <string.h>

#define PAIR_FREE_FAILURES 5       /* per (login, address) */
#define ADDR_FREE_FAILURES 20      /* per address, any login */
#define MAX_BLOCK_S 900
#define LOGIN_BUCKET 20            /* failures of one login, all addresses, before it is slowed */
#define LOGIN_REFILL_S 30          /* ... and one more every 30 s */
#define SLOWED_WEIGHT 15           /* a failure while slowed counts this much on its pair: 900 s */
#define LIMIT_KEYS 100000
#define BUCKET_KEYS 10000
#define BUSY_RETRY_S 1             /* Retry-After when every worker is busy and the queue full */
#define HASH_NICE 10               /* hash workers yield the CPU to the loop and the database */

/* Addresses are limited as their client key (base/bucket.h): an IPv6 host picks any address of
 * its /64, so the /64 is one address here as for join permits and appointment codes. */
struct bb_login {
	bb_ratelimit *pairs;       /* "login\nclient key" */
	bb_ratelimit *addrs;       /* client key */
	bb_buckets *logins;        /* login */
	bb_pool *pool;             /* hash workers; NULL: checks run inline */
	guint max_waiting;
	guint64 ok, failed, limited, busy;
	guint64 ldap_ok, ldap_failed, ldap_unavailable;
	/* The directory did not answer: until directory_retry_s (loop) directory sign-ins are
	 * answered unavailable at once, and workers skip the attempts already queued (directory_down,
	 * atomic: read on workers), so that a dead directory cannot keep the workers from local
	 * logins for a timeout per queued attempt. */
	gint64 directory_retry_s;
	gint directory_down;
};

/* One attempt: filled on the loop, the check fills `ok` on a worker, finished on the loop. */
typedef struct attempt {
	bb_app *app;
	char *login, *peer, *password;
	char *client;              /* peer's client key: what the limits count (peer: for log lines) */
	char *hash;                /* NULL: no enabled local clerk, checked against the dummy */
	gboolean directory;        /* and then by the directory (store/ldap_auth.h) */
	const bb_cfg *cfg;         /* the directory's settings (immutable while serving) */
	gint *directory_down;      /* the loop's flag: skip the directory, it just failed */
	bb_ldap_user dir;          /* the directory's verdict */
	gboolean ok;
	bb_login_done done;
	gpointer user;
} attempt;

static void attempt_free(attempt *a)
{
	if (a->password)
		explicit_bzero(a->password, strlen(a->password));
	g_free(a->password);
	g_free(a->login);
	g_free(a->peer);
	g_free(a->client);
	g_free(a->hash);
	bb_ldap_user_clear(&a->dir);
	g_free(a);
}

/* ---- the check (worker thread) ----------------------------------------------------------- */

/* Made once, on a worker (hashing takes as long as checking): unknown logins are checked
 * against it so that their answer costs what a real one costs. */
static gpointer make_dummy(gpointer unused)
{
	return bb_password_hash("not-a-real-password");
}

static const char *dummy_hash(void)
{
	static GOnce once = G_ONCE_INIT;
	return g_once(&once, make_dummy, NULL);
}

/* Every attempt costs one argon2 check, also those the directory decides: a login that is not
 * a local clerk's takes as long and costs the workers as much as one that is. */
static void check_password(gpointer data)
{
	attempt *a = data;
	if (a->hash) {
		a->ok = bb_password_verify(a->hash, a->password);
	} else {
		const char *dummy = dummy_hash();
		if (dummy)
			(void)bb_password_verify(dummy, a->password);
		a->ok = FALSE;
	}
	if (a->directory) {
		if (g_atomic_int_get(a->directory_down)) {
			a->dir.verdict = BB_LDAP_UNAVAILABLE;
			a->dir.why = g_strdup("skipped: the directory failed just before");
		} else {
			bb_ldap_check(a->cfg, a->login, a->password, &a->dir);
		}
		a->ok = a->dir.verdict == BB_LDAP_OK;
	}
	explicit_bzero(a->password, strlen(a->password));
}

static void warm_up(gpointer unused)
{
	(void)dummy_hash();
}

static void nothing(gpointer unused)
{
}

/* ---- the loop's side --------------------------------------------------------------------- */

void bb_login_init(bb_app *app, int hash_threads, guint hash_queue, bb_pool_fn wake, gpointer wake_data)
{
	struct bb_login *l = g_new0(struct bb_login, 1);
	l->pairs = bb_ratelimit_new(PAIR_FREE_FAILURES, MAX_BLOCK_S, LIMIT_KEYS);
	l->addrs = bb_ratelimit_new(ADDR_FREE_FAILURES, MAX_BLOCK_S, LIMIT_KEYS);
	l->logins = bb_buckets_new(LOGIN_BUCKET, LOGIN_REFILL_S, BUCKET_KEYS);
	l->max_waiting = hash_queue;
	if (hash_threads > 0) {
		l->pool = bb_pool_new("bb-hash", hash_threads, hash_queue, HASH_NICE, NULL, 0, wake, wake_data);
		bb_pool_submit(l->pool, warm_up, nothing, NULL);   /* the dummy before the first login */
	}
	app->login = l;
	if (bb_ldap_enabled(&app->cfg)) {
		gboolean tls = app->cfg.ldap_starttls || strstr(app->cfg.ldap_url, "ldaps://");
		bb_info("login", "directory sign-in url=\"%s\" tls=%s", app->cfg.ldap_url, tls ? "yes" : "no");
		if (!tls)
			bb_warn("login", "directory without TLS: clerks' passwords cross the network in clear "
				"(use ldaps:// or ldap_starttls = 1)");
	}
}

void bb_login_free(bb_app *app)
{
	struct bb_login *l = app->login;
	if (!l)
		return;
	g_clear_pointer(&l->pool, bb_pool_free);   /* runs the done functions of attempts in flight */
	bb_ratelimit_free(l->pairs);
	bb_ratelimit_free(l->addrs);
	bb_buckets_free(l->logins);
	g_clear_pointer(&app->login, g_free);
}

bb_pool *bb_login_pool(bb_app *app)
{
	return app->login ? app->login->pool : NULL;
}

void bb_login_dispatch(bb_app *app)
{
	if (app->login)
		bb_pool_dispatch(app->login->pool);
}

void bb_login_prune(bb_app *app, gint64 now_s)
{
	struct bb_login *l = app->login;
	bb_ratelimit_prune(l->pairs, now_s);
	bb_ratelimit_prune(l->addrs, now_s);   /* the buckets prune themselves when full */
}

void bb_login_get_stats(bb_app *app, bb_login_stats *out)
{
	struct bb_login *l = app->login;
	*out = (bb_login_stats){
		.waiting = bb_pool_waiting(l->pool), .running = bb_pool_running(l->pool),
		.max_waiting = l->max_waiting, .ok = l->ok, .failed = l->failed, .limited = l->limited,
		.busy = l->busy, .ldap_ok = l->ldap_ok, .ldap_failed = l->ldap_failed,
		.ldap_unavailable = l->ldap_unavailable,
	};
}

static char *pair_key(const char *login, const char *client)
{
	return g_strdup_printf("%s\n%s", login, client);
}

/* What a failure costs: the pair (much more while the login is slowed), the address, a token of
 * the login's bucket. */
static void count_failure(struct bb_login *l, const attempt *a, gint64 now)
{
	g_autofree char *pair = pair_key(a->login, a->client);
	gboolean slowed = bb_buckets_take(l->logins, a->login, now) > 0;
	bb_ratelimit_fail_n(l->pairs, pair, now, slowed ? SLOWED_WEIGHT : 1);
	bb_ratelimit_fail(l->addrs, a->client, now);
	l->failed++;
	char net[BB_CLIENT_ADDR_MAX];
	bb_client_addr_for_log(a->peer, net, sizeof net);
	bb_info("login", "login failed net=%s%s", net, slowed ? " slowed=1" : "");
}

/* Loop: the directory could not be asked. Nothing is counted against the limits (no password
 * was checked); the next directory sign-ins within ldap_timeout_s are answered at once. */
static void directory_unavailable(struct bb_login *l, attempt *a, gint64 now, bb_err *err)
{
	l->ldap_unavailable++;
	if (!g_atomic_int_get(&l->directory_down))
		bb_warn("login", "directory unavailable reason=\"%s\"", a->dir.why);
	g_atomic_int_set(&l->directory_down, 1);
	l->directory_retry_s = MAX(l->directory_retry_s, now + a->cfg->ldap_timeout_s);
	bb_err_set(err, "unavailable", "the county directory cannot be reached; local accounts still work, try again later");
}

/* Loop: the check is done; count it, open the session, tell the caller. A directory user whom
 * our database refuses (disabled, local login, no office) fails like a wrong password. */
static void finish(gpointer data)
{
	attempt *a = data;
	struct bb_login *l = a->app->login;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	bb_login_result res = {0};
	if (a->directory && a->dir.verdict == BB_LDAP_UNAVAILABLE) {
		directory_unavailable(l, a, now, &res.err);
	} else if (a->ok) {
		res.clerk = a->directory
			? bb_clerk_directory_session_open(a->app, a->login, &a->dir, &res.token, &res.expires_at, &res.err)
			: bb_clerk_session_open(a->app, a->login, &res.token, &res.expires_at, &res.err);
		if (res.clerk) {
			g_autofree char *pair = pair_key(a->login, a->client);
			bb_ratelimit_reset(l->pairs, pair);
			l->ok++;
			l->ldap_ok += a->directory;
			char net[BB_CLIENT_ADDR_MAX];
			bb_client_addr_for_log(a->peer, net, sizeof net);
			bb_info("login", "login clerk=%d net=%s%s", res.clerk->id, net, a->directory ? " auth=ldap" : "");
		} else if (a->directory && g_strcmp0(res.err.code, "unauthorized") == 0) {
			l->ldap_failed++;
			count_failure(l, a, now);
		}
	} else {
		if (a->directory) {
			l->ldap_failed++;
			bb_debug("login", "directory refused reason=\"%s\"", a->dir.why);
		}
		count_failure(l, a, now);
		bb_err_set(&res.err, "unauthorized", "wrong login or password");
	}
	a->done(a->app, &res, a->user);
	bb_clerk_free(res.clerk);
	g_free(res.token);
	bb_err_clear(&res.err);
	attempt_free(a);
}

/* Every hash worker busy and the queue full: come back in a second. Logged at debug level only,
 * as a flood would otherwise write a line per request. */
static gboolean refuse_busy(struct bb_login *l, const char *peer, int *retry_after, bb_err *err)
{
	l->busy++;
	*retry_after = BUSY_RETRY_S;
	bb_err_set(err, "rate_limited", "too many logins at once; retry in %d s", BUSY_RETRY_S);
	if (bb_log_enabled(BB_LOG_DEBUG)) {
		char net[BB_CLIENT_ADDR_MAX];
		bb_client_addr_for_log(peer, net, sizeof net);
		bb_debug("login", "login refused reason=busy net=%s", net);
	}
	return FALSE;
}

/* The limits come first: a blocked pair or address costs neither a query nor a hash. */
gboolean bb_login_start(bb_app *app, const char *login, const char *password, const char *peer,
	bb_login_done done, gpointer user, int *retry_after, bb_err *err)
{
	struct bb_login *l = app->login;
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	char client[64];
	bb_client_key(peer, client, sizeof client);
	g_autofree char *pair = pair_key(login, client);
	int wait = MAX(bb_ratelimit_blocked(l->pairs, pair, now), bb_ratelimit_blocked(l->addrs, client, now));
	if (wait > 0) {
		l->limited++;
		*retry_after = wait;
		bb_err_set(err, "rate_limited", "too many failed logins; retry in %d s", wait);
		char net[BB_CLIENT_ADDR_MAX];
		bb_client_addr_for_log(peer, net, sizeof net);
		bb_info("login", "login refused reason=rate_limited net=%s", net);
		return FALSE;
	}
	if (l->pool && !bb_pool_has_room(l->pool))   /* before the query: a flood costs the loop little */
		return refuse_busy(l, peer, retry_after, err);
	attempt *a = g_new0(attempt, 1);
	if (!bb_clerk_password_hash(app, login, &a->hash, err)) {
		attempt_free(a);
		return FALSE;
	}
	/* Not an enabled local clerk: the directory decides, if the login could be a clerk's. */
	a->directory = !a->hash && bb_ldap_enabled(&app->cfg) && bb_clerk_login_valid(login);
	if (a->directory && g_atomic_int_get(&l->directory_down)) {
		if (now < l->directory_retry_s) {
			l->ldap_unavailable++;
			*retry_after = (int)(l->directory_retry_s - now);
			bb_err_set(err, "unavailable", "the county directory cannot be reached; local accounts still work, try again later");
			attempt_free(a);
			return FALSE;
		}
		g_atomic_int_set(&l->directory_down, 0);   /* time to ask it again */
	}
	a->cfg = &app->cfg;
	a->directory_down = &l->directory_down;
	a->app = app;
	a->login = g_strdup(login);
	a->peer = g_strdup(peer);
	a->client = g_strdup(client);
	a->password = g_strdup(password);
	a->done = done;
	a->user = user;
	if (!l->pool) {
		check_password(a);
		finish(a);
		return TRUE;
	}
	if (!bb_pool_try_submit(l->pool, check_password, finish, a)) {   /* cannot happen: room was checked */
		attempt_free(a);
		return refuse_busy(l, peer, retry_after, err);
	}
	return TRUE;
}
