/* server.h: the lws context with its two vhosts (public: REST, live WebSocket, static files;
 * internal: the plugin WebSocket) and the timers, all on one thread. */
#ifndef BB_SERVER_H
#define BB_SERVER_H

#include "store/app.h"

/* Builds the context and vhosts; FALSE (logged) when a listener cannot be opened. */
gboolean bb_server_start(bb_app *app);
/* Runs the loop until app->stop (set from a signal via bb_server_request_stop). */
void bb_server_run(bb_app *app);
void bb_server_stop(bb_app *app);
void bb_server_request_stop(bb_app *app);

#endif
