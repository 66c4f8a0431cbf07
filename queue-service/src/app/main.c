/* main.c: entry point of buergerbuero-queue: global options, command table, `serve`. */
#include "base/cfg.h"
#include "base/logging.h"
#include "db/migrate.h"
#include "db/pool.h"
#include "store/app.h"
#include "store/clerks.h"
#include "store/login.h"
#include "store/offices.h"
#include "appointments/appointments.h"
#include "api/positions.h"
#include "sync/notify.h"
#include "app/cli.h"
#include "app/server.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

/* The one piece of state a signal handler may touch. */
static bb_server *signal_server;

static void on_signal(int sig)
{
	if (signal_server)
		bb_server_request_stop(signal_server);
}

/* URLs handed to browsers and calendars (janus_url, checkin_url): printable ASCII without spaces,
 * quotes or angle brackets, at most 255 characters; either one of `schemes` followed by a host,
 * or (with path_ok) a path on the API's own origin ("/janus", never "//host"). */
static gboolean url_setting_ok(const char *v, const char *const *schemes, gboolean path_ok)
{
	size_t n = strlen(v);
	if (n == 0 || n > 255)
		return FALSE;
	for (const char *c = v; *c; c++)
		if (*c <= 0x20 || *c >= 0x7f || strchr("\"'<>\\`", *c))
			return FALSE;
	if (path_ok && v[0] == '/' && v[1] != '/')
		return TRUE;
	for (int i = 0; schemes[i]; i++) {
		size_t k = strlen(schemes[i]);
		if (strncmp(v, schemes[i], k) == 0 && v[k] != '\0' && v[k] != '/')
			return TRUE;
	}
	return FALSE;
}

/* Migrates, loads offices (when the database is up), opens the listeners and runs the loop.
 * A database that is down at start is not fatal: requests answer `unavailable` until it is back. */
static int cmd_serve(const bb_cfg *cfg, int argc, char **argv)
{
	if (!cfg->internal_secret || strlen(cfg->internal_secret) < 16) {
		fprintf(stderr, "error: internal_secret (BB_INTERNAL_SECRET) must be set, at least 16 characters\n");
		return 2;
	}
	static const char *const ws_schemes[] = {"ws://", "wss://", NULL};
	static const char *const http_schemes[] = {"http://", "https://", NULL};
	if (!url_setting_ok(cfg->janus_url, ws_schemes, TRUE)) {
		fprintf(stderr, "error: janus_url (BB_JANUS_URL) must be a path such as /janus or a ws:// or wss:// URL\n");
		return 2;
	}
	if (*cfg->checkin_url && !url_setting_ok(cfg->checkin_url, http_schemes, FALSE)) {
		fprintf(stderr, "error: checkin_url (BB_CHECKIN_URL) must be empty or an http:// or https:// URL\n");
		return 2;
	}
	bb_app app;
	memset(&app, 0, sizeof app);
	app.cfg = *cfg;
	app.db = bb_db_new(cfg->database_url, cfg->db_timeout_ms, TRUE);
	bb_offices_init(&app);
	bb_notify_init(&app);
	bb_clerks_init(&app);
	bb_appointments_init(&app);
	GError *e = NULL;
	if (bb_db_ping(app.db)) {
		if (bb_migrate(app.db, cfg->sql_dir, &e) < 0) {
			bb_error("main", "migration failed: %s", e->message);
			g_error_free(e);
			bb_db_free(app.db);
			return 1;
		}
		if (!bb_offices_reload(&app, &e) || !bb_offices_refresh_facts(&app, NULL, 0, &e))
			g_clear_error(&e);   /* logged by db/db.c; the LISTEN reconnect reloads everything */
	} else {
		bb_warn("main", "database unavailable at start; serving and retrying");
	}
	int rc = 0;
	bb_server *srv = bb_server_start(&app);
	if (!srv) {
		rc = 1;
	} else {
		signal_server = srv;
		struct sigaction sa;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		signal(SIGPIPE, SIG_IGN);
		if (cfg->db_pool_size > 1)
			app.pool = bb_pool_new("bb-db", cfg->db_pool_size, 0, 0, cfg->database_url, cfg->db_timeout_ms,
				bb_server_wake, srv);
		bb_positions_init(&app, cfg->db_pool_size > 1 ? cfg->database_url : NULL, cfg->db_timeout_ms,
			bb_server_wake, srv);
		bb_login_init(&app, cfg->login_hash_threads, (guint)cfg->login_hash_queue, bb_server_wake, srv);
		bb_info("main", "started version=%s offices=%u", BB_SERVICE_VERSION, app.office_list->len);
		bb_server_run(srv);
		bb_info("main", "stopping");
	}
	app.stop = TRUE;
	/* Workers finish what they run, their effects are applied; then the loop may go away. */
	g_clear_pointer(&app.pool, bb_pool_free);
	bb_login_free(&app);   /* logins in flight are answered while the connections exist */
	bb_positions_free(&app);
	signal_server = NULL;
	bb_server_stop(srv);
	bb_notify_free(&app);
	bb_offices_free(&app);
	bb_clerks_free(&app);
	bb_appointments_free(&app);
	bb_db_free(app.db);
	return rc;
}

static int cmd_config_sample(const bb_cfg *cfg, int argc, char **argv)
{
	g_autofree char *s = bb_cfg_sample();
	fputs(s, stdout);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(const bb_cfg *, int, char **);
	const char *help;
} commands[] = {
	{"serve", cmd_serve, "run the service (default; migrates first)"},
	{"migrate", bb_cli_migrate, "apply pending SQL migrations and exit"},
	{"office", bb_cli_office, "office list | add --id ID --name-de .. --name-en .. --prefix P [--hours SPEC] | edit --id ID [...]"},
	{"clerk", bb_cli_clerk, "clerk add LOGIN --name TEXT [--role clerk|admin] [--offices a,b] (password on stdin) | passwd LOGIN | list | disable LOGIN"},
	{"stats", bb_cli_stats, "stats --from YYYY-MM-DD --to YYYY-MM-DD [--office ID] [--csv]: numbers per office and day"},
	{"config-sample", cmd_config_sample, "print a commented configuration file"},
};

static void usage(FILE *out)
{
	fprintf(out, "usage: buergerbuero-queue [--config FILE] [COMMAND [ARGS]]\n\nCommands:\n");
	for (guint i = 0; i < G_N_ELEMENTS(commands); i++)
		fprintf(out, "  %-14s %s\n", commands[i].name, commands[i].help);
	g_autofree char *keys = bb_cfg_help();
	fprintf(out, "\n%s", keys);
}

int main(int argc, char **argv)
{
	/* Arguments and output are UTF-8 (names like "Müller") even under the C locale. */
	setlocale(LC_ALL, "");
	if (!g_get_charset(NULL))
		setlocale(LC_CTYPE, "C.UTF-8");
	setlocale(LC_NUMERIC, "C");   /* metrics and JSON use "." */
	const char *config = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("%s %s\n", BB_SERVICE_NAME, BB_SERVICE_VERSION);
			return 0;
		} else if (strcmp(argv[i], "--config") == 0 && i + 1 < argc) {
			config = argv[++i];
		} else {
			fprintf(stderr, "error: unknown option %s\n", argv[i]);
			usage(stderr);
			return 2;
		}
	}
	bb_cfg cfg;
	GError *e = NULL;
	if (!bb_cfg_load(&cfg, config, &e)) {
		fprintf(stderr, "error: %s\n", e->message);
		g_error_free(e);
		bb_cfg_clear(&cfg);
		return 2;
	}
	if (!bb_log_set_level_name(cfg.log_level)) {
		fprintf(stderr, "error: log_level must be debug, info, warn or error\n");
		bb_cfg_clear(&cfg);
		return 2;
	}
	if (!bb_log_set_format_name(cfg.log_format)) {
		fprintf(stderr, "error: log_format must be text or json\n");
		bb_cfg_clear(&cfg);
		return 2;
	}
	const char *name = i < argc ? argv[i] : "serve";
	int rc = -1;
	for (guint c = 0; c < G_N_ELEMENTS(commands); c++) {
		if (strcmp(name, commands[c].name) == 0) {
			int sub_argc = i < argc ? argc - i : 1;
			char *dflt[] = {(char *)"serve", NULL};
			rc = commands[c].fn(&cfg, sub_argc, i < argc ? argv + i : dflt);
			break;
		}
	}
	if (rc < 0) {
		fprintf(stderr, "error: unknown command '%s'\n", name);
		usage(stderr);
		rc = 2;
	}
	bb_cfg_clear(&cfg);
	return rc;
}
