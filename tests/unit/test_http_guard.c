/* test_http_guard.c: the framing that rewrites header names lws 4.1.6 misparses
 * (api/http_guard.c): which names, where in the stream (header lines only, never request lines,
 * bodies or WebSocket frames), pipelined requests, names split over two reads. */
#include "api/http_guard.h"

#include <string.h>

static void test_names(void)
{
	static const char *const misparsed[] = {"x-a", "X-A", "co", "Co", "get", "hos", "content", "content-",
		"accept-", "x", "x-forwarded-f", "sec-websocket", "t", NULL};
	static const char *const fine[] = {"host", "Host", "accept", "accept-encoding", "x-b", "dnt", "x-requested-with",
		"content-type", "te", "x-auth-token", "sec-fetch-site", "cookie2", "", NULL};
	for (int i = 0; misparsed[i]; i++)
		g_assert_true(bb_hguard_name_misparsed(misparsed[i], strlen(misparsed[i])));
	for (int i = 0; fine[i]; i++)
		g_assert_false(bb_hguard_name_misparsed(fine[i], strlen(fine[i])));
}

/* Feeds the parts in order; returns the concatenated (rewritten) text, or NULL when refused. */
static char *feed(const char *const *parts, guint *rewritten)
{
	bb_hguard *g = bb_hguard_new();
	GString *out = g_string_new(NULL);
	*rewritten = 0;
	gboolean ok = TRUE;
	for (int i = 0; parts[i] && ok; i++) {
		char *copy = g_strdup(parts[i]);
		ok = bb_hguard_feed(g, copy, strlen(copy), rewritten);
		g_string_append(out, copy);
		g_free(copy);
	}
	bb_hguard_free(g);
	return ok ? g_string_free(out, FALSE) : (g_string_free(out, TRUE), NULL);
}

typedef struct guard_case {
	const char *parts[5];     /* NULL-terminated */
	const char *expected;      /* NULL: refused */
	guint rewritten;
} guard_case;

static const guard_case cases[] = {
	{{"GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\r\n"}, "GET / HTTP/1.1\r\nHost: x\r\nX-_: 1\r\n\r\n", 1},
	{{"GET / HTTP/1.1\r\nCo: 1\r\nContent-Length: 0\r\n\r\n"}, "GET / HTTP/1.1\r\nC_: 1\r\nContent-Length: 0\r\n\r\n", 1},
	{{"GET / HTTP/1.1\r\nHost: x\r\nAccept: y\r\n\r\n"}, "GET / HTTP/1.1\r\nHost: x\r\nAccept: y\r\n\r\n", 0},
	/* the request line is never touched, nor a value */
	{{"GET /co: HTTP/1.1\r\nX-B: co: x-a:\r\n\r\n"}, "GET /co: HTTP/1.1\r\nX-B: co: x-a:\r\n\r\n", 0},
	/* a body (Content-Length) is skipped, the pipelined request after it is guarded */
	{{"POST /a HTTP/1.1\r\nContent-Length: 8\r\n\r\n\r\nCo: 1\r\nGET /b HTTP/1.1\r\nCo: 2\r\n\r\n"},
	 "POST /a HTTP/1.1\r\nContent-Length: 8\r\n\r\n\r\nCo: 1\r\nGET /b HTTP/1.1\r\nC_: 2\r\n\r\n", 1},
	/* the same over several reads, a body split too */
	{{"POST /a HTTP/1.1\r\nConte", "nt-Length: 8\r\n\r\n\r\nCo", ": 1\r\nGET /b HTTP/1.1\r\n", "Co: 2\r\n\r\n"},
	 "POST /a HTTP/1.1\r\nContent-Length: 8\r\n\r\n\r\nCo: 1\r\nGET /b HTTP/1.1\r\nC_: 2\r\n\r\n", 1},
	/* a known name split over two reads is fine */
	{{"GET / HTTP/1.1\r\nHo", "st: x\r\n\r\n"}, "GET / HTTP/1.1\r\nHost: x\r\n\r\n", 0},
	/* a misparsed name split over two reads cannot be rewritten: refused */
	{{"GET / HTTP/1.1\r\nX-", "A: 1\r\n\r\n"}, NULL, 0},
	/* no name, no colon: refused */
	{{"GET / HTTP/1.1\r\n: x\r\n\r\n"}, NULL, 0},
	{{"GET / HTTP/1.1\r\nFoo\r\n\r\n"}, NULL, 0},
	/* after a WebSocket upgrade the bytes are frames: not guarded */
	{{"GET /api/v1/live HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", "\nCo: 1\r\n"},
	 "GET /api/v1/live HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n\nCo: 1\r\n", 0},
	/* a refused framing (two lengths, chunked) ends the guarding: the service closes anyway */
	{{"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nCo: x\r\n"},
	 "POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nCo: x\r\n", 0},
	{{"POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\nCo: x\r\n"},
	 "POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\nCo: x\r\n", 0},
	{{"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\nCo: x\r\n"},
	 "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\nCo: x\r\n", 0},
	{{"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nCo: x\r\n"},
	 "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nCo: x\r\n", 0},
	/* empty lines before a request line, bare LF line ends */
	{{"\r\n\r\nGET / HTTP/1.1\nX-A: 1\n\n"}, "\r\n\r\nGET / HTTP/1.1\nX-_: 1\n\n", 1},
	/* HTTP/2 with prior knowledge: not HTTP/1 */
	{{"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\nCo: x\r\n"}, "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\nCo: x\r\n", 0},
};

static void test_framing(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_test_message("case %u", i);
		guint rewritten;
		g_autofree char *out = feed(cases[i].parts, &rewritten);
		g_assert_cmpstr(out, ==, cases[i].expected);
		if (out)
			g_assert_cmpuint(rewritten, ==, cases[i].rewritten);
	}
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/http_guard/names", test_names);
	g_test_add_func("/http_guard/framing", test_framing);
	return g_test_run();
}
