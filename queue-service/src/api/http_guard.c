/* http_guard.c: rewrites header names lws 4.1.6 would misparse, below lws (contract and why:
 * http_guard.h). */
#undef _FORTIFY_SOURCE   /* glibc's fortified recv() is an inline wrapper: this file defines recv */

#include "api/http_guard.h"
#include "base/logging.h"

#include <errno.h>
#include <libwebsockets.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#define NAME_MAX_TRACKED 48    /* longer names are no prefix of any name lws knows */
#define VALUE_MAX 40

/* ---- the framing ------------------------------------------------------------------------- */

typedef enum {
	G_REQUEST_LINE,   /* up to the end of the request line (empty lines before it skipped) */
	G_LINE_START,     /* a header line or the blank line begins */
	G_LINE_CR,        /* a CR at a line start: the blank line, if LF follows */
	G_NAME,           /* a header name, up to its colon */
	G_VALUE,          /* the rest of a header line */
	G_BODY,           /* Content-Length bytes */
	G_PASS,           /* no HTTP/1 framing any more (WebSocket, h2c, a refused body): not guarded */
} gstate;

/* Header values the framing needs. */
typedef enum { V_OTHER, V_CONTENT_LENGTH, V_UPGRADE, V_TRANSFER_ENCODING } value_kind;

struct bb_hguard {
	gstate st;
	gsize line_len;            /* request line: characters so far */
	char name[NAME_MAX_TRACKED];
	gsize name_len;
	gboolean name_long;
	gssize name_start;         /* offset of the name in the current buffer; -1: an earlier one */
	value_kind kind;
	char value[VALUE_MAX];
	gsize value_len;
	/* per request */
	gboolean has_length, length_bad, upgrade, chunked;
	guint64 length, body_left;
};

static const char *const framing_names[] = {
	[V_CONTENT_LENGTH] = "content-length", [V_UPGRADE] = "upgrade", [V_TRANSFER_ENCODING] = "transfer-encoding",
};

/* The names lws knows (its token strings: "host:", "get ", "x-auth-token:" ...), lower case. */
static GPtrArray *known;

static void load_known(void)
{
	if (known)
		return;
	known = g_ptr_array_new();
	for (int i = 0; i < WSI_TOKEN_COUNT; i++) {
		const char *t = (const char *)lws_token_to_string((enum lws_token_indexes)i);
		if (t && *t)
			g_ptr_array_add(known, (gpointer)t);
	}
}

gboolean bb_hguard_name_misparsed(const char *name, size_t len)
{
	load_known();
	if (len == 0 || len >= NAME_MAX_TRACKED)
		return FALSE;
	gboolean prefix = FALSE;
	for (guint i = 0; i < known->len; i++) {
		const char *t = known->pdata[i];
		size_t tl = strlen(t);
		if (tl <= len || g_ascii_strncasecmp(t, name, len) != 0)
			continue;
		if (t[len] == ':' && tl == len + 1)
			return FALSE;   /* the name itself is known ("host" of "host:") */
		prefix = TRUE;
	}
	return prefix;
}

bb_hguard *bb_hguard_new(void)
{
	return g_new0(bb_hguard, 1);
}

void bb_hguard_free(bb_hguard *g)
{
	g_free(g);
}

static void new_request(bb_hguard *g)
{
	g->st = G_REQUEST_LINE;
	g->line_len = 0;
	g->has_length = g->length_bad = g->upgrade = g->chunked = FALSE;
	g->length = g->body_left = 0;
}

/* A header line's value is complete: note what the framing needs. */
static void end_value(bb_hguard *g)
{
	g->value[MIN(g->value_len, VALUE_MAX - 1)] = '\0';
	char *v = g_strstrip(g->value);
	switch (g->kind) {
	case V_CONTENT_LENGTH: {
		gboolean digits = *v && g->value_len < VALUE_MAX - 1 && strlen(v) <= 18;
		for (const char *p = v; *p && digits; p++)
			digits = g_ascii_isdigit(*p);
		g->length_bad |= g->has_length || !digits;   /* the service refuses and closes */
		g->has_length = TRUE;
		g->length = digits ? g_ascii_strtoull(v, NULL, 10) : 0;
		break;
	}
	case V_UPGRADE:
		g->upgrade |= g_ascii_strcasecmp(v, "websocket") == 0 || g_ascii_strcasecmp(v, "h2c") == 0;
		break;
	case V_TRANSFER_ENCODING:
		g->chunked = TRUE;   /* any: the service refuses it and closes */
		break;
	case V_OTHER:
		break;
	}
}

/* The blank line: what follows is a body, the next request, or no HTTP/1 at all. */
static void end_headers(bb_hguard *g)
{
	if (g->upgrade || g->chunked || g->length_bad) {
		g->st = G_PASS;
		return;
	}
	guint64 body = g->length;
	new_request(g);
	if (body) {
		g->body_left = body;
		g->st = G_BODY;
	}
}

/* The colon of a header name: rewrite the name if lws would misparse it. */
static gboolean end_name(bb_hguard *g, char *buf, guint *rewritten)
{
	g->kind = V_OTHER;
	g->value_len = 0;
	if (g->name_len == 0)
		return FALSE;   /* no name at all (": x"): lws reads on to the next colon */
	if (!g->name_long) {
		for (guint k = 1; k < G_N_ELEMENTS(framing_names); k++)
			if (g->name_len == strlen(framing_names[k]) && strncmp(g->name, framing_names[k], g->name_len) == 0)
				g->kind = (value_kind)k;
		if (bb_hguard_name_misparsed(g->name, g->name_len)) {
			if (g->name_start < 0)
				return FALSE;   /* its characters went to lws with an earlier read */
			buf[g->name_start + (gssize)g->name_len - 1] = '_';
			(*rewritten)++;
		}
	}
	g->st = G_VALUE;
	return TRUE;
}

gboolean bb_hguard_feed(bb_hguard *g, char *buf, size_t n, guint *rewritten)
{
	g->name_start = -1;   /* a name still open began in an earlier buffer */
	for (size_t i = 0; i < n; i++) {
		char c = buf[i];
		switch (g->st) {
		case G_PASS:
			return TRUE;
		case G_BODY: {
			guint64 take = MIN((guint64)(n - i), g->body_left);
			g->body_left -= take;
			i += (size_t)take - 1;
			if (!g->body_left)
				g->st = G_REQUEST_LINE;
			break;
		}
		case G_REQUEST_LINE:
			if (c == '\n') {
				if (g->line_len)
					g->st = G_LINE_START;
			} else if (c != '\r') {
				/* HTTP/2 with prior knowledge is no HTTP/1 framing. */
				if (g->line_len == 0 && n - i >= 4 && memcmp(buf + i, "PRI ", 4) == 0) {
					g->st = G_PASS;
					return TRUE;
				}
				g->line_len++;
			}
			break;
		case G_LINE_START:
		case G_LINE_CR:
			if (c == '\n') {
				end_headers(g);
				break;
			}
			if (c == '\r' && g->st == G_LINE_START) {
				g->st = G_LINE_CR;
				break;
			}
			g->st = G_NAME;
			g->name_len = 0;
			g->name_long = FALSE;
			g->name_start = (gssize)i;
			/* fall through */
		case G_NAME:
			if (c == ':') {
				if (!end_name(g, buf, rewritten))
					return FALSE;
			} else if (c == '\n') {
				return FALSE;   /* a header line without a colon: lws would wait for one */
			} else if (g->name_len < NAME_MAX_TRACKED - 1) {
				g->name[g->name_len++] = g_ascii_tolower(c);
			} else {
				g->name_long = TRUE;
			}
			break;
		case G_VALUE:
			if (c == '\n') {
				end_value(g);
				g->st = G_LINE_START;
			} else if (g->kind != V_OTHER && g->value_len < VALUE_MAX - 1) {
				g->value[g->value_len++] = c;
			} else if (g->kind != V_OTHER) {
				g->value_len = VALUE_MAX;   /* too long to be a number we take */
			}
			break;
		}
	}
	return TRUE;
}

/* ---- the sockets: recv() below lws ------------------------------------------------------- */

/* Guarded sockets, by descriptor, with the inode that identifies the socket: a descriptor number
 * is reused after close, and a stale entry must never guard another socket. Loop thread only. */
typedef struct watched {
	ino_t ino;
	bb_hguard *g;
} watched;

static GHashTable *watched_fds;       /* fd -> watched* */
static __thread gboolean on_loop;     /* only the loop thread's reads are guarded */
static guint64 rewrites, refusals;    /* loop thread only */

static void watched_free(gpointer p)
{
	watched *w = p;
	bb_hguard_free(w->g);
	g_free(w);
}

void bb_http_guard_init(void)
{
	load_known();
	on_loop = TRUE;
	if (!watched_fds)
		watched_fds = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, watched_free);
}

static gboolean inode_of(int fd, ino_t *ino)
{
	struct stat st;
	if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
		return FALSE;
	*ino = st.st_ino;
	return TRUE;
}

void bb_http_guard_watch(int fd)
{
	ino_t ino;
	if (!on_loop || fd < 0 || !inode_of(fd, &ino))
		return;
	watched *w = g_new0(watched, 1);
	w->ino = ino;
	w->g = bb_hguard_new();
	new_request(w->g);
	g_hash_table_replace(watched_fds, GINT_TO_POINTER(fd), w);
}

void bb_http_guard_forget(int fd)
{
	if (on_loop && fd >= 0)
		g_hash_table_remove(watched_fds, GINT_TO_POINTER(fd));
}

guint64 bb_http_guard_rewrites(void)
{
	return rewrites;
}

guint64 bb_http_guard_refusals(void)
{
	return refusals;
}

/* The guarded state of fd, or NULL (not a public connection, or the number is another socket's
 * now: then the stale entry goes). */
static bb_hguard *guard_of(int fd)
{
	watched *w = g_hash_table_lookup(watched_fds, GINT_TO_POINTER(fd));
	if (!w)
		return NULL;
	ino_t ino;
	if (!inode_of(fd, &ino) || ino != w->ino) {
		g_hash_table_remove(watched_fds, GINT_TO_POINTER(fd));
		return NULL;
	}
	return w->g;
}

/* What lws (and libpq, libcurl) call to read a socket. Everything but the loop's reads of public
 * connections is exactly glibc's recv(): recvfrom() without an address. */
ssize_t recv(int fd, void *buf, size_t len, int flags)
{
	ssize_t n = recvfrom(fd, buf, len, flags, NULL, NULL);
	if (n <= 0 || !on_loop || (flags & MSG_PEEK) || !watched_fds)
		return n;
	bb_hguard *g = guard_of(fd);
	if (!g)
		return n;
	guint rewritten = 0;
	if (!bb_hguard_feed(g, buf, (size_t)n, &rewritten)) {
		/* Answered here, as lws never would be able to: 400, then lws closes the connection. */
		static const char body[] = "{\"error\":{\"code\":\"bad_request\",\"message\":\"malformed request header line\"}}";
		g_autofree char *refusal = g_strdup_printf("HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n"
			"content-length: %zu\r\ncache-control: no-store\r\nconnection: close\r\n\r\n%s", sizeof body - 1, body);
		refusals++;
		(void)send(fd, refusal, strlen(refusal), MSG_NOSIGNAL | MSG_DONTWAIT);
		bb_debug("http", "connection refused: a header line lws 4.1.6 cannot parse");
		g_hash_table_remove(watched_fds, GINT_TO_POINTER(fd));
		errno = ECONNRESET;
		return -1;
	}
	rewrites += rewritten;
	return n;
}
