/* appt_common.c: small helpers shared by the appointments module's files. */
#include "appointments/appt_internal.h"

gint64 bb__appt_now(void)
{
	return g_get_real_time() / G_USEC_PER_SEC;
}

PGresult *bb__appt_exec(bb_app *app, const char *sql, int n, const char *const *p, bb_err *err)
{
	GError *e = NULL;
	PGresult *r = bb_db_exec(app->db, sql, n, p, &e);
	if (!r)
		bb_err_from_db(err, e);
	return r;
}

void bb__appt_local_parts(GTimeZone *tz, gint64 t, char date[11], char time[6])
{
	g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc(t);
	g_autoptr(GDateTime) loc = g_date_time_to_timezone(utc, tz);
	g_autofree char *d = g_date_time_format(loc, "%Y-%m-%d");
	g_autofree char *h = g_date_time_format(loc, "%H:%M");
	g_strlcpy(date, d, 11);
	g_strlcpy(time, h, 6);
}
