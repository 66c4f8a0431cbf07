/* hours_spec.c: parsing and formatting the typed forms of opening hours (see hours_spec.h). */
#include "domain/hours_spec.h"

#include <stdio.h>
#include <string.h>

static const char *const day_names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

static int parse_day(const char *s)
{
	for (int i = 0; i < 7; i++)
		if (g_ascii_strcasecmp(s, day_names[i]) == 0)
			return i + 1;
	return 0;
}

/* HH:MM with 00:00 <= t <= 24:00, exactly two parts and nothing after. */
static gboolean parse_time(const char *s, int *min)
{
	int h, m;
	char extra;
	if (strlen(s) > 5 || sscanf(s, "%d:%d%c", &h, &m, &extra) != 2 || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m))
		return FALSE;
	*min = h * 60 + m;
	return TRUE;
}

/* `HH:MM-HH:MM(,HH:MM-HH:MM)*` into (open, close) pairs; each interval must not be empty. */
static gboolean parse_intervals(const char *text, GArray *pairs)
{
	g_auto(GStrv) ivs = g_strsplit(text, ",", -1);
	if (!ivs[0])
		return FALSE;
	for (int i = 0; ivs[i]; i++) {
		g_auto(GStrv) ends = g_strsplit(g_strstrip(ivs[i]), "-", 2);
		int o, c;
		if (!ends[0] || !ends[1] || !parse_time(g_strstrip(ends[0]), &o) || !parse_time(g_strstrip(ends[1]), &c) || o >= c)
			return FALSE;
		int pr[2] = {o, c};
		g_array_append_vals(pairs, pr, 2);
	}
	return TRUE;
}

/* Grammar: group (';' group)*; group = days ' ' intervals; days = day | day '-' day | 'daily'. */
gboolean bb_hours_spec_parse(const char *spec, GArray *out, GError **error)
{
	g_auto(GStrv) groups = g_strsplit(spec, ";", -1);
	g_autoptr(GArray) pairs = g_array_new(FALSE, FALSE, sizeof(int));
	for (int g = 0; groups[g]; g++) {
		char *grp = g_strstrip(groups[g]);
		if (!*grp)
			continue;
		char *sp = strchr(grp, ' ');
		if (!sp)
			goto bad;
		*sp = '\0';
		int from, to;
		if (g_ascii_strcasecmp(grp, "daily") == 0) {
			from = 1;
			to = 7;
		} else {
			char *dash = strchr(grp, '-');
			if (dash)
				*dash = '\0';
			from = parse_day(grp);
			to = dash ? parse_day(dash + 1) : from;
			if (!from || !to || to < from)
				goto bad;
		}
		g_array_set_size(pairs, 0);
		if (!parse_intervals(g_strstrip(sp + 1), pairs))
			goto bad;
		for (int d = from; d <= to; d++)
			for (guint i = 0; i + 1 < pairs->len; i += 2) {
				int t[3] = {d, g_array_index(pairs, int, i), g_array_index(pairs, int, i + 1)};
				g_array_append_vals(out, t, 3);
			}
	}
	return TRUE;
bad:
	g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
		"hours: expected e.g. 'mon-fri 08:00-12:00,13:00-16:00; sat 09:00-12:00' or 'daily 00:00-24:00'");
	return FALSE;
}

static void append_time(GString *s, int min)
{
	g_string_append_printf(s, "%02d:%02d", min / 60, min % 60);
}

/* One group per weekday (`mon 08:00-12:00,13:00-16:00; tue ...`): what the parser reads back. */
char *bb_hours_spec_format(const int *t, guint n)
{
	GString *s = g_string_new(NULL);
	int day = 0;
	for (guint i = 0; i < n; i++) {
		const int *x = t + 3 * i;
		if (x[0] < 1 || x[0] > 7)
			continue;
		if (x[0] != day) {
			if (day)
				g_string_append(s, "; ");
			g_string_append_printf(s, "%s ", day_names[x[0] - 1]);
			day = x[0];
		} else {
			g_string_append_c(s, ',');
		}
		append_time(s, x[1]);
		g_string_append_c(s, '-');
		append_time(s, x[2]);
	}
	return g_string_free(s, FALSE);
}

gboolean bb_date_valid(const char *s)
{
	int y, m, d;
	char extra;
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3)
		return FALSE;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !g_ascii_isdigit(s[i]))
			return FALSE;
	return y >= 1970 && y <= 9999 && g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y);
}

gboolean bb_day_spec_parse(const char *spec, char day[11], GArray *out, GError **error)
{
	g_autofree char *copy = g_strstrip(g_strdup(spec));
	char *sp = strchr(copy, ' ');
	if (sp)
		*sp = '\0';
	if (!bb_date_valid(copy) || (sp && !parse_intervals(g_strstrip(sp + 1), out))) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			"day exception: expected '2026-12-24' (closed) or '2026-12-24 08:00-12:00'");
		return FALSE;
	}
	g_strlcpy(day, copy, 11);
	return TRUE;
}
