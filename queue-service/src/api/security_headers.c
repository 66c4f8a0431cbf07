/* security_headers.c: the canned security headers of the public listener (security_headers.h). */
#include "api/security_headers.h"

static const struct lws_protocol_vhost_options frame = {NULL, NULL, "x-frame-options:", "DENY"};
static const struct lws_protocol_vhost_options nosniff = {&frame, NULL, "x-content-type-options:", "nosniff"};
static const struct lws_protocol_vhost_options csp = {&nosniff, NULL, "content-security-policy:", BB_CSP};

const struct lws_protocol_vhost_options *bb_security_headers(void)
{
	return &csp;
}
