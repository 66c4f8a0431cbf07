/* mailer.c: SMTP delivery of appointment mails via libcurl on a worker thread. */
#include "appointments/mailer.h"

#include "base/logging.h"
#include "base/secret.h"

#include <curl/curl.h>
#include <string.h>

#define SMTP_TIMEOUT_S 30
#define MAX_QUEUED 1000

struct bb_mailer {
	char *url, *from;
	GThreadPool *pool;
	gint sent, failed;        /* atomics: written by the worker, read by the loop */
};

typedef struct mail_job {
	bb_mailer *m;
	char *to;
	char *message;
} mail_job;

/* No CR, LF, angle brackets or spaces: an address goes into headers and SMTP commands as is. */
static gboolean address_safe(const char *a)
{
	if (a == NULL || *a == '\0' || strlen(a) > 254 || strchr(a, '@') == NULL)
		return FALSE;
	for (const char *p = a; *p; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || strchr("<>\"(),;:\\[]", *p) != NULL)
			return FALSE;
	return TRUE;
}

/* Base64 wrapped at 76 characters (RFC 2045), CRLF line ends. */
static void append_base64(GString *out, const char *data)
{
	g_autofree char *b = g_base64_encode((const guchar *)data, strlen(data));
	size_t n = strlen(b);
	for (size_t i = 0; i < n; i += 76) {
		g_string_append_len(out, b + i, (gssize)MIN(76, n - i));
		g_string_append(out, "\r\n");
	}
}

/* A header value that may hold non-ASCII text: one RFC 2047 encoded-word per 45 input bytes,
 * split only between UTF-8 characters. */
static void append_encoded_header(GString *out, const char *name, const char *value)
{
	g_string_append_printf(out, "%s:", name);
	const char *p = value;
	while (*p) {
		size_t take = 0;
		while (p[take] && take < 45) {
			const char *next = g_utf8_next_char(p + take);
			if ((size_t)(next - p) > 45 && take > 0)
				break;
			take = (size_t)(next - p);
		}
		g_autofree char *b = g_base64_encode((const guchar *)p, take);
		g_string_append_printf(out, " =?UTF-8?B?%s?=\r\n", b);
		p += take;
	}
	if (*value == '\0')
		g_string_append(out, "\r\n");
}

char *bb_mail_compose(const char *from, const bb_mail *mail, gint64 now)
{
	if (!address_safe(from) || mail == NULL || !address_safe(mail->to) || mail->subject == NULL
	    || mail->text == NULL || !g_utf8_validate(mail->subject, -1, NULL)
	    || !g_utf8_validate(mail->text, -1, NULL))
		return NULL;
	const char *method = mail->ics_method && strcmp(mail->ics_method, "CANCEL") == 0
	                     ? "CANCEL" : "PUBLISH";
	guint8 rnd[12];
	if (!bb_random_bytes(rnd, sizeof rnd))
		return NULL;
	g_autofree char *boundary = g_compute_checksum_for_data(G_CHECKSUM_SHA1, rnd, 6);
	g_autofree char *msgid = g_compute_checksum_for_data(G_CHECKSUM_SHA1, rnd + 6, 6);
	g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc(now);
	g_autofree char *date = g_date_time_format(dt, "%a, %d %b %Y %H:%M:%S +0000");
	const char *domain = strchr(from, '@') + 1;
	GString *o = g_string_new(NULL);
	g_string_append_printf(o, "From: <%s>\r\nTo: <%s>\r\n", from, mail->to);
	append_encoded_header(o, "Subject", mail->subject);
	g_string_append_printf(o, "Date: %s\r\nMessage-ID: <%s@%s>\r\nMIME-Version: 1.0\r\n"
		"Auto-Submitted: auto-generated\r\n", date, msgid, domain);
	g_string_append_printf(o, "Content-Type: multipart/mixed; boundary=\"bb-%s\"\r\n\r\n", boundary);
	g_string_append_printf(o, "--bb-%s\r\nContent-Type: text/plain; charset=UTF-8\r\n"
		"Content-Transfer-Encoding: base64\r\n\r\n", boundary);
	append_base64(o, mail->text);
	if (mail->ics != NULL) {
		g_string_append_printf(o, "--bb-%s\r\nContent-Type: text/calendar; charset=UTF-8; "
			"method=%s; name=\"termin.ics\"\r\nContent-Disposition: attachment; "
			"filename=\"termin.ics\"\r\nContent-Transfer-Encoding: base64\r\n\r\n", boundary, method);
		append_base64(o, mail->ics);
	}
	g_string_append_printf(o, "--bb-%s--\r\n", boundary);
	return g_string_free(o, FALSE);
}

typedef struct upload {
	const char *data;
	size_t len, pos;
} upload;

static size_t read_cb(char *buf, size_t size, size_t nitems, void *user)
{
	upload *u = user;
	size_t n = MIN(size * nitems, u->len - u->pos);
	memcpy(buf, u->data + u->pos, n);
	u->pos += n;
	return n;
}

/* Runs on the worker thread: one SMTP transaction per mail. Logs never name the recipient. */
static void deliver(gpointer data, gpointer user)
{
	mail_job *j = data;
	CURL *c = curl_easy_init();
	CURLcode rc = CURLE_FAILED_INIT;
	if (c != NULL) {
		g_autofree char *from = g_strdup_printf("<%s>", j->m->from);
		g_autofree char *to = g_strdup_printf("<%s>", j->to);
		struct curl_slist *rcpt = curl_slist_append(NULL, to);
		upload u = { j->message, strlen(j->message), 0 };
		curl_easy_setopt(c, CURLOPT_URL, j->m->url);
		curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
		curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
		curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
		curl_easy_setopt(c, CURLOPT_READDATA, &u);
		curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)SMTP_TIMEOUT_S);
		curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
		curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
		rc = curl_easy_perform(c);
		curl_slist_free_all(rcpt);
		curl_easy_cleanup(c);
	}
	if (rc == CURLE_OK) {
		g_atomic_int_inc(&j->m->sent);
		bb_debug("mailer", "mail delivered to the SMTP server");
	} else {
		g_atomic_int_inc(&j->m->failed);
		bb_warn("mailer", "mail not delivered: %s", curl_easy_strerror(rc));
	}
	g_free(j->to);
	g_free(j->message);
	g_free(j);
}

bb_mailer *bb_mailer_new(const char *smtp_url, const char *from)
{
	bb_mailer *m = g_new0(bb_mailer, 1);
	if (smtp_url == NULL || *smtp_url == '\0')
		return m;
	if (!address_safe(from)) {
		bb_warn("mailer", "smtp_from is not a plain address; e-mail disabled");
		return m;
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		bb_warn("mailer", "libcurl init failed; e-mail disabled");
		return m;
	}
	m->url = g_strdup(smtp_url);
	m->from = g_strdup(from);
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

void bb_mailer_send(bb_mailer *m, const bb_mail *mail)
{
	if (!bb_mailer_enabled(m))
		return;
	if (g_thread_pool_unprocessed(m->pool) >= MAX_QUEUED) {
		bb_warn("mailer", "mail queue full; mail dropped");
		return;
	}
	char *msg = bb_mail_compose(m->from, mail, g_get_real_time() / G_USEC_PER_SEC);
	if (msg == NULL) {
		bb_warn("mailer", "mail refused: unsafe address or text");
		return;
	}
	mail_job *j = g_new0(mail_job, 1);
	j->m = m;
	j->to = g_strdup(mail->to);
	j->message = msg;
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
