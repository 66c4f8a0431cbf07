/* appointments.h: booking, cancelling, looking up and checking in appointments, today's list for
 * clerks, no-shows and retention — on top of domain/slots.c (which slots exist), the database
 * (which are taken; capacity is enforced there), domain/apptcode.c (codes, guessing limiter),
 * domain/ics.c and mailer.c. Runs on the service's one thread like everything that touches
 * app->db. */
#ifndef BB_APPOINTMENTS_H
#define BB_APPOINTMENTS_H

#include "store/app.h"
#include "store/clerks.h"
#include "store/offices.h"
#include "bb_protocol.h"

/* Tickets of checked-in appointment holders get this priority (walk-ins: 0), so they are called
 * first; among themselves they are ordered by slot time (see 002_appointments.sql). */
#define BB_APPOINTMENT_PRIORITY 50
/* Longest accepted field values (characters): the catalogue's limits (protocol/limits.json). */
#define BB_APPT_NAME_MAX BB_MAX_TICKET_NAME
#define BB_APPT_CONTACT_MAX BB_MAX_CONTACT
#define BB_APPT_CONCERN_MAX BB_MAX_CONCERN
/* Next free slots offered when a join is refused or a ticket expires. */
#define BB_APPT_OFFER_SLOTS 5

/* Creates the module state (guessing limiter, mailer) and installs the join and offer hooks. */
void bb_appointments_init(bb_app *app);
void bb_appointments_free(bb_app *app);

/* Free slots of an office on local dates [y-m-d, +days):
 * {"office", "timezone", "slot_min", "slots": [{"start","end","local_date","local_time","remaining"}]}.
 * Errors: not_found, bad_request, unavailable. */
json_t *bb_appointments_slots(bb_app *app, const char *office, int y, int m, int d, int days,
	bb_err *err);
/* Up to `max` next free slots of an office as a JSON array; [] when there are none or on any
 * error (an offer must never make a refusal fail). Called by join refusals and expiry events. */
json_t *bb_slots_next_free(bb_app *app, const char *office, int max);

typedef struct bb_booking {
	const char *office;
	const char *start;         /* RFC 3339 */
	const char *name;          /* may be NULL with resume_token (then the ticket's name) */
	const char *contact;       /* validated e-mail or phone, or NULL */
	const char *concern;       /* or NULL (then the ticket's concern, if any) */
	const char *resume_token;  /* turn this waiting-room ticket into the appointment, or NULL */
	const char *lang;          /* citizen_lang (checked by the router) or NULL (then the ticket's) */
} bb_booking;

/* Books; returns {"code","office","state","start","end","local_date","local_time","timezone",
 * "checkin_from","checkin_until","ics_url"}. Errors: not_found (office), bad_request (start:
 * reason in extra "reason"), full (+ "slots"), invalid_token, conflict, unavailable. */
json_t *bb_appointment_book(bb_app *app, const bb_booking *b, bb_err *err);

/* Look-ups by code are limited per client address `peer`: err rate_limited with extra
 * "retry_after_s" (seconds). Unknown or malformed code: not_found (one answer for both). */
json_t *bb_appointment_get(bb_app *app, const char *code, const char *peer, bb_err *err);
/* Cancels (frees the slot). Errors as get, plus cancelled, illegal_transition (started). */
json_t *bb_appointment_cancel(bb_app *app, const char *code, const char *peer, bb_err *err);
/* The iCalendar text (METHOD:CANCEL once cancelled). g_free() it. */
char *bb_appointment_ics(bb_app *app, const char *code, const char *peer, bb_err *err);

/* The join hook (bb_join_hook): validates `code` for `office` at this moment and arranges the
 * check-in; errors rate_limited (+ "retry_after_s"), invalid_code (unknown, malformed or another
 * office's code: one answer), and for a real code cancelled, too_early (+ "checkin_from"),
 * too_late. Failed codes count against `client` and the office. */
/* The check-in window of an office's appointments in seconds before and after the start: the
 * office's own (set by an admin) or the service's checkin_before_s / checkin_after_s. */
int bb_appointments_checkin_before(bb_app *app, const bb_office *o);
int bb_appointments_checkin_after(bb_app *app, const bb_office *o);
gboolean bb_appointments_checkin(bb_app *app, const char *office, const char *code, const char *client,
	int *priority, bb_err *err);

/* Today's (office-local) appointments, cancelled ones left out, for the clerk view:
 * [{"id","state","start","end","local_time","name","concern","ticket"}]; [] on a database error
 * (logged), so the queue view never fails because of it. */
json_t *bb_appointments_today(bb_app *app, const char *office);
/* Clerk marks a no-show (after the slot started). Returns the appointment entry as above. */
json_t *bb_appointment_no_show(bb_app *app, const bb_clerk *clerk, gint64 id, bb_err *err);

/* Janitor step: erase personal fields after retention; send due reminders. */
void bb_appointments_janitor(bb_app *app);

/* Validation shared by REST and tests: an e-mail address or a phone number. */
gboolean bb_appointment_contact_valid(const char *contact);
gboolean bb_appointment_contact_is_email(const char *contact);

#endif
