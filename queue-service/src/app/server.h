/* server.h: the lws context with its two vhosts (public: REST, live WebSocket, static files;
 * internal: the plugin WebSocket) and the timers, all on one thread, the loop. This is where the
 * layers are wired together: the WebSocket protocols subscribe to the sync layer here, and the
 * worker pool's wake-ups arrive here. */
#ifndef BB_SERVER_H
#define BB_SERVER_H

#include "store/app.h"

typedef struct bb_server bb_server;

/* Subscribes the internal and the live WebSocket to the sync layer, builds the context and
 * vhosts and starts the timers. NULL (logged) when a listener cannot be opened. */
bb_server *bb_server_start(bb_app *app);
/* Runs the loop until app->stop (set from a signal via bb_server_request_stop). */
void bb_server_run(bb_server *srv);
/* Safe from a signal handler: sets app->stop and wakes the loop. */
void bb_server_request_stop(bb_server *srv);
/* Thread-safe: wakes the loop, which then completes the pool's finished jobs (bb_pool_fn for
 * bb_pool_new()). */
void bb_server_wake(gpointer srv);
/* Flushes pending notifications, destroys the context and frees srv (NULL: nothing). */
void bb_server_stop(bb_server *srv);

#endif
