/* overview.h: the live overview of every office for supervisors and admins (numbers only): the
 * office cache's facts (waiting count, clerks by presence, derived status) plus one cheap query
 * for what the cache does not keep: the oldest waiting ticket and today's consultations and
 * no-shows, "today" being each office's own local day. Shared by GET /api/v1/admin/overview
 * (api/routes_overview.c) and the per-office gauges of /metrics (api/metrics_offices.c). */
#ifndef BB_OVERVIEW_H
#define BB_OVERVIEW_H

#include "store/offices.h"

typedef struct bb_overview_row {
	const bb_office *office;    /* borrowed from the cache: valid until the next reload */
	char today[16];             /* the office's local date, YYYY-MM-DD */
	int longest_wait_s;         /* how long the oldest waiting ticket has waited; -1: nobody waits */
	gint64 waiting_since;       /* unix s of that ticket's arrival; -1: nobody waits */
	int consultations_today;    /* tickets finished (`done`) since the office's local midnight */
	int no_shows_today;         /* tickets ended `no_show` since then */
} bb_overview_row;

/* One row per office of the cache, in id order (loop only). NULL with *error when the database
 * fails; offices the cache does not know (yet) are left out. */
GArray *bb_overview_fetch(bb_app *app, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* {"at": time, "offices": [office's public view + longest_wait_s, waiting_since, clerks, today]}
 * (docs/rest-api.md "Live overview"). */
json_t *bb_overview_json(const GArray *rows, gint64 now);

#endif
