/* bb_events.c: routes queue-service events to citizens and clerks (handler thread).
 * Privacy rule: a citizen only ever hears about its own ticket (position, estimate) and its
 * office's broadcasts; names and concerns of other people go only to clerks of that office. */
#include "requests/bb_events.h"
#include "requests/bb_request.h"
#include "consultation/bb_consultation.h"
#include "core/bb_context.h"

#include <janus/debug.h>

#include <string.h>

static gboolean alive(bb_session *s) {
	return s && !g_atomic_int_get(&s->destroyed);
}

void bb_events_check_almost(bb_session *citizen) {
	if(citizen->almost_sent || citizen->position < 0 ||
			citizen->position > bb_ctx.settings.almost_position)
		return;
	citizen->almost_sent = TRUE;
	bb_push(citizen, BB_JEV_ALMOST, json_pack("{si}", "position", citizen->position), NULL);
}

/* Positions that came before their ticket's join answer. The service sends them on whichever
 * connection hears this node's events, which can overtake the join's answer on another one; and
 * it tells each position once. Kept briefly here, applied when the ticket is bound (joined). */
#define EARLY_MAX 4096
#define EARLY_TTL_US (30 * G_USEC_PER_SEC)
typedef struct early_position {
	json_t *entry;
	char *status;
	gint64 at;
} early_position;
static GHashTable *early;   /* gint64* ticket id -> early_position* */
static GMutex early_lock;

static void early_free(gpointer p) {
	early_position *e = p;
	json_decref(e->entry);
	g_free(e->status);
	g_free(e);
}

static gboolean early_expired(gpointer key, gpointer value, gpointer now) {
	return ((early_position *)value)->at + EARLY_TTL_US < *(gint64 *)now;
}

/* Keeps the newest entry per ticket; when full, forgets the expired ones, and beyond that the
 * entry (a node holding this many unanswered joins has other trouble). */
static void early_keep(gint64 id, json_t *entry, const char *status) {
	g_mutex_lock(&early_lock);
	if(!early)
		early = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, early_free);
	gint64 now = g_get_monotonic_time();
	if(g_hash_table_size(early) >= EARLY_MAX)
		g_hash_table_foreach_remove(early, early_expired, &now);
	if(g_hash_table_size(early) < EARLY_MAX || g_hash_table_contains(early, &id)) {
		early_position *e = g_new0(early_position, 1);
		e->entry = json_incref(entry);
		e->status = g_strdup(status);
		e->at = now;
		g_hash_table_replace(early, g_memdup2(&id, sizeof id), e);
	}
	g_mutex_unlock(&early_lock);
}

static early_position *early_take(gint64 id) {
	g_mutex_lock(&early_lock);
	early_position *e = NULL;
	gpointer key = NULL;
	if(early && g_hash_table_lookup_extended(early, &id, &key, (gpointer *)&e)) {
		g_hash_table_steal(early, &id);
		g_free(key);
	}
	g_mutex_unlock(&early_lock);
	return e;
}

/* Applies one position to a waiting citizen: a `position` event when it changed. */
static void tell_citizen(bb_session *s, json_t *ticket, json_t *office_estimate, const char *status) {
	json_t *position = json_object_get(ticket, "position");
	json_t *estimate = json_object_get(ticket, "estimate");
	if(!estimate)
		estimate = office_estimate ? office_estimate : json_null();
	const char *state = json_string_value(json_object_get(ticket, "state"));
	if(alive(s) && bb_session_state(s) == BB_STATE_WAITING && json_is_integer(position) &&
			(!state || strcmp(state, bb_ticket_state_names[BB_TICKET_STATE_WAITING]) == 0)) {
		int p = (int)json_integer_value(position);
		if(p != s->position || !s->estimate || !json_equal(estimate, s->estimate)) {
			s->position = p;
			if(s->estimate)
				json_decref(s->estimate);
			s->estimate = json_incref(estimate);
			char *number = bb_session_ticket_number(s);
			bb_push(s, BB_JEV_POSITION, json_pack("{s:s?sisOs:s?}", "ticket", number, "position", p,
				"estimate", estimate, "status", status), NULL);
			g_free(number);
			bb_events_check_almost(s);
		}
	}
}

/* One entry of a `positions` event, for the citizen who holds the ticket (kept for a while when
 * nobody holds it yet). */
static void update_citizen(json_t *ticket, json_t *office_estimate, const char *status) {
	json_t *id = json_object_get(ticket, "id");
	if(!json_is_integer(id))
		return;
	bb_session *s = bb_registry_ticket_owner(json_integer_value(id));
	if(!s) {
		early_keep(json_integer_value(id), ticket, status);
		return;
	}
	tell_citizen(s, ticket, office_estimate, status);
	bb_session_unref(s);
}

void bb_events_clear(void) {
	g_mutex_lock(&early_lock);
	g_clear_pointer(&early, g_hash_table_destroy);
	g_mutex_unlock(&early_lock);
}

void bb_events_apply_early(bb_session *citizen) {
	early_position *e = early_take(citizen->ticket_id);
	if(!e)
		return;
	tell_citizen(citizen, e->entry, NULL, e->status);
	early_free(e);
}

static void on_office_queue(json_t *event) {
	const char *office = json_string_value(json_object_get(event, "office"));
	/* Citizens hear their positions from `positions` events (each with its own estimate); this
	 * event is the head of the queue for the clerks. */
	if(!office)
		return;
	GPtrArray *clerks = bb_registry_snapshot(BB_ROLE_CLERK);
	json_t *snapshot = NULL;
	for(guint c = 0; c < clerks->len; c++) {
		bb_session *clerk = g_ptr_array_index(clerks, c);
		if(!alive(clerk) || !g_atomic_int_get(&clerk->queue_live) || !bb_session_serves(clerk, office))
			continue;
		if(!snapshot) {
			snapshot = json_deep_copy(event);
			json_object_del(snapshot, "event");
		}
		bb_push(clerk, BB_JEV_QUEUE, json_pack("{s[O]}", "offices", snapshot), NULL);
	}
	if(snapshot)
		json_decref(snapshot);
	g_ptr_array_free(clerks, TRUE);
}

/* Positions of this node's citizens that changed (the service sends only those, in bounded
 * events; docs/internal-api.md `positions`). */
static void on_positions(json_t *event) {
	const char *status = json_string_value(json_object_get(event, "status"));
	json_t *positions = json_object_get(event, "positions");
	if(!json_is_array(positions))
		return;
	size_t i;
	json_t *entry;
	json_array_foreach(positions, i, entry)
		update_citizen(entry, NULL, status);
}

static void on_arrival(json_t *event) {
	const char *office = json_string_value(json_object_get(event, "office"));
	GPtrArray *clerks = bb_registry_snapshot(BB_ROLE_CLERK);
	for(guint c = 0; c < clerks->len; c++) {
		bb_session *clerk = g_ptr_array_index(clerks, c);
		if(alive(clerk) && bb_session_serves(clerk, office))
			bb_push(clerk, BB_JEV_ARRIVAL, json_pack("{s:s?s:O?}", "office", office,
				"ticket", json_object_get(event, "ticket")), NULL);
	}
	g_ptr_array_free(clerks, TRUE);
}

static void on_broadcast(json_t *event) {
	const char *office = json_string_value(json_object_get(event, "office"));
	if(!office)
		return;
	GPtrArray *all = bb_registry_snapshot(BB_ROLE_CITIZEN);
	for(guint i = 0; i < all->len; i++) {
		bb_session *s = g_ptr_array_index(all, i);
		bb_state st = bb_session_state(s);
		if(!alive(s) || (st != BB_STATE_WAITING && st != BB_STATE_CALLED))
			continue;
		g_mutex_lock(&s->lock);
		gboolean here = s->office && strcmp(s->office, office) == 0;
		g_mutex_unlock(&s->lock);
		if(here)
			bb_push(s, BB_JEV_BROADCAST, json_pack("{s:O?s:O?}", "text", json_object_get(event, "text"),
				"from", json_object_get(event, "from")), NULL);
	}
	g_ptr_array_free(all, TRUE);
}

/* The consultation of a ticket on this node, referenced, or NULL. */
static bb_consultation *consultation_of(gint64 ticket_id) {
	bb_consultation *found = NULL;
	GPtrArray *clerks = bb_registry_snapshot(BB_ROLE_CLERK);
	for(guint i = 0; i < clerks->len && !found; i++) {
		bb_session *clerk = g_ptr_array_index(clerks, i);
		if(clerk->consultation && clerk->consultation->ticket_id == ticket_id)
			found = bb_consultation_ref(clerk->consultation);
	}
	g_ptr_array_free(clerks, TRUE);
	return found;
}

/* no_show and expired: the service ended a ticket on its own (timeouts). Both sides on this
 * node hear about it and are set free. */
static void ticket_ended(json_t *event, const char *citizen_event, const char *clerk_event) {
	json_t *id = json_object_get(event, "ticket");
	if(!json_is_integer(id))
		return;
	gint64 ticket_id = json_integer_value(id);
	bb_session *citizen = bb_registry_ticket_owner(ticket_id);
	bb_consultation *c = consultation_of(ticket_id);
	if(c) {
		bb_session *clerk = bb_session_ref(c->clerk);
		bb_consultation_close(c, citizen_event, NULL);
		bb_push(clerk, clerk_event, json_pack("{sIs:O?}", "ticket", (json_int_t)ticket_id,
			"number", json_object_get(event, "number")), NULL);
		(void)bb_session_set_state(clerk, BB_STATE_IDLE);
		bb_session_unref(clerk);
		bb_consultation_unref(c);
	}
	if(citizen && alive(citizen)) {
		json_t *fields = json_object();
		if(json_object_get(event, "reason"))
			json_object_set(fields, "reason", json_object_get(event, "reason"));
		json_object_set_new(fields, "slots", json_object_get(event, "slots") ?
			json_incref(json_object_get(event, "slots")) : json_array());
		bb_push(citizen, citizen_event, fields, NULL);
		if(bb_session_state(citizen) != BB_STATE_IDLE)
			(void)bb_session_set_state(citizen, BB_STATE_IDLE);
		bb_session_close_pc(citizen);
		bb_registry_unbind_ticket(citizen);
	}
	if(citizen)
		bb_session_unref(citizen);
}

static void on_no_show(json_t *event) {
	ticket_ended(event, BB_JEV_NO_SHOW, BB_JEV_NO_SHOW);
}

static void on_expired(json_t *event) {
	ticket_ended(event, BB_JEV_EXPIRED, BB_JEV_EXPIRED);
}

/* The service put a ticket whose consultation it believed lost back at the front of the queue
 * (crash recovery, or the citizen resumed it on a new handle). Should this node still hold that
 * consultation, it ends here too, and the citizen, if attached, hears its place. A clerk who was
 * wrapping up (the media had ended already, so closing tells nobody) hears it as well: the ticket
 * is no longer theirs to finish. */
static void on_recovered(json_t *event) {
	json_t *id = json_object_get(event, "ticket");
	if(!json_is_integer(id))
		return;
	gint64 ticket_id = json_integer_value(id);
	bb_consultation *c = consultation_of(ticket_id);
	if(c) {
		bb_session *clerk = bb_session_ref(c->clerk);
		gboolean wrapping_up = c->state == BB_CONSULTATION_STATE_ENDED;
		bb_consultation_close(c, "recovered", NULL);
		if(wrapping_up)
			bb_push(clerk, BB_JEV_HANGUP, json_pack("{ss}", "reason", "recovered"), NULL);
		(void)bb_session_set_state(clerk, BB_STATE_IDLE);
		bb_session_unref(clerk);
		bb_consultation_unref(c);
	}
	bb_session *citizen = bb_registry_ticket_owner(ticket_id);
	if(citizen && alive(citizen) && bb_session_state(citizen) != BB_STATE_WAITING &&
			bb_session_state(citizen) != BB_STATE_IDLE) {
		(void)bb_session_set_state(citizen, BB_STATE_WAITING);
		json_t *position = json_object_get(event, "position");
		citizen->position = json_is_integer(position) ? (int)json_integer_value(position) : -1;
		bb_push(citizen, BB_JEV_REQUEUED, json_pack("{s:O?ss}", "position", position, "reason", "recovered"), NULL);
	}
	if(citizen)
		bb_session_unref(citizen);
}

/* The catalogue of queue-service events (docs/internal-api.md). */
static const struct {
	const char *name;
	void (*handler)(json_t *event);
} handlers[] = {
	{ BB_IEV_OFFICE_QUEUE, on_office_queue },
	{ BB_IEV_POSITIONS, on_positions },
	{ BB_IEV_ARRIVAL, on_arrival },
	{ BB_IEV_BROADCAST, on_broadcast },
	{ BB_IEV_NO_SHOW, on_no_show },
	{ BB_IEV_EXPIRED, on_expired },
	{ BB_IEV_RECOVERED, on_recovered },
};

void bb_events_dispatch(json_t *event) {
	const char *name = json_string_value(json_object_get(event, "event"));
	for(size_t i = 0; name && i < G_N_ELEMENTS(handlers); i++) {
		if(strcmp(handlers[i].name, name) == 0) {
			handlers[i].handler(event);
			return;
		}
	}
	JANUS_LOG(LOG_VERB, "[%s] ignoring queue-service event %s\n", BB_PACKAGE, name ? name : "?");
}

/* Everyone who depends on the queue service right now: citizens with a ticket and clerks. */
static void tell_dependents(const char *event) {
	GPtrArray *all = bb_registry_snapshot(-1);
	for(guint i = 0; i < all->len; i++) {
		bb_session *s = g_ptr_array_index(all, i);
		if(alive(s) && (bb_session_role(s) == BB_ROLE_CLERK || s->ticket_id != 0))
			bb_push(s, event, NULL, NULL);
	}
	g_ptr_array_free(all, TRUE);
}

void bb_events_queue_down(void) {
	tell_dependents(BB_JEV_QUEUE_UNAVAILABLE);
}

static void snapshot_done(const bb_qc_reply *reply, gpointer data) {
	bb_session *clerk = data;
	if(reply->ok && alive(clerk)) {
		json_t *offices = json_object_get(reply->body, "offices");
		bb_push(clerk, BB_JEV_QUEUE, json_pack("{so}", "offices", offices ? json_incref(offices) : json_array()), NULL);
	}
	bb_session_unref(clerk);
}

static void snapshot_drop(gpointer data) {
	bb_session_unref(data);
}

/* Back online: say so, and give live clerks a fresh snapshot (events may have been missed).
 * Citizens get their current positions from the office_queue events the service sends for
 * the tickets listed in hello. */
void bb_events_queue_up(void) {
	tell_dependents(BB_JEV_QUEUE_AVAILABLE);
	GPtrArray *clerks = bb_registry_snapshot(BB_ROLE_CLERK);
	for(guint c = 0; c < clerks->len; c++) {
		bb_session *clerk = g_ptr_array_index(clerks, c);
		if(!alive(clerk) || !g_atomic_int_get(&clerk->queue_live))
			continue;
		bb_qc_call(bb_ctx.qc, BB_OP_QUEUE, json_pack("{so}", "session", bb_session_clerk_token_json(clerk)),
			snapshot_done, bb_session_ref(clerk), snapshot_drop);
	}
	g_ptr_array_free(clerks, TRUE);
}
