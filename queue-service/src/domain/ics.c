/* ics.c: iCalendar (RFC 5545) rendering of one appointment, with a generated VTIMEZONE. */
#include "domain/ics.h"

#include <string.h>

G_DEFINE_QUARK(bb-ics-error-quark, bb_ics_error)

#define FOLD_OCTETS 75

char *bb_ics_escape_text(const char *s)
{
	GString *out = g_string_new(NULL);
	for (const char *p = s ? s : ""; *p != '\0'; p++) {
		switch (*p) {
		case '\\': g_string_append(out, "\\\\"); break;
		case ';':  g_string_append(out, "\\;"); break;
		case ',':  g_string_append(out, "\\,"); break;
		case '\n': g_string_append(out, "\\n"); break;
		case '\r': break;
		default:
			/* Control characters are not allowed in TEXT (RFC 5545 §3.3.11). */
			if ((unsigned char)*p >= 0x20 && *p != 0x7f)
				g_string_append_c(out, *p);
		}
	}
	return g_string_free(out, FALSE);
}

/* Continuation lines start with one space, which counts towards their 75 octets. A break
 * never falls before a UTF-8 continuation byte (10xxxxxx), so multi-byte characters stay whole
 * (RFC 5545 §3.1 asks for that; some parsers choke otherwise). */
void bb_ics_append_folded(GString *out, const char *line)
{
	size_t len = strlen(line), pos = 0;
	gboolean first = TRUE;
	while (len - pos > (size_t)(first ? FOLD_OCTETS : FOLD_OCTETS - 1)) {
		size_t take = first ? FOLD_OCTETS : FOLD_OCTETS - 1;
		while (take > 1 && ((unsigned char)line[pos + take] & 0xC0) == 0x80)
			take--;
		if (!first)
			g_string_append_c(out, ' ');
		g_string_append_len(out, line + pos, (gssize)take);
		g_string_append(out, "\r\n");
		pos += take;
		first = FALSE;
	}
	if (!first)
		g_string_append_c(out, ' ');
	g_string_append(out, line + pos);
	g_string_append(out, "\r\n");
}

static void prop(GString *out, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void prop(GString *out, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_autofree char *line = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	bb_ics_append_folded(out, line);
}

static void text_prop(GString *out, const char *name, const char *value)
{
	if (value == NULL)
		return;
	g_autofree char *esc = bb_ics_escape_text(value);
	prop(out, "%s:%s", name, esc);
}

/* "20261125T090000" in the given offset; used for local times (with TZID) and, with offset 0
 * plus a trailing Z by the caller, for UTC. */
/* A URI value is written as it is (no TEXT escaping), so only plain printable ASCII passes. */
static gboolean uri_ok(const char *s)
{
	if (s == NULL || *s == '\0')
		return FALSE;
	for (const char *p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return FALSE;
	return TRUE;
}

static char *format_local(gint64 t, int offset_s)
{
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(t + offset_s);
	return g_date_time_format(dt, "%Y%m%dT%H%M%S");
}

static char *format_offset(int offset_s)
{
	int a = ABS(offset_s);
	return g_strdup_printf("%c%02d%02d", offset_s < 0 ? '-' : '+', a / 3600, (a % 3600) / 60);
}

static int offset_at(GTimeZone *tz, gint64 t)
{
	int iv = g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, t);
	return g_time_zone_get_offset(tz, iv);
}

/* Whether the local time of instant t is its second occurrence (the hour that repeats when the
 * clocks go back): a local time with TZID means its first occurrence (RFC 5545 3.3.5), so such an
 * instant must be written in UTC, or a slot ending in that hour would end before it starts. */
static gboolean second_occurrence(GTimeZone *tz, gint64 t)
{
	int off = offset_at(tz, t);
	gint64 local = t + off;
	for (int d = -2; d <= 2; d++) {
		int other = offset_at(tz, t + d * 3600);
		gint64 u = local - other;
		if (other != off && u < t && offset_at(tz, u) == other)
			return TRUE;
	}
	return FALSE;
}

/* DTSTART/DTEND: local time with TZID, or UTC for the second occurrence of a repeated hour. */
static void time_prop(GString *out, const char *name, const char *tzid, GTimeZone *tz, gint64 t)
{
	if (second_occurrence(tz, t)) {
		g_autofree char *utc_text = format_local(t, 0);
		prop(out, "%s:%sZ", name, utc_text);
		return;
	}
	g_autofree char *local = format_local(t, offset_at(tz, t));
	prop(out, "%s;TZID=%s:%s", name, tzid, local);
}

/* One STANDARD or DAYLIGHT observance starting at `at` (the first instant of the new offset);
 * DTSTART is written in the local time that was in force just before (RFC 5545 §3.6.5). */
static void observance(GString *out, GTimeZone *tz, gint64 at, int from_off)
{
	int iv = g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, at);
	int to_off = g_time_zone_get_offset(tz, iv);
	const char *kind = g_time_zone_is_dst(tz, iv) ? "DAYLIGHT" : "STANDARD";
	g_autofree char *start = format_local(at, from_off);
	g_autofree char *f = format_offset(from_off);
	g_autofree char *t = format_offset(to_off);
	const char *abbr = g_time_zone_get_abbreviation(tz, iv);
	prop(out, "BEGIN:%s", kind);
	prop(out, "DTSTART:%s", start);
	prop(out, "TZOFFSETFROM:%s", f);
	prop(out, "TZOFFSETTO:%s", t);
	if (abbr != NULL && *abbr != '\0')
		text_prop(out, "TZNAME", abbr);
	prop(out, "END:%s", kind);
}

/* The exact first second of a new offset in (lo, hi], given the offset differs at both ends. */
static gint64 find_transition(GTimeZone *tz, gint64 lo, gint64 hi)
{
	int lo_iv = g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, lo);
	while (hi - lo > 1) {
		gint64 mid = lo + (hi - lo) / 2;
		if (g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, mid) == lo_iv)
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}

/* GTimeZone exposes offsets, not rules, so the VTIMEZONE lists the actual transitions from a
 * year before the event to a year after it as one-off observances (no RRULE). That is exact
 * for the event whatever the zone's history, and any RFC 5545 reader can apply it. The first
 * observance pins the offset in force at the start of the window. */
static void vtimezone(GString *out, GTimeZone *tz, const char *tzid, gint64 event_start)
{
	const gint64 day = 86400;
	gint64 from = event_start - 366 * day, to = event_start + 366 * day;
	prop(out, "BEGIN:VTIMEZONE");
	g_autofree char *esc = bb_ics_escape_text(tzid);
	prop(out, "TZID:%s", esc);
	int off = offset_at(tz, from);
	observance(out, tz, from, off);
	for (gint64 t = from; t < to; t += day) {
		int iv_a = g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, t);
		int iv_b = g_time_zone_find_interval(tz, G_TIME_TYPE_UNIVERSAL, t + day);
		if (iv_a == iv_b)
			continue;
		gint64 at = find_transition(tz, t, t + day);
		observance(out, tz, at, offset_at(tz, at - 1));
	}
	prop(out, "END:VTIMEZONE");
}

static gboolean valid_tzid(const char *tzid)
{
	if (tzid == NULL || *tzid == '\0' || strlen(tzid) > 64)
		return FALSE;
	for (const char *p = tzid; *p != '\0'; p++)
		if (!g_ascii_isalnum(*p) && strchr("/_-+", *p) == NULL)
			return FALSE;
	return TRUE;
}

char *bb_ics_render(const bb_ics_event *ev, GError **error)
{
	if (ev == NULL || ev->uid == NULL || ev->summary == NULL || ev->end <= ev->start) {
		g_set_error(error, BB_ICS_ERROR, 1, "invalid event");
		return NULL;
	}
	if (!valid_tzid(ev->tzid)) {
		g_set_error(error, BB_ICS_ERROR, 2, "invalid time zone name");
		return NULL;
	}
	g_autoptr(GTimeZone) tz = g_time_zone_new_identifier(ev->tzid);
	if (tz == NULL) {
		g_set_error(error, BB_ICS_ERROR, 2, "unknown time zone %s", ev->tzid);
		return NULL;
	}
	GString *out = g_string_new(NULL);
	prop(out, "BEGIN:VCALENDAR");
	prop(out, "VERSION:2.0");
	prop(out, "PRODID:-//Buergerbuero//Appointments//DE");
	prop(out, "CALSCALE:GREGORIAN");
	prop(out, "METHOD:%s", ev->cancelled ? "CANCEL" : "PUBLISH");
	vtimezone(out, tz, ev->tzid, ev->start);
	prop(out, "BEGIN:VEVENT");
	text_prop(out, "UID", ev->uid);
	g_autofree char *stamp = format_local(ev->stamp, 0);
	prop(out, "DTSTAMP:%sZ", stamp);
	time_prop(out, "DTSTART", ev->tzid, tz, ev->start);
	time_prop(out, "DTEND", ev->tzid, tz, ev->end);
	prop(out, "SEQUENCE:%d", ev->sequence);
	prop(out, "STATUS:%s", ev->cancelled ? "CANCELLED" : "CONFIRMED");
	text_prop(out, "SUMMARY", ev->summary);
	text_prop(out, "DESCRIPTION", ev->description);
	text_prop(out, "LOCATION", ev->location);
	if (uri_ok(ev->url))
		prop(out, "URL:%s", ev->url);
	prop(out, "TRANSP:OPAQUE");
	prop(out, "END:VEVENT");
	prop(out, "END:VCALENDAR");
	return g_string_free(out, FALSE);
}
