/* callback_mail.h: the mails of "leave and be called back" (store/callback.h): "almost your turn"
 * when at most callback_notify_position tickets are ahead, "your turn now" when the ticket's turn
 * came while its citizen was away, and the end of the hold after callback_hold_s. It lives with
 * the appointments because it shares their mailer (one SMTP worker, one configuration). */
#ifndef BB_CALLBACK_MAIL_H
#define BB_CALLBACK_MAIL_H

#include "store/app.h"

/* Whether citizens may leave an address: callback_notify_position > 0, a mailer (smtp_url) and
 * a page for the link (checkin_url). */
gboolean bb_callback_enabled(bb_app *app);

/* Janitor step (every tick, loop thread): claims and sends due mails (each exactly once: claimed
 * by one UPDATE, so two service instances never send the same) and expires held tickets whose
 * citizen did not come back (expire_reason callback). Cheap when nobody left an address. */
void bb_callback_janitor(bb_app *app);

#endif
