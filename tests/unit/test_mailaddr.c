/* test_mailaddr.c: e-mail addresses (domain/mailaddr.c): what is accepted, and the IDNA ASCII form
 * of internationalised domains (libidn2) that mail is sent to. */
#include "domain/mailaddr.h"

#include <string.h>

typedef struct addr_case {
	const char *addr;
	const char *ascii;   /* NULL: refused */
} addr_case;

static const addr_case cases[] = {
	{"erika@example.org", "erika@example.org"},
	{"Erika.Muster+termin@Example.ORG", "Erika.Muster+termin@example.org"},   /* local part keeps its case */
	{"erika@müller-bau.de", "erika@xn--mller-bau-q9a.de"},
	{"erika@MÜLLER-BAU.DE", "erika@xn--mller-bau-q9a.de"},                    /* UTS #46 case folding */
	{"erika@mu\xcc\x88ller-bau.de", "erika@xn--mller-bau-q9a.de"},             /* decomposed ü: NFC first */
	{"erika@xn--mller-bau-q9a.de", "erika@xn--mller-bau-q9a.de"},             /* already ASCII */
	{"ivan@пример.рф", "ivan@xn--e1afmkfd.xn--p1ai"},
	{"hans@straße.de", "hans@xn--strae-oqa.de"},                              /* non-transitional: ß stays */
	{"o'brien@example.ie", "o'brien@example.ie"},
	{"a@b.de", "a@b.de"},
	/* refused */
	{"эрика@example.org", NULL},              /* non-ASCII local part (would need SMTPUTF8) */
	{"erika@☃.net", NULL},                    /* IDNA2008 disallows symbols */
	{"erika@-müller.de", NULL},
	{"erika@müller..de", NULL},
	{"erika@müller-bau.de.", NULL},
	{"erika@example", NULL},                  /* one label */
	{"erika@exa_mple.org", NULL},
	{"erika@xn--zz.de", NULL},                /* broken punycode */
	{"erika", NULL}, {"@example.org", NULL}, {"erika@", NULL}, {"a@b@example.org", NULL},
	{".erika@example.org", NULL}, {"erika.@example.org", NULL}, {"eri..ka@example.org", NULL},
	{"erika muster@example.org", NULL}, {"<erika@example.org>", NULL}, {"erika@example.org\r\nBcc: x@y.z", NULL},
	{"\"erika\"@example.org", NULL}, {"erika@[192.0.2.1]", NULL}, {"", NULL}, {NULL, NULL},
	{"erika@ex\xff.org", NULL},               /* no UTF-8 */
};

static void test_cases(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		/* escaped: some cases hold invalid UTF-8, which would break meson's TAP reader */
		g_autofree char *shown = cases[i].addr ? g_strescape(cases[i].addr, NULL) : g_strdup("(null)");
		g_test_message("case %u: %s", i, shown);
		g_autofree char *ascii = bb_mailaddr_to_ascii(cases[i].addr);
		g_assert_cmpstr(ascii, ==, cases[i].ascii);
		g_assert_true(bb_mailaddr_valid(cases[i].addr) == (cases[i].ascii != NULL));
	}
}

/* Length limits: 64 octets of local part, 63 per label, 254 in all. */
static void test_lengths(void)
{
	g_autofree char *local64 = g_strnfill(64, 'a'), *local65 = g_strnfill(65, 'a');
	g_autofree char *label63 = g_strnfill(63, 'b'), *label64 = g_strnfill(64, 'b');
	g_autofree char *ok1 = g_strdup_printf("%s@example.org", local64);
	g_autofree char *bad1 = g_strdup_printf("%s@example.org", local65);
	g_autofree char *ok2 = g_strdup_printf("x@%s.de", label63);
	g_autofree char *bad2 = g_strdup_printf("x@%s.de", label64);
	g_autofree char *bad3 = g_strdup_printf("%s@%s.%s.%s.%s.de", local64, label63, label63, label63, label63);
	g_assert_true(bb_mailaddr_valid(ok1));
	g_assert_false(bb_mailaddr_valid(bad1));
	g_assert_true(bb_mailaddr_valid(ok2));
	g_assert_false(bb_mailaddr_valid(bad2));
	g_assert_false(bb_mailaddr_valid(bad3));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/mailaddr/cases", test_cases);
	g_test_add_func("/mailaddr/lengths", test_lengths);
	return g_test_run();
}
