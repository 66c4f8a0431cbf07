/* ice.h: ICE servers for browsers: STUN URIs and time-limited TURN credentials in the form coturn
 * checks with `use-auth-secret` / `static-auth-secret` (the "TURN REST API" convention):
 *   username   = "<expiry unix seconds>:bb"
 *   credential = base64(HMAC-SHA1(turn_secret, username))
 * coturn recomputes the HMAC with the same secret and refuses the username once the expiry has
 * passed, so the service and coturn share nothing but the secret. The configuration keys are
 * checked when they are loaded (base/cfg.c). */
#ifndef BB_ICE_H
#define BB_ICE_H

#include "base/cfg.h"

#include <glib.h>
#include <jansson.h>

#define BB_TURN_USER "bb"

/* Whether TURN credentials are handed out (turn_uris and turn_secret both set). */
gboolean bb_ice_turn_enabled(const bb_cfg *cfg);

/* The TURN REST API credential for a username: base64(HMAC-SHA1(secret, username)). */
char *bb_turn_credential(const char *secret, const char *username);

/* {"ice_servers": [{"urls": [turn...], "username", "credential"}, {"urls": [stun...]}],
 *  "ttl_s": N}; entries without URIs are left out; ttl_s is 0 without TURN. */
json_t *bb_ice_servers_json(const bb_cfg *cfg, gint64 now_s);

#endif
