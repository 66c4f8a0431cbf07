/* status.c: an office's public status derived from opening hours, clerk presence and queue. */
#include "domain/status.h"

static const char *const status_names[] = {
	[BB_OFFICE_CLOSED] = "closed",
	[BB_OFFICE_FULL] = "full",
	[BB_OFFICE_BUSY] = "busy",
	[BB_OFFICE_OPEN] = "open",
};

/* Order matters and follows docs/rest-api.md: closed beats full (a closed office takes nobody,
 * whatever its queue), full beats busy (a full room takes nobody even if clerks are free), and
 * busy means clerks are online but none is available right now. */
bb_office_status bb_office_status_derive(const bb_office_facts *f)
{
	g_return_val_if_fail(f != NULL, BB_OFFICE_CLOSED);
	int online = MAX(f->clerks_available, 0) + MAX(f->clerks_busy, 0) + MAX(f->clerks_paused, 0);
	if (!f->within_hours || online == 0)
		return BB_OFFICE_CLOSED;
	if (f->waiting >= f->capacity)
		return BB_OFFICE_FULL;
	if (f->clerks_available <= 0)
		return BB_OFFICE_BUSY;
	return BB_OFFICE_OPEN;
}

const char *bb_office_status_name(bb_office_status s)
{
	if ((int)s < 0 || (gsize)s >= G_N_ELEMENTS(status_names))
		return "closed";
	return status_names[s];
}

gboolean bb_office_status_joinable(bb_office_status s)
{
	return s == BB_OFFICE_OPEN || s == BB_OFFICE_BUSY;
}
