/* admin_offices.h: offices as administrators see and change them, shared by the REST API
 * (api/routes_admin.c) and the operator commands (`office add|edit`).
 *
 * Contract
 * - The admin view of an office has the same field names as the request bodies office_create and
 *   office_update of the catalogue (protocol/rest-api.json), so a form can send back what it got.
 * - A change runs in one transaction on the given connection: the office row, its hours, day
 *   exceptions, appointment policy and blocked days, the audit entry (store/audit.h) and a
 *   NOTIFY bb_config that makes every service instance reload its offices. Any failure rolls all
 *   of it back; nothing is half-changed.
 * - Bodies are checked against the catalogue before (types, limits, ranges); what the catalogue
 *   cannot say (id and prefix syntax, the hours grammar, real dates and time zones) is checked
 *   here before the transaction starts, with a message naming the field. */
#ifndef BB_ADMIN_OFFICES_H
#define BB_ADMIN_OFFICES_H

#include "store/audit.h"

/* {"offices": [view, ...]} ordered by sort_order and German name; with only_id just that office
 * as {"office": view}, or NULL with not_found. */
json_t *bb_admin_offices_get(bb_db *db, const char *only_id, bb_err *err);
/* Creates office `id` (create) or changes the fields present in body; answers the new view. */
json_t *bb_admin_office_write(bb_db *db, const bb_actor *actor, const char *id, json_t *body, gboolean create,
	bb_err *err);

#endif
