/* timeparse.h: times and dates that clients send, read strictly: RFC 3339 instants (section 5.6:
 * `2026-11-25T08:00:00Z`, `2026-11-25T09:00:00.000+01:00`) and plain `YYYY-MM-DD` dates. The shape
 * is checked here; the calendar arithmetic is GLib's (GDateTime, GDate). ISO 8601 forms that
 * RFC 3339 does not allow (week or ordinal dates, basic format, an offset without minutes, a
 * time without seconds or without an offset, i.e. local time) are refused. */
#ifndef BB_TIMEPARSE_H
#define BB_TIMEPARSE_H

#include <glib.h>

/* An RFC 3339 date-time ('T'/'t' between date and time, 'Z'/'z' or ±HH:MM, any number of
 * fractional second digits) as unix seconds plus the microseconds of its fraction. FALSE for
 * anything else, also for dates that do not exist (2026-02-30) and leap seconds (:60, which
 * GLib cannot represent). */
gboolean bb_time_parse_rfc3339(const char *s, gint64 *unix_s, int *usec);
/* A date `YYYY-MM-DD` that exists (2024-02-29 yes, 2026-02-29 no); FALSE for anything else. */
gboolean bb_date_parse(const char *s, int *y, int *m, int *d);

#endif
