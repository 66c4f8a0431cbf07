/* test_mailer.c: the header fields the mailer makes itself (appointments/mailer.c): RFC 2047
 * encoded-words for non-ASCII names and subjects, and an RFC 5322 date independent of the locale.
 * The whole message (curl_mime) is checked as received by an SMTP server in
 * tests/integration/appointments_checkin.test.mjs. */
#include "appointments/mailer.h"

#include <locale.h>
#include <string.h>

/* Decodes a header value made of encoded-words back to UTF-8, checking each word's shape. */
static char *decode_words(const char *value)
{
	GString *out = g_string_new(NULL);
	g_auto(GStrv) lines = g_strsplit(value, "\r\n ", -1);
	for (int i = 0; lines[i]; i++) {
		const char *w = lines[i];
		g_assert_true(g_str_has_prefix(w, "=?UTF-8?B?") && g_str_has_suffix(w, "?="));
		g_assert_cmpuint(strlen(w), <=, 75);
		g_autofree char *b64 = g_strndup(w + 10, strlen(w) - 12);
		gsize n;
		g_autofree guchar *raw = g_base64_decode(b64, &n);
		g_assert_true(g_utf8_validate((const char *)raw, (gssize)n, NULL));   /* never split inside a character */
		g_string_append_len(out, (const char *)raw, (gssize)n);
	}
	return g_string_free(out, FALSE);
}

static void test_encode_header(void)
{
	/* {value, as a phrase (display name)}: encoded either way */
	static const struct { const char *v; gboolean phrase; } encoded[] = {
		{"Эрика Петрова", TRUE}, {"Terminbestätigung / Appointment confirmed: Kfz-Zulassungsstelle, 2026-11-25 09:00", FALSE},
		{"ä", FALSE}, {"Erika \"Eri\" Muster", TRUE}, {"Name (Firma)", TRUE}, {"Muster, Erika", TRUE}, {"Dr. Muster", TRUE},
		{"a=?b?=c", FALSE}, {"tab\there", FALSE}, {"😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀😀", FALSE},
		{"ЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖЖ", FALSE},
	};
	for (guint i = 0; i < G_N_ELEMENTS(encoded); i++) {
		g_autofree char *v = bb_mail_encode_header(encoded[i].v, encoded[i].phrase);
		for (const char *p = v; *p; p++)
			g_assert_true((unsigned char)*p < 0x80);
		g_autofree char *back = decode_words(v);
		g_assert_cmpstr(back, ==, encoded[i].v);
	}
	static const struct { const char *v; gboolean phrase; } plain[] = {
		{"Erika Muster", TRUE}, {"Reminder: Kfz, 2026-11-25 09:00", FALSE}, {"", TRUE}, {"Name (Firma)", FALSE},
	};
	for (guint i = 0; i < G_N_ELEMENTS(plain); i++) {
		g_autofree char *v = bb_mail_encode_header(plain[i].v, plain[i].phrase);
		g_assert_cmpstr(v, ==, plain[i].v);
	}
}

static void test_date(void)
{
	setlocale(LC_ALL, "de_DE.UTF-8");   /* if installed: month and day names must not follow it */
	g_autofree char *d = bb_mail_date(1795597262);   /* 2026-11-25T09:01:02Z, a Wednesday */
	g_assert_cmpstr(d, ==, "Wed, 25 Nov 2026 09:01:02 +0000");
	g_autofree char *e = bb_mail_date(0);
	g_assert_cmpstr(e, ==, "Thu, 01 Jan 1970 00:00:00 +0000");
	setlocale(LC_ALL, "C");
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/mailer/encode_header", test_encode_header);
	g_test_add_func("/mailer/date", test_date);
	return g_test_run();
}
