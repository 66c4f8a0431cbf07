/* cli_office.c: `office list|add|edit` operator commands. */
#include "app/cli.h"
#include "app/cli_common.h"

#include <stdio.h>
#include <string.h>

static const char *const day_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

static int parse_day(const char *s)
{
	for (int i = 0; i < 7; i++)
		if (g_ascii_strcasecmp(s, day_names[i]) == 0)
			return i + 1;
	return 0;
}

static gboolean parse_time(const char *s, int *min)
{
	int h, m;
	char extra;
	if (sscanf(s, "%d:%d%c", &h, &m, &extra) != 2 || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m))
		return FALSE;
	*min = h * 60 + m;
	return TRUE;
}

/* Grammar: group (';' group)*; group = days ' ' interval (',' interval)*;
 * days = day | day '-' day | 'daily'; interval = HH:MM '-' HH:MM. */
gboolean bb_cli_parse_hours(const char *spec, GArray *out, GError **error)
{
	g_auto(GStrv) groups = g_strsplit(spec, ";", -1);
	for (int g = 0; groups[g]; g++) {
		char *grp = g_strstrip(groups[g]);
		if (!*grp)
			continue;
		char *sp = strchr(grp, ' ');
		if (!sp)
			goto bad;
		*sp = '\0';
		int from, to;
		if (g_ascii_strcasecmp(grp, "daily") == 0) {
			from = 1;
			to = 7;
		} else {
			char *dash = strchr(grp, '-');
			if (dash)
				*dash = '\0';
			from = parse_day(grp);
			to = dash ? parse_day(dash + 1) : from;
			if (!from || !to || to < from)
				goto bad;
		}
		g_auto(GStrv) ivs = g_strsplit(g_strstrip(sp + 1), ",", -1);
		for (int i = 0; ivs[i]; i++) {
			g_auto(GStrv) ends = g_strsplit(g_strstrip(ivs[i]), "-", 2);
			int o, c;
			if (!ends[0] || !ends[1] || !parse_time(ends[0], &o) || !parse_time(ends[1], &c) || o >= c)
				goto bad;
			for (int d = from; d <= to; d++) {
				int t[3] = {d, o, c};
				g_array_append_vals(out, t, 3);
			}
		}
	}
	return TRUE;
bad:
	g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		"bad --hours; expected e.g. 'mon-fri 08:00-12:00,13:00-16:00; sat 09:00-12:00' or 'daily 00:00-24:00'");
	return FALSE;
}

typedef struct office_opts {
	char *id, *name_de, *name_en, *desc_de, *desc_en, *prefix, *timezone, *hours;
	int capacity, no_show, grace;
	char **closed, **reopen;
} office_opts;

/* add and edit take the same options. */
static GOptionContext *office_context(office_opts *o, const char *usage)
{
	GOptionEntry entries[] = {
		{"id", 0, 0, G_OPTION_ARG_STRING, &o->id, "office id (slug, e.g. kfz)", "ID"},
		{"name-de", 0, 0, G_OPTION_ARG_STRING, &o->name_de, "German name", "TEXT"},
		{"name-en", 0, 0, G_OPTION_ARG_STRING, &o->name_en, "English name", "TEXT"},
		{"description-de", 0, 0, G_OPTION_ARG_STRING, &o->desc_de, "German description", "TEXT"},
		{"description-en", 0, 0, G_OPTION_ARG_STRING, &o->desc_en, "English description", "TEXT"},
		{"prefix", 0, 0, G_OPTION_ARG_STRING, &o->prefix, "ticket prefix (A-Z, 0-9, up to 6)", "KFZ"},
		{"capacity", 0, 0, G_OPTION_ARG_INT, &o->capacity, "max waiting tickets", "N"},
		{"timezone", 0, 0, G_OPTION_ARG_STRING, &o->timezone, "IANA time zone (default Europe/Berlin)", "TZ"},
		{"hours", 0, 0, G_OPTION_ARG_STRING, &o->hours, "weekly hours, replaces the old ones", "SPEC"},
		{"closed", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->closed, "closing day (repeatable)", "YYYY-MM-DD"},
		{"reopen", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o->reopen, "remove a closing day (repeatable)", "YYYY-MM-DD"},
		{"no-show-timeout", 0, 0, G_OPTION_ARG_INT, &o->no_show, "seconds a called citizen has to accept", "S"},
		{"grace", 0, 0, G_OPTION_ARG_INT, &o->grace, "seconds a disconnected citizen keeps the place", "S"},
		{NULL},
	};
	GOptionContext *ctx = g_option_context_new(usage);
	g_option_context_add_main_entries(ctx, entries, NULL);
	return ctx;
}

static void opts_clear(office_opts *o)
{
	g_free(o->id); g_free(o->name_de); g_free(o->name_en); g_free(o->desc_de); g_free(o->desc_en);
	g_free(o->prefix); g_free(o->timezone); g_free(o->hours);
	g_strfreev(o->closed); g_strfreev(o->reopen);
}

static gboolean exec_ok(bb_db *db, const char *sql, int n, const char *const *p)
{
	PGresult *r = bb_cli_exec(db, sql, n, p);
	if (r)
		PQclear(r);
	return r != NULL;
}

/* Writes hours and closing days of office o->id (inside the caller's transaction). */
static gboolean write_days(bb_db *db, office_opts *o, GArray *hours)
{
	const char *pid[] = {o->id};
	if (hours) {
		if (!exec_ok(db, "DELETE FROM office_hours WHERE office_id = $1", 1, pid))
			return FALSE;
		for (guint i = 0; i + 2 < hours->len; i += 3) {
			char d[8], op[8], cl[8];
			g_snprintf(d, sizeof d, "%d", g_array_index(hours, int, i));
			g_snprintf(op, sizeof op, "%d", g_array_index(hours, int, i + 1));
			g_snprintf(cl, sizeof cl, "%d", g_array_index(hours, int, i + 2));
			const char *p[] = {o->id, d, op, cl};
			if (!exec_ok(db, "INSERT INTO office_hours (office_id, weekday, open_min, close_min) "
				"VALUES ($1, $2::int, $3::int, $4::int)", 4, p))
				return FALSE;
		}
	}
	for (int i = 0; o->closed && o->closed[i]; i++) {
		const char *p[] = {o->id, o->closed[i]};
		if (!exec_ok(db, "DELETE FROM office_day WHERE office_id = $1 AND day = $2::date", 2, p) ||
		    !exec_ok(db, "INSERT INTO office_day (office_id, day) VALUES ($1, $2::date)", 2, p))
			return FALSE;
	}
	for (int i = 0; o->reopen && o->reopen[i]; i++) {
		const char *p[] = {o->id, o->reopen[i]};
		if (!exec_ok(db, "DELETE FROM office_day WHERE office_id = $1 AND day = $2::date AND open_min IS NULL", 2, p))
			return FALSE;
	}
	return TRUE;
}

/* Inserts (add) or updates the given fields (edit), all in one transaction. */
static int office_write(const bb_cfg *cfg, int argc, char **argv, gboolean add)
{
	office_opts o = {.capacity = -1, .no_show = -1, .grace = -1};
	GOptionContext *ctx = office_context(&o, add ? "- add an office" : "- edit an office");
	GError *e = NULL;
	int rc = 2;
	g_autoptr(GArray) hours = NULL;
	bb_db *db = NULL;
	if (!parse_utf8(ctx, argc, argv, &argc, &argv, &e)) {
		fprintf(stderr, "error: %s\n", e->message);
		goto out;
	}
	if (!o.id || (add && (!o.name_de || !o.name_en || !o.prefix))) {
		fprintf(stderr, "error: %s\n", add ? "office add needs --id, --name-de, --name-en and --prefix"
		                                    : "office edit needs --id");
		goto out;
	}
	if (o.hours) {
		hours = g_array_new(FALSE, FALSE, sizeof(int));
		if (!bb_cli_parse_hours(o.hours, hours, &e)) {
			fprintf(stderr, "error: %s\n", e->message);
			goto out;
		}
	}
	rc = 1;
	if (!(db = bb_cli_connect(cfg)))
		goto out;
	if (!bb_db_begin(db, &e)) {
		fprintf(stderr, "error: %s\n", e->message);
		goto out;
	}
	char cap[16], ns[16], gr[16];
	g_snprintf(cap, sizeof cap, "%d", o.capacity);
	g_snprintf(ns, sizeof ns, "%d", o.no_show);
	g_snprintf(gr, sizeof gr, "%d", o.grace);
	const char *p[] = {o.id, o.name_de, o.name_en, o.desc_de, o.desc_en, o.prefix, o.timezone,
		o.capacity >= 0 ? cap : NULL, o.no_show >= 0 ? ns : NULL, o.grace >= 0 ? gr : NULL};
	const char *sql = add
		? "INSERT INTO office (id, name_de, name_en, description_de, description_en, ticket_prefix, timezone, "
		  "capacity, no_show_timeout_s, grace_s) VALUES ($1, $2, $3, coalesce($4, ''), coalesce($5, ''), $6, "
		  "coalesce($7, 'Europe/Berlin'), coalesce($8::int, 30), coalesce($9::int, 120), coalesce($10::int, 120)) RETURNING id"
		: "UPDATE office SET name_de = coalesce($2, name_de), name_en = coalesce($3, name_en), "
		  "description_de = coalesce($4, description_de), description_en = coalesce($5, description_en), "
		  "ticket_prefix = coalesce($6, ticket_prefix), timezone = coalesce($7, timezone), "
		  "capacity = coalesce($8::int, capacity), no_show_timeout_s = coalesce($9::int, no_show_timeout_s), "
		  "grace_s = coalesce($10::int, grace_s) WHERE id = $1 RETURNING id";
	PGresult *r = bb_cli_exec(db, sql, 10, p);
	if (!r) {
		bb_db_rollback(db);
		goto out;
	}
	gboolean found = PQntuples(r) == 1;
	PQclear(r);
	if (!found) {
		fprintf(stderr, "error: no office '%s'\n", o.id);
		bb_db_rollback(db);
		goto out;
	}
	if (!write_days(db, &o, hours) || !bb_db_commit(db, &e)) {
		if (e)
			fprintf(stderr, "error: %s\n", e->message);
		bb_db_rollback(db);
		goto out;
	}
	bb_cli_announce(db);
	printf("office %s %s\n", o.id, add ? "added" : "updated");
	rc = 0;
out:
	g_clear_error(&e);
	g_option_context_free(ctx);
	opts_clear(&o);
	bb_db_free(db);
	return rc;
}

/* One line per office with its weekly hours formatted by the database. */
static int office_list(const bb_cfg *cfg)
{
	bb_db *db = bb_cli_connect(cfg);
	if (!db)
		return 1;
	PGresult *r = bb_cli_exec(db, "SELECT o.id, o.ticket_prefix, o.capacity, o.timezone, o.name_de, "
		"coalesce((SELECT string_agg(format('%s %s-%s', (ARRAY['mon','tue','wed','thu','fri','sat','sun'])[weekday], "
		"to_char(make_interval(mins => open_min), 'HH24:MI'), to_char(make_interval(mins => close_min), 'HH24:MI')), ', ' "
		"ORDER BY weekday, open_min) FROM office_hours h WHERE h.office_id = o.id), '-') "
		"FROM office o ORDER BY o.id", 0, NULL);
	if (!r) {
		bb_db_free(db);
		return 1;
	}
	printf("%-12s %-7s %8s %-16s %-32s %s\n", "ID", "PREFIX", "CAPACITY", "TIMEZONE", "NAME", "HOURS");
	for (int i = 0; i < PQntuples(r); i++)
		printf("%-12s %-7s %8s %-16s %-32s %s\n", PQgetvalue(r, i, 0), PQgetvalue(r, i, 1), PQgetvalue(r, i, 2),
			PQgetvalue(r, i, 3), PQgetvalue(r, i, 4), PQgetvalue(r, i, 5));
	PQclear(r);
	bb_db_free(db);
	return 0;
}

static int cmd_add(const bb_cfg *cfg, int argc, char **argv) { return office_write(cfg, argc, argv, TRUE); }
static int cmd_edit(const bb_cfg *cfg, int argc, char **argv) { return office_write(cfg, argc, argv, FALSE); }
static int cmd_list(const bb_cfg *cfg, int argc, char **argv) { return office_list(cfg); }

static const struct {
	const char *name;
	int (*fn)(const bb_cfg *, int, char **);
} office_cmds[] = {{"list", cmd_list}, {"add", cmd_add}, {"edit", cmd_edit}};

int bb_cli_office(const bb_cfg *cfg, int argc, char **argv)
{
	for (guint i = 0; argc >= 2 && i < G_N_ELEMENTS(office_cmds); i++)
		if (strcmp(argv[1], office_cmds[i].name) == 0)
			return office_cmds[i].fn(cfg, argc - 1, argv + 1);
	fprintf(stderr, "usage: buergerbuero-queue office list|add|edit [--help]\n");
	return 2;
}
