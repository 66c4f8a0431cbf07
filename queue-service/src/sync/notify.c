/* notify.c: coalesced NOTIFY out, LISTEN in, and the recompute/fan-out of changed offices. */
#include "sync/notify.h"
#include "api/internal.h"
#include "api/live.h"
#include "base/logging.h"
#include "store/offices.h"
#include "db/pool.h"

#include <string.h>

#define PAYLOAD_MAX 7900     /* PostgreSQL refuses NOTIFY payloads of 8000 bytes and more */

void bb_notify_init(bb_app *app)
{
	app->dirty = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
	app->pending_events = json_array();
	app->recompute = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
}

void bb_notify_free(bb_app *app)
{
	if (app->listen)
		PQfinish(app->listen);
	app->listen = NULL;
	g_clear_pointer(&app->dirty, g_hash_table_destroy);
	g_clear_pointer(&app->recompute, g_hash_table_destroy);
	if (app->pending_events)
		json_decref(app->pending_events);
	app->pending_events = NULL;
}

void bb_notify_office_dirty(bb_app *app, const char *office_id)
{
	if (bb_pool_defer_dirty(office_id))
		return;   /* a worker thread: the lws thread marks it when the job is finished */
	if (office_id && !g_hash_table_contains(app->dirty, office_id))
		g_hash_table_add(app->dirty, g_strdup(office_id));
}

void bb_notify_event(bb_app *app, json_t *ev)
{
	if (!ev || bb_pool_defer_event(ev))
		return;
	/* Bounded: if the database stays down, old events are dropped rather than piling up. */
	if (json_array_size(app->pending_events) >= 10000) {
		json_decref(ev);
		return;
	}
	json_array_append_new(app->pending_events, ev);
}

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
	size_t n = json_array_size(app->pending_events);
	size_t i = 0;
	while (i < n) {
		json_t *batch = json_array();
		size_t start = i;
		size_t len = 2;
		for (; i < n; i++) {
			char *one = json_dumps(json_array_get(app->pending_events, i), JSON_COMPACT);
			size_t l = one ? strlen(one) + 1 : 0;
			free(one);
			if (l + 2 > PAYLOAD_MAX) {
				bb_warn("notify", "dropping oversized event bytes=%zu", l);
				continue;
			}
			if (len + l > PAYLOAD_MAX)
				break;
			len += l;
			json_array_append(batch, json_array_get(app->pending_events, i));
		}
		char *payload = json_dumps(batch, JSON_COMPACT);
		gboolean ok = send_notify(app, "bb_event", payload);
		free(payload);
		if (ok && !listening) {
			size_t j;
			json_t *ev;
			json_array_foreach(batch, j, ev)
				bb_internal_broadcast(app, json_incref(ev));
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
		json_array_append(rest, json_array_get(app->pending_events, j));
	json_decref(app->pending_events);
	app->pending_events = rest;
}

void bb_notify_flush(bb_app *app)
{
	/* Without our LISTEN connection (reconnecting after a database outage) our own notifications
	 * would not come back: apply them locally as well. */
	gboolean listening = app->listen && PQstatus(app->listen) == CONNECTION_OK;
	if (g_hash_table_size(app->dirty) > 0) {
		GString *ids = g_string_new(NULL);
		GHashTableIter it;
		gpointer k;
		g_hash_table_iter_init(&it, app->dirty);
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
				bb_notify_office_dirty(app, back[i]);
			else if (!listening && !g_hash_table_contains(app->recompute, back[i]))
				g_hash_table_add(app->recompute, g_strdup(back[i]));
		}
		g_string_free(ids, TRUE);
	}
	if (json_array_size(app->pending_events) > 0)
		flush_events(app, listening);
	/* Notifications received since the last tick, from any instance, coalesced per office. */
	if (g_hash_table_size(app->recompute) > 0) {
		guint n = 0;
		g_autofree char **ids = (char **)g_hash_table_get_keys_as_array(app->recompute, &n);
		bb_offices_changed(app, (const char *const *)ids, (int)n);
		g_hash_table_remove_all(app->recompute);
	}
}

/* ---- receiving ----------------------------------------------------------------------------- */

void bb_offices_changed(bb_app *app, const char *const *ids, int n)
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
		if (app->internal_conns) {
			json_t *ev = bb_office_queue_json(app, o, &e);
			if (!ev) {
				g_clear_error(&e);
				return;
			}
			bb_internal_broadcast(app, ev);
		}
		bb_live_office_check(app, o, now);
	}
}

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
		bb_internal_broadcast(app, json_incref(ev));
	json_decref(arr);
}

static void on_offices(bb_app *app, const char *payload)
{
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
		if (!g_hash_table_contains(app->recompute, ids[i]))
			g_hash_table_add(app->recompute, g_strdup(ids[i]));
}

/* (Re)connects the LISTEN connection; after a reconnect everything is recomputed because
 * notifications sent meanwhile are lost. */
static gboolean ensure_listen(bb_app *app)
{
	if (app->listen && PQstatus(app->listen) == CONNECTION_OK)
		return TRUE;
	gint64 now = g_get_monotonic_time();
	if (now < app->listen_retry_us)
		return FALSE;
	app->listen_retry_us = now + G_USEC_PER_SEC;
	if (app->listen)
		PQfinish(app->listen);
	app->listen = bb_db_connect_raw(app->cfg.database_url, app->cfg.db_timeout_ms);
	if (!app->listen)
		return FALSE;
	PGresult *r = PQexec(app->listen, "LISTEN bb_office; LISTEN bb_event; LISTEN bb_config");
	gboolean ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	PQclear(r);
	if (!ok) {
		PQfinish(app->listen);
		app->listen = NULL;
		return FALSE;
	}
	PQsetnonblocking(app->listen, 1);
	bb_info("notify", "listening channels=bb_office,bb_event,bb_config");
	GError *e = NULL;
	if (!bb_offices_reload(app, &e))
		g_clear_error(&e);
	bb_offices_changed(app, NULL, 0);
	return TRUE;
}

void bb_notify_poll(bb_app *app)
{
	if (!ensure_listen(app))
		return;
	if (!PQconsumeInput(app->listen)) {
		bb_warn("notify", "listen connection lost");
		PQfinish(app->listen);
		app->listen = NULL;
		return;
	}
	PGnotify *n;
	gboolean reload = FALSE;
	while ((n = PQnotifies(app->listen))) {
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
			bb_offices_changed(app, NULL, 0);
		g_clear_error(&e);
	}
}
