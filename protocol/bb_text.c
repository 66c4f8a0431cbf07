/* bb_text.c: validation of client text (UTF-8, control characters, length in characters). */
#include "bb_text.h"

#include <glib.h>

/* Why by hand around g_utf8_validate_len: GLib checks the encoding, but the length rule must count
 * code points and refuse C0/C1 controls (an ESC or a BIDI-less NUL in a name ends up in clerk
 * consoles, logs and e-mails), with line breaks only where a field is multi-line. */
bb_text_result bb_text_check(const char *s, size_t len, int max_chars, unsigned flags, size_t *chars)
{
	if (chars)
		*chars = 0;
	if (!s)
		return len == 0 ? BB_TEXT_OK : BB_TEXT_INVALID;
	if (!g_utf8_validate_len(s, len, NULL))
		return BB_TEXT_INVALID;
	size_t n = 0;
	const char *p = s, *end = s + len;
	while (p < end) {
		gunichar c = g_utf8_get_char(p);
		gboolean space = c == '\t' || c == '\n' || c == '\r';
		if ((c < 0x20 || (c >= 0x7f && c <= 0x9f)) && !(space && (flags & BB_TEXT_MULTILINE)))
			return BB_TEXT_INVALID;
		n++;
		p = g_utf8_next_char(p);
	}
	if (chars)
		*chars = n;
	if (max_chars >= 0 && n > (size_t)max_chars)
		return BB_TEXT_TOO_LONG;
	return BB_TEXT_OK;
}
