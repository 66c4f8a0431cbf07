/* queue.h: an office's queue as the internal API shows it (docs/internal-api.md `office_queue`):
 * the office's status and wait estimate (store/offices.h) with its called and waiting tickets
 * (store/tickets.h). Above both, so that neither of them needs the other. */
#ifndef BB_QUEUE_H
#define BB_QUEUE_H

#include "store/app.h"
#include "store/offices.h"

/* The `office_queue` event: counts (`waiting`, `called`, `more` = tickets not listed) and the
 * head of the queue, at most BB_COUNT_QUEUE_HEAD tickets: called ones first, then the waiting
 * ones in queue order, each with its position among the waiting. Its size does not grow with the
 * queue. Loop only (app->db). NULL on database failure. */
json_t *bb_office_queue_json(bb_app *app, bb_office *o, GError **error);
/* At most BB_COUNT_QUEUE_PAGE tickets of the same list from `offset` on (0 = its first):
 * {"office", "offset", "total", "tickets"}. Loop only. NULL on database failure. */
json_t *bb_office_queue_page(bb_app *app, bb_office *o, int offset, GError **error);
/* The waiting tickets in queue order, one row each: id, attached_instance, detached (t/f); a
 * ticket's position is its row index. On any thread with its own connection db (the positions
 * worker). NULL on database failure. */
PGresult *bb_office_waiting_order(bb_db *db, const char *office_id, GError **error);

#endif
