/* notify.c: coalesced NOTIFY out, LISTEN in, and the recompute of changed offices handed to the
 * subscribers. */
#include "sync/notify.h"
#include "base/logging.h"

#include <string.h>

#define PAYLOAD_MAX 7900     /* PostgreSQL refuses NOTIFY payloads of 8000 bytes and more */
#define PENDING_EVENTS_MAX 10000

/* The module's state behind app->sync (loop only). */
struct bb_sync {
	PGconn *listen;              /* LISTEN bb_office, bb_event, bb_config */
	gint64 listen_retry_us;
	GHashTable *dirty;           /* office ids changed here, to NOTIFY (set) */
	json_t *pending_events;      /* events to NOTIFY on bb_event */
	GHashTable *recompute;       /* office ids notified by any instance, recomputed next tick */
	GPtrArray *subscribers;      /* const bb_notify_subscriber* */
	void (*wake)(gpointer);      /* the loop's "flush on your next turn" */
	gpointer wake_data;
	guint listen_generation;     /* bumped when the LISTEN connection is replaced or lost */
	gboolean flushing;           /* what a flush puts back waits for the backstop timer */
};

/* Something waits for the flush: the loop should run it soon. */
static void wake(bb_app *app)
{
	if (app->sync->wake && !app->sync->flushing)
		app->sync->wake(app->sync->wake_data);
}

void bb_notify_set_wake(bb_app *app, void (*fn)(gpointer data), gpointer data)
{
	if (!app->sync)
		return;
	app->sync->wake = fn;
	app->sync->wake_data = data;
}

int bb_notify_listen_fd(bb_app *app, guint *generation)
{
	struct bb_sync *sync = app->sync;
	if (generation)
		*generation = sync->listen_generation;
	return sync->listen && PQstatus(sync->listen) == CONNECTION_OK ? PQsocket(sync->listen) : -1;
}

/* Sink: the office is sent in the next flush (once, however often it changed meanwhile). */
static void office_dirty(bb_app *app, const char *office_id)
{
	GHashTable *dirty = app->sync->dirty;
	if (!g_hash_table_contains(dirty, office_id))
		g_hash_table_add(dirty, g_strdup(office_id));
	wake(app);
}

/* Sink: the event is sent in the next flush. Bounded: if the database stays down, new events are
 * dropped rather than piling up. */
static void event(bb_app *app, json_t *ev)
{
	if (json_array_size(app->sync->pending_events) >= PENDING_EVENTS_MAX) {
		json_decref(ev);
		return;
	}
	json_array_append_new(app->sync->pending_events, ev);
	wake(app);
}

static const bb_sink sink = {.office_dirty = office_dirty, .event = event};

/* Installs the sink together with the state behind it: from now on every reported change waits
 * here for the next flush. */
void bb_notify_init(bb_app *app)
{
	struct bb_sync *s = g_new0(struct bb_sync, 1);
	s->dirty = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	s->pending_events = json_array();
	s->recompute = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	s->subscribers = g_ptr_array_new();
	app->sync = s;
	app->sink = &sink;
}

/* The sink goes first: nothing may queue into state that is being freed. */
void bb_notify_free(bb_app *app)
{
	struct bb_sync *s = app->sync;
	if (!s)
		return;
	app->sink = NULL;
	if (s->listen)
		PQfinish(s->listen);
	g_hash_table_destroy(s->dirty);
	g_hash_table_destroy(s->recompute);
	json_decref(s->pending_events);
	g_ptr_array_free(s->subscribers, TRUE);
	g_clear_pointer(&app->sync, g_free);
}

void bb_notify_subscribe(bb_app *app, const bb_notify_subscriber *sub)
{
	g_ptr_array_add(app->sync->subscribers, (gpointer)sub);
}

/* Hands an event to every subscriber that takes events. */
static void publish_event(bb_app *app, json_t *ev)
{
	GPtrArray *subs = app->sync->subscribers;
	for (guint i = 0; i < subs->len; i++) {
		const bb_notify_subscriber *sub = subs->pdata[i];
		if (sub->event)
			sub->event(app, ev);
	}
}

/* Hands a recomputed office to the subscribers in order; FALSE as soon as one of them fails. */
static gboolean publish_office(bb_app *app, bb_office *o, gint64 now)
{
	GPtrArray *subs = app->sync->subscribers;
	for (guint i = 0; i < subs->len; i++) {
		const bb_notify_subscriber *sub = subs->pdata[i];
		if (sub->office_changed && !sub->office_changed(app, o, now))
			return FALSE;
	}
	return TRUE;
}

/* One pg_notify() on the loop's connection; FALSE when the database did not take it, so that the
 * caller can keep what it wanted to send for the next tick. */
static gboolean send_notify(bb_app *app, const char *channel, const char *payload)
{
	const char *p[] = {channel, payload};
	GError *e = NULL;
	PGresult *r = bb_db_exec(app->db, "SELECT pg_notify($1, $2)", 2, p, &e);
	bb_debug("notify", "sent channel=%s ok=%d", channel, r != NULL);
	if (!r) {
		bb_debug("notify", "notify failed channel=%s", channel);
		g_clear_error(&e);
		return FALSE;
	}
	PQclear(r);
	return TRUE;
}

void bb_notify_config(bb_app *app)
{
	if (!send_notify(app, "bb_config", "reload"))
		bb_warn("notify", "could not announce configuration change");
}

/* Packs pending events into as few payloads as fit (JSON arrays under PAYLOAD_MAX bytes). When
 * our own LISTEN connection is down, a sent batch is also delivered to local clients at once:
 * we would not receive it back. */
static void flush_events(bb_app *app, gboolean listening)
{
	struct bb_sync *sync = app->sync;
	size_t n = json_array_size(sync->pending_events);
	size_t i = 0;
	while (i < n) {
		json_t *batch = json_array();
		size_t start = i;
		size_t len = 2;
		for (; i < n; i++) {
			char *one = json_dumps(json_array_get(sync->pending_events, i), JSON_COMPACT);
			size_t l = one ? strlen(one) + 1 : 0;
			free(one);
			if (l + 2 > PAYLOAD_MAX) {
				bb_warn("notify", "dropping oversized event bytes=%zu", l);
				continue;
			}
			if (len + l > PAYLOAD_MAX)
				break;
			len += l;
			json_array_append(batch, json_array_get(sync->pending_events, i));
		}
		char *payload = json_dumps(batch, JSON_COMPACT);
		gboolean ok = send_notify(app, "bb_event", payload);
		free(payload);
		if (ok && !listening) {
			size_t j;
			json_t *ev;
			json_array_foreach(batch, j, ev)
				publish_event(app, ev);
		}
		json_decref(batch);
		if (!ok) {
			i = start;
			break;
		}
	}
	/* Keep what could not be sent (database down) for the next tick. */
	json_t *rest = json_array();
	for (size_t j = i; j < n; j++)
		json_array_append(rest, json_array_get(sync->pending_events, j));
	json_decref(sync->pending_events);
	sync->pending_events = rest;
}

/* One NOTIFY for the dirty offices (as many ids as fit one payload; the rest wait for the next
 * flush), then the events, then the recompute of everything notified since the last flush, so a
 * burst of changes costs one recompute per office and loop turn. */
void bb_notify_flush(bb_app *app)
{
	struct bb_sync *sync = app->sync;
	/* Without our LISTEN connection (reconnecting after a database outage) our own notifications
	 * would not come back: apply them locally as well. */
	gboolean listening = sync->listen && PQstatus(sync->listen) == CONNECTION_OK;
	sync->flushing = TRUE;
	if (g_hash_table_size(sync->dirty) > 0) {
		GString *ids = g_string_new(NULL);
		GHashTableIter it;
		gpointer k;
		g_hash_table_iter_init(&it, sync->dirty);
		while (g_hash_table_iter_next(&it, &k, NULL)) {
			if (ids->len + strlen(k) + 1 > PAYLOAD_MAX)
				break;
			if (ids->len)
				g_string_append_c(ids, ',');
			g_string_append(ids, k);
			g_hash_table_iter_remove(&it);
		}
		gboolean sent = send_notify(app, "bb_office", ids->str);
		g_auto(GStrv) back = g_strsplit(ids->str, ",", -1);
		for (int i = 0; back[i]; i++) {
			if (!sent)
				office_dirty(app, back[i]);
			else if (!listening && !g_hash_table_contains(sync->recompute, back[i]))
				g_hash_table_add(sync->recompute, g_strdup(back[i]));
		}
		g_string_free(ids, TRUE);
	}
	if (json_array_size(sync->pending_events) > 0)
		flush_events(app, listening);
	/* Notifications received since the last tick, from any instance, coalesced per office. */
	if (g_hash_table_size(sync->recompute) > 0) {
		guint n = 0;
		g_autofree char **ids = (char **)g_hash_table_get_keys_as_array(sync->recompute, &n);
		bb_notify_offices_changed(app, (const char *const *)ids, (int)n);
		g_hash_table_remove_all(sync->recompute);
	}
	sync->flushing = FALSE;
}

/* ---- receiving ----------------------------------------------------------------------------- */

/* Facts first (one query for all named offices), then each office's status, then the
 * subscribers; a subscriber's database failure ends the round (the next change repeats it). */
void bb_notify_offices_changed(bb_app *app, const char *const *ids, int n)
{
	GError *e = NULL;
	if (!bb_offices_refresh_facts(app, ids, n, &e)) {
		g_clear_error(&e);
		return;
	}
	gint64 now = g_get_real_time() / G_USEC_PER_SEC;
	int count = ids ? n : (int)app->office_list->len;
	for (int i = 0; i < count; i++) {
		bb_office *o = ids ? bb_office_get(app, ids[i]) : app->office_list->pdata[i];
		if (!o)
			continue;
		o->status = bb_office_status_now(o, now);
		if (!publish_office(app, o, now))
			return;
	}
}

/* Events from any instance (ours included) reach this instance's subscribers once, in order. */
static void on_events(bb_app *app, const char *payload)
{
	json_error_t jerr;
	json_t *arr = json_loads(payload, 0, &jerr);
	if (!json_is_array(arr)) {
		bb_warn("notify", "ignoring malformed bb_event payload");
		json_decref(arr);
		return;
	}
	size_t i;
	json_t *ev;
	json_array_foreach(arr, i, ev)
		publish_event(app, ev);
	json_decref(arr);
}

/* Office ids to recompute at the next flush; a set, so several notifications of one office in a
 * tick cost one recompute. An id we do not know means the configuration changed elsewhere. */
static void on_offices(bb_app *app, const char *payload)
{
	struct bb_sync *sync = app->sync;
	g_auto(GStrv) ids = g_strsplit(payload, ",", -1);
	int n = (int)g_strv_length(ids);
	/* An office we do not know yet: configuration changed elsewhere. */
	for (int i = 0; i < n; i++) {
		if (!bb_office_get(app, ids[i])) {
			GError *e = NULL;
			if (!bb_offices_reload(app, &e))
				g_clear_error(&e);
			break;
		}
	}
	for (int i = 0; i < n; i++)
		if (!g_hash_table_contains(sync->recompute, ids[i]))
			g_hash_table_add(sync->recompute, g_strdup(ids[i]));
	wake(app);
}

/* (Re)connects the LISTEN connection; after a reconnect everything is recomputed because
 * notifications sent meanwhile are lost. */
static gboolean ensure_listen(bb_app *app)
{
	struct bb_sync *sync = app->sync;
	if (sync->listen && PQstatus(sync->listen) == CONNECTION_OK)
		return TRUE;
	gint64 now = g_get_monotonic_time();
	if (now < sync->listen_retry_us)
		return FALSE;
	sync->listen_retry_us = now + G_USEC_PER_SEC;
	if (sync->listen)
		PQfinish(sync->listen);
	sync->listen = bb_db_connect_raw(app->cfg.database_url, app->cfg.db_timeout_ms);
	sync->listen_generation++;
	if (!sync->listen)
		return FALSE;
	PGresult *r = PQexec(sync->listen, "LISTEN bb_office; LISTEN bb_event; LISTEN bb_config");
	gboolean ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok) {
		PQfinish(sync->listen);
		sync->listen = NULL;
		return FALSE;
	}
	PQsetnonblocking(sync->listen, 1);
	bb_info("notify", "listening channels=bb_office,bb_event,bb_config");
	GError *e = NULL;
	if (!bb_offices_reload(app, &e))
		g_clear_error(&e);
	bb_notify_offices_changed(app, NULL, 0);
	return TRUE;
}

/* Non-blocking: reads what arrived on the LISTEN connection; a lost connection is dropped here
 * and reconnected (with a full recompute) by the next poll. A configuration change reloads the
 * office cache and recomputes every office once, however many notifications announced it. */
void bb_notify_poll(bb_app *app)
{
	struct bb_sync *sync = app->sync;
	if (!ensure_listen(app))
		return;
	if (!PQconsumeInput(sync->listen)) {
		bb_warn("notify", "listen connection lost");
		PQfinish(sync->listen);
		sync->listen = NULL;
		sync->listen_generation++;
		return;
	}
	PGnotify *n;
	gboolean reload = FALSE;
	while ((n = PQnotifies(sync->listen))) {
		bb_debug("notify", "received channel=%s bytes=%zu", n->relname, strlen(n->extra));
		if (strcmp(n->relname, "bb_office") == 0)
			on_offices(app, n->extra);
		else if (strcmp(n->relname, "bb_event") == 0)
			on_events(app, n->extra);
		else if (strcmp(n->relname, "bb_config") == 0)
			reload = TRUE;
		PQfreemem(n);
	}
	if (reload) {
		GError *e = NULL;
		if (bb_offices_reload(app, &e))
			bb_notify_offices_changed(app, NULL, 0);
		g_clear_error(&e);
	}
}
