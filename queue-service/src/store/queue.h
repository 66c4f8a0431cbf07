/* queue.h: an office's queue as the internal API shows it (docs/internal-api.md `office_queue`):
 * the office's status and wait estimate (store/offices.h) with its called and waiting tickets
 * (store/tickets.h). Above both, so that neither of them needs the other. */
#ifndef BB_QUEUE_H
#define BB_QUEUE_H

#include "store/app.h"
#include "store/offices.h"

/* The `office_queue` event: called tickets first, then the waiting ones in queue order, each
 * with its position among the waiting. Loop only (app->db). NULL on database failure. */
json_t *bb_office_queue_json(bb_app *app, bb_office *o, GError **error);

#endif
