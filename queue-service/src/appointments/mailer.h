/* mailer.h: optional e-mail (confirmation, reminder, cancellation) over SMTP with libcurl, the
 * appointment's .ics attached. Without smtp_url nothing is sent and nothing fails. Sending runs
 * on one worker thread so the event loop never waits for an SMTP server.
 *
 * The message is built by libcurl's MIME API (curl_mime: multipart/mixed, a quoted-printable
 * text/plain part, a base64 text/calendar attachment); the header fields that may hold non-ASCII
 * text (Subject, the recipient's name in To) are RFC 2047 encoded-words made here, which libcurl
 * does not make. Recipients with an internationalised domain get the mail at the domain's IDNA
 * ASCII form (domain/mailaddr.h), in the envelope and in To. */
#ifndef BB_MAILER_H
#define BB_MAILER_H

#include <glib.h>

typedef struct bb_mail {
	const char *to;           /* one address as the citizen typed it (UTF-8 domain allowed) */
	const char *to_name;      /* the citizen's name for To (UTF-8), or NULL */
	const char *subject;      /* UTF-8 */
	const char *text;         /* UTF-8 plain-text body, '\n' line ends */
	const char *ics;          /* attachment (may be NULL) */
	const char *ics_method;   /* "PUBLISH" or "CANCEL" */
} bb_mail;

typedef struct bb_mailer bb_mailer;

/* smtp_url e.g. "smtp://127.0.0.1:2525" (empty or NULL: disabled); from: envelope and From (an
 * internationalised domain is sent in its ASCII form). Call from the main thread before other
 * threads use libcurl. */
bb_mailer *bb_mailer_new(const char *smtp_url, const char *from);
/* Waits for the mail being sent (at most 30 s), drops queued ones (logged), then frees. */
void bb_mailer_free(bb_mailer *m);
gboolean bb_mailer_enabled(const bb_mailer *m);
/* Queues a copy of the mail; returns at once. A no-op when disabled or the input is unsafe
 * (an address that is none, text that is no UTF-8). */
void bb_mailer_send(bb_mailer *m, const bb_mail *mail);
/* Mails handed to the SMTP server and failures since start (for logs and tests). */
guint bb_mailer_sent(const bb_mailer *m);
guint bb_mailer_failed(const bb_mailer *m);

/* A header value as RFC 2047 encoded-words (UTF-8, base64) where it needs them: plain printable
 * ASCII stays as it is (for a phrase, i.e. a display name: also without RFC 5322 specials),
 * anything else becomes encoded-words of at most 45 input bytes, split between UTF-8 characters
 * and folded onto continuation lines. Exposed for tests. */
char *bb_mail_encode_header(const char *value, gboolean phrase);
/* RFC 5322 date of a unix time in UTC ("Wed, 25 Nov 2026 09:01:02 +0000"), in English whatever
 * the locale. Exposed for tests. */
char *bb_mail_date(gint64 unix_s);

#endif
