/* appt_internal.h: what the files of the appointments module share (appointments.c,
 * appt_offer.c, appt_mail.c, appt_common.c); other modules use appointments.h only. Internal
 * names carry the bb__appt_ prefix. It does not include appointments.h: the files that implement
 * part of the public API include that themselves, so the two headers form no circle. */
#ifndef BB_APPT_INTERNAL_H
#define BB_APPT_INTERNAL_H

#include "domain/apptcode.h"
#include "domain/slots.h"
#include "store/app.h"
#include "store/offices.h"
#include "appointments/mailer.h"

/* The module state behind app->appointments. */
struct bb_appointments {
	bb_apptcode_limiter *limiter;          /* failed codes per client key (REST and check-in) */
	bb_apptcode_limiter *office_limiter;   /* failed check-in codes per office */
	bb_apptcode_limiter *rest_limiter;     /* failed REST look-ups, all addresses together */
	bb_mailer *mailer;
};

/* An office's slot policy with its blocked days; `blocked` keeps the yyyymmdd values alive. */
typedef struct bb__appt_policy {
	bb_slot_policy p;
	GArray *blocked;
	GTimeZone *tz;
} bb__appt_policy;

/* Loads the policy (defaults where the office has no appointment_policy row). Clear it in any case. */
gboolean bb__appt_policy_load(bb_app *app, const bb_office *o, bb__appt_policy *pol, bb_err *err);
void bb__appt_policy_clear(bb__appt_policy *pol);
/* Does the office take appointments at all? */
gboolean bb__appt_policy_offers(const bb__appt_policy *pol);

/* Columns every appointment query selects (alias a), in this order. */
#define BB__APPT_COLS "a.id, a.office_id, a.state, extract(epoch FROM a.start_at)::bigint, " \
	"extract(epoch FROM a.end_at)::bigint, a.name, a.concern, a.sequence, " \
	"extract(epoch FROM a.created_at)::bigint, a.contact, a.ticket_id, a.lang"
enum { BB__AC_ID, BB__AC_OFFICE, BB__AC_STATE, BB__AC_START, BB__AC_END, BB__AC_NAME, BB__AC_CONCERN, BB__AC_SEQ, BB__AC_CREATED,
	BB__AC_CONTACT, BB__AC_TICKET, BB__AC_LANG };


gint64 bb__appt_now(void);
/* bb_db_exec with the error turned into err. */
PGresult *bb__appt_exec(bb_app *app, const char *sql, int n, const char *const *p, bb_err *err);
/* Local date "YYYY-MM-DD" and time "HH:MM" of an instant in tz. */
void bb__appt_local_parts(GTimeZone *tz, gint64 t, char date[11], char time[6]);

/* The .ics of the appointment in row 0 of r (BB__APPT_COLS); code may be NULL (reminder: not
 * known). NULL on failure. g_free() it. */
char *bb__appt_render_ics(bb_app *app, const PGresult *r, const char *code);
/* Mail about row 0 of r to its contact when that is an e-mail address and SMTP is configured.
 * kind: "confirm", "reminder" or "cancel"; code may be NULL (reminder). */
void bb__appt_send_mail(bb_app *app, const PGresult *r, const char *code, const char *kind);
/* Janitor: claims and sends due reminders. */
void bb__appt_send_reminders(bb_app *app);

#endif
