/* security_headers.h: Content-Security-Policy, X-Content-Type-Options and X-Frame-Options on
 * every answer of the public listener, REST and static files alike (lws adds a vhost's canned
 * headers to each), so the pages are protected where no nginx is in front: scripts/start, a county
 * without the compose stack. One policy for all: the console's (our pages load nothing from
 * other hosts; Janus may be on another port or host, hence ws:/wss:; nothing may frame them).
 * Behind nginx its per-path policies apply (docker/web/nginx.conf.template, docs/operations.md
 * "Embedding"; nginx lets the start page be framed by the county's origins). A script's own
 * policy does not apply to the page that loads it: the widget still embeds anywhere. */
#ifndef BB_SECURITY_HEADERS_H
#define BB_SECURITY_HEADERS_H

#include <libwebsockets.h>

#define BB_CSP "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " \
	"connect-src 'self' ws: wss: blob:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

/* The list for lws_context_creation_info.headers (static, lives for the whole run). */
const struct lws_protocol_vhost_options *bb_security_headers(void);

#endif
