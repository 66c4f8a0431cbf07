/* notify.h: cross-instance change propagation over PostgreSQL LISTEN/NOTIFY.
 *
 * Every committed change marks its office dirty here; a 100 ms timer sends ONE
 * `pg_notify('bb_office', 'kfz,fs')` for all dirty offices (never one NOTIFY per ticket
 * transaction: NOTIFY serialises commits). Events (arrival, broadcast, no_show, expired) are
 * batched into JSON arrays on channel `bb_event` (payload < 8000 bytes). The LISTEN connection is
 * polled every 50 ms; every notification, including our own, makes this instance recompute the
 * named offices and fan the result out to its internal and live WebSocket clients. */
#ifndef BB_NOTIFY_H
#define BB_NOTIFY_H

#include "store/app.h"

void bb_notify_init(bb_app *app);
void bb_notify_free(bb_app *app);
void bb_notify_office_dirty(bb_app *app, const char *office_id);
/* Queues an internal-API event for every plugin instance of every service instance; steals ev. */
void bb_notify_event(bb_app *app, json_t *ev);
/* Asks every instance to reload office configuration (after CLI edits). */
void bb_notify_config(bb_app *app);
/* Timer bodies (scheduled by server.c). */
void bb_notify_flush(bb_app *app);
void bb_notify_poll(bb_app *app);
/* Recomputes offices (NULL = all) and pushes office_queue / live updates. */
void bb_offices_changed(bb_app *app, const char *const *ids, int n);

#endif
