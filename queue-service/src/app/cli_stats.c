/* cli_stats.c: `stats --from D --to D [--office ID] [--csv]`: the statistics of the REST route
 * (store/stats.h) for operators, as JSON (default) or CSV on stdout, for every office or one. */
#include "app/cli.h"
#include "store/stats.h"
#include "app/cli_common.h"

#include <stdio.h>

/* Offices to report: the one asked for (which must exist) or all of them. FALSE after printing
 * why. */
static gboolean pick_offices(bb_db *db, const char *office, GPtrArray *out)
{
	const char *p[] = {office};
	PGresult *r = office ? bb_cli_exec(db, "SELECT id FROM office WHERE id = $1", 1, p)
		: bb_cli_exec(db, "SELECT id FROM office ORDER BY id", 0, NULL);
	if (!r)
		return FALSE;
	for (int i = 0; i < PQntuples(r); i++)
		g_ptr_array_add(out, g_strdup(bb_db_str(r, i, 0)));
	PQclear(r);
	if (office && out->len == 0) {
		fprintf(stderr, "error: no such office: %s\n", office);
		return FALSE;
	}
	return TRUE;
}

int bb_cli_stats(const bb_cfg *cfg, int argc, char **argv)
{
	g_autofree char *from = NULL, *to = NULL, *office = NULL, *message = NULL;
	gboolean csv = FALSE;
	GOptionEntry entries[] = {
		{"from", 0, 0, G_OPTION_ARG_STRING, &from, "first local day", "YYYY-MM-DD"},
		{"to", 0, 0, G_OPTION_ARG_STRING, &to, "last local day (at most 366 days in all)", "YYYY-MM-DD"},
		{"office", 0, 0, G_OPTION_ARG_STRING, &office, "only this office", "ID"},
		{"csv", 0, 0, G_OPTION_ARG_NONE, &csv, "print CSV (RFC 4180) instead of JSON", NULL},
		{NULL},
	};
	g_autoptr(GOptionContext) ctx = g_option_context_new("- statistics per office and day");
	g_option_context_add_main_entries(ctx, entries, NULL);
	GError *e = NULL;
	if (!parse_utf8(ctx, argc, argv, &argc, &argv, &e)) {
		fprintf(stderr, "error: %s\n", e->message);
		g_error_free(e);
		return 2;
	}
	if (argc > 1) {
		fprintf(stderr, "error: unexpected argument '%s'\n", argv[1]);
		return 2;
	}
	if (!bb_stats_check_range(from, to, &message)) {
		fprintf(stderr, "error: %s (use --from and --to)\n", message);
		return 2;
	}
	bb_db *db = bb_cli_connect(cfg);
	if (!db)
		return 1;
	int rc = 1;
	g_autoptr(GPtrArray) offices = g_ptr_array_new_with_free_func(g_free);
	if (pick_offices(db, office, offices)) {
		const char *const *ids = (const char *const *)offices->pdata;
		PGresult *r = bb_stats_fetch(db, from, to, ids, (int)offices->len, &e);
		PGresult *hours = r && !csv ? bb_stats_fetch_hours(db, from, to, ids, (int)offices->len, &e) : NULL;
		if (!r || (!csv && !hours)) {
			fprintf(stderr, "error: %s\n", e->message);
			g_error_free(e);
		} else {
			json_t *o = csv ? NULL : bb_stats_json(r, hours, from, to);
			g_autofree char *text = csv ? bb_stats_csv(r) : json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			fputs(text, stdout);
			if (!csv)
				fputc('\n', stdout);
			if (o)
				json_decref(o);
			rc = 0;
		}
		if (r)
			PQclear(r);
		if (hours)
			PQclear(hours);
	}
	bb_db_free(db);
	return rc;
}
