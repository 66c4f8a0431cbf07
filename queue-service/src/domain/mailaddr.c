/* mailaddr.c: e-mail address check and IDNA conversion of the domain (libidn2). */
#include "domain/mailaddr.h"

#include <idn2.h>
#include <string.h>

#define LOCAL_MAX 64
#define LABEL_MAX 63
#define DOMAIN_MAX 253

/* Deliberately plain: what people type into a form, and nothing a mail header or an SMTP command
 * could misread (no quotes, spaces, angle brackets, CR/LF). */
static gboolean local_part_ok(const char *p, size_t n)
{
	if (n == 0 || n > LOCAL_MAX || p[0] == '.' || p[n - 1] == '.')
		return FALSE;
	for (size_t i = 0; i < n; i++) {
		if (!g_ascii_isalnum(p[i]) && !strchr(".!#$%&'*+/=?^_`{|}~-", p[i]))
			return FALSE;
		if (p[i] == '.' && p[i + 1] == '.')
			return FALSE;
	}
	return TRUE;
}

/* The ASCII domain: at least two labels of 1..63 letters, digits and hyphens, no hyphen at a
 * label's ends (libidn2 leaves ASCII labels such as "a_b" or an empty label to us). */
static gboolean ascii_domain_ok(const char *d)
{
	size_t n = strlen(d);
	if (n < 3 || n > DOMAIN_MAX)
		return FALSE;
	g_auto(GStrv) labels = g_strsplit(d, ".", -1);
	if (g_strv_length(labels) < 2)
		return FALSE;
	for (int i = 0; labels[i]; i++) {
		const char *l = labels[i];
		size_t ln = strlen(l);
		if (ln == 0 || ln > LABEL_MAX || l[0] == '-' || l[ln - 1] == '-')
			return FALSE;
		for (size_t j = 0; j < ln; j++)
			if (!g_ascii_isalnum(l[j]) && l[j] != '-')
				return FALSE;
	}
	return TRUE;
}

char *bb_mailaddr_to_ascii(const char *addr)
{
	if (!addr || !g_utf8_validate(addr, -1, NULL))
		return NULL;
	const char *at = strchr(addr, '@');
	if (!at || strchr(at + 1, '@') || !local_part_ok(addr, (size_t)(at - addr)))
		return NULL;
	char *ascii = NULL;
	/* NFC first (a decomposed ü typed on some systems), then UTS #46 mapping (case folding, ß
	 * kept as in IDNA2008) and the IDNA2008 rules. */
	if (idn2_to_ascii_8z(at + 1, &ascii, IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) != IDN2_OK)
		return NULL;
	char *out = NULL;
	if (ascii_domain_ok(ascii))
		out = g_strdup_printf("%.*s@%s", (int)(at - addr), addr, ascii);
	idn2_free(ascii);
	if (out && strlen(out) > BB_MAILADDR_MAX)
		g_clear_pointer(&out, g_free);
	return out;
}

gboolean bb_mailaddr_valid(const char *addr)
{
	g_autofree char *ascii = bb_mailaddr_to_ascii(addr);
	return ascii != NULL;
}
