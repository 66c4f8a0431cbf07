/* recovery.h: consultations whose Janus node crashed or stayed away. Their tickets go back to the
 * front of the queue (event `recover`, resumable by the citizen's token within the grace period),
 * their clerks are free again, so nothing stays `called` or `in_consultation` without a live
 * consultation (docs/internal-api.md, "Crash recovery").
 *
 * Three ways to notice: a `hello` whose boot id differs from the node's last one (the node
 * restarted: every held ticket not in its `consultations` list is gone); a node that no service
 * instance has heard of for plugin_grace_s (the janitor); a citizen resuming a ticket that a
 * consultation still holds (the old handle is gone). */
#ifndef BB_RECOVERY_H
#define BB_RECOVERY_H

#include "store/app.h"

/* hello from `instance` with `boot` (NULL: an older plugin, no restart detection): records the
 * node and, when it restarted, recovers its held tickets except `keep` (its live consultations).
 * Returns FALSE with err set on a database failure. */
gboolean bb_recovery_hello(bb_app *app, const char *instance, const char *boot,
	const char *const *keep, int n_keep, bb_err *err);
/* Janitor step: marks the nodes connected to this service instance as seen, then recovers the
 * held tickets of nodes nobody has seen for plugin_grace_s. */
void bb_recovery_sweep(bb_app *app, const char *const *live, int n_live);
/* A held ticket whose citizen came back on a new handle: recovered so that it can be resumed.
 * Returns TRUE when it was held and is waiting now. */
gboolean bb_recovery_ticket(bb_app *app, gint64 ticket_id);

#endif
