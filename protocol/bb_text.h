/* bb_text.h: the one rule for text from clients, shared by the Janus plugin and the queue service:
 * valid UTF-8, no control characters, at most N characters (code points, not bytes). The widget
 * applies the same rule (checkText in web-client/widget/protocol.js); protocol/text-cases.json
 * holds the cases both are tested against. */
#ifndef BB_TEXT_H
#define BB_TEXT_H

#include <stddef.h>

typedef enum bb_text_result {
	BB_TEXT_OK = 0,
	BB_TEXT_INVALID,      /* not UTF-8, or a control character (C0, DEL, C1) */
	BB_TEXT_TOO_LONG,     /* more than max_chars characters */
} bb_text_result;

/* Line breaks (CR, LF) and tabs are allowed (concern, chat); otherwise they count as control. */
#define BB_TEXT_MULTILINE 1u

/* Checks len bytes at s (NUL bytes inside count as control characters). max_chars < 0: no limit.
 * *chars, if given, receives the number of characters of valid text. */
bb_text_result bb_text_check(const char *s, size_t len, int max_chars, unsigned flags, size_t *chars);

#endif
