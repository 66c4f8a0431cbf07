/* notify.h: cross-instance change propagation over PostgreSQL LISTEN/NOTIFY.
 *
 * bb_notify_init() installs this module as the store's sink (store/app.h): every committed change
 * marks its office dirty here; a 100 ms timer sends ONE `pg_notify('bb_office', 'kfz,fs')` for all
 * dirty offices (never one NOTIFY per ticket transaction: NOTIFY serialises commits). Events
 * (arrival, broadcast, no_show, expired) are batched into JSON arrays on channel `bb_event`
 * (payload < 8000 bytes). The LISTEN connection is polled every 50 ms; every notification,
 * including our own, makes this instance recompute the named offices and hand the result to its
 * subscribers: the upper layers that registered with bb_notify_subscribe() (the internal and the
 * live WebSocket, wired in app/server.c). This module includes no header of theirs. */
#ifndef BB_NOTIFY_H
#define BB_NOTIFY_H

#include "store/app.h"
#include "store/offices.h"

/* What an upper layer hears from this module; either function may be NULL. Loop only. */
typedef struct bb_notify_subscriber {
	/* An office's facts and status were just recomputed. Returns FALSE when it could not use them
	 * (the database failed): the rest of this round is skipped, later subscribers included. */
	gboolean (*office_changed)(bb_app *app, bb_office *o, gint64 now);
	/* An event raised on any service instance (ours too); borrowed. */
	void (*event)(bb_app *app, json_t *ev);
} bb_notify_subscriber;

/* Creates the module's state in app and installs it as app's sink. */
void bb_notify_init(bb_app *app);
void bb_notify_free(bb_app *app);
/* Adds a subscriber (kept by pointer; subscribers hear in the order they subscribed). */
void bb_notify_subscribe(bb_app *app, const bb_notify_subscriber *s);
/* Asks every instance to reload office configuration. */
void bb_notify_config(bb_app *app);
/* Timer bodies (scheduled by app/server.c). */
void bb_notify_flush(bb_app *app);
void bb_notify_poll(bb_app *app);
/* Recomputes offices (NULL = all) and hands each one to the subscribers. */
void bb_notify_offices_changed(bb_app *app, const char *const *ids, int n);

#endif
