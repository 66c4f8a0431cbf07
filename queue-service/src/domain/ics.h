/* ics.h: one appointment as an iCalendar object (RFC 5545): CRLF lines folded at 75 octets,
 * text escaped, times in the office's zone with a VTIMEZONE generated from the system's tz data. */
#ifndef BB_ICS_H
#define BB_ICS_H

#include <glib.h>

typedef struct bb_ics_event {
	const char *uid;          /* globally unique and stable, e.g. "appt-42@buergerbuero" */
	const char *tzid;         /* IANA zone of the office, e.g. "Europe/Berlin" */
	gint64 start;             /* unix seconds */
	gint64 end;
	gint64 stamp;             /* DTSTAMP: when this object was made */
	int sequence;             /* bumped on every change (a cancellation) */
	gboolean cancelled;       /* METHOD:CANCEL + STATUS:CANCELLED instead of PUBLISH/CONFIRMED */
	const char *summary;      /* UTF-8, any length: escaped and folded */
	const char *description;  /* may be NULL */
	const char *location;     /* may be NULL */
	const char *url;          /* URL property (RFC 5545 §3.8.4.6), may be NULL; written only when
	                           * it is printable ASCII without spaces (a URI needs no escaping) */
} bb_ics_event;

/* The whole VCALENDAR as a NUL-terminated string, or NULL (with a message in *error) when the
 * zone is unknown or an argument is invalid. g_free() it. */
char *bb_ics_render(const bb_ics_event *ev, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* RFC 5545 TEXT escaping (backslash, semicolon, comma, newline); control characters dropped.
 * Exposed for tests. g_free() it. */
char *bb_ics_escape_text(const char *s);
/* Appends `line` (without CRLF) to out, folded so that no physical line exceeds 75 octets and
 * no UTF-8 sequence is split; ends with CRLF. Exposed for tests. */
void bb_ics_append_folded(GString *out, const char *line);

#define BB_ICS_ERROR (bb_ics_error_quark())
GQuark bb_ics_error_quark(void);

#endif
