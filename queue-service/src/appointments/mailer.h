/* mailer.h: optional e-mail (confirmation, reminder, cancellation) over SMTP with libcurl, the
 * appointment's .ics attached. Without smtp_url nothing is sent and nothing fails. Sending runs
 * on one worker thread so the event loop never waits for an SMTP server. */
#ifndef BB_MAILER_H
#define BB_MAILER_H

#include <glib.h>

typedef struct bb_mail {
	const char *to;           /* one address, already validated */
	const char *subject;      /* UTF-8 */
	const char *text;         /* UTF-8 plain-text body */
	const char *ics;          /* attachment (may be NULL) */
	const char *ics_method;   /* "PUBLISH" or "CANCEL" */
} bb_mail;

typedef struct bb_mailer bb_mailer;

/* smtp_url e.g. "smtp://127.0.0.1:2525" (empty or NULL: disabled); from: envelope and From.
 * Call from the main thread before other threads use libcurl. */
bb_mailer *bb_mailer_new(const char *smtp_url, const char *from);
/* Waits for the mail being sent (at most 30 s), drops queued ones (logged), then frees. */
void bb_mailer_free(bb_mailer *m);
gboolean bb_mailer_enabled(const bb_mailer *m);
/* Queues a copy of the mail; returns at once. A no-op when disabled or the input is unsafe. */
void bb_mailer_send(bb_mailer *m, const bb_mail *mail);
/* Mails handed to the SMTP server and failures since start (for logs and tests). */
guint bb_mailer_sent(const bb_mailer *m);
guint bb_mailer_failed(const bb_mailer *m);

/* The RFC 5322/MIME message (CRLF line ends); NULL when an address could inject headers.
 * Exposed for tests. g_free() it. */
char *bb_mail_compose(const char *from, const bb_mail *mail, gint64 now);

#endif
