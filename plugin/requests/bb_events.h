/* bb_events.h: queue-service events routed to the handles that may see them, and the service
 * going away and coming back. Handler thread. */
#ifndef BB_EVENTS_H
#define BB_EVENTS_H

#include <jansson.h>

#include "session/bb_session.h"

/* An unsolicited event from the queue service. */
void bb_events_dispatch(json_t *event);
/* The queue service went away / came back: tell attached citizens and logged-in clerks. */
void bb_events_queue_down(void);
void bb_events_queue_up(void);
/* Sends `almost` once when the citizen's position reached the configured threshold. */
void bb_events_check_almost(bb_session *citizen);

#endif
