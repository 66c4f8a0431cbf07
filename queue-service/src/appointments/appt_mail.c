/* appt_mail.c: the appointment's calendar file and the mails about it (confirmation,
 * cancellation, reminder), handed to mailer.c. */
#include "appointments/appt_internal.h"
#include "appointments/appointments.h"

#include "base/jsonutil.h"
#include "base/logging.h"
#include "domain/ics.h"

#include <string.h>

#define REMINDERS_PER_RUN 20

/* A video appointment: the calendar entry says so in its title and location (nobody should set
 * off for the building) and links to the check-in page (checkin_url) with the code in the
 * fragment, which browsers never send to a server. code NULL (reminders: the code is stored only
 * hashed): the text points to the confirmation and the link carries no code. */
char *bb__appt_render_ics(bb_app *app, const PGresult *r, const char *code)
{
	bb_office *o = bb_office_get(app, PQgetvalue(r, 0, BB__AC_OFFICE));
	if (!o)
		return NULL;
	g_autofree char *uid = g_strdup_printf("appointment-%s-%s@buergerbuero",
		PQgetvalue(r, 0, BB__AC_ID), PQgetvalue(r, 0, BB__AC_CREATED));
	g_autofree char *summary = g_strdup_printf("Video-Termin / Video appointment: %s", o->name_de);
	g_autofree char *location = g_strdup_printf("Online (Video) – %s", o->name_de);
	const char *page = app->cfg.checkin_url;
	g_autofree char *url = !*page ? NULL : code ? g_strdup_printf("%s#checkin=%s", page, code) : g_strdup(page);
	const char *shown = code ? code : "(siehe Bestätigung / see confirmation)";
	int before = app->cfg.checkin_before_s / 60, after = app->cfg.checkin_after_s / 60;
	g_autofree char *link = url ? g_strdup_printf(":\n%s", url) : g_strdup(".");
	g_autofree char *desc = g_strdup_printf(
		"Video-Termin bei %s: Das Gespräch findet per Video statt, Sie müssen nicht ins Amt kommen.\n"
		"Bestätigungscode: %s\nDer Check-in im virtuellen Wartezimmer ist von %d Minuten vor "
		"bis %d Minuten nach Beginn möglich%s\n\n"
		"Video appointment with %s: the consultation is by video, there is no need to come to the office.\n"
		"Confirmation code: %s\nCheck in to the virtual waiting room from %d minutes before until "
		"%d minutes after the start%s",
		o->name_de, shown, before, after, link, o->name_en, shown, before, after, link);
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

/* The body of a mail of this kind (no greeting, no footer). NULL for an unknown kind. */
static char *mail_body(bb_app *app, const bb_office *o, const char *kind, const char *date,
	const char *time, const char *code)
{
	int before = app->cfg.checkin_before_s / 60, after = app->cfg.checkin_after_s / 60;
	if (strcmp(kind, "confirm") == 0)
		return g_strdup_printf("Ihr Termin bei %s am %s um %s Uhr ist gebucht.\n"
			"Bestätigungscode: %s\nCheck-in im virtuellen Wartezimmer: %d Minuten vorher bis %d "
			"Minuten nach Beginn.\n\nYour appointment with %s on %s at %s is booked.\n"
			"Confirmation code: %s\nCheck in to the virtual waiting room from %d minutes before "
			"until %d minutes after the start.\n",
			o->name_de, date, time, code, before, after, o->name_en, date, time, code, before, after);
	if (strcmp(kind, "reminder") == 0)
		return g_strdup_printf("Erinnerung an Ihren Termin bei %s am %s um %s Uhr. Bitte halten "
			"Sie den Bestätigungscode aus der Terminbestätigung bereit.\n\nReminder of your "
			"appointment with %s on %s at %s. Please have the confirmation code from your "
			"confirmation mail at hand.\n", o->name_de, date, time, o->name_en, date, time);
	if (strcmp(kind, "cancel") == 0)
		return g_strdup_printf("Ihr Termin bei %s am %s um %s Uhr wurde storniert.\n\n"
			"Your appointment with %s on %s at %s has been cancelled.\n",
			o->name_de, date, time, o->name_en, date, time);
	return NULL;
}

static char *mail_subject(const bb_office *o, const char *kind, const char *date, const char *time)
{
	const char *what = strcmp(kind, "confirm") == 0 ? "Terminbestätigung / Appointment confirmed"
	                 : strcmp(kind, "reminder") == 0 ? "Erinnerung / Reminder"
	                 : "Termin storniert / Appointment cancelled";
	return g_strdup_printf("%s: %s, %s %s", what, o->name_de, date, time);
}

/* Mail to the contact when it is an e-mail address and SMTP is configured. kind: "confirm",
 * "reminder" or "cancel". The reminder has no code: it is stored only hashed. The citizen's name
 * (To and greeting) and address (footer) appear as they typed them; the mailer sends to the
 * address's ASCII form. */
void bb__appt_send_mail(bb_app *app, const PGresult *r, const char *code, const char *kind)
{
	bb_mailer *mailer = app->appointments ? app->appointments->mailer : NULL;
	const char *contact = bb_db_str(r, 0, BB__AC_CONTACT);
	const char *name = bb_db_str(r, 0, BB__AC_NAME);
	bb_office *o = bb_office_get(app, PQgetvalue(r, 0, BB__AC_OFFICE));
	if (!bb_mailer_enabled(mailer) || !contact || !bb_appointment_contact_is_email(contact) || !o)
		return;
	g_autoptr(GTimeZone) tz = g_time_zone_new_identifier(o->timezone);
	if (!tz)
		return;
	char date[11], time[6];
	bb__appt_local_parts(tz, bb_db_int(r, 0, BB__AC_START), date, time);
	g_autofree char *ics = bb__appt_render_ics(app, r, code);
	g_autofree char *body = mail_body(app, o, kind, date, time, code);
	if (!body)
		return;
	g_autofree char *subject = mail_subject(o, kind, date, time);
	g_autofree char *greeting = name ? g_strdup_printf("Guten Tag / Hello %s,\n\n", name) : g_strdup("");
	g_autofree char *text = g_strdup_printf("%s%s\n-- \nDiese Nachricht ging an / This message was sent to: %s\n",
		greeting, body, contact);
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
