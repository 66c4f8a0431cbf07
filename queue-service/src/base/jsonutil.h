/* jsonutil.h: small Jansson helpers shared by the API modules. */
#ifndef BB_JSONUTIL_H
#define BB_JSONUTIL_H

#include <glib.h>
#include <jansson.h>

/* RFC 3339 UTC ("2026-11-25T09:01:02Z") of unix seconds; a new JSON string. */
json_t *bb_json_time(gint64 unix_s);
/* RFC 3339 text into buf (>= 24 bytes). */
void bb_time_format(gint64 unix_s, char *buf, size_t n);
/* Compact serialisation; consumes the reference. g_free()-compatible result (malloc). */
char *bb_json_take_dump(json_t *o);
/* String or NULL -> JSON string or null. */
json_t *bb_json_str_or_null(const char *s);

#endif
