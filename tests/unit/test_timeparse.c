/* test_timeparse.c: strict RFC 3339 instants and YYYY-MM-DD dates from clients
 * (base/timeparse.c): offsets, Z, fractional seconds, and the ISO 8601 forms that are refused. */
#include "base/timeparse.h"

typedef struct time_case {
	const char *text;
	gboolean ok;
	gint64 unix_s;
	int usec;
} time_case;

/* 2026-11-25T08:00:00Z = 1795593600 */
static const time_case cases[] = {
	{"2026-11-25T08:00:00Z", TRUE, 1795593600, 0},
	{"2026-11-25t08:00:00z", TRUE, 1795593600, 0},                 /* RFC 3339 allows lower case */
	{"2026-11-25T09:00:00+01:00", TRUE, 1795593600, 0},
	{"2026-11-25T03:30:00-04:30", TRUE, 1795593600, 0},
	{"2026-11-25T08:00:00+00:00", TRUE, 1795593600, 0},
	{"2026-11-25T08:00:00-00:00", TRUE, 1795593600, 0},            /* "unknown local offset" */
	{"2026-11-25T08:00:00.000Z", TRUE, 1795593600, 0},
	{"2026-11-25T08:00:00.5Z", TRUE, 1795593600, 500000},
	{"2026-11-25T09:00:00.250+01:00", TRUE, 1795593600, 250000},
	{"2026-11-25T08:00:00.000001Z", TRUE, 1795593600, 1},
	{"2026-11-25T08:00:00.123456789Z", TRUE, 1795593600, 123456},   /* beyond microseconds: cut */
	{"2024-02-29T00:00:00Z", TRUE, 1709164800, 0},
	{"2026-03-29T02:30:00+02:00", TRUE, 1774744200, 0},            /* offsets are explicit: no DST gap */
	/* refused */
	{"2026-11-25T08:00:00", FALSE, 0, 0},                          /* local time */
	{"2026-11-25T08:00Z", FALSE, 0, 0},                            /* no seconds */
	{"2026-11-25T08:00:00+01", FALSE, 0, 0},                       /* offset without minutes */
	{"2026-11-25T08:00:00+0100", FALSE, 0, 0},
	{"20261125T080000Z", FALSE, 0, 0},                             /* ISO 8601 basic format */
	{"2026-W48-3T08:00:00Z", FALSE, 0, 0},                         /* week date */
	{"2026-329T08:00:00Z", FALSE, 0, 0},                           /* ordinal date */
	{"2026-11-25 08:00:00Z", FALSE, 0, 0},                         /* space instead of T */
	{"2026-11-25T08:00:00.Z", FALSE, 0, 0},
	{"2026-11-25T08:00:00,5Z", FALSE, 0, 0},
	{"2026-02-30T08:00:00Z", FALSE, 0, 0},
	{"2026-11-25T24:00:00Z", FALSE, 0, 0},
	{"2026-11-25T08:60:00Z", FALSE, 0, 0},
	{"2026-12-31T23:59:60Z", FALSE, 0, 0},                         /* leap second */
	{"2026-11-25T08:00:00+24:00", FALSE, 0, 0},
	{"2026-11-25T08:00:00Z ", FALSE, 0, 0},
	{" 2026-11-25T08:00:00Z", FALSE, 0, 0},
	{"+2026-11-25T08:00:00Z", FALSE, 0, 0},
	{"2026-1-25T08:00:00Z", FALSE, 0, 0},
	{"", FALSE, 0, 0}, {NULL, FALSE, 0, 0}, {"garbage", FALSE, 0, 0},
};

static void test_rfc3339(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_test_message("case %u: %s", i, cases[i].text ? cases[i].text : "(null)");
		gint64 t = -1;
		int usec = -1;
		gboolean ok = bb_time_parse_rfc3339(cases[i].text, &t, &usec);
		g_assert_true(ok == cases[i].ok);
		if (ok) {
			g_assert_cmpint(t, ==, cases[i].unix_s);
			g_assert_cmpint(usec, ==, cases[i].usec);
		}
	}
}

static void test_date(void)
{
	static const struct { const char *text; gboolean ok; } dates[] = {
		{"2026-11-25", TRUE}, {"2024-02-29", TRUE}, {"2026-02-29", FALSE}, {"2026-13-01", FALSE},
		{"2026-00-10", FALSE}, {"2026-11-31", FALSE}, {"2026-1-25", FALSE}, {"2026/11/25", FALSE},
		{"26-11-25", FALSE}, {"2026-11-25T00:00:00Z", FALSE}, {"0000-01-01", FALSE}, {"", FALSE}, {NULL, FALSE},
		{"+026-11-25", FALSE}, {"2026-11-2 ", FALSE},
	};
	for (guint i = 0; i < G_N_ELEMENTS(dates); i++) {
		int y = 0, m = 0, d = 0;
		g_assert_true(bb_date_parse(dates[i].text, &y, &m, &d) == dates[i].ok);
	}
	int y, m, d;
	g_assert_true(bb_date_parse("2026-11-05", &y, &m, &d));
	g_assert_cmpint(y, ==, 2026);
	g_assert_cmpint(m, ==, 11);
	g_assert_cmpint(d, ==, 5);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/timeparse/rfc3339", test_rfc3339);
	g_test_add_func("/timeparse/date", test_date);
	return g_test_run();
}
