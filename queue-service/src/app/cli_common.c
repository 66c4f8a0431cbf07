/* cli_common.c: connection, error printing and password input for CLI commands. */
#include "app/cli_common.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define PASSWORD_MIN 8
#define PASSWORD_MAX 256

bb_db *bb_cli_connect(const bb_cfg *cfg)
{
	bb_db *db = bb_db_new(cfg->database_url, 60000, TRUE);
	if (!bb_db_ping(db)) {
		fprintf(stderr, "error: cannot connect to the database (check database_url / BB_DATABASE_URL)\n");
		bb_db_free(db);
		return NULL;
	}
	return db;
}

PGresult *bb_cli_exec(bb_db *db, const char *sql, int n, const char *const *p)
{
	GError *e = NULL;
	PGresult *r = bb_db_exec(db, sql, n, p, &e);
	if (!r) {
		fprintf(stderr, "error: %s\n", e->message);
		g_error_free(e);
	}
	return r;
}

void bb_cli_announce(bb_db *db)
{
	PGresult *r = bb_cli_exec(db, "SELECT pg_notify('bb_config', 'reload')", 0, NULL);
	if (r)
		PQclear(r);
}

/* The operator as the audit log names them: cli:<OS user>. */
void bb_cli_actor(bb_actor *actor)
{
	const char *user = g_get_user_name();
	actor->clerk_id = 0;
	g_snprintf(actor->name, sizeof actor->name, "cli:%s", user && *user ? user : "unknown");
}

char *bb_cli_read_password(void)
{
	gboolean tty = isatty(STDIN_FILENO);
	struct termios old, noecho;
	if (tty) {
		fprintf(stderr, "Password: ");
		tcgetattr(STDIN_FILENO, &old);
		noecho = old;
		noecho.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &noecho);
	}
	char buf[PASSWORD_MAX + 2];
	char *got = fgets(buf, sizeof buf, stdin);
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fprintf(stderr, "\n");
	}
	if (!got) {
		fprintf(stderr, "error: no password on stdin\n");
		return NULL;
	}
	buf[strcspn(buf, "\r\n")] = '\0';
	if (strlen(buf) < PASSWORD_MIN || strlen(buf) > PASSWORD_MAX) {
		fprintf(stderr, "error: the password must have %d to %d characters\n", PASSWORD_MIN, PASSWORD_MAX);
		explicit_bzero(buf, sizeof buf);
		return NULL;
	}
	char *pw = g_strdup(buf);
	explicit_bzero(buf, sizeof buf);
	return pw;
}

gboolean parse_utf8(GOptionContext *ctx, int argc, char **argv, int *out_argc, char ***out_argv, GError **error)
{
	static GPtrArray *keep;   /* the parsed vectors stay valid until exit */
	if (!keep)
		keep = g_ptr_array_new();
	char **v = g_new0(char *, argc + 1);
	for (int i = 0; i < argc; i++)
		v[i] = g_strdup(argv[i]);
	g_ptr_array_add(keep, v);
	gboolean ok = g_option_context_parse_strv(ctx, &v, error);
	keep->pdata[keep->len - 1] = v;
	*out_argc = (int)g_strv_length(v);
	*out_argv = v;
	return ok;
}
