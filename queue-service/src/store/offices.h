/* offices.h: the in-memory office cache (configuration from the database, reloaded on NOTIFY
 * bb_config and every 60 s) plus each office's live facts (waiting count, clerks by presence,
 * recent consultation durations) from which status and wait estimate are derived. */
#ifndef BB_OFFICES_H
#define BB_OFFICES_H

#include "domain/estimate.h"
#include "domain/hours.h"
#include "domain/status.h"
#include "store/app.h"

#define BB_DURATION_SAMPLES 20

typedef struct bb_office {
	char *id, *name_de, *name_en, *desc_de, *desc_en, *timezone, *prefix;
	int capacity, no_show_timeout_s, grace_s;
	int sort_order;            /* offices are listed by this, then by name */
	gint64 closure_until;      /* unix s: closed by an admin until then (0: no closure) */
	char *closure_de, *closure_en;   /* the closure's message to citizens */
	int checkin_before_s, checkin_after_s;   /* appointment check-in window; -1: the service's */
	bb_hours *hours;

	/* facts, refreshed from the database after each change of the office */
	int waiting, clerks_available, clerks_busy, clerks_paused;
	int durations[BB_DURATION_SAMPLES];
	int n_durations;

	bb_office_status status;   /* last derived status (to notice changes by time alone) */
	char *public_json;         /* last public view sent to live clients */
	gboolean live_pending;     /* public view changed; the live timer sends it */
} bb_office;

/* Creates the empty cache in app (once, at start). */
void bb_offices_init(bb_app *app);
/* (Re)loads configuration of all offices. */
gboolean bb_offices_reload(bb_app *app, GError **error);
bb_office *bb_office_get(bb_app *app, const char *id);
/* Refreshes the facts of the given offices (NULL = all). */
gboolean bb_offices_refresh_facts(bb_app *app, const char *const *ids, int n, GError **error);
bb_office_status bb_office_status_now(const bb_office *o, gint64 now);
/* Closed by an admin at `now` (unix s)? */
gboolean bb_office_closure_active(const bb_office *o, gint64 now);
/* Clerks counted for the estimate: available + busy, paused count half. */
double bb_office_clerk_weight(const bb_office *o);
bb_estimate bb_office_estimate(const bb_office *o, int position);
json_t *bb_estimate_json(bb_estimate e);
/* The public view (docs/rest-api.md `office`). */
json_t *bb_office_public_json(const bb_office *o, gint64 now);
void bb_offices_free(bb_app *app);

#endif
