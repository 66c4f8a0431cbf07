/* test_ics.c: iCalendar rendering: CRLF, folding at 75 octets without splitting UTF-8,
 * escaping, local times with TZID and a VTIMEZONE with the real 2026 transitions. */
#include <glib.h>
#include <string.h>

#include "domain/ics.h"

static gint64 utc(int y, int mo, int d, int h, int mi)
{
	g_autoptr(GDateTime) dt = g_date_time_new_utc(y, mo, d, h, mi, 0);
	return g_date_time_to_unix(dt);
}

/* Undo folding (CRLF + one space) so tests can look for whole logical lines. */
static char *unfold(const char *ics)
{
	GString *s = g_string_new(NULL);
	for (const char *p = ics; *p; p++) {
		if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ') {
			p += 2;
			continue;
		}
		g_string_append_c(s, *p);
	}
	return g_string_free(s, FALSE);
}

static void assert_physical_lines_ok(const char *ics)
{
	const char *p = ics;
	while (*p) {
		const char *eol = strstr(p, "\r\n");
		g_assert_nonnull(eol);
		g_assert_cmpint(eol - p, <=, 75);
		for (const char *c = p; c < eol; c++)
			g_assert_true(*c != '\n' && *c != '\r');
		/* The line must be valid UTF-8 on its own: no sequence split by folding. */
		g_assert_true(g_utf8_validate(p, eol - p, NULL));
		p = eol + 2;
	}
}

static void test_escape(void)
{
	g_autofree char *e = bb_ics_escape_text("a\\b;c,d\ne\r\x01" "f");
	g_assert_cmpstr(e, ==, "a\\\\b\\;c\\,d\\nef");
}

static void test_fold(void)
{
	/* 100 x "ä" (2 octets each) after a 8-octet name: must break between characters. */
	GString *line = g_string_new("SUMMARY:");
	for (int i = 0; i < 100; i++)
		g_string_append(line, "\xc3\xa4");
	GString *out = g_string_new(NULL);
	bb_ics_append_folded(out, line->str);
	assert_physical_lines_ok(out->str);
	g_autofree char *back = unfold(out->str);
	g_autofree char *expect = g_strconcat(line->str, "\r\n", NULL);
	g_assert_cmpstr(back, ==, expect);
	g_string_free(out, TRUE);
	g_string_free(line, TRUE);
	/* Exactly 75 octets: no fold. */
	GString *o2 = g_string_new(NULL);
	char l75[76];
	memset(l75, 'x', 75);
	l75[75] = '\0';
	bb_ics_append_folded(o2, l75);
	g_assert_cmpuint(o2->len, ==, 77);
	g_string_free(o2, TRUE);
}

static char *render_at(gint64 start, const char *tz)
{
	bb_ics_event ev = {
		.uid = "appt-42@buergerbuero", .tzid = tz, .start = start, .end = start + 1200,
		.stamp = utc(2026, 3, 1, 10, 0), .summary = "Termin: Kfz-Zulassung, Landratsamt",
		.description = "Bestätigungscode ABCD-EFGH; bitte 15 Minuten vorher einchecken.\n"
		               "Confirmation code ABCD-EFGH",
		.location = "https://example.invalid/?office=kfz",
	};
	g_autoptr(GError) err = NULL;
	char *ics = bb_ics_render(&ev, &err);
	g_assert_no_error(err);
	g_assert_nonnull(ics);
	return ics;
}

/* Monday 30 March 2026, 09:00 CEST = 07:00Z: local time with TZID, and the VTIMEZONE has the
 * spring 2026 change (02:00 CET -> 03:00 CEST) as DAYLIGHT and the autumn ones as STANDARD. */
static void test_event_berlin(void)
{
	g_autofree char *ics = render_at(utc(2026, 3, 30, 7, 0), "Europe/Berlin");
	assert_physical_lines_ok(ics);
	g_assert_true(g_str_has_suffix(ics, "END:VCALENDAR\r\n"));
	g_autofree char *u = unfold(ics);
	g_assert_true(g_str_has_prefix(u, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
	g_assert_nonnull(strstr(u, "\r\nDTSTART;TZID=Europe/Berlin:20260330T090000\r\n"));
	g_assert_nonnull(strstr(u, "\r\nDTEND;TZID=Europe/Berlin:20260330T092000\r\n"));
	g_assert_nonnull(strstr(u, "\r\nDTSTAMP:20260301T100000Z\r\n"));
	g_assert_nonnull(strstr(u, "\r\nTZID:Europe/Berlin\r\n"));
	g_assert_nonnull(strstr(u, "BEGIN:DAYLIGHT\r\nDTSTART:20260329T020000\r\n"
	                           "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n"
	                           "END:DAYLIGHT\r\n"));
	g_assert_nonnull(strstr(u, "BEGIN:STANDARD\r\nDTSTART:20261025T030000\r\n"
	                           "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n"
	                           "END:STANDARD\r\n"));
	g_assert_nonnull(strstr(u, "BEGIN:STANDARD\r\nDTSTART:20251026T030000\r\n"));
	g_assert_nonnull(strstr(u, "\r\nDESCRIPTION:Bestätigungscode ABCD-EFGH\\; bitte 15 Minuten "
	                           "vorher einchecken.\\nConfirmation code ABCD-EFGH\r\n"));
	g_assert_nonnull(strstr(u, "\r\nSUMMARY:Termin: Kfz-Zulassung\\, Landratsamt\r\n"));
	g_assert_nonnull(strstr(u, "\r\nMETHOD:PUBLISH\r\n"));
	g_assert_nonnull(strstr(u, "\r\nSTATUS:CONFIRMED\r\n"));
	/* Components balance. */
	g_assert_nonnull(strstr(u, "END:VEVENT\r\nEND:VCALENDAR\r\n"));
}

/* An autumn-week event (Monday 26 October 2026 09:00 CET = 08:00Z). */
static void test_event_after_autumn_change(void)
{
	g_autofree char *ics = render_at(utc(2026, 10, 26, 8, 0), "Europe/Berlin");
	g_autofree char *u = unfold(ics);
	g_assert_nonnull(strstr(u, "\r\nDTSTART;TZID=Europe/Berlin:20261026T090000\r\n"));
}

/* A slot in the hour that repeats on 31 October 2027 (02:30 CEST = 00:30Z, 30 minutes): its end,
 * 01:00Z = 02:00 CET, is the second 02:00 of that night and must not read as the first one
 * (00:00Z, before the start). Written in UTC; the start (first occurrence) stays local. */
static void test_slot_in_repeated_hour(void)
{
	bb_ics_event ev = { .uid = "appt-7@x", .tzid = "Europe/Berlin", .start = utc(2027, 10, 31, 0, 30),
		.end = utc(2027, 10, 31, 1, 0), .stamp = 0, .summary = "x" };
	g_autoptr(GError) err = NULL;
	g_autofree char *ics = bb_ics_render(&ev, &err);
	g_assert_no_error(err);
	g_autofree char *u = unfold(ics);
	g_assert_nonnull(strstr(u, "\r\nDTSTART;TZID=Europe/Berlin:20271031T023000\r\n"));
	g_assert_nonnull(strstr(u, "\r\nDTEND:20271031T010000Z\r\n"));
	/* a slot wholly in the second 02:xx: both in UTC */
	ev.start = utc(2027, 10, 31, 1, 10);
	ev.end = utc(2027, 10, 31, 1, 30);
	g_autofree char *ics2 = bb_ics_render(&ev, &err);
	g_autofree char *u2 = unfold(ics2);
	g_assert_nonnull(strstr(u2, "\r\nDTSTART:20271031T011000Z\r\n"));
	g_assert_nonnull(strstr(u2, "\r\nDTEND:20271031T013000Z\r\n"));
	/* the hour before the change is not affected */
	ev.start = utc(2027, 10, 30, 23, 0);
	ev.end = utc(2027, 10, 30, 23, 30);
	g_autofree char *ics3 = bb_ics_render(&ev, &err);
	g_autofree char *u3 = unfold(ics3);
	g_assert_nonnull(strstr(u3, "\r\nDTEND;TZID=Europe/Berlin:20271031T013000\r\n"));
}

/* A zone without DST has one STANDARD observance and nothing else. */
static void test_zone_without_dst(void)
{
	g_autofree char *ics = render_at(utc(2026, 6, 1, 6, 0), "Asia/Tokyo");
	g_autofree char *u = unfold(ics);
	g_assert_nonnull(strstr(u, "\r\nDTSTART;TZID=Asia/Tokyo:20260601T150000\r\n"));
	g_assert_nonnull(strstr(u, "TZOFFSETFROM:+0900\r\nTZOFFSETTO:+0900\r\n"));
	g_assert_null(strstr(u, "DAYLIGHT"));
}

static void test_cancelled(void)
{
	bb_ics_event ev = { .uid = "appt-1@x", .tzid = "Europe/Berlin", .start = utc(2026, 5, 4, 8, 0),
		.end = utc(2026, 5, 4, 8, 20), .stamp = 0, .sequence = 1, .cancelled = TRUE,
		.summary = "x" };
	g_autofree char *ics = bb_ics_render(&ev, NULL);
	g_assert_nonnull(strstr(ics, "\r\nMETHOD:CANCEL\r\n"));
	g_assert_nonnull(strstr(ics, "\r\nSTATUS:CANCELLED\r\n"));
	g_assert_nonnull(strstr(ics, "\r\nSEQUENCE:1\r\n"));
}

/* URL is a URI value: written as given when it is plain printable ASCII, left out otherwise (a
 * space or line break would break the line or smuggle in a property). */
static void test_url(void)
{
	bb_ics_event ev = { .uid = "appt-1@x", .tzid = "Europe/Berlin", .start = utc(2026, 5, 4, 8, 0),
		.end = utc(2026, 5, 4, 8, 20), .summary = "x",
		.url = "https://www.landkreis.example/buergerbuero/#checkin=ABCD-EFGH" };
	g_autofree char *ics = bb_ics_render(&ev, NULL);
	g_autofree char *u = unfold(ics);
	g_assert_nonnull(strstr(u, "\r\nURL:https://www.landkreis.example/buergerbuero/#checkin=ABCD-EFGH\r\n"));
	static const char *const bad[] = {"", "https://x/ y", "https://x/\r\nATTACH:evil", "https://x/\xc3\xa4"};
	for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
		ev.url = bad[i];
		g_autofree char *b = bb_ics_render(&ev, NULL);
		g_assert_null(strstr(b, "URL:"));
		g_assert_null(strstr(b, "ATTACH"));
	}
}

static void test_invalid(void)
{
	bb_ics_event ev = { .uid = "u", .tzid = "Mars/Olympus", .start = 10, .end = 20,
		.summary = "x" };
	g_autoptr(GError) err = NULL;
	g_assert_null(bb_ics_render(&ev, &err));
	g_assert_error(err, BB_ICS_ERROR, 2);
	ev.tzid = "Europe/Berlin;X=1";
	g_assert_null(bb_ics_render(&ev, NULL));
	ev.tzid = "Europe/Berlin";
	ev.end = 10;
	g_assert_null(bb_ics_render(&ev, NULL));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/ics/escape", test_escape);
	g_test_add_func("/ics/fold", test_fold);
	g_test_add_func("/ics/event_berlin", test_event_berlin);
	g_test_add_func("/ics/event_after_autumn_change", test_event_after_autumn_change);
	g_test_add_func("/ics/slot_in_repeated_hour", test_slot_in_repeated_hour);
	g_test_add_func("/ics/zone_without_dst", test_zone_without_dst);
	g_test_add_func("/ics/cancelled", test_cancelled);
	g_test_add_func("/ics/url", test_url);
	g_test_add_func("/ics/invalid", test_invalid);
	return g_test_run();
}
