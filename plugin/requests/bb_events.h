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
/* A citizen's ticket was just bound (joined): applies its position if the service's `positions`
 * event came before the join's answer. */
void bb_events_apply_early(bb_session *citizen);
/* Plugin stop: forgets what bb_events_apply_early() still kept. */
void bb_events_clear(void);
/* Sends `almost` once when the citizen's position reached the configured threshold. */
void bb_events_check_almost(bb_session *citizen);

#endif
