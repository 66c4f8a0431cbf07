/* audit.c: writing and reading the audit log (contract: audit.h). */
#include "store/audit.h"
#include "base/jsonutil.h"

#include <string.h>

gboolean bb_audit_add(bb_db *db, const bb_actor *actor, const char *action, const char *target,
	json_t *detail, bb_err *err)
{
	g_autofree char *d = detail ? json_dumps(detail, JSON_COMPACT) : g_strdup("{}");
	char id[16];
	g_snprintf(id, sizeof id, "%d", actor->clerk_id);
	const char *p[] = {actor->name, actor->clerk_id > 0 ? id : NULL, action, target, d};
	GError *e = NULL;
	PGresult *r = bb_db_exec(db, "INSERT INTO audit_log (actor, actor_id, action, target, detail) "
		"VALUES ($1, $2::int, $3, $4, $5::jsonb)", 5, p, &e);
	if (!r) {
		bb_err_from_db(err, e);
		return FALSE;
	}
	PQclear(r);
	return TRUE;
}

/* Why paging by id and not OFFSET: the log only grows at the top, so "older than id N" stays
 * stable while new entries arrive, and it costs one index range scan however deep one pages. */
json_t *bb_audit_list(bb_db *db, const bb_audit_query *q, bb_err *err)
{
	char before[24], limit[16];
	g_snprintf(before, sizeof before, "%" G_GINT64_FORMAT, q->before_id);
	g_snprintf(limit, sizeof limit, "%d", q->limit + 1);   /* one more: is there a next page? */
	const char *p[] = {q->actor, q->action, q->target, q->from, q->to, q->before_id > 0 ? before : NULL, limit};
	GError *e = NULL;
	PGresult *r = bb_db_exec(db, "SELECT id, extract(epoch FROM at)::bigint, actor, action, target, detail::text "
		"FROM audit_log WHERE ($1::text IS NULL OR actor = $1) AND ($2::text IS NULL OR action = $2) "
		"AND ($3::text IS NULL OR target = $3) AND ($4::date IS NULL OR at >= $4::date) "
		"AND ($5::date IS NULL OR at < $5::date + 1) AND ($6::bigint IS NULL OR id < $6::bigint) "
		"ORDER BY id DESC LIMIT $7::int", 7, p, &e);
	if (!r) {
		bb_err_from_db(err, e);
		return NULL;
	}
	json_t *entries = json_array();
	int n = PQntuples(r);
	int shown = n > q->limit ? q->limit : n;
	for (int i = 0; i < shown; i++) {
		json_t *detail = json_loads(PQgetvalue(r, i, 5), 0, NULL);
		json_array_append_new(entries, json_pack("{s:I, s:o, s:s, s:s, s:s, s:o}",
			"id", (json_int_t)bb_db_int(r, i, 0), "at", bb_json_time(bb_db_int(r, i, 1)),
			"actor", PQgetvalue(r, i, 2), "action", PQgetvalue(r, i, 3), "target", PQgetvalue(r, i, 4),
			"detail", detail ? detail : json_object()));
	}
	json_t *next = n > q->limit ? json_integer(bb_db_int(r, shown - 1, 0)) : json_null();
	PQclear(r);
	return json_pack("{s:o, s:o}", "entries", entries, "next_before", next);
}
