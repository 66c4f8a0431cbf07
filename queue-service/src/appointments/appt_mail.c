/* appt_mail.c: the appointment's calendar file and the mails about it (confirmation,
 * cancellation, reminder), handed to mailer.c. */
#include "appointments/appt_internal.h"
#include "appointments/appointments.h"
#include "appointments/appt_texts.h"

#include "base/jsonutil.h"
#include "base/logging.h"
#include "domain/ics.h"

#include <string.h>

#define REMINDERS_PER_RUN 20

/* The office's name as the texts of this language show it: the English one in English, else the
 * German one, which is its official name (as the widget shows it, web-client/widget/format.js). */
static const char *office_name(const bb_office *o, const bb__appt_texts *tx)
{
	return tx->office_en && o->name_en && *o->name_en ? o->name_en : o->name_de;
}

/* A video appointment: the calendar entry says so in its title and location (nobody should set
 * off for the building) and links to the check-in page (checkin_url) with the code in the
 * fragment, which browsers never send to a server. code NULL (reminders: the code is stored only
 * hashed): the text points to the confirmation and the link carries no code. The texts are in
 * the language of the booking (German when it has none). */
char *bb__appt_render_ics(bb_app *app, const PGresult *r, const char *code)
{
	bb_office *o = bb_office_get(app, PQgetvalue(r, 0, BB__AC_OFFICE));
	if (!o)
		return NULL;
	const bb__appt_texts *tx = bb__appt_texts_for(bb_db_str(r, 0, BB__AC_LANG));
	const char *office = office_name(o, tx);
	g_autofree char *uid = g_strdup_printf("appointment-%s-%s@buergerbuero",
		PQgetvalue(r, 0, BB__AC_ID), PQgetvalue(r, 0, BB__AC_CREATED));
	g_autofree char *summary = bb__appt_fill(tx->ics_summary, "office", office, NULL);
	g_autofree char *location = bb__appt_fill(tx->ics_location, "office", office, NULL);
	const char *page = app->cfg.checkin_url;
	g_autofree char *url = !*page ? NULL : code ? g_strdup_printf("%s#checkin=%s", page, code) : g_strdup(page);
	g_autofree char *before = g_strdup_printf("%d", app->cfg.checkin_before_s / 60);
	g_autofree char *after = g_strdup_printf("%d", app->cfg.checkin_after_s / 60);
	g_autofree char *link = url ? g_strdup_printf(":\n%s", url) : g_strdup(".");
	g_autofree char *desc = bb__appt_fill(tx->ics_description, "office", office,
		"code", code ? code : tx->code_unknown, "before", before, "after", after, "link", link, NULL);
	bb_ics_event ev = {
		.uid = uid, .tzid = o->timezone, .start = bb_db_int(r, 0, BB__AC_START),
		.end = bb_db_int(r, 0, BB__AC_END), .stamp = bb__appt_now(),
		.sequence = (int)bb_db_int(r, 0, BB__AC_SEQ),
		.cancelled = strcmp(PQgetvalue(r, 0, BB__AC_STATE), "cancelled") == 0,
		.summary = summary, .description = desc, .location = location, .url = url,
	};
	g_autoptr(GError) e = NULL;
	char *ics = bb_ics_render(&ev, &e);
	if (!ics)
		bb_warn("appointments", "ics for office=%s failed: %s", o->id, e->message);
	return ics;
}

/* The subject and body templates of a mail kind; FALSE for an unknown kind. */
static gboolean mail_templates(const bb__appt_texts *tx, const char *kind, const char **subject, const char **body)
{
	if (strcmp(kind, "confirm") == 0) {
		*subject = tx->subject_confirm;
		*body = tx->body_confirm;
	} else if (strcmp(kind, "reminder") == 0) {
		*subject = tx->subject_reminder;
		*body = tx->body_reminder;
	} else if (strcmp(kind, "cancel") == 0) {
		*subject = tx->subject_cancel;
		*body = tx->body_cancel;
	} else {
		return FALSE;
	}
	return TRUE;
}

/* Mail to the contact when it is an e-mail address and SMTP is configured. kind: "confirm",
 * "reminder" or "cancel". The reminder has no code: it is stored only hashed. The citizen's name
 * (To and greeting) and address (footer) appear as they typed them; the mailer sends to the
 * address's ASCII form. Subject, text and .ics are in the language of the booking (German when
 * it has none); the mailer marks the text UTF-8 and encodes the subject. */
void bb__appt_send_mail(bb_app *app, const PGresult *r, const char *code, const char *kind)
{
	bb_mailer *mailer = app->appointments ? app->appointments->mailer : NULL;
	const char *contact = bb_db_str(r, 0, BB__AC_CONTACT);
	const char *name = bb_db_str(r, 0, BB__AC_NAME);
	bb_office *o = bb_office_get(app, PQgetvalue(r, 0, BB__AC_OFFICE));
	if (!bb_mailer_enabled(mailer) || !contact || !bb_appointment_contact_is_email(contact) || !o)
		return;
	const bb__appt_texts *tx = bb__appt_texts_for(bb_db_str(r, 0, BB__AC_LANG));
	const char *subject_tmpl, *body_tmpl;
	if (!mail_templates(tx, kind, &subject_tmpl, &body_tmpl))
		return;
	g_autoptr(GTimeZone) tz = g_time_zone_new_identifier(o->timezone);
	if (!tz)
		return;
	char date[11], time[6];
	bb__appt_local_parts(tz, bb_db_int(r, 0, BB__AC_START), date, time);
	const char *office = office_name(o, tx);
	g_autofree char *before = g_strdup_printf("%d", app->cfg.checkin_before_s / 60);
	g_autofree char *after = g_strdup_printf("%d", app->cfg.checkin_after_s / 60);
	g_autofree char *ics = bb__appt_render_ics(app, r, code);
	g_autofree char *body = bb__appt_fill(body_tmpl, "office", office, "date", date, "time", time,
		"code", code ? code : tx->code_unknown, "before", before, "after", after, NULL);
	g_autofree char *subject = bb__appt_fill(subject_tmpl, "office", office, "date", date, "time", time, NULL);
	g_autofree char *greeting = name ? bb__appt_fill(tx->greeting, "name", name, NULL) : g_strdup("");
	g_autofree char *footer = bb__appt_fill(tx->footer, "contact", contact, NULL);
	g_autofree char *text = g_strdup_printf("%s%s\n-- \n%s", greeting, body, footer);
	bb_mail mail = { .to = contact, .to_name = name, .subject = subject, .text = text, .ics = ics,
		.ics_method = strcmp(kind, "cancel") == 0 ? "CANCEL" : "PUBLISH" };
	bb_mailer_send(mailer, &mail);
}

/* Reminders are claimed with one UPDATE (so two service instances never send the same one) and
 * only for bookings made before the reminder time (a late booking just got its confirmation). */
void bb__appt_send_reminders(bb_app *app)
{
	if (app->cfg.reminder_before_s <= 0 || !bb_mailer_enabled(app->appointments->mailer))
		return;
	g_autofree char *before = g_strdup_printf("%d", app->cfg.reminder_before_s);
	g_autofree char *limit = g_strdup_printf("%d", REMINDERS_PER_RUN);
	const char *p[] = {before, limit};
	bb_err err = {0};
	PGresult *r = bb__appt_exec(app, "WITH due AS (SELECT id FROM appointment WHERE state = 'booked' "
		"  AND reminder_sent_at IS NULL AND contact LIKE '%@%' AND start_at > now() "
		"  AND start_at <= now() + make_interval(secs => $1::int) "
		"  AND created_at < start_at - make_interval(secs => $1::int) "
		"  ORDER BY start_at LIMIT $2::int FOR UPDATE SKIP LOCKED), "
		"a AS (UPDATE appointment x SET reminder_sent_at = now() FROM due WHERE x.id = due.id RETURNING x.*) "
		"SELECT " BB__APPT_COLS " FROM a", 2, p, &err);
	if (!r) {
		bb_err_clear(&err);
		return;
	}
	for (int i = 0; i < PQntuples(r); i++) {
		/* send_mail reads row 0: hand it a one-row view by copying the row. */
		PGresult *one = PQcopyResult(r, PG_COPYRES_ATTRS);
		for (int c = 0; c < PQnfields(r); c++)
			PQsetvalue(one, 0, c, PQgetisnull(r, i, c) ? NULL : PQgetvalue(r, i, c),
			           PQgetisnull(r, i, c) ? -1 : PQgetlength(r, i, c));
		bb__appt_send_mail(app, one, NULL, "reminder");
		PQclear(one);
	}
	PQclear(r);
}
