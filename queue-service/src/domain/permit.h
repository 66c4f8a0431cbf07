/* permit.h: join permits. The plugin cannot see a citizen's address; the queue service can, so it
 * hands out a short-lived, signed, one-time permit per join at a rate per address, and a join
 * through Janus must carry one (docs/rest-api.md "Join permits"). Signed with a key every service
 * instance derives from the shared internal secret, so any instance can check any permit; that
 * each is used once is enforced in the database (table join_permit_used). */
#ifndef BB_PERMIT_H
#define BB_PERMIT_H

#include <glib.h>

#define BB_PERMIT_KEY_LEN 32

typedef struct bb_permit {
	char office[64];
	char client[72];        /* client key (base/bucket.h) the permit was issued to */
	char nonce[33];         /* 128 random bits, hex: the one-time identity */
	gint64 expires;         /* unix s */
} bb_permit;

/* The signing key from the service's internal secret. */
void bb_permit_key(const char *secret, guint8 key[BB_PERMIT_KEY_LEN]);
/* A new permit; NULL when there is no randomness. g_free() it. */
char *bb_permit_make(const guint8 key[BB_PERMIT_KEY_LEN], const char *office, const char *client,
	gint64 expires) G_GNUC_WARN_UNUSED_RESULT;
/* Checks form and signature (not expiry, not reuse) and fills out. */
gboolean bb_permit_parse(const guint8 key[BB_PERMIT_KEY_LEN], const char *permit, bb_permit *out);

#endif
