/* hours_spec.h: the text forms of opening hours that operators type, in the CLI (`--hours`) and in
 * the console's administration alike:
 *   weekly   `mon-fri 08:00-12:00,13:00-16:00; sat 09:00-12:00` (or `daily 00:00-24:00`)
 *   one day  `2026-12-24` (closed all day) or `2026-12-24 08:00-12:00,13:00-14:00`
 * Parsed into intervals of local minutes; formatted back the same way. */
#ifndef BB_HOURS_SPEC_H
#define BB_HOURS_SPEC_H

#include <glib.h>

/* Appends (weekday 1..7, open_min, close_min) int triples to out. FALSE with *error (a message
 * naming the expected form) on bad syntax; an empty spec is no hours at all. */
gboolean bb_hours_spec_parse(const char *spec, GArray *out, GError **error);
/* The weekly spec for (weekday, open, close) triples sorted by weekday and open: "" for none. */
char *bb_hours_spec_format(const int *triples, guint n_triples);

/* One day exception: date into day (YYYY-MM-DD, NUL-terminated) and (open, close) int pairs
 * appended to out (none: closed all day). FALSE with *error on bad syntax or an impossible date. */
gboolean bb_day_spec_parse(const char *spec, char day[11], GArray *out, GError **error);
/* TRUE for a real calendar date written YYYY-MM-DD. */
gboolean bb_date_valid(const char *s);

#endif
