/* callback.h: "leave and be called back" on a waiting ticket (docs/operations.md "Callback by
 * e-mail"): the citizen's e-mail address for this one ticket, and "I need 5 more minutes".
 *
 * The contract, enforced in the database where it can be (sql/migrations/016_callback.sql):
 * - the address lives only in ticket.callback_email and leaves with the ticket (a trigger erases
 *   it, and the link's token hash, on every final state); it is never logged;
 * - a waiting ticket with an address does not expire by the grace period while its citizen is
 *   away; it expires at closing as before, or `callback_hold_s` after its turn came (a ticket
 *   behind it was called while it was away: store/tickets.c marks callback_turn_at);
 * - the mails (appointments/callback_mail.c) carry a link with a token that resumes the ticket
 *   like the resume token; only its SHA-256 is stored;
 * - the address may be set or changed BB_COUNT_CALLBACK_CHANGES times per ticket, and the REST
 *   route takes a per-client bucket first, so no anonymous script mails addresses in bulk. */
#ifndef BB_CALLBACK_H
#define BB_CALLBACK_H

#include "store/app.h"

/* Sets (email non-empty, a valid address: the caller checks) or removes (email "") the address of
 * the waiting ticket of `resume_token`; a new address gets its own "almost your turn" mail.
 * Returns {"number", "email_set", "changes_left"}. Errors: invalid_token (no waiting ticket of
 * that token), callback_changes (changed as often as allowed), unavailable. Loop only. */
json_t *bb_callback_set(bb_app *app, const char *resume_token, const char *email, bb_err *err)
	G_GNUC_WARN_UNUSED_RESULT;

/* "I need 5 more minutes": once per ticket, while at most `near` tickets are ahead or after its
 * turn came while away, the waiting ticket moves back `places` places (fewer at the end of the
 * queue); its arrival time becomes that of the ticket it now follows (its waited time shrinks by
 * as much). Returns {"number", "position", "moved"}. Errors: invalid_token, snooze_used,
 * too_early, unavailable. Loop only. */
json_t *bb_callback_snooze(bb_app *app, const char *resume_token, int near, int places, bb_err *err)
	G_GNUC_WARN_UNUSED_RESULT;

#endif
