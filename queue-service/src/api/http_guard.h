/* http_guard.h: a workaround for a header parser bug of libwebsockets 4.1.6 (Debian 12), on the
 * public listener's connections.
 *
 * The bug: lws matches header names against a trie of the names it knows, which include the
 * colon ("host:", "x-auth-token:"). With LWS_WITH_CUSTOM_HEADERS (Debian's build), a name that is
 * a proper prefix of a known one and is itself no known name ("X-A:", "Co:", "Get:") leaves the
 * trie exactly at its colon; lws then drops the colon and keeps reading every following byte,
 * value, CRLF and the blank line that ends the request included, as part of the header *name*
 * until the next colon arrives. A request ending with such a header is never complete: no
 * callback, no answer, until lws's header timeout (10 s) closes it. If another header follows,
 * that one is swallowed into the name (a Content-Length among them: the body is then read as
 * the next request).
 *
 * No lws callback sees the bytes before the parser does, so the guard sits below lws: the
 * service defines recv() (lws reads sockets with it; libpq and libcurl do too and pass straight
 * through), and on the event-loop thread, for the sockets of the public listener only, it follows
 * the HTTP/1.1 framing (request line, header lines, Content-Length bodies; a WebSocket or h2c
 * upgrade, a chunked or refused body end the guarding of that connection) and rewrites the last
 * character of such a header name to '_' before lws sees it. lws then sees an unknown header,
 * which it keeps aside as it does with every unknown header, and the request is answered at once.
 * A name that began in an earlier read (already handed to lws) cannot be rewritten, and a header
 * line without a name or without a colon leaves lws waiting the same way: such a connection is
 * answered 400 by the guard itself and closed at once. Nothing the service reads is one of the
 * rewritten names, so the rewrite changes no answer.
 *
 * Remove this module once the lws the service links fixes the parser (check: a request with
 * `X-A: 1` answered at once without it; tests/fuzz/http.test.mjs sends such requests). */
#ifndef BB_HTTP_GUARD_H
#define BB_HTTP_GUARD_H

#include <glib.h>

/* The per-connection state of the framing (opaque; exposed for the unit test). */
typedef struct bb_hguard bb_hguard;

bb_hguard *bb_hguard_new(void);
void bb_hguard_free(bb_hguard *g);
/* Follows buf[0..n) (the next bytes of the connection) and rewrites what lws would misparse.
 * FALSE when the connection must be refused: a name to rewrite began in an earlier buffer, or a
 * header line has no name or no colon (lws would read on to the next colon as well). *rewritten
 * counts the names rewritten. */
gboolean bb_hguard_feed(bb_hguard *g, char *buf, size_t n, guint *rewritten);
/* Whether lws 4.1.6 misparses a header with this name (any case): it is a proper prefix of a
 * name lws knows and no known name itself. */
gboolean bb_hguard_name_misparsed(const char *name, size_t len);

/* Loop thread, before the listeners open: builds the list of names lws knows and marks this
 * thread as the one whose reads are guarded. */
void bb_http_guard_init(void);
/* Loop: starts or stops guarding a public connection's socket. */
void bb_http_guard_watch(int fd);
void bb_http_guard_forget(int fd);
/* Requests answered thanks to a rewrite, and connections refused, since start (for /metrics). */
guint64 bb_http_guard_rewrites(void);
guint64 bb_http_guard_refusals(void);

#endif
