/* callback.c: the citizen's callback address and "5 more minutes" on a waiting ticket. */
#include "store/callback.h"
#include "base/logging.h"
#include "base/secret.h"
#include "bb_protocol.h"

#include <stdlib.h>
#include <string.h>

/* The tickets ahead of `t` in its office's queue (the order of the waiting index). */
#define AHEAD_OF_T "(SELECT count(*) FROM ticket w WHERE w.office_id = t.office_id AND w.state = 'waiting' " \
	"AND (w.priority > t.priority OR (w.priority = t.priority AND (w.arrived_at, w.id) < (t.arrived_at, t.id))))"

/* Why nothing changed: the ticket of the token as it is now, or invalid_token. */
static PGresult *ticket_of_token(bb_app *app, const char *hash, bb_err *err)
{
	const char *p[] = {hash};
	PGresult *r = bb_app_exec(app, "SELECT t.callback_changes, t.snoozed_at IS NOT NULL, " AHEAD_OF_T ", "
		"t.callback_turn_at IS NOT NULL FROM ticket t WHERE t.resume_token_hash = $1 AND t.state = 'waiting'",
		1, p, err);
	if (r && PQntuples(r) == 0) {
		PQclear(r);
		bb_err_set(err, "invalid_token", "no waiting ticket has this resume token");
		return NULL;
	}
	return r;
}

json_t *bb_callback_set(bb_app *app, const char *resume_token, const char *email, bb_err *err)
{
	g_autofree char *hash = bb_token_hash(resume_token);
	g_autofree char *max = g_strdup_printf("%d", BB_COUNT_CALLBACK_CHANGES);
	const char *p[] = {hash, email, max};
	/* A new address (or none) starts over: its own "almost" mail with its own link; the link
	 * mailed to the old address stops working. */
	PGresult *r = bb_app_exec(app, "UPDATE ticket t SET callback_email = nullif($2, ''), "
		"callback_changes = callback_changes + 1, callback_mail = NULL, callback_token_hash = NULL "
		"WHERE t.resume_token_hash = $1 AND t.state = 'waiting' AND t.callback_changes < $3::int "
		"RETURNING t.id, t.number, t.office_id, t.callback_changes", 3, p, err);
	if (!r)
		return NULL;
	if (PQntuples(r) == 0) {
		PQclear(r);
		PGresult *t = ticket_of_token(app, hash, err);
		if (t) {
			bb_err_set(err, "callback_changes", "the callback address of this ticket was changed as often as allowed");
			PQclear(t);
		}
		return NULL;
	}
	/* the ticket, never the address (docs/operations.md: no personal data in logs) */
	bb_info("callback", "ticket=%s office=%s address=%s", PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 2),
		*email ? "set" : "removed");
	json_t *res = json_pack("{s:s, s:b, s:i}", "number", PQgetvalue(r, 0, 1), "email_set", *email != '\0',
		"changes_left", BB_COUNT_CALLBACK_CHANGES - atoi(PQgetvalue(r, 0, 3)));
	PQclear(r);
	return res;
}

json_t *bb_callback_snooze(bb_app *app, const char *resume_token, int near, int places, bb_err *err)
{
	g_autofree char *hash = bb_token_hash(resume_token);
	g_autofree char *n = g_strdup_printf("%d", near);
	g_autofree char *k = g_strdup_printf("%d", places);
	const char *p[] = {hash, k, n};
	/* `behind`: up to `places` tickets after this one; it goes right after the last of them.
	 * The WHERE repeats snoozed_at IS NULL on the row itself, so two requests at once move the
	 * ticket once (the second re-reads the updated row and finds it snoozed). */
	PGresult *r = bb_app_exec(app, "WITH me AS (SELECT t.id, t.office_id, t.priority, t.arrived_at, "
		"t.callback_turn_at, " AHEAD_OF_T " AS ahead FROM ticket t WHERE t.resume_token_hash = $1 AND t.state = 'waiting'), "
		"behind AS (SELECT w.priority, w.arrived_at, w.id FROM ticket w, me WHERE w.office_id = me.office_id "
		"  AND w.state = 'waiting' AND (w.priority < me.priority OR (w.priority = me.priority "
		"  AND (w.arrived_at, w.id) > (me.arrived_at, me.id))) ORDER BY w.priority DESC, w.arrived_at, w.id LIMIT $2::int), "
		"last AS (SELECT * FROM behind ORDER BY priority, arrived_at DESC, id DESC LIMIT 1) "
		"UPDATE ticket t SET snoozed_at = now(), callback_turn_at = NULL, "
		"priority = coalesce((SELECT priority FROM last), t.priority), "
		"arrived_at = coalesce((SELECT arrived_at FROM last) + interval '1 microsecond', t.arrived_at) "
		"FROM me WHERE t.id = me.id AND t.snoozed_at IS NULL AND t.state = 'waiting' "
		"AND (me.ahead <= $3::int OR me.callback_turn_at IS NOT NULL) "
		"RETURNING t.id, t.number, t.office_id, me.ahead + (SELECT count(*) FROM behind), (SELECT count(*) FROM behind)",
		3, p, err);
	if (!r)
		return NULL;
	if (PQntuples(r) == 0) {
		PQclear(r);
		PGresult *t = ticket_of_token(app, hash, err);
		if (t) {
			if (strcmp(PQgetvalue(t, 0, 1), "t") == 0)
				bb_err_set(err, "snooze_used", "this ticket asked for more time already");
			else
				bb_err_set(err, "too_early", "more time can be asked for near the front of the queue");
			PQclear(t);
		}
		return NULL;
	}
	bb_info("callback", "ticket=%s office=%s snoozed moved=%s", PQgetvalue(r, 0, 0), PQgetvalue(r, 0, 2),
		PQgetvalue(r, 0, 4));
	bb_sink_office_dirty(app, PQgetvalue(r, 0, 2));
	json_t *res = json_pack("{s:s, s:i, s:i}", "number", PQgetvalue(r, 0, 1),
		"position", atoi(PQgetvalue(r, 0, 3)), "moved", atoi(PQgetvalue(r, 0, 4)));
	PQclear(r);
	return res;
}
