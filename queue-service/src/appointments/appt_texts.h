/* appt_texts.h: the words of the appointment mails and calendar files in the citizen's language
 * (protocol/values.json citizen_lang), one table row per language, German for anything else.
 * Templates name their blanks ({office}, {date}, …) instead of printf conversions, so each
 * language orders them as its grammar wants and no format string comes from data. */
#ifndef BB_APPT_TEXTS_H
#define BB_APPT_TEXTS_H

#include <glib.h>

typedef struct bb__appt_texts {
	const char *lang;              /* citizen_lang */
	gboolean office_en;            /* the office's English name (others: the German, official one) */
	/* mail: subjects and bodies with {office} {date} {time}; confirm also {code} {before} {after} */
	const char *subject_confirm, *subject_reminder, *subject_cancel;
	const char *body_confirm, *body_reminder, *body_cancel;
	const char *greeting;          /* {name} */
	const char *footer;            /* {contact} */
	/* calendar file: {office}; the description also {code} {before} {after} {link} */
	const char *ics_summary, *ics_location, *ics_description;
	const char *code_unknown;      /* instead of the code where it is not known (reminders) */
} bb__appt_texts;

/* The row of a citizen_lang name; German for NULL or an unknown name (rows from before 015). */
const bb__appt_texts *bb__appt_texts_for(const char *lang);

/* tmpl with every {key} replaced by its value; the arguments after tmpl are key, value pairs
 * ending with NULL. An unknown {key} stays as it is. g_free() the result. */
char *bb__appt_fill(const char *tmpl, ...) G_GNUC_NULL_TERMINATED;

#endif
