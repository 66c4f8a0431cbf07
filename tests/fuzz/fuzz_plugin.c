/* fuzz_plugin.c: libFuzzer target for the plugin's signalling, built without Janus: every
 * browser request (the Janus API, protocol/janus-api.json) and the plugin side of the internal
 * API (answers and events from the queue service, protocol/internal-api.json).
 *
 * The plugin runs as it does in Janus, minus the threads: the fuzz thread plays the Janus core
 * (tests/fuzz/janus_core.c and the janus_callbacks below), the handler thread (it pops the work
 * queue and runs bb_dispatch, app/bb_dispatch.c) and the queue service. The real queue client
 * (queue/bb_queue_client.c, included below) has one connection without a socket: its frames are
 * read back from the outgoing queue, and the service's answers and events go in through its own
 * handle_incoming(), so every call ends in its continuation as in production.
 *
 * Per input: three fresh handles, citizens A and B and clerk K (logged in through the plugin's
 * login request and a clerk_auth answer), then one step per input line, then every handle goes
 * away. Nothing lives on to the next input (LeakSanitizer runs per input).
 *
 * Input lines (a seed corpus is in tests/fuzz/corpus-plugin/):
 *   a|b|k JSON [JSEP]  a browser message of A, B or K (Janus drops a JSEP it would refuse)
 *   r[N] JSON          the service answers its N-th oldest open call (default 0); "id" is added
 *   q TEXT             the service sends TEXT as it is (events, stray answers, garbage)
 *   x                  the connection to the service is lost; u [JSON]: reconnected, hello answered
 *   t                  every open call times out (the client's tick, which also sends a heartbeat)
 *   s|h W              Janus: setup_media / hangup_media of handle W (a, b or k)
 *   p|c|d W BYTES      Janus: RTP / RTCP / data from handle W; l W: slow_link
 *   w                  11 s pass: the handler's periodic tick (dead-media watch)
 *   g W / n W          handle W is destroyed / a new handle takes slot W
 *   A JSON / Q W       Admin API message / query_session of W
 *
 * Checks besides the sanitizers: push_event gets a JSON object naming an event of the catalogue
 * (errors with a catalogue code), answers carry a transaction; every request is answered at most
 * once, and at least once before its handle goes; no offer is pushed to a handle whose
 * PeerConnection the plugin asked Janus to close; frames to the service are catalogue ops; when
 * all handles are gone, the registry holds no ticket, clerk or consultation and the handles'
 * memory was released (janus_plugin_session references balanced). BB_FUZZ_STRICT=1 also stops on
 * a refused state change; BB_FUZZ_LOG=1 prints the plugin's log. */
#include <glib/gstdio.h>
#include <libwebsockets.h>

/* The client has no lws context here: waking or scheduling its service loop does nothing. */
static void fuzz_lws_cancel_service(struct lws_context *ctx) { (void)ctx; }
#define lws_cancel_service(ctx) fuzz_lws_cancel_service(ctx)
#define lws_sul_schedule(ctx, tsi, sul, cb, us) ((void)(ctx), (void)(tsi), (void)(sul), (void)(cb), (void)(us))
#include "queue/bb_queue_client.c"
#undef lws_cancel_service
#undef lws_sul_schedule

#include "app/bb_dispatch.h"
#include "consultation/bb_consultation.h"
#include "consultation/bb_media.h"
#include "core/bb_context.h"
#include "core/bb_work.h"
#include "fuzz_plugin_catalogue.h"
#include "requests/bb_request.h"
#include "session/bb_session.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

janus_plugin *create(void);
extern void (*janus_core_log_hook)(const char *line);
void janus_plugin_result_destroy(janus_plugin_result *result);

#define FUZZ_MAX_LINES 48
#define FUZZ_MAX_TXNS 256

static void fail(const char *what) {
	fprintf(stderr, "fuzz_plugin: %s\n", what);
	abort();
}
#define CHECK(cond, what) do { if(!(cond)) fail(what); } while(0)

/* ---- the Janus side of a handle ------------------------------------------------------------ */

enum { SLOT_A, SLOT_B, SLOT_K, N_SLOTS };

typedef struct fuzz_handle {
	janus_plugin_session *h;
	gboolean pc;                   /* Janus holds a PeerConnection (or the start of one) */
	gboolean closing;              /* close_pc asked, hangup_media not delivered yet */
	gboolean offered;              /* an offer was pushed; the browser may answer */
	gboolean up;                   /* setup_media delivered */
} fuzz_handle;

static fuzz_handle *slots[N_SLOTS];   /* NULL once the core destroyed the handle (g) */
static GHashTable *live_handles;   /* janus_plugin_session* whose memory is still ours */
static janus_plugin *plugin;
static bb_qc *qc;
static GArray *open_calls;         /* ids of calls sent to the service, oldest first */
static gint64 clock_offset_us;
static gboolean strict;

typedef struct txn {
	int answers;
	gboolean renegotiate;
	int slot;
	janus_plugin_session *h;
} txn;
static txn txns[FUZZ_MAX_TXNS];
static int n_txns;

static void handle_free(const janus_refcount *ref) {
	janus_plugin_session *h = janus_refcount_containerof(ref, janus_plugin_session, ref);
	g_hash_table_remove(live_handles, h);
	g_free(h->gateway_handle);
	g_free(h);
}

static fuzz_handle *of(janus_plugin_session *h, const char *callback) {
	if(!h || !g_hash_table_contains(live_handles, h)) {
		fprintf(stderr, "fuzz_plugin: %s on a handle Janus does not know\n", callback);
		abort();
	}
	return h->gateway_handle;
}

/* ---- janus_callbacks ------------------------------------------------------------------------ */

static gboolean is_event(const char *name) {
	for(size_t i = 0; i < G_N_ELEMENTS(fuzz_janus_events); i++)
		if(strcmp(fuzz_janus_events[i], name) == 0)
			return TRUE;
	return FALSE;
}

static int cb_push_event(janus_plugin_session *h, janus_plugin *p, const char *transaction,
		json_t *message, json_t *jsep) {
	fuzz_handle *fh = of(h, "push_event");
	CHECK(p == plugin, "push_event: not our plugin");
	CHECK(json_is_object(message), "push_event: the event is not a JSON object");
	const char *event = json_string_value(json_object_get(message, "buergerbuero"));
	CHECK(event && is_event(event), "push_event: `buergerbuero` is not an event of the catalogue");
	char *text = json_dumps(message, JSON_COMPACT);
	CHECK(text, "push_event: the event cannot be serialised");
	free(text);
	if(strcmp(event, BB_JEV_ERROR) == 0) {
		json_t *code = json_object_get(message, "error_code");
		CHECK(json_is_integer(code), "push_event: error without error_code");
		const char *name = json_string_value(json_object_get(message, "error"));
		CHECK(name && bb_error_parse(name) == (bb_error_code)json_integer_value(code),
			"push_event: error name and code disagree with the catalogue");
	}
	if(json_object_get(message, "request"))
		CHECK(transaction, "push_event: an answer without a transaction");
	if(transaction && transaction[0] == 't') {
		int n = atoi(transaction + 1);
		CHECK(n >= 0 && n < n_txns, "push_event: a transaction nobody sent");
		CHECK(txns[n].h == h, "push_event: an answer to another handle's request");
		CHECK(txns[n].answers == 0, "push_event: a request answered twice");
		txns[n].answers++;
	}
	if(g_atomic_int_get(&h->stopped))
		return -2;   /* Janus: the handle is going away */
	if(jsep) {
		const char *type = json_string_value(json_object_get(jsep, "type"));
		CHECK(json_is_object(jsep) && type && json_is_string(json_object_get(jsep, "sdp")),
			"push_event: JSEP without type and sdp");
		if(strcmp(type, "offer") == 0) {
			CHECK(!fh->closing, "push_event: an offer while Janus is still closing the PeerConnection");
			fh->pc = TRUE;
			fh->offered = TRUE;
		} else {
			CHECK(strcmp(type, "answer") == 0, "push_event: JSEP neither offer nor answer");
		}
	}
	return 0;
}

static void cb_relay_rtp(janus_plugin_session *h, janus_plugin_rtp *packet) {
	of(h, "relay_rtp");
	CHECK(packet && packet->buffer, "relay_rtp: no packet");
}

static void cb_relay_rtcp(janus_plugin_session *h, janus_plugin_rtcp *packet) {
	of(h, "relay_rtcp");
	CHECK(packet && packet->buffer, "relay_rtcp: no packet");
}

static void cb_relay_data(janus_plugin_session *h, janus_plugin_data *packet) {
	of(h, "relay_data");
	CHECK(packet && packet->buffer && packet->length > 0, "relay_data: no packet");
}

static void cb_send_pli(janus_plugin_session *h) { of(h, "send_pli"); }
static void cb_send_pli_stream(janus_plugin_session *h, int mindex) { of(h, "send_pli_stream"); (void)mindex; }

static void cb_send_remb(janus_plugin_session *h, guint32 bitrate) {
	of(h, "send_remb");
	CHECK(bitrate > 0, "send_remb: bitrate 0");
}

static void cb_close_pc(janus_plugin_session *h) {
	fuzz_handle *fh = of(h, "close_pc");
	if(fh->pc && !g_atomic_int_get(&h->stopped))
		fh->closing = TRUE;
}

static void cb_end_session(janus_plugin_session *h) { of(h, "end_session"); }
static gboolean cb_events_is_enabled(void) { return TRUE; }

static void cb_notify_event(janus_plugin *p, janus_plugin_session *h, json_t *event) {
	CHECK(p == plugin, "notify_event: not our plugin");
	if(h)
		of(h, "notify_event");
	CHECK(json_is_object(event), "notify_event: not a JSON object");
	json_decref(event);   /* the core owns it */
}

static gboolean cb_auth_is_signed(void) { return FALSE; }
static gboolean cb_auth_is_signature_valid(janus_plugin *p, const char *token) { (void)p; (void)token; return FALSE; }
static gboolean cb_auth_signature_contains(janus_plugin *p, const char *token, const char *d) {
	(void)p; (void)token; (void)d; return FALSE;
}

static janus_callbacks callbacks = {
	.push_event = cb_push_event,
	.relay_rtp = cb_relay_rtp,
	.relay_rtcp = cb_relay_rtcp,
	.relay_data = cb_relay_data,
	.send_pli = cb_send_pli,
	.send_pli_stream = cb_send_pli_stream,
	.send_remb = cb_send_remb,
	.close_pc = cb_close_pc,
	.end_session = cb_end_session,
	.events_is_enabled = cb_events_is_enabled,
	.notify_event = cb_notify_event,
	.auth_is_signed = cb_auth_is_signed,
	.auth_is_signature_valid = cb_auth_is_signature_valid,
	.auth_signature_contains = cb_auth_signature_contains,
};

/* Log lines that mean a plugin bug. Matched on what precedes any text from the input: the level
 * and, for errors, the source location JANUS_LOG puts first (the fuzzer reads strstr's argument
 * and would otherwise just write the words into a request). */
static void log_hook(const char *line) {
	if(g_str_has_prefix(line, "[ERR] [") && strstr(line, ":bb_request_done:") &&
			strstr(line, ":bb_request_done:") < strstr(line, "] "))
		fail("a request ended without an answer");
	if(strict && g_str_has_prefix(line, "[WARN] [" BB_PACKAGE "] 0x") &&
			(strstr(line, " (citizen): refused state change ") || strstr(line, " (clerk): refused state change ")))
		fail(line);
}

/* ---- the handler thread and the queue service ----------------------------------------------- */

/* Frames the client would write: each must be a catalogue op with an id; calls are remembered
 * so that `r` can answer them. */
static void collect_frames(void) {
	qc_conn *c = &qc->conns[0];
	for(;;) {
		g_mutex_lock(&qc->lock);
		qc_frame *frame = g_queue_pop_head(&c->outgoing);
		g_mutex_unlock(&qc->lock);
		if(!frame)
			return;
		json_error_t jerr;
		json_t *msg = json_loadb((const char *)frame->buf + LWS_PRE, frame->len, JSON_REJECT_DUPLICATES, &jerr);
		g_free(frame);
		CHECK(json_is_object(msg), "frame to the service is not a JSON object");
		bb_op_id op;
		CHECK(bb_internal_op_find(json_string_value(json_object_get(msg, "op")), &op),
			"frame to the service names no op of the catalogue");
		json_t *id = json_object_get(msg, "id");
		CHECK(json_is_integer(id) && json_integer_value(id) > 0, "frame to the service without id");
		if(op != BB_OP_HELLO) {
			guint32 rid = (guint32)json_integer_value(id);
			g_array_append_val(open_calls, rid);
		}
		json_decref(msg);
	}
}

/* Plays the handler thread until its queue is empty. */
static void drain(void) {
	for(int i = 0; i < 100000; i++) {
		collect_frames();
		bb_work *w = bb_work_pop(0);
		if(!w)
			return;
		if(w->type == BB_WORK_STOP) {
			bb_work_free(w);
			continue;
		}
		bb_dispatch(w);
	}
	fail("the handler's work never ends");
}

static gboolean call_open(guint32 id) {
	g_mutex_lock(&qc->lock);
	gboolean open = g_hash_table_contains(qc->pending, GUINT_TO_POINTER(id));
	g_mutex_unlock(&qc->lock);
	return open;
}

/* The service's answer to the n-th oldest open call, through the client's own parser. */
static void service_answer(guint n, const char *text, size_t len) {
	for(guint i = 0; i < open_calls->len;) {
		if(!call_open(g_array_index(open_calls, guint32, i)))
			g_array_remove_index(open_calls, i);
		else
			i++;
	}
	if(open_calls->len == 0)
		return;
	n %= open_calls->len;
	guint32 id = g_array_index(open_calls, guint32, n);
	json_t *answer = json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
	if(json_is_object(answer)) {
		if(!json_object_get(answer, "id"))
			json_object_set_new(answer, "id", json_integer(id));
		char *s = json_dumps(answer, JSON_COMPACT);
		if(s)
			handle_incoming(&qc->conns[0], s, strlen(s));
		free(s);
	} else {
		handle_incoming(&qc->conns[0], text, len);
	}
	if(answer)
		json_decref(answer);
}

static void service_lost(void) {
	connection_lost(&qc->conns[0]);
}

/* Reconnected: hello goes out (with the tickets and consultations of this node) and is answered. */
static void service_back(const char *text, size_t len) {
	qc_conn *c = &qc->conns[0];
	g_mutex_lock(&qc->lock);
	gboolean ready = c->ready;
	g_mutex_unlock(&qc->lock);
	if(ready)
		return;
	c->live = TRUE;
	send_hello(c);
	collect_frames();
	json_t *answer = len ? json_loadb(text, len, 0, NULL) : NULL;
	if(!json_is_object(answer)) {
		if(answer)
			json_decref(answer);
		answer = json_pack("{sbssss}", "ok", 1, "service", "buergerbuero-queue", "version", "0.0.0");
	}
	json_object_set_new(answer, "id", json_integer(c->hello_id));
	char *s = json_dumps(answer, JSON_COMPACT);
	if(s)
		handle_incoming(c, s, strlen(s));
	free(s);
	json_decref(answer);
}

static void service_timeouts(void) {
	g_mutex_lock(&qc->lock);
	GHashTableIter it;
	gpointer value;
	g_hash_table_iter_init(&it, qc->pending);
	while(g_hash_table_iter_next(&it, NULL, &value))
		((qc_call *)value)->deadline = 0;
	g_mutex_unlock(&qc->lock);
	tick(&qc->sul_tick);
}

/* Every open call fails (connection lost) until nothing is left to run. */
static void settle(void) {
	for(int round = 0; round < 64; round++) {
		drain();
		g_mutex_lock(&qc->lock);
		gboolean open = g_hash_table_size(qc->pending) > 0;
		if(open)
			fail_calls_locked(qc, -1, "unavailable");
		g_mutex_unlock(&qc->lock);
		if(!open)
			return;
	}
	fail("calls to the service never end");
}

/* A fresh, ready client with one connection and no socket. */
static bb_qc *client_new(void) {
	bb_qc *q = g_new0(bb_qc, 1);
	q->secret = g_strdup(bb_ctx.settings.queue_secret);
	q->instance = g_strdup(bb_ctx.settings.instance);
	g_strlcpy(q->boot, "00000000000000000000000000000000", sizeof(q->boot));
	q->timeout_ms = bb_ctx.settings.request_timeout_ms;
	q->outgoing_max = bb_ctx.settings.outgoing_max;
	q->heartbeat_s = bb_ctx.settings.heartbeat_s;
	q->backoff_min_ms = bb_ctx.settings.reconnect_min_ms;
	q->backoff_max_ms = bb_ctx.settings.reconnect_max_ms;
	q->hooks.hello_args = bb_registry_hello_args;
	q->hooks.heartbeat_sessions = bb_registry_clerk_tokens;
	g_mutex_init(&q->lock);
	q->pending = g_hash_table_new(NULL, NULL);
	q->n_conns = 1;
	qc_conn *c = &q->conns[0];
	c->qc = q;
	c->rx = g_string_new(NULL);
	c->backoff_ms = q->backoff_min_ms;
	g_queue_init(&c->outgoing);
	return q;
}

/* Back to a connected client for the next input: nothing is open any more (settle). */
static void client_reset(void) {
	qc_conn *c = &qc->conns[0];
	if(!c->ready)
		service_back(NULL, 0);
	drain();
	g_mutex_lock(&qc->lock);
	qc->next_id = 0;
	c->inflight = 0;
	g_mutex_unlock(&qc->lock);
	qc->next_heartbeat = 0;
	g_array_set_size(open_calls, 0);
}

/* ---- handles --------------------------------------------------------------------------------- */

static void handle_new(int slot) {
	janus_plugin_session *h = g_new0(janus_plugin_session, 1);
	janus_refcount_init(&h->ref, handle_free);   /* the core's own reference */
	janus_refcount_increase(&h->ref);            /* the plugin's (its session_free drops it) */
	fuzz_handle *fh = g_new0(fuzz_handle, 1);
	fh->h = h;
	h->gateway_handle = fh;
	g_hash_table_add(live_handles, h);
	slots[slot] = fh;
	int error = 0;
	plugin->create_session(h, &error);
	CHECK(error == 0, "create_session failed");
}

/* Janus tears the handle down: PeerConnection first (hangup_media), then destroy_session. */
static void handle_gone(int slot) {
	fuzz_handle *fh = slots[slot];
	if(!fh)
		return;
	janus_plugin_session *h = fh->h;
	g_atomic_int_set(&h->stopped, 1);
	if(fh->pc || fh->closing)
		plugin->hangup_media(h);
	int error = 0;
	plugin->destroy_session(h, &error);
	CHECK(error == 0, "destroy_session failed");
	slots[slot] = NULL;
	drain();
	janus_refcount_decrease(&h->ref);
}

static void browser_message(int slot, const char *text, size_t len) {
	fuzz_handle *fh = slots[slot];
	if(!fh || n_txns >= FUZZ_MAX_TXNS)
		return;
	json_error_t jerr;
	json_t *message = json_loadb(text, len, JSON_DISABLE_EOF_CHECK | JSON_DECODE_ANY, &jerr);
	if(!message)
		return;
	json_t *jsep = NULL;
	size_t used = (size_t)jerr.position;
	while(used < len && g_ascii_isspace(text[used]))
		used++;
	if(used < len) {
		jsep = json_loadb(text + used, len - used, 0, NULL);
		/* the core refuses a JSEP without type and sdp, an offer while it is still closing the
		 * previous PeerConnection, and an answer when nobody offered */
		const char *type = json_string_value(json_object_get(jsep, "type"));
		gboolean offer = type && strcmp(type, "offer") == 0, answer = type && strcmp(type, "answer") == 0;
		if(!json_is_object(jsep) || !json_is_string(json_object_get(jsep, "sdp")) ||
				(!offer && !answer) || (offer && fh->closing) || (answer && !fh->offered)) {
			json_decref(message);
			if(jsep)
				json_decref(jsep);
			return;
		}
		if(offer)
			fh->pc = TRUE;
		else
			fh->offered = FALSE;
	}
	int n = n_txns++;
	txns[n] = (txn){ .slot = slot, .h = fh->h };
	const char *name = json_string_value(json_object_get(message, "request"));
	txns[n].renegotiate = name && strcmp(name, "renegotiate") == 0;
	janus_plugin_result *result = plugin->handle_message(fh->h, g_strdup_printf("t%d", n), message, jsep);
	CHECK(result && result->type == JANUS_PLUGIN_OK_WAIT, "handle_message did not queue the request");
	janus_plugin_result_destroy(result);
	drain();
}

static void media_packet(char what, int slot, const char *bytes, size_t len) {
	fuzz_handle *fh = slots[slot];
	if(!fh || !fh->up || len == 0)
		return;
	char *buffer = g_memdup2(bytes, len);
	if(what == 'p') {
		janus_plugin_rtp rtp = { .mindex = 0, .video = len & 1, .buffer = buffer, .length = (uint16_t)MIN(len, 1500) };
		plugin->incoming_rtp(fh->h, &rtp);
	} else if(what == 'c') {
		janus_plugin_rtcp rtcp = { .mindex = 0, .video = len & 1, .buffer = buffer, .length = (uint16_t)MIN(len, 1500) };
		plugin->incoming_rtcp(fh->h, &rtcp);
	} else {
		janus_plugin_data data = { .label = "chat", .protocol = NULL, .binary = FALSE, .buffer = buffer,
			.length = (uint16_t)MIN(len, 1500) };
		plugin->incoming_data(fh->h, &data);
	}
	g_free(buffer);
}

/* After the input: open calls fail, and every request of a handle still here was answered. */
static void check_answered(void) {
	settle();
	for(int i = 0; i < n_txns; i++) {
		if(txns[i].answers > 0 || txns[i].renegotiate || !slots[txns[i].slot] || slots[txns[i].slot]->h != txns[i].h)
			continue;
		fprintf(stderr, "fuzz_plugin: request t%d of handle %c was never answered\n", i, "abk"[txns[i].slot]);
		abort();
	}
}

static void check_empty_registry(void) {
	CHECK(bb_registry_count() == 0, "sessions left in the registry");
	json_t *hello = bb_registry_hello_args();
	CHECK(json_array_size(json_object_get(hello, "tickets")) == 0, "tickets left bound after every handle went");
	CHECK(json_array_size(json_object_get(hello, "consultations")) == 0,
		"consultations left registered after every handle went");
	json_decref(hello);
	json_t *tokens = bb_registry_clerk_tokens();
	CHECK(json_array_size(tokens) == 0, "clerks left registered after every handle went");
	json_decref(tokens);
	CHECK(g_atomic_int_get(&bb_ctx.consultations_running) == 0, "consultations_running is not 0 at the end");
	CHECK(g_hash_table_size(live_handles) == 0, "a janus_plugin_session reference was never released");
}

/* A started consultation relays between two PeerConnections: neither may be gone or closing
 * while the plugin still calls it started (the media would be dead with nobody told). */
static void check_consultations(void) {
	GPtrArray *clerks = bb_registry_snapshot(BB_ROLE_CLERK);
	for(guint i = 0; i < clerks->len; i++) {
		bb_consultation *c = ((bb_session *)g_ptr_array_index(clerks, i))->consultation;
		if(!c || c->state != BB_CONSULTATION_STATE_STARTED)
			continue;
		bb_session *sides[2] = { c->citizen, c->clerk };
		for(int k = 0; k < 2; k++) {
			janus_plugin_session *h = sides[k]->handle;
			if(g_atomic_int_get(&h->stopped))
				continue;
			fuzz_handle *fh = h->gateway_handle;
			CHECK(fh->pc && !fh->closing, "a consultation is started but one side has no PeerConnection");
		}
	}
	g_ptr_array_free(clerks, TRUE);
}

static int slot_of(char c) {
	return c == 'a' ? SLOT_A : c == 'b' ? SLOT_B : c == 'k' ? SLOT_K : -1;
}

static void step(const char *line, size_t len) {
	if(len == 0)
		return;
	char op = line[0];
	const char *rest = line + 1;
	size_t rlen = len - 1;
	while(rlen > 0 && *rest == ' ') {
		rest++;
		rlen--;
	}
	int slot = slot_of(op);
	if(slot >= 0) {
		browser_message(slot, rest, rlen);
		check_consultations();
		return;
	}
	int who = rlen > 0 ? slot_of(rest[0]) : -1;
	const char *payload = rlen > 0 ? rest + 1 : rest;
	size_t plen = rlen > 0 ? rlen - 1 : 0;
	switch(op) {
	case 'r': {
		guint n = 0;
		if(rlen > 0 && g_ascii_isdigit(rest[0])) {
			n = rest[0] - '0';
			rest++;
			rlen--;
		}
		service_answer(n, rest, rlen);
		break;
	}
	case 'q':
		handle_incoming(&qc->conns[0], rest, rlen);
		break;
	case 'x':
		service_lost();
		break;
	case 'u':
		service_back(rest, rlen);
		break;
	case 't':
		service_timeouts();
		break;
	case 'w':
		clock_offset_us += 11 * G_USEC_PER_SEC;
		bb_dispatch_tick(g_get_monotonic_time() + clock_offset_us);
		break;
	case 'A': {
		json_t *message = json_loadb(rest, rlen, JSON_DECODE_ANY, NULL);
		if(message) {
			json_t *answer = plugin->handle_admin_message(message);
			CHECK(json_is_object(answer), "handle_admin_message: no JSON object");
			json_decref(answer);
			json_decref(message);
		}
		break;
	}
	default:
		if(who < 0)
			return;
		fuzz_handle *fh = slots[who];
		if(!fh && op != 'n')
			return;
		switch(op) {
		case 's':
			if(fh->pc && !fh->closing && !fh->up) {
				fh->up = TRUE;
				plugin->setup_media(fh->h);
			}
			break;
		case 'h':
			if(fh->pc || fh->closing) {
				fh->pc = fh->closing = fh->offered = fh->up = FALSE;
				plugin->hangup_media(fh->h);
			}
			break;
		case 'p':
		case 'c':
		case 'd':
			media_packet(op, who, payload, plen);
			break;
		case 'l':
			if(fh->up)
				plugin->slow_link(fh->h, 0, TRUE, plen > 0 && (payload[0] & 1));
			break;
		case 'g':
			handle_gone(who);
			break;
		case 'n':
			if(!fh)
				handle_new(who);
			break;
		case 'Q':
			{
				json_t *info = plugin->query_session(fh->h);
				CHECK(json_is_object(info), "query_session: no JSON object");
				json_decref(info);
			}
			break;
		default:
			break;
		}
	}
	drain();
	check_consultations();
}

/* Clerk K logs in as the console does: login, clerk_auth answered. */
static void login_clerk(void) {
	static const char login[] = "{\"request\":\"login\",\"token\":\"clerk-session-token-k\"}";
	static const char auth[] = "{\"ok\":true,\"clerk\":{\"id\":1,\"display_name\":\"Frau Beispiel\","
		"\"role\":\"clerk\",\"offices\":[\"kfz\",\"buergeramt\"]}}";
	browser_message(SLOT_K, login, strlen(login));
	service_answer(0, auth, strlen(auth));
	drain();
	CHECK(bb_session_role(slots[SLOT_K]->h->plugin_handle) == BB_ROLE_CLERK, "clerk login failed");
}

/* ---- libFuzzer ------------------------------------------------------------------------------ */

static void cleanup(void) {
	bb_qc_stop(qc);   /* no thread, no lws context: frees what is left */
	bb_ctx.qc = qc = NULL;
	bb_work_clear();
	bb_registry_clear();
	bb_settings_clear(&bb_ctx.settings);
	g_array_free(open_calls, TRUE);
	g_hash_table_destroy(live_handles);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv) {
	(void)argc;
	(void)argv;
	strict = g_getenv("BB_FUZZ_STRICT") != NULL;
	janus_core_log_hook = log_hook;
	plugin = create();
	memset(&bb_ctx, 0, sizeof(bb_ctx));
	bb_ctx.gateway = &callbacks;
	bb_ctx.plugin = plugin;
	/* the settings come from a jcfg file, as in Janus: small backlog to reach its limit */
	char *dir = g_dir_make_tmp("bb-fuzz-XXXXXX", NULL);
	CHECK(dir, "no temporary folder");
	char *file = g_build_filename(dir, BB_PACKAGE ".jcfg", NULL);
	CHECK(g_file_set_contents(file, "general: {\n\tqueue_secret = \"fuzz-secret\"\n\tinstance = \"fuzz-1\"\n"
		"\trequest_backlog = 3\n\tmax_bitrate = 512000\n}\n", -1, NULL), "cannot write the jcfg");
	gboolean loaded = bb_settings_load(&bb_ctx.settings, dir);
	g_unlink(file);
	g_rmdir(dir);
	g_free(file);
	g_free(dir);
	CHECK(loaded && bb_ctx.settings.request_backlog == 3, "settings not loaded");
	CHECK(bb_request_table_complete(), "request table incomplete");
	bb_registry_init();
	bb_work_init();
	bb_ctx.max_handles = 64;
	live_handles = g_hash_table_new(NULL, NULL);
	open_calls = g_array_new(FALSE, FALSE, sizeof(guint32));
	bb_ctx.qc = qc = client_new();
	g_atomic_int_set(&bb_ctx.initialized, 1);
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
	client_reset();
	n_txns = 0;
	clock_offset_us = 0;
	g_atomic_int_set(&bb_ctx.consultations_running, 0);
	for(int i = 0; i < N_SLOTS; i++)
		handle_new(i);
	login_clerk();
	n_txns = 0;   /* the login was ours, not the input's */

	const char *text = (const char *)data;
	size_t pos = 0;
	for(int lines = 0; pos < size && lines < FUZZ_MAX_LINES; lines++) {
		const char *nl = memchr(text + pos, '\n', size - pos);
		size_t len = nl ? (size_t)(nl - (text + pos)) : size - pos;
		step(text + pos, len);
		pos += len + 1;
	}

	check_answered();
	for(int i = 0; i < N_SLOTS; i++)
		handle_gone(i);
	settle();
	check_empty_registry();
	return 0;
}
