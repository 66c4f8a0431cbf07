/* positions.h: citizens' places in the queue, told to the Janus node that holds each citizen.
 *
 * Contract
 * - After an office changed, every plugin instance connected here gets `positions` events for
 *   the waiting tickets attached to it (not detached) whose position or estimate differs from
 *   what this service instance last told that plugin instance. Nothing else: no names, no other
 *   node's tickets, no whole-office lists. At most BB_COUNT_POSITIONS_FRAME per event, so no
 *   message grows with the queue; a node holding more citizens gets several events.
 * - What was told is remembered per (plugin instance, office) and forgotten when the instance
 *   says hello again or its last connection closes: it then hears every position afresh.
 * - Positions are absolute, so a plugin connected to several service instances may hear one
 *   twice; applying it twice changes nothing.
 * - The waiting order is read and compared on a worker thread with its own connection (one, so
 *   sends and forgets run in the order asked), never on the loop: a send returns at once, and
 *   sends asked for while one office's send runs collapse into the newest. Without a database
 *   pool (db_pool_size = 1) the work runs on the loop.
 * - A failed read changes nothing: the office's next change tells what it missed.
 * Loop only (the worker is internal). */
#ifndef BB_POSITIONS_H
#define BB_POSITIONS_H

#include "store/app.h"
#include "store/offices.h"

/* Sends one event's text to a plugin instance (on the connection that hears its events now;
 * nothing when it has none). */
typedef void (*bb_positions_out)(bb_app *app, const char *instance, const char *text);

/* Starts the worker (conninfo NULL: none, work runs on the loop); wake(wake_data) is called from
 * the worker when a send is ready (thread-safe, e.g. lws_cancel_service()). */
void bb_positions_init(bb_app *app, const char *conninfo, int statement_timeout_ms,
	void (*wake)(gpointer), gpointer wake_data);
/* Tells each of the n plugin instances what changed in office o for its citizens, through out. */
void bb_positions_send(bb_app *app, bb_office *o, const char *const *instances, int n,
	bb_positions_out out);
/* Forgets what plugin instance `instance` was told (hello, or its last connection closed). */
void bb_positions_forget(bb_app *app, const char *instance);
/* Loop, on the wake-up: sends what the worker finished. */
void bb_positions_dispatch(bb_app *app);
/* Waits for the worker; call before the connections go away (nothing is sent any more). */
void bb_positions_free(bb_app *app);

#endif
