/* clerks.h: clerk sessions (random tokens stored as SHA-256), login with rate limiting, and
 * presence (offline | available | paused | busy) kept alive by heartbeats. */
#ifndef BB_CLERKS_H
#define BB_CLERKS_H

#include "store/app.h"

typedef struct bb_clerk {
	int id;
	char *login, *display_name, *role;
	GStrv offices;          /* offices the clerk may act on (admin: every office) */
	int n_offices;
} bb_clerk;

/* Creates the login rate limiter (5 free failures per login and per address, then 1, 2, 4 ... s,
 * at most 15 min). */
void bb_clerks_init(bb_app *app);
void bb_clerks_free(bb_app *app);
void bb_clerk_free(bb_clerk *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(bb_clerk, bb_clerk_free)

/* The clerk of a valid, unexpired session of an enabled clerk; else NULL with unauthorized.
 * Verified sessions are cached for 2 s (see clerks.c). */
bb_clerk *bb_clerk_by_session(bb_app *app, const char *token, bb_err *err);
gboolean bb_clerk_serves(const bb_clerk *c, const char *office);
gboolean bb_clerk_is_admin(const bb_clerk *c);
json_t *bb_clerk_json(const bb_clerk *c);

/* Checks the password (rate-limited per login and per peer address). Returns the clerk and sets
 * *token (plain, shown once) and *expires_at (unix s). On 429 err->code is rate_limited and
 * *retry_after is set. */
bb_clerk *bb_clerk_login(bb_app *app, const char *login, const char *password, const char *peer,
	char **token, gint64 *expires_at, int *retry_after, bb_err *err);
gboolean bb_clerk_logout(bb_app *app, const char *token, bb_err *err);

/* Sets presence; marks the clerk's offices dirty. state: available | paused | offline | busy. */
gboolean bb_clerk_set_presence(bb_app *app, int clerk_id, const char *state, bb_err *err);
/* A clerk with no consultation left goes from busy back to available. */
gboolean bb_clerk_release(bb_app *app, int clerk_id, bb_err *err);
/* Keeps the presence of the clerks behind these session tokens alive. */
gboolean bb_clerk_heartbeat(bb_app *app, const char *const *tokens, int n, bb_err *err);

#endif
