/* hours.h: opening hours of an office: weekly intervals, closing days and exceptions, in the
 * office's own time zone (DST-correct). Pure functions, no I/O: unit-tested without a database. */
#ifndef BB_HOURS_H
#define BB_HOURS_H

#include <glib.h>

/* One opening interval in local wall-clock minutes since midnight: 0 <= open_min < close_min <= 1440. */
typedef struct bb_interval {
	int weekday;      /* ISO: 1 = Monday .. 7 = Sunday (ignored inside bb_day_override) */
	int open_min;
	int close_min;
} bb_interval;

/* A date whose hours differ from the weekly plan: n_intervals == 0 means closed all day
 * (public holiday, closing day); otherwise these intervals replace the weekly ones. */
typedef struct bb_day_override {
	int year, month, day;
	int n_intervals;
	bb_interval intervals[4];
} bb_day_override;

typedef struct bb_hours bb_hours;

/* tz_name e.g. "Europe/Berlin"; returns NULL when the zone is unknown. */
bb_hours *bb_hours_new(const char *tz_name);
void bb_hours_free(bb_hours *h);
/* Returns FALSE (and adds nothing) for an invalid interval. */
gboolean bb_hours_add_weekly(bb_hours *h, int weekday, int open_min, int close_min);
gboolean bb_hours_add_override(bb_hours *h, const bb_day_override *o);

/* Is the office open at this instant (unix seconds)? */
gboolean bb_hours_is_open(const bb_hours *h, gint64 at);
/* First instant >= at at which the office opens (if open now: the start of the current
 * interval is NOT returned; the next opening after the current continuous opening ends is,
 * so a 24/7 office has none). Searches the local day of `at` plus horizon_days more (capped
 * at 3660); -1 when there is none. */
gint64 bb_hours_next_opening(const bb_hours *h, gint64 at, int horizon_days);
/* End of the continuous opening the office is in at `at` (unix seconds), or -1 when closed.
 * Touching intervals merge (08-12 + 12-16 ends at 16:00; 20:00-24:00 + next day 00:00-02:00
 * ends at 02:00); followed at most 14 days ahead, so a 24/7 office reports the end of that
 * window. */
gint64 bb_hours_current_close(const bb_hours *h, gint64 at);
/* The intervals of the local calendar day that contains `at` (after overrides); returns how
 * many were written to out (at most max). */
int bb_hours_intervals_on(const bb_hours *h, gint64 at, bb_interval *out, int max);
/* Local date (y, m, d) of `at` in the office's zone. */
void bb_hours_local_date(const bb_hours *h, gint64 at, int *y, int *m, int *d);
/* Unix seconds of local wall-clock time (y, m, d, minute-of-day) in the office zone; a time
 * inside a DST gap maps forward, an ambiguous one to its first occurrence. */
gint64 bb_hours_local_to_unix(const bb_hours *h, int y, int m, int d, int minute);

#endif
