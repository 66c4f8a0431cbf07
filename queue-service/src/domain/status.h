/* status.h: derive an office's public status from facts; never set by hand. */
#ifndef BB_STATUS_H
#define BB_STATUS_H

#include <glib.h>

typedef enum bb_office_status {
	BB_OFFICE_CLOSED = 0,
	BB_OFFICE_FULL,
	BB_OFFICE_BUSY,
	BB_OFFICE_OPEN,
} bb_office_status;

typedef struct bb_office_facts {
	gboolean within_hours;   /* opening hours say open, no closing day */
	int clerks_available;    /* presence available */
	int clerks_busy;         /* presence busy (in a consultation) */
	int clerks_paused;       /* presence paused */
	int waiting;             /* tickets in state waiting */
	int capacity;            /* max waiting tickets */
} bb_office_facts;

bb_office_status bb_office_status_derive(const bb_office_facts *f);
const char *bb_office_status_name(bb_office_status s);   /* "open", "busy", "full", "closed" */
/* Join allowed? (open or busy) */
gboolean bb_office_status_joinable(bb_office_status s);

#endif
