/* cli_office.c: `office list|add|edit` operator commands. */
#include "app/cli.h"
#include "app/cli_common.h"
#include "base/validate.h"
#include "domain/hours_spec.h"
#include "store/admin_offices.h"

#include <stdio.h>
#include <string.h>

/* Kept for tools and the fuzzer: the grammar lives in domain/hours_spec.c. */
gboolean bb_cli_parse_hours(const char *spec, GArray *out, GError **error)
{
	return bb_hours_spec_parse(spec, out, error);
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

/* The options as an office_create/office_update body. --closed and --reopen add and remove
 * single closing days: the body carries the office's whole list of exceptions from today on,
 * so edit reads the current list first. */
static json_t *office_body(bb_db *db, office_opts *o, gboolean add, bb_err *err)
{
	json_t *b = json_object();
	const struct { const char *field; const char *value; } texts[] = {
		{"id", add ? o->id : NULL}, {"name_de", o->name_de}, {"name_en", o->name_en},
		{"description_de", o->desc_de}, {"description_en", o->desc_en}, {"ticket_prefix", o->prefix},
		{"timezone", o->timezone}, {"hours", o->hours},
	};
	for (guint i = 0; i < G_N_ELEMENTS(texts); i++)
		if (texts[i].value)
			json_object_set_new(b, texts[i].field, json_string(texts[i].value));
	const struct { const char *field; int value; } ints[] = {
		{"capacity", o->capacity}, {"no_show_timeout_s", o->no_show}, {"grace_s", o->grace},
	};
	for (guint i = 0; i < G_N_ELEMENTS(ints); i++)
		if (ints[i].value >= 0)
			json_object_set_new(b, ints[i].field, json_integer(ints[i].value));
	if (!o->closed && !o->reopen)
		return b;
	json_t *days = json_array();
	if (!add) {
		json_t *view = bb_admin_offices_get(db, o->id, err);
		if (!view) {
			json_decref(days);
			json_decref(b);
			return NULL;
		}
		json_array_extend(days, json_object_get(json_object_get(view, "office"), "day_exceptions"));
		json_decref(view);
	}
	for (int i = 0; o->reopen && o->reopen[i]; i++)
		for (size_t k = json_array_size(days); k-- > 0;)
			if (strcmp(json_string_value(json_array_get(days, k)), o->reopen[i]) == 0)
				json_array_remove(days, k);
	for (int i = 0; o->closed && o->closed[i]; i++) {
		for (size_t k = json_array_size(days); k-- > 0;)   /* a closed day replaces special hours */
			if (g_str_has_prefix(json_string_value(json_array_get(days, k)), o->closed[i]))
				json_array_remove(days, k);
		json_array_append_new(days, json_string(o->closed[i]));
	}
	json_object_set_new(b, "day_exceptions", days);
	return b;
}

/* Inserts (add) or updates the given fields (edit) through the same code as the admin API
 * (store/admin_offices.h): one transaction, an audit entry, running services reload. */
static int office_write(const bb_cfg *cfg, int argc, char **argv, gboolean add)
{
	office_opts o = {.capacity = -1, .no_show = -1, .grace = -1};
	GOptionContext *ctx = office_context(&o, add ? "- add an office" : "- edit an office");
	GError *e = NULL;
	int rc = 2;
	bb_db *db = NULL;
	json_t *body = NULL, *view = NULL;
	bb_err err = {0};
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
		g_autoptr(GArray) hours = g_array_new(FALSE, FALSE, sizeof(int));
		if (!bb_hours_spec_parse(o.hours, hours, &e)) {
			fprintf(stderr, "error: bad --hours: %s\n", e->message);
			goto out;
		}
	}
	rc = 1;
	if (!(db = bb_cli_connect(cfg)))
		goto out;
	if (!(body = office_body(db, &o, add, &err)))
		goto out;
	const bb_rest_body *rb = &bb_rest_bodies[add ? BB_REST_OFFICE_CREATE : BB_REST_OFFICE_UPDATE];
	if (!bb_validate_proto(body, rb->fields, rb->n_fields, &err))
		goto out;
	bb_actor actor;
	bb_cli_actor(&actor);
	if (!(view = bb_admin_office_write(db, &actor, o.id, body, add, &err)))
		goto out;
	printf("office %s %s\n", o.id, add ? "added" : "updated");
	rc = 0;
out:
	if (err.code)
		fprintf(stderr, "error: %s\n", err.message);
	bb_err_clear(&err);
	g_clear_error(&e);
	g_option_context_free(ctx);
	opts_clear(&o);
	json_decref(body);
	json_decref(view);
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
