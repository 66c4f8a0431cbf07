/* notify.h: cross-instance change propagation over PostgreSQL LISTEN/NOTIFY.
 *
 * bb_notify_init() installs this module as the store's sink (store/app.h): every committed change
 * marks its office dirty here and asks the loop (the wake function) to flush on its next turn:
 * ONE `pg_notify('bb_office', 'kfz,fs')` for all offices dirtied since the last turn (never one
 * NOTIFY per ticket transaction: NOTIFY serialises commits; under load a turn covers a whole
 * batch of finished requests). Events (arrival, broadcast, no_show, expired) are batched into JSON
 * arrays on channel `bb_event` (payload < 8000 bytes). The loop watches the LISTEN connection's
 * socket (bb_notify_listen_fd) and reads it when it becomes readable, no polling; every
 * notification, including our own, makes this instance recompute the named offices on the next
 * flush and hand the result to its subscribers: the upper layers that registered with
 * bb_notify_subscribe() (the internal and the live WebSocket, wired in app/server.c). This module
 * includes no header of theirs. */
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
/* Called (loop only) whenever something waits for bb_notify_flush(): the loop runs the flush on
 * its next turn. Until set, the flush waits for the caller's own timer. */
void bb_notify_set_wake(bb_app *app, void (*wake)(gpointer data), gpointer data);
/* Sends what is dirty, recomputes what was notified (app/server.c: on wake and as a backstop). */
void bb_notify_flush(bb_app *app);
/* Reads the LISTEN connection without blocking, (re)connecting it when it is down (at most once a
 * second). Called when its socket is readable and by a slow backstop timer. */
void bb_notify_poll(bb_app *app);
/* The LISTEN connection's socket, -1 while it is down; *generation (optional) changes whenever
 * the connection is replaced or lost, so a watcher of an old socket knows to let go. */
int bb_notify_listen_fd(bb_app *app, guint *generation);
/* Recomputes offices (NULL = all) and hands each one to the subscribers. */
void bb_notify_offices_changed(bb_app *app, const char *const *ids, int n);

#endif
