/* slots.h: which appointment slots an office offers: opening hours cut into slots of the
 * office's length, a share of them given to appointments, minus blocked days, lead time and
 * horizon. Pure (no I/O, no bookings): the database adds what is already booked. */
#ifndef BB_SLOTS_H
#define BB_SLOTS_H

#include "domain/hours.h"

#include <glib.h>

#define BB_SLOTS_MAX_DAYS 31

typedef struct bb_slot_policy {
	int slot_min;              /* slot length in minutes, 5..240 */
	int capacity;              /* appointments per slot, >= 1 */
	int horizon_days;          /* bookable up to now + horizon_days * 24 h */
	int lead_s;                /* bookable from now + lead_s */
	int share_permille;        /* 0..1000: share of the slots given to appointments */
	const int *blocked;        /* local dates without appointments as yyyymmdd, any order */
	int n_blocked;
	gint64 closed_until;       /* unix s: a temporary closure; no slot starts before (0: none) */
} bb_slot_policy;

typedef struct bb_slot {
	gint64 start;              /* unix seconds */
	gint64 end;                /* start + slot_min * 60 (real seconds) */
	int y, m, d;               /* local date of start */
	int minute;                /* local minute of day of start */
} bb_slot;

typedef enum bb_slot_verdict {
	BB_SLOT_OK = 0,
	BB_SLOT_PAST,              /* start is in the past */
	BB_SLOT_TOO_SOON,          /* inside the minimum lead time */
	BB_SLOT_TOO_FAR,           /* beyond the booking horizon */
	BB_SLOT_NOT_A_SLOT,        /* not the start of an appointment slot (closed, blocked, share) */
} bb_slot_verdict;

/* Default values documented in docs/appointments.md. */
#define BB_SLOT_DEFAULT_MIN 20
#define BB_SLOT_DEFAULT_HORIZON_DAYS 28
#define BB_SLOT_DEFAULT_LEAD_S 7200
#define BB_SLOT_DEFAULT_SHARE_PERMILLE 500

/* Is the policy usable? (FALSE for out-of-range values.) */
gboolean bb_slot_policy_valid(const bb_slot_policy *p);
/* Is slot number i (0-based) of an opening interval an appointment slot under this share? */
gboolean bb_slots_is_appointment_slot(int i, int share_permille);

/* Appointment slots starting on the local dates [y-m-d, +days) (days 1..31) that are bookable
 * at `now`, in time order. tz must be the zone `hours` was made with. Free with g_array_unref. */
GArray *bb_slots_list(const bb_hours *hours, GTimeZone *tz, const bb_slot_policy *p,
	int y, int m, int d, int days, gint64 now);

/* May an appointment start at `start`? On BB_SLOT_OK *out (if not NULL) is that slot. */
bb_slot_verdict bb_slots_check(const bb_hours *hours, GTimeZone *tz, const bb_slot_policy *p,
	gint64 start, gint64 now, bb_slot *out);
const char *bb_slot_verdict_message(bb_slot_verdict v);

#endif
