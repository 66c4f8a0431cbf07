/* audit.h: the audit log of administrative changes (table audit_log, migration 013).
 *
 * Contract
 * - An entry is written with bb_audit_add() inside the transaction of the change it describes,
 *   so it exists exactly when the change does (a failed or rolled-back change leaves none).
 * - Entries hold configuration only: which office or clerk, which fields and their new values.
 *   Never a citizen's personal data, never a password, hash or token (callers pass only the
 *   fields they changed, and password resets say only that a reset happened).
 * - The actor is who acted: a signed-in admin (login and id) or an operator command
 *   ("cli:<os user>", no id). */
#ifndef BB_AUDIT_H
#define BB_AUDIT_H

#include "base/errors.h"
#include "db/db.h"

typedef struct bb_actor {
	int clerk_id;          /* 0: not a clerk (operator command) */
	char name[81];         /* clerk login or "cli:<os user>" */
} bb_actor;

/* Inside the caller's transaction: one entry. detail is borrowed (NULL: {}). */
gboolean bb_audit_add(bb_db *db, const bb_actor *actor, const char *action, const char *target,
	json_t *detail, bb_err *err) G_GNUC_WARN_UNUSED_RESULT;

/* Filter of bb_audit_list(); NULL members do not filter. */
typedef struct bb_audit_query {
	const char *actor, *action, *target;
	const char *from, *to;     /* dates YYYY-MM-DD (server's time zone), inclusive */
	gint64 before_id;          /* paging: entries older than this id (0: from the newest) */
	int limit;                 /* 1..500 */
} bb_audit_query;

/* Newest first: {"entries": [{id, at, actor, action, target, detail}], "next_before": id|null}. */
json_t *bb_audit_list(bb_db *db, const bb_audit_query *q, bb_err *err);

#endif
