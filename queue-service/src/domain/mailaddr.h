/* mailaddr.h: e-mail addresses as citizens type them into the booking form, and the form SMTP
 * needs. The local part is plain ASCII (no SMTPUTF8); the domain may be internationalised
 * (`erika@müller-bau.de`): it is checked and converted to its IDNA ASCII form
 * (`erika@xn--mller-bau-q9a.de`) with libidn2 (IDNA2008, UTS #46 non-transitional mapping).
 * The citizen's own spelling is what is stored and shown; the ASCII form is what is sent. */
#ifndef BB_MAILADDR_H
#define BB_MAILADDR_H

#include <glib.h>

/* Longest address in its ASCII form (RFC 5321: 254 octets in a path). */
#define BB_MAILADDR_MAX 254

/* The address with its domain in IDNA ASCII form (lower case), or NULL when it is no address
 * this service sends to: more or less than one '@', a local part over 64 characters or with
 * anything but letters, digits and .!#$%&'*+/=?^_`{|}~-, a domain that libidn2 refuses or that
 * is not at least two labels of letters, digits and inner hyphens. g_free() it. */
char *bb_mailaddr_to_ascii(const char *addr) G_GNUC_WARN_UNUSED_RESULT;
/* Whether bb_mailaddr_to_ascii() accepts addr. */
gboolean bb_mailaddr_valid(const char *addr);

#endif
