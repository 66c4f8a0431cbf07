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
 * Loop only. */
#ifndef BB_POSITIONS_H
#define BB_POSITIONS_H

#include "store/app.h"
#include "store/offices.h"

/* A plugin instance to tell, with the connection that hears its events (opaque here). */
typedef struct bb_positions_target {
	const char *instance;
	gpointer conn;
} bb_positions_target;
/* Sends one event's text on a target's connection. */
typedef void (*bb_positions_out)(bb_app *app, gpointer conn, const char *text);

/* Sends what changed in office o to each target; FALSE on database failure. */
gboolean bb_positions_send(bb_app *app, bb_office *o, const bb_positions_target *targets, int n,
	bb_positions_out out, GError **error);
/* Forgets what plugin instance `instance` was told (hello, or its last connection closed). */
void bb_positions_forget(bb_app *app, const char *instance);
void bb_positions_free(bb_app *app);

#endif
