/* password_job.h: a new random password and its argon2 hash, made on a hash worker
 * (store/login.h's pool) and handed back on the loop: for admins who create a clerk or reset a
 * password in the console. argon2 takes tens of milliseconds and ~20 MiB, so it never runs on
 * the loop; like login checks it is refused at once when every worker is busy. */
#ifndef BB_PASSWORD_JOB_H
#define BB_PASSWORD_JOB_H

#include "store/app.h"

/* Loop: called once with the plain password (shown once, then wiped by the caller's return) and
 * its hash; both NULL when hashing failed. */
typedef void (*bb_password_done)(bb_app *app, const char *password, const char *hash, gpointer user);

/* Loop: starts the job; FALSE (nothing started) when the hash workers are all busy. Without
 * workers (operator commands, tests) it runs inline and done() is called before this returns. */
gboolean bb_password_job_start(bb_app *app, bb_password_done done, gpointer user) G_GNUC_WARN_UNUSED_RESULT;

#endif
