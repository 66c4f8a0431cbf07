/* janitor.h: periodic maintenance (1 s timer): no-show timeouts, grace expiry, closing-time
 * expiry, clerk presence timeouts, retention of personal fields, expired sessions, office
 * configuration refresh. Each step is one cheap query; with two instances running, every state
 * change still goes through bb_ticket_apply(), whose `state = ANY(...)` guard lets only one
 * instance win. */
#ifndef BB_JANITOR_H
#define BB_JANITOR_H

#include "store/app.h"

/* One run; tick counts the runs from 1 (some steps run every n-th tick only). */
void bb_janitor_run(bb_app *app, guint tick);

#endif
