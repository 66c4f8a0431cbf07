/* hours.c: opening hours of an office in its own time zone: weekly plan, closing days, exceptions. */
#include "domain/hours.h"

#include <string.h>

/* How opening hours are evaluated
 * -------------------------------
 * Hours are kept as local wall-clock minutes per ISO weekday, plus date overrides that replace
 * a whole day (closed, or special intervals). To answer a question about an instant, the
 * intervals of each local day are converted to unix ranges with the zone's offset *on that
 * day*, so an office opening at 08:00 opens at 08:00 local time on both sides of a DST change.
 * Ranges that touch or overlap (12:00-24:00 followed by 00:00-... the next day, or two
 * intervals 08:00-12:00 and 12:00-16:00) are merged into one "run" of continuous opening:
 * the office does not close at midnight if it is open around the clock. Runs are produced in
 * time order by one iterator (for_each_run) on which every query is built. */

#define MINUTES_PER_DAY 1440
#define SECONDS_PER_DAY 86400
/* Per weekday and per override: enough for split shifts, bounded so a day stays cheap. */
#define MAX_PER_DAY 8
#define MAX_OVERRIDES 4096
#define MAX_TZ_NAME 64
/* Longest search asked of next_opening; longer horizons are cut to this. */
#define MAX_HORIZON_DAYS 3660
/* current_close follows a run of continuous opening at most this far (24/7 offices). */
#define CLOSE_HORIZON_DAYS 14
/* Julian day number (GDate: 1 = 0001-01-01) of 1970-01-01. */
#define JULIAN_UNIX_EPOCH 719163
/* Instants outside 1970-01-01 .. 9999-12-31 are refused (GDate and sane data end there). */
#define MAX_UNIX G_GINT64_CONSTANT(253402300799)

struct bb_hours {
	GTimeZone *tz;
	bb_interval weekly[7][MAX_PER_DAY];   /* index: ISO weekday - 1 */
	int n_weekly[7];
	GHashTable *overrides;                 /* julian day (guint) -> bb_day_override* */
};

/* ---- construction -------------------------------------------------------------------------- */

bb_hours *bb_hours_new(const char *tz_name)
{
	if (tz_name == NULL || tz_name[0] == '\0' || strlen(tz_name) > MAX_TZ_NAME)
		return NULL;
	GTimeZone *tz = g_time_zone_new_identifier(tz_name);
	if (tz == NULL)
		return NULL;
	bb_hours *h = g_new0(bb_hours, 1);
	h->tz = tz;
	h->overrides = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
	return h;
}

void bb_hours_free(bb_hours *h)
{
	if (h == NULL)
		return;
	g_time_zone_unref(h->tz);
	g_hash_table_destroy(h->overrides);
	g_free(h);
}

static gboolean minutes_valid(int open_min, int close_min)
{
	return open_min >= 0 && open_min < close_min && close_min <= MINUTES_PER_DAY;
}

gboolean bb_hours_add_weekly(bb_hours *h, int weekday, int open_min, int close_min)
{
	g_return_val_if_fail(h != NULL, FALSE);
	if (weekday < 1 || weekday > 7 || !minutes_valid(open_min, close_min))
		return FALSE;
	int wd = weekday - 1;
	if (h->n_weekly[wd] >= MAX_PER_DAY)
		return FALSE;
	h->weekly[wd][h->n_weekly[wd]++] = (bb_interval){ weekday, open_min, close_min };
	return TRUE;
}

/* A later override for the same date replaces the earlier one (admin edits win). */
gboolean bb_hours_add_override(bb_hours *h, const bb_day_override *o)
{
	g_return_val_if_fail(h != NULL, FALSE);
	if (o == NULL || o->year < 1970 || o->year > 9999 || o->month < 1 || o->month > 12
	    || o->day < 1 || o->day > 31
	    || !g_date_valid_dmy((GDateDay)o->day, (GDateMonth)o->month, (GDateYear)o->year))
		return FALSE;
	if (o->n_intervals < 0 || o->n_intervals > (int)G_N_ELEMENTS(o->intervals))
		return FALSE;
	for (int i = 0; i < o->n_intervals; i++) {
		if (!minutes_valid(o->intervals[i].open_min, o->intervals[i].close_min))
			return FALSE;
	}
	GDate d;
	g_date_clear(&d, 1);
	g_date_set_dmy(&d, (GDateDay)o->day, (GDateMonth)o->month, (GDateYear)o->year);
	guint key = g_date_get_julian(&d);
	if (g_hash_table_size(h->overrides) >= MAX_OVERRIDES
	    && !g_hash_table_contains(h->overrides, GUINT_TO_POINTER(key)))
		return FALSE;
	g_hash_table_replace(h->overrides, GUINT_TO_POINTER(key), g_memdup2(o, sizeof *o));
	return TRUE;
}

/* ---- time zone arithmetic ------------------------------------------------------------------ */

static gint32 offset_at(const bb_hours *h, gint64 at)
{
	gint iv = g_time_zone_find_interval(h->tz, G_TIME_TYPE_UNIVERSAL, at);
	return iv < 0 ? 0 : g_time_zone_get_offset(h->tz, iv);
}

/* Julian day of the local date containing `at`, 0 when `at` is out of range. */
static guint local_julian(const bb_hours *h, gint64 at)
{
	if (at < 0 || at > MAX_UNIX)
		return 0;
	gint64 local = at + offset_at(h, at);
	gint64 days = local >= 0 ? local / SECONDS_PER_DAY : -((-local + SECONDS_PER_DAY - 1) / SECONDS_PER_DAY);
	gint64 j = days + JULIAN_UNIX_EPOCH;
	return j >= 1 ? (guint)j : 0;
}

/* Local wall time (julian day + minute, minute may be 1440 = next midnight) to unix seconds.
 * The zone offset is tried as it was a day before and a day after: an offset that reproduces
 * the wall time is right; if both do (the repeated hour in autumn) the earlier instant wins;
 * if neither does (the skipped hour in spring) the offset before the gap is used, as RFC 5545
 * prescribes, so 02:30 becomes 03:30 summer time. */
static gint64 wall_to_unix(const bb_hours *h, guint julian, int minute)
{
	gint64 wall = ((gint64)julian - JULIAN_UNIX_EPOCH) * SECONDS_PER_DAY + (gint64)minute * 60;
	gint32 o_early = offset_at(h, wall - SECONDS_PER_DAY);
	gint32 o_late = offset_at(h, wall + SECONDS_PER_DAY);
	gint64 t_early = wall - o_early, t_late = wall - o_late;
	gboolean early_ok = offset_at(h, t_early) == o_early;
	gboolean late_ok = offset_at(h, t_late) == o_late;
	if (early_ok && late_ok)
		return MIN(t_early, t_late);
	if (late_ok)
		return t_late;
	return t_early;
}

/* ---- the plan of one day ------------------------------------------------------------------- */

static int cmp_interval(const void *a, const void *b)
{
	const bb_interval *x = a, *y = b;
	if (x->open_min != y->open_min)
		return x->open_min < y->open_min ? -1 : 1;
	return (x->close_min > y->close_min) - (x->close_min < y->close_min);
}

/* The intervals of one local date after overrides, sorted, overlapping/adjacent ones merged.
 * out must hold MAX_PER_DAY entries. */
static int day_plan(const bb_hours *h, guint julian, bb_interval *out)
{
	GDate d;
	g_date_clear(&d, 1);
	g_date_set_julian(&d, julian);
	int weekday = (int)g_date_get_weekday(&d);   /* GDate: Monday = 1 .. Sunday = 7, like ISO */
	const bb_day_override *o = g_hash_table_lookup(h->overrides, GUINT_TO_POINTER(julian));
	int n;
	if (o != NULL) {
		n = o->n_intervals;
		memcpy(out, o->intervals, sizeof(bb_interval) * (size_t)n);
	} else {
		n = h->n_weekly[weekday - 1];
		memcpy(out, h->weekly[weekday - 1], sizeof(bb_interval) * (size_t)n);
	}
	qsort(out, (size_t)n, sizeof *out, cmp_interval);
	int m = 0;
	for (int i = 0; i < n; i++) {
		out[i].weekday = weekday;
		if (m > 0 && out[i].open_min <= out[m - 1].close_min)
			out[m - 1].close_min = MAX(out[m - 1].close_min, out[i].close_min);
		else
			out[m++] = out[i];
	}
	return m;
}

/* ---- runs of continuous opening ------------------------------------------------------------ */

/* Called for each run in time order; return TRUE to stop. */
typedef gboolean (*run_fn)(gint64 start, gint64 end, gpointer data);

/* Walks the local days from the one containing `from` through `days` more, merging touching
 * ranges across midnight. A run still open at the last day's end is reported as ending there. */
static void for_each_run(const bb_hours *h, gint64 from, int days, run_fn fn, gpointer data)
{
	guint first = local_julian(h, from);
	if (first == 0)
		return;
	gboolean have = FALSE;
	gint64 rs = 0, re = 0;
	for (guint j = first; j <= first + (guint)days; j++) {
		bb_interval iv[MAX_PER_DAY];
		int n = day_plan(h, j, iv);
		for (int i = 0; i < n; i++) {
			gint64 s = wall_to_unix(h, j, iv[i].open_min);
			gint64 e = wall_to_unix(h, j, iv[i].close_min);
			if (e <= s)
				continue;          /* the interval fell into a skipped DST hour */
			if (have && s <= re) {
				re = MAX(re, e);
				continue;
			}
			if (have && fn(rs, re, data))
				return;
			have = TRUE;
			rs = s;
			re = e;
		}
	}
	if (have)
		fn(rs, re, data);
}

typedef struct run_query {
	gint64 at;
	gint64 result;
} run_query;

/* Stops at the run containing at; result = its end. */
static gboolean find_containing(gint64 start, gint64 end, gpointer data)
{
	run_query *q = data;
	if (start <= q->at && q->at < end) {
		q->result = end;
		return TRUE;
	}
	return start > q->at;
}

/* Stops at the first run starting after at; result = its start. */
static gboolean find_next_start(gint64 start, gint64 end, gpointer data)
{
	run_query *q = data;
	if (start > q->at) {
		q->result = start;
		return TRUE;
	}
	return FALSE;
}

/* ---- queries ------------------------------------------------------------------------------- */

/* A run containing `at` starts on at's local day, so that one day is enough to look at. */
gboolean bb_hours_is_open(const bb_hours *h, gint64 at)
{
	g_return_val_if_fail(h != NULL, FALSE);
	run_query q = { at, -1 };
	for_each_run(h, at, 0, find_containing, &q);
	return q.result >= 0;
}

/* Documented choice: the end of continuous opening, not of the single interval, so a 24/7
 * office or 08:00-12:00 + 12:00-16:00 reports the real closing time; followed at most
 * CLOSE_HORIZON_DAYS ahead (a 24/7 office reports the end of that window). */
gint64 bb_hours_current_close(const bb_hours *h, gint64 at)
{
	g_return_val_if_fail(h != NULL, -1);
	run_query q = { at, -1 };
	for_each_run(h, at, CLOSE_HORIZON_DAYS, find_containing, &q);
	return q.result;
}

/* A run containing `at` starts at or before it, so "first run starting after at" is exactly
 * the next opening both when closed now and when open now (after the current run ends). */
gint64 bb_hours_next_opening(const bb_hours *h, gint64 at, int horizon_days)
{
	g_return_val_if_fail(h != NULL, -1);
	run_query q = { at, -1 };
	for_each_run(h, at, CLAMP(horizon_days, 0, MAX_HORIZON_DAYS), find_next_start, &q);
	return q.result;
}

int bb_hours_intervals_on(const bb_hours *h, gint64 at, bb_interval *out, int max)
{
	g_return_val_if_fail(h != NULL, 0);
	guint j = local_julian(h, at);
	if (j == 0 || out == NULL || max <= 0)
		return 0;
	bb_interval iv[MAX_PER_DAY];
	int n = MIN(day_plan(h, j, iv), max);
	memcpy(out, iv, sizeof(bb_interval) * (size_t)n);
	return n;
}

void bb_hours_local_date(const bb_hours *h, gint64 at, int *y, int *m, int *d)
{
	g_return_if_fail(h != NULL);
	guint j = local_julian(h, at);
	GDate date;
	g_date_clear(&date, 1);
	if (j != 0)
		g_date_set_julian(&date, j);
	if (y != NULL)
		*y = j != 0 ? (int)g_date_get_year(&date) : 0;
	if (m != NULL)
		*m = j != 0 ? (int)g_date_get_month(&date) : 0;
	if (d != NULL)
		*d = j != 0 ? (int)g_date_get_day(&date) : 0;
}

gint64 bb_hours_local_to_unix(const bb_hours *h, int y, int m, int d, int minute)
{
	g_return_val_if_fail(h != NULL, -1);
	if (y < 1970 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 || minute < 0
	    || minute > MINUTES_PER_DAY
	    || !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
		return -1;
	GDate date;
	g_date_clear(&date, 1);
	g_date_set_dmy(&date, (GDateDay)d, (GDateMonth)m, (GDateYear)y);
	return wall_to_unix(h, g_date_get_julian(&date), minute);
}
