/* clerks.h: clerk sessions (random tokens stored as SHA-256) and presence (offline | available |
 * paused | busy) kept alive by heartbeats. Login attempts (limits, password check off the loop)
 * are store/login.h. */
#ifndef BB_CLERKS_H
#define BB_CLERKS_H

#include "store/app.h"

typedef struct bb_clerk {
	int id;
	char *login, *display_name, *role;
	GStrv offices;          /* offices the clerk may act on (admin: every office) */
	int n_offices;
} bb_clerk;

/* Creates the session cache. */
void bb_clerks_init(bb_app *app);
void bb_clerks_free(bb_app *app);
void bb_clerk_free(bb_clerk *c);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(bb_clerk, bb_clerk_free)

/* The clerk of a valid, unexpired session of an enabled clerk; else NULL with unauthorized.
 * Verified sessions are cached for 2 s (see clerks.c). */
bb_clerk *bb_clerk_by_session(bb_app *app, const char *token, bb_err *err);
gboolean bb_clerk_serves(const bb_clerk *c, const char *office);
gboolean bb_clerk_is_admin(const bb_clerk *c);
/* Admins and supervisors: live overview and statistics of every office (not administration). */
gboolean bb_clerk_oversees(const bb_clerk *c);
json_t *bb_clerk_json(const bb_clerk *c);

/* The password hash of an enabled local clerk (*hash NULL when the login is unknown, disabled or
 * a directory clerk's); FALSE with err on a database failure. For login.c, which checks it off
 * the loop. */
gboolean bb_clerk_password_hash(bb_app *app, const char *login, char **hash, bb_err *err);
/* A new session of the enabled clerk `login` (the password was checked): the clerk, *token
 * (plain, shown once) and *expires_at (unix s). NULL with err unauthorized when the clerk was
 * disabled meanwhile, or a database error. */
bb_clerk *bb_clerk_session_open(bb_app *app, const char *login, char **token, gint64 *expires_at, bb_err *err);
gboolean bb_clerk_logout(bb_app *app, const char *token, bb_err *err);

/* Sets presence; marks the clerk's offices dirty. state: available | paused | offline | busy. */
gboolean bb_clerk_set_presence(bb_app *app, int clerk_id, const char *state, bb_err *err);
/* A clerk with no consultation left goes from busy back to available. */
gboolean bb_clerk_release(bb_app *app, int clerk_id, bb_err *err);
/* Keeps the presence of the clerks behind these session tokens alive. */
gboolean bb_clerk_heartbeat(bb_app *app, const char *const *tokens, int n, bb_err *err);

#endif
