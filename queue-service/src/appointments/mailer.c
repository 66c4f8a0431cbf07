/* mailer.c: SMTP delivery of appointment mails via libcurl (curl_mime) on a worker thread. */
#include "appointments/mailer.h"

#include "base/logging.h"
#include "base/secret.h"
#include "domain/mailaddr.h"

#include <curl/curl.h>
#include <string.h>

#define SMTP_TIMEOUT_S 30
#define MAX_QUEUED 1000
#define ENCODED_WORD_INPUT 45   /* bytes per encoded-word: 60 base64 chars, within RFC 2047's 75 */

struct bb_mailer {
	char *url, *from;         /* from: ASCII form */
	GThreadPool *pool;
	gint sent, failed;        /* atomics: written by the worker, read by the loop */
};

/* Everything the worker needs, copied on the loop: the worker owns it. */
typedef struct mail_job {
	bb_mailer *m;
	char *to;                 /* ASCII form */
	char *to_header;          /* To: value, name encoded */
	char *subject;            /* encoded */
	char *text;               /* CRLF line ends */
	char *ics;                /* or NULL */
	const char *ics_method;   /* static */
	gint64 now;
} mail_job;

static void mail_job_free(mail_job *j)
{
	g_free(j->to);
	g_free(j->to_header);
	g_free(j->subject);
	g_free(j->text);
	g_free(j->ics);
	g_free(j);
}

/* ---- header fields ----------------------------------------------------------------------- */

/* Whether the value can stand in the header as it is: printable ASCII, no "=?" that a reader
 * would take for an encoded-word, and in a phrase (a display name) none of RFC 5322's specials
 * (a name with quotes or parentheses would need quoting rules; encoding it is simpler and always
 * right). */
static gboolean plain_ascii(const char *s, gboolean phrase)
{
	if (strstr(s, "=?"))
		return FALSE;
	for (const char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e || (phrase && strchr("\"()<>@,;:\\[].", *p)))
			return FALSE;
	return TRUE;
}

char *bb_mail_encode_header(const char *value, gboolean phrase)
{
	if (plain_ascii(value, phrase))
		return g_strdup(value);
	GString *out = g_string_new(NULL);
	const char *p = value;
	while (*p) {
		size_t take = 0;
		while (p[take]) {
			size_t next = (size_t)(g_utf8_next_char(p + take) - p);
			if (next > ENCODED_WORD_INPUT && take > 0)
				break;
			take = next;
		}
		g_autofree char *b = g_base64_encode((const guchar *)p, take);
		g_string_append_printf(out, "%s=?UTF-8?B?%s?=", out->len ? "\r\n " : "", b);
		p += take;
	}
	return g_string_free(out, FALSE);
}

char *bb_mail_date(gint64 unix_s)
{
	static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
	static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
		"Sep", "Oct", "Nov", "Dec"};
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(unix_s);
	return g_strdup_printf("%s, %02d %s %04d %02d:%02d:%02d +0000",
		days[g_date_time_get_day_of_week(dt) - 1], g_date_time_get_day_of_month(dt),
		months[g_date_time_get_month(dt) - 1], g_date_time_get_year(dt), g_date_time_get_hour(dt),
		g_date_time_get_minute(dt), g_date_time_get_second(dt));
}

/* '\n' (and a stray '\r') become CRLF: MIME text has CRLF line ends, and curl's quoted-printable
 * encoder keeps only CRLF as a line break. */
static char *crlf(const char *s)
{
	GString *out = g_string_sized_new(strlen(s) + 32);
	for (const char *p = s; *p; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n')
			g_string_append(out, "\r\n");
		else
			g_string_append_c(out, *p);
	}
	return g_string_free(out, FALSE);
}

/* ---- delivery (worker thread) ------------------------------------------------------------ */

/* The header fields of the message (curl adds Mime-Version and the multipart Content-Type). */
static struct curl_slist *message_headers(const mail_job *j, const char *from)
{
	guint8 rnd[12];
	if (!bb_random_bytes(rnd, sizeof rnd))
		return NULL;
	g_autofree char *msgid = g_compute_checksum_for_data(G_CHECKSUM_SHA1, rnd, sizeof rnd);
	g_autofree char *date = bb_mail_date(j->now);
	const char *domain = strchr(from, '@') + 1;
	g_autofree char *h_from = g_strdup_printf("From: <%s>", from);
	g_autofree char *h_to = g_strdup_printf("To: %s", j->to_header);
	g_autofree char *h_subject = g_strdup_printf("Subject: %s", j->subject);
	g_autofree char *h_date = g_strdup_printf("Date: %s", date);
	g_autofree char *h_id = g_strdup_printf("Message-ID: <%s@%s>", msgid, domain);
	const char *const fields[] = {h_from, h_to, h_subject, h_date, h_id, "Auto-Submitted: auto-generated", NULL};
	struct curl_slist *list = NULL;
	for (int i = 0; fields[i]; i++)
		list = curl_slist_append(list, fields[i]);
	return list;
}

/* multipart/mixed: the text, then the calendar file as an attachment. */
static curl_mime *message_body(CURL *c, const mail_job *j)
{
	curl_mime *mime = curl_mime_init(c);
	curl_mimepart *text = curl_mime_addpart(mime);
	curl_mime_data(text, j->text, CURL_ZERO_TERMINATED);
	curl_mime_type(text, "text/plain; charset=UTF-8");
	curl_mime_encoder(text, "quoted-printable");
	if (j->ics) {
		g_autofree char *type = g_strdup_printf("text/calendar; charset=UTF-8; method=%s; name=\"termin.ics\"",
			j->ics_method);
		curl_mimepart *cal = curl_mime_addpart(mime);
		curl_mime_data(cal, j->ics, CURL_ZERO_TERMINATED);
		curl_mime_type(cal, type);
		curl_mime_filename(cal, "termin.ics");   /* Content-Disposition: attachment */
		curl_mime_encoder(cal, "base64");
	}
	return mime;
}

/* Runs on the worker thread: one SMTP transaction per mail. Logs never name the recipient. */
static void deliver(gpointer data, gpointer user)
{
	mail_job *j = data;
	CURL *c = curl_easy_init();
	CURLcode rc = CURLE_FAILED_INIT;
	struct curl_slist *headers = c ? message_headers(j, j->m->from) : NULL;
	if (c && headers) {
		g_autofree char *from = g_strdup_printf("<%s>", j->m->from);
		g_autofree char *to = g_strdup_printf("<%s>", j->to);
		struct curl_slist *rcpt = curl_slist_append(NULL, to);
		curl_mime *mime = message_body(c, j);
		curl_easy_setopt(c, CURLOPT_URL, j->m->url);
		curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
		curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
		curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt(c, CURLOPT_MIMEPOST, mime);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)SMTP_TIMEOUT_S);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		rc = curl_easy_perform(c);
		curl_mime_free(mime);
		curl_slist_free_all(rcpt);
	}
	curl_slist_free_all(headers);
	if (c)
		curl_easy_cleanup(c);
	if (rc == CURLE_OK) {
		g_atomic_int_inc(&j->m->sent);
		bb_debug("mailer", "mail delivered to the SMTP server");
	} else {
		g_atomic_int_inc(&j->m->failed);
		bb_warn("mailer", "mail not delivered: %s", curl_easy_strerror(rc));
	}
	mail_job_free(j);
}

/* ---- the loop's side --------------------------------------------------------------------- */

bb_mailer *bb_mailer_new(const char *smtp_url, const char *from)
{
	bb_mailer *m = g_new0(bb_mailer, 1);
	if (smtp_url == NULL || *smtp_url == '\0')
		return m;
	g_autofree char *from_ascii = bb_mailaddr_to_ascii(from);
	if (!from_ascii) {
		bb_warn("mailer", "smtp_from is not a plain address; e-mail disabled");
		return m;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		bb_warn("mailer", "libcurl init failed; e-mail disabled");
		return m;
	}
	m->url = g_strdup(smtp_url);
	m->from = g_steal_pointer(&from_ascii);
	m->pool = g_thread_pool_new(deliver, m, 1, FALSE, NULL);
	return m;
}

void bb_mailer_free(bb_mailer *m)
{
	if (m == NULL)
		return;
	if (m->pool != NULL) {
		/* Mails not started yet are dropped (best effort, logged): a dead SMTP server must not
		 * hold up shutdown for every queued mail's timeout. */
		guint dropped = g_thread_pool_unprocessed(m->pool);
		if (dropped > 0)
			bb_warn("mailer", "shutdown: %u queued mails dropped", dropped);
		g_thread_pool_free(m->pool, TRUE, TRUE);
		curl_global_cleanup();
	}
	g_free(m->url);
	g_free(m->from);
	g_free(m);
}

gboolean bb_mailer_enabled(const bb_mailer *m)
{
	return m != NULL && m->pool != NULL;
}

/* The To field: the citizen's name (encoded where it needs it) and the ASCII address. */
static char *to_header(const char *name, const char *ascii)
{
	if (!name || !*name)
		return g_strdup_printf("<%s>", ascii);
	g_autofree char *enc = bb_mail_encode_header(name, TRUE);
	return g_strdup_printf("%s <%s>", enc, ascii);
}

void bb_mailer_send(bb_mailer *m, const bb_mail *mail)
{
	if (!bb_mailer_enabled(m))
		return;
	if (g_thread_pool_unprocessed(m->pool) >= MAX_QUEUED) {
		bb_warn("mailer", "mail queue full; mail dropped");
		return;
	}
	g_autofree char *to = mail ? bb_mailaddr_to_ascii(mail->to) : NULL;
	if (!to || !mail->subject || !mail->text || !g_utf8_validate(mail->subject, -1, NULL)
	    || !g_utf8_validate(mail->text, -1, NULL) || (mail->to_name && !g_utf8_validate(mail->to_name, -1, NULL))
	    || (mail->ics && !g_utf8_validate(mail->ics, -1, NULL))) {
		bb_warn("mailer", "mail refused: unsafe address or text");
		return;
	}
	mail_job *j = g_new0(mail_job, 1);
	j->m = m;
	j->to_header = to_header(mail->to_name, to);
	j->to = g_steal_pointer(&to);
	j->subject = bb_mail_encode_header(mail->subject, FALSE);
	j->text = crlf(mail->text);
	j->ics = g_strdup(mail->ics);
	j->ics_method = mail->ics_method && strcmp(mail->ics_method, "CANCEL") == 0 ? "CANCEL" : "PUBLISH";
	j->now = g_get_real_time() / G_USEC_PER_SEC;
	g_thread_pool_push(m->pool, j, NULL);
}

guint bb_mailer_sent(const bb_mailer *m)
{
	return m ? (guint)g_atomic_int_get(&m->sent) : 0;
}

guint bb_mailer_failed(const bb_mailer *m)
{
	return m ? (guint)g_atomic_int_get(&m->failed) : 0;
}
