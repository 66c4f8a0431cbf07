/* timeparse.c: strict RFC 3339 instants and YYYY-MM-DD dates (GDateTime, GDate). */
#include "base/timeparse.h"

#include <string.h>

/* Whether s[0..n) are all ASCII digits. */
static gboolean digits(const char *s, int n)
{
	for (int i = 0; i < n; i++)
		if (!g_ascii_isdigit(s[i]))
			return FALSE;
	return TRUE;
}

/* Two digits as a number (the caller checked they are digits). */
static int two(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

gboolean bb_date_parse(const char *s, int *y, int *m, int *d)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4) || !digits(s + 5, 2)
	    || !digits(s + 8, 2))
		return FALSE;
	int yy = two(s) * 100 + two(s + 2), mm = two(s + 5), dd = two(s + 8);
	if (yy < 1 || !g_date_valid_dmy((GDateDay)dd, (GDateMonth)mm, (GDateYear)yy))
		return FALSE;
	*y = yy;
	*m = mm;
	*d = dd;
	return TRUE;
}

/* RFC 3339 section 5.6, checked by hand because g_date_time_new_from_iso8601() reads all of ISO
 * 8601 (and local time without an offset); GLib then does the arithmetic on a normalised copy. */
gboolean bb_time_parse_rfc3339(const char *s, gint64 *unix_s, int *usec)
{
	if (!s)
		return FALSE;
	size_t len = strlen(s);
	/* full-date "T" partial-time: YYYY-MM-DDTHH:MM:SS */
	if (len < 20 || len > 64 || (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':'
	    || !digits(s + 11, 2) || !digits(s + 14, 2) || !digits(s + 17, 2))
		return FALSE;
	g_autofree char *date = g_strndup(s, 10);
	int y, m, d;
	if (!bb_date_parse(date, &y, &m, &d) || two(s + 11) > 23 || two(s + 14) > 59 || two(s + 17) > 59)
		return FALSE;
	const char *p = s + 19;
	if (*p == '.') {                         /* time-secfrac: "." 1*DIGIT */
		const char *f = ++p;
		while (g_ascii_isdigit(*p))
			p++;
		if (p == f)
			return FALSE;
	}
	if (*p == 'Z' || *p == 'z') {            /* time-offset: "Z" / time-numoffset */
		p++;
	} else if ((*p == '+' || *p == '-') && digits(p + 1, 2) && p[3] == ':' && digits(p + 4, 2)) {
		if (two(p + 1) > 23 || two(p + 4) > 59)
			return FALSE;
		p += 6;
	} else {
		return FALSE;
	}
	if (*p != '\0')
		return FALSE;
	g_autofree char *norm = g_ascii_strup(s, -1);   /* 't' and 'z' as GLib reads them */
	g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601(norm, NULL);
	if (!dt)
		return FALSE;
	*unix_s = g_date_time_to_unix(dt);
	*usec = g_date_time_get_microsecond(dt);
	return TRUE;
}
