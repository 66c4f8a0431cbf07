/* password_job.c: new passwords hashed on the hash workers (contract: password_job.h). */
#include "store/password_job.h"
#include "base/secret.h"
#include "store/login.h"

#include <string.h>

/* 16 characters of the generator's alphabet: ~95 bits, typed once by the clerk and then changed. */
#define NEW_PASSWORD_CHARS 16

typedef struct job {
	bb_app *app;
	char *password, *hash;
	bb_password_done done;
	gpointer user;
} job;

static void work(gpointer data)
{
	job *j = data;
	j->hash = bb_password_hash(j->password);
}

static void done(gpointer data)
{
	job *j = data;
	j->done(j->app, j->hash ? j->password : NULL, j->hash, j->user);
	explicit_bzero(j->password, strlen(j->password));
	g_free(j->password);
	g_free(j->hash);
	g_free(j);
}

gboolean bb_password_job_start(bb_app *app, bb_password_done done_fn, gpointer user)
{
	bb_pool *pool = bb_login_pool(app);
	if (pool && !bb_pool_has_room(pool))
		return FALSE;
	job *j = g_new0(job, 1);
	j->app = app;
	j->password = bb_password_generate(NEW_PASSWORD_CHARS);
	j->done = done_fn;
	j->user = user;
	if (!pool) {
		work(j);
		done(j);
		return TRUE;
	}
	if (!bb_pool_try_submit(pool, work, done, j)) {   /* cannot happen: room was checked */
		explicit_bzero(j->password, strlen(j->password));
		g_free(j->password);
		g_free(j);
		return FALSE;
	}
	return TRUE;
}
