/* bb_session.c: session lifetime (refcount), the session state machine, the handle's
 * PeerConnection flags and the registry indexes. */
#include "session/bb_session.h"
#include "core/bb_context.h"
#include "core/bb_work.h"

#include <janus/debug.h>
#include <janus/mutex.h>

/* The registry: lock 1 in the lock order of bb_plugin.h. */
static struct {
	janus_mutex lock;
	GHashTable *by_handle;   /* janus_plugin_session* -> bb_session* (holds a reference) */
	GHashTable *by_ticket;   /* gint64* ticket id -> bb_session* (holds a reference) */
	GHashTable *clerks;      /* bb_session* -> bb_session* (holds a reference) */
	GHashTable *consulting;  /* gint64* ticket id -> itself: tickets in a consultation here */
} registry;

static const char *state_names[BB_N_STATES] = {
	[BB_STATE_IDLE] = "idle",
	[BB_STATE_WAITING] = "waiting",
	[BB_STATE_CALLED] = "called",
	[BB_STATE_CALLING] = "calling",
	[BB_STATE_IN_CONSULTATION] = "in_consultation",
	[BB_STATE_WRAP_UP] = "wrap_up",
	[BB_STATE_GONE] = "gone",
};

#define T(st) (1u << (st))
/* Allowed transitions per role: transitions[role][from] is a bit set of target states. Every
 * state may go to GONE (the handle can vanish at any time). */
static const guint transitions[BB_N_ROLES][BB_N_STATES] = {
	[BB_ROLE_CITIZEN] = {
		[BB_STATE_IDLE] = T(BB_STATE_WAITING),
		[BB_STATE_WAITING] = T(BB_STATE_IDLE) | T(BB_STATE_CALLED) | T(BB_STATE_WAITING),
		[BB_STATE_CALLED] = T(BB_STATE_IN_CONSULTATION) | T(BB_STATE_WAITING) | T(BB_STATE_IDLE),
		[BB_STATE_IN_CONSULTATION] = T(BB_STATE_WRAP_UP) | T(BB_STATE_WAITING) | T(BB_STATE_IDLE),
		[BB_STATE_WRAP_UP] = T(BB_STATE_WAITING) | T(BB_STATE_IDLE),
	},
	[BB_ROLE_CLERK] = {
		[BB_STATE_IDLE] = T(BB_STATE_CALLING),
		[BB_STATE_CALLING] = T(BB_STATE_IN_CONSULTATION) | T(BB_STATE_IDLE),
		[BB_STATE_IN_CONSULTATION] = T(BB_STATE_WRAP_UP) | T(BB_STATE_IDLE),
		[BB_STATE_WRAP_UP] = T(BB_STATE_IDLE),
	},
	[BB_ROLE_INTERPRETER] = {
		[BB_STATE_IDLE] = T(BB_STATE_IN_CONSULTATION),
		[BB_STATE_IN_CONSULTATION] = T(BB_STATE_IDLE),
	},
};
static const char *role_names[BB_N_ROLES] = { "citizen", "clerk", "interpreter" };
#undef T

const char *bb_state_name(bb_state st) {
	return (st >= 0 && st < BB_N_STATES) ? state_names[st] : "?";
}

bb_state bb_session_state(bb_session *s) {
	return (bb_state)g_atomic_int_get(&s->state);
}

bb_role bb_session_role(bb_session *s) {
	return (bb_role)g_atomic_int_get(&s->role);
}

/* All state changes go through here so that an impossible transition shows up in the log
 * instead of silently corrupting a consultation. */
gboolean bb_session_set_state(bb_session *s, bb_state to) {
	bb_state from = bb_session_state(s);
	bb_role role = bb_session_role(s);
	if(from == BB_STATE_GONE)
		return FALSE;
	if(to != BB_STATE_GONE && !(transitions[role][from] & (1u << to))) {
		JANUS_LOG(LOG_WARN, "[%s] %p (%s): refused state change %s -> %s\n", BB_PACKAGE,
			(void *)s->handle, role_names[role],
			bb_state_name(from), bb_state_name(to));
		return FALSE;
	}
	g_atomic_int_set(&s->state, to);
	JANUS_LOG(LOG_VERB, "[%s] %p (%s): %s -> %s\n", BB_PACKAGE, (void *)s->handle,
		role_names[role], bb_state_name(from), bb_state_name(to));
	return TRUE;
}

/* Last reference gone: nothing else can see the session any more. */
static void session_free(const janus_refcount *ref) {
	bb_session *s = janus_refcount_containerof(ref, bb_session, ref);
	bb_session *peer = g_atomic_pointer_get(&s->media_peer);
	if(peer)
		bb_session_unref(peer);
	bb_session *third = g_atomic_pointer_get(&s->media_third);
	if(third)
		bb_session_unref(third);
	if(s->third_released)
		g_ptr_array_free(s->third_released, TRUE);
	if(s->estimate)
		json_decref(s->estimate);
	bb_work *w;
	while((w = g_queue_pop_head(&s->backlog)) != NULL)
		bb_work_free(w);
	g_free(s->ticket_number);
	g_free(s->office);
	if(s->clerk_token) {
		memset(s->clerk_token, 0, strlen(s->clerk_token));
		g_free(s->clerk_token);
	}
	g_free(s->display_name);
	if(s->offices)
		json_decref(s->offices);
	g_mutex_clear(&s->lock);
	/* The core gives each plugin session one reference on its janus_plugin_session (they
	 * reference each other); ours ends here. Until then peer->handle stays valid memory for the
	 * media hot path, which checks its `stopped` flag. */
	janus_refcount_decrease(&s->handle->ref);
	g_free(s);
}

bb_session *bb_session_ref(bb_session *s) {
	janus_refcount_increase(&s->ref);
	return s;
}

void bb_session_unref(bb_session *s) {
	janus_refcount_decrease(&s->ref);
}

static void unref_value(gpointer p) {
	bb_session_unref(p);
}

void bb_registry_init(void) {
	janus_mutex_init(&registry.lock);
	registry.by_handle = g_hash_table_new_full(NULL, NULL, NULL, unref_value);
	registry.by_ticket = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, unref_value);
	registry.clerks = g_hash_table_new_full(NULL, NULL, NULL, unref_value);
	registry.consulting = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, NULL);
}

void bb_registry_clear(void) {
	janus_mutex_lock(&registry.lock);
	g_hash_table_destroy(registry.by_ticket);
	g_hash_table_destroy(registry.clerks);
	g_hash_table_destroy(registry.by_handle);
	g_hash_table_destroy(registry.consulting);
	registry.by_ticket = registry.clerks = registry.by_handle = registry.consulting = NULL;
	janus_mutex_unlock(&registry.lock);
}

void bb_session_release_third(bb_session *s) {
	bb_session *third = g_atomic_pointer_get(&s->media_third);
	if(!third || !g_atomic_pointer_compare_and_exchange(&s->media_third, third, NULL))
		return;   /* none, or this handle's loop thread dropped it meanwhile (hangup_media) */
	if(!s->third_released)
		s->third_released = g_ptr_array_new_with_free_func((GDestroyNotify)bb_session_unref);
	g_ptr_array_add(s->third_released, third);
}

void bb_session_layout_reset(bb_session *s) {
	for(int k = 0; k < 2; k++) {
		s->layout.send_mindex[k] = -1;
		s->layout.send_pt[k] = -1;
		for(int slot = 0; slot < 2; slot++) {
			s->layout.recv_mindex[slot][k] = -1;
			s->layout.recv_pt[slot][k] = -1;
		}
	}
}

bb_session *bb_session_create(janus_plugin_session *handle) {
	bb_session *s = g_new0(bb_session, 1);
	s->handle = handle;
	s->position = -1;
	bb_session_layout_reset(s);
	g_queue_init(&s->backlog);
	g_mutex_init(&s->lock);
	janus_refcount_init(&s->ref, session_free);
	handle->plugin_handle = s;
	janus_mutex_lock(&registry.lock);
	g_hash_table_insert(registry.by_handle, handle, s);
	janus_mutex_unlock(&registry.lock);
	return s;
}

guint bb_registry_count(void) {
	janus_mutex_lock(&registry.lock);
	guint n = registry.by_handle ? g_hash_table_size(registry.by_handle) : 0;
	janus_mutex_unlock(&registry.lock);
	return n;
}

bb_session *bb_session_lookup(janus_plugin_session *handle) {
	janus_mutex_lock(&registry.lock);
	bb_session *s = registry.by_handle ? g_hash_table_lookup(registry.by_handle, handle) : NULL;
	if(s && !g_atomic_int_get(&s->destroyed))
		bb_session_ref(s);
	else
		s = NULL;
	janus_mutex_unlock(&registry.lock);
	return s;
}

bb_session *bb_session_remove(janus_plugin_session *handle) {
	janus_mutex_lock(&registry.lock);
	bb_session *s = NULL;
	if(registry.by_handle && g_hash_table_steal_extended(registry.by_handle, handle, NULL,
			(gpointer *)&s)) {
		if(!g_atomic_int_compare_and_exchange(&s->destroyed, 0, 1)) {
			/* already destroyed: should not happen, keep the reference balanced */
		}
		g_hash_table_remove(registry.clerks, s);
	}
	janus_mutex_unlock(&registry.lock);
	handle->plugin_handle = NULL;
	return s;
}

void bb_session_set_ticket_info(bb_session *s, const char *number, const char *office) {
	g_mutex_lock(&s->lock);
	g_free(s->ticket_number);
	s->ticket_number = g_strdup(number);
	g_free(s->office);
	s->office = g_strdup(office);
	g_mutex_unlock(&s->lock);
}

bb_session *bb_registry_bind_ticket(bb_session *s, gint64 ticket_id, const char *number,
		const char *office) {
	bb_session *previous = NULL;
	janus_mutex_lock(&registry.lock);
	bb_session *holder = g_hash_table_lookup(registry.by_ticket, &ticket_id);
	if(holder != s) {
		if(holder)
			previous = bb_session_ref(holder);
		if(s->ticket_id != 0 && s->ticket_id != ticket_id)
			g_hash_table_remove(registry.by_ticket, &s->ticket_id);
		gint64 *key = g_new(gint64, 1);
		*key = ticket_id;
		g_hash_table_replace(registry.by_ticket, key, bb_session_ref(s));
	}
	s->ticket_id = ticket_id;
	janus_mutex_unlock(&registry.lock);
	if(previous)
		previous->ticket_id = 0;
	bb_session_set_ticket_info(s, number, office);
	return previous;
}

void bb_registry_unbind_ticket(bb_session *s) {
	janus_mutex_lock(&registry.lock);
	if(s->ticket_id != 0 && registry.by_ticket) {
		bb_session *holder = g_hash_table_lookup(registry.by_ticket, &s->ticket_id);
		if(holder == s)
			g_hash_table_remove(registry.by_ticket, &s->ticket_id);
	}
	s->ticket_id = 0;
	janus_mutex_unlock(&registry.lock);
	s->position = -1;
	s->almost_sent = FALSE;
	if(s->estimate) {
		json_decref(s->estimate);
		s->estimate = NULL;
	}
	bb_session_set_ticket_info(s, NULL, NULL);
}

bb_session *bb_registry_ticket_owner(gint64 ticket_id) {
	janus_mutex_lock(&registry.lock);
	bb_session *s = registry.by_ticket ? g_hash_table_lookup(registry.by_ticket, &ticket_id) : NULL;
	if(s)
		bb_session_ref(s);
	janus_mutex_unlock(&registry.lock);
	return s;
}

void bb_registry_add_clerk(bb_session *s) {
	janus_mutex_lock(&registry.lock);
	if(!g_atomic_int_get(&s->destroyed) && !g_hash_table_contains(registry.clerks, s))
		g_hash_table_insert(registry.clerks, s, bb_session_ref(s));
	janus_mutex_unlock(&registry.lock);
}

GPtrArray *bb_registry_snapshot(int role) {
	GPtrArray *out = g_ptr_array_new_with_free_func(unref_value);
	janus_mutex_lock(&registry.lock);
	GHashTable *table = role == BB_ROLE_CLERK ? registry.clerks : registry.by_handle;
	if(table) {
		GHashTableIter it;
		gpointer value;
		g_hash_table_iter_init(&it, table);
		while(g_hash_table_iter_next(&it, NULL, &value)) {
			bb_session *s = value;
			if(role >= 0 && bb_session_role(s) != (bb_role)role)
				continue;
			g_ptr_array_add(out, bb_session_ref(s));
		}
	}
	janus_mutex_unlock(&registry.lock);
	return out;
}

static json_t *ids_of(GHashTable *table) {
	json_t *ids = json_array();
	if(table) {
		GHashTableIter it;
		gpointer key;
		g_hash_table_iter_init(&it, table);
		while(g_hash_table_iter_next(&it, &key, NULL))
			json_array_append_new(ids, json_integer(*(gint64 *)key));
	}
	return ids;
}

json_t *bb_registry_hello_args(void) {
	janus_mutex_lock(&registry.lock);
	json_t *args = json_pack("{soso}", "tickets", ids_of(registry.by_ticket),
		"consultations", ids_of(registry.consulting));
	janus_mutex_unlock(&registry.lock);
	return args;
}

void bb_registry_hold_consultation(gint64 ticket_id) {
	janus_mutex_lock(&registry.lock);
	if(registry.consulting && !g_hash_table_contains(registry.consulting, &ticket_id)) {
		gint64 *key = g_new(gint64, 1);
		*key = ticket_id;
		g_hash_table_add(registry.consulting, key);
	}
	janus_mutex_unlock(&registry.lock);
}

void bb_registry_release_consultation(gint64 ticket_id) {
	janus_mutex_lock(&registry.lock);
	if(registry.consulting)
		g_hash_table_remove(registry.consulting, &ticket_id);
	janus_mutex_unlock(&registry.lock);
}

json_t *bb_registry_clerk_tokens(void) {
	json_t *tokens = json_array();
	janus_mutex_lock(&registry.lock);
	if(registry.clerks) {
		GHashTableIter it;
		gpointer value;
		g_hash_table_iter_init(&it, registry.clerks);
		while(g_hash_table_iter_next(&it, NULL, &value)) {
			bb_session *s = value;
			g_mutex_lock(&s->lock);
			if(s->clerk_token)
				json_array_append_new(tokens, json_string(s->clerk_token));
			g_mutex_unlock(&s->lock);
		}
	}
	janus_mutex_unlock(&registry.lock);
	return tokens;
}

json_t *bb_registry_stats(void) {
	int sessions = 0, clerks = 0, tickets = 0, in_consultation = 0;
	janus_mutex_lock(&registry.lock);
	if(registry.by_handle) {
		sessions = g_hash_table_size(registry.by_handle);
		clerks = g_hash_table_size(registry.clerks);
		tickets = g_hash_table_size(registry.by_ticket);
		GHashTableIter it;
		gpointer value;
		g_hash_table_iter_init(&it, registry.by_handle);
		while(g_hash_table_iter_next(&it, NULL, &value))
			if(bb_session_state(value) == BB_STATE_IN_CONSULTATION)
				in_consultation++;
	}
	janus_mutex_unlock(&registry.lock);
	return json_pack("{sisisisisi}", "sessions", sessions, "clerks", clerks,
		"citizens_with_ticket", tickets, "handles_in_consultation", in_consultation,
		"consultations_started", g_atomic_int_get(&bb_ctx.consultations_started));
}

gboolean bb_session_serves(bb_session *s, const char *office) {
	gboolean found = FALSE;
	g_mutex_lock(&s->lock);
	size_t i;
	json_t *o;
	if(s->offices && office)
		json_array_foreach(s->offices, i, o)
			if(json_is_string(o) && strcmp(json_string_value(o), office) == 0)
				found = TRUE;
	g_mutex_unlock(&s->lock);
	return found;
}

json_t *bb_session_describe(bb_session *s) {
	bb_role role = bb_session_role(s);
	json_t *info = json_object();
	json_object_set_new(info, "role", json_string(role_names[role]));
	json_object_set_new(info, "state", json_string(bb_state_name(bb_session_state(s))));
	g_mutex_lock(&s->lock);
	json_object_set_new(info, "ticket", s->ticket_number ? json_string(s->ticket_number) : json_null());
	json_object_set_new(info, "office", s->office ? json_string(s->office) : json_null());
	if(role == BB_ROLE_CLERK)
		json_object_set(info, "offices", s->offices ? s->offices : json_null());
	g_mutex_unlock(&s->lock);
	json_object_set_new(info, "webrtc_up", json_boolean(g_atomic_int_get(&s->webrtc_up)));
	json_object_set_new(info, "relaying", json_boolean(g_atomic_int_get(&s->relay)));
	json_object_set_new(info, "busy", json_boolean(s->busy));
	json_object_set_new(info, "bitrate_cap", json_integer(g_atomic_int_get(&s->bitrate)));
	json_object_set_new(info, "destroyed", json_boolean(g_atomic_int_get(&s->destroyed)));
	return info;
}

gboolean bb_session_gone(bb_session *s) {
	return g_atomic_int_get(&s->destroyed) || g_atomic_int_get(&s->handle->stopped);
}

static char *copy_string(bb_session *s, char **field) {
	g_mutex_lock(&s->lock);
	char *copy = g_strdup(*field);
	g_mutex_unlock(&s->lock);
	return copy;
}

char *bb_session_ticket_number(bb_session *s) {
	return copy_string(s, &s->ticket_number);
}

char *bb_session_office(bb_session *s) {
	return copy_string(s, &s->office);
}

char *bb_session_display_name(bb_session *s) {
	return copy_string(s, &s->display_name);
}

json_t *bb_session_clerk_token_json(bb_session *s) {
	g_mutex_lock(&s->lock);
	json_t *token = s->clerk_token ? json_string(s->clerk_token) : json_null();
	g_mutex_unlock(&s->lock);
	return token;
}

void bb_session_pc_started(bb_session *s) {
	s->has_pc = TRUE;
}

/* Why the flag pair: Janus closes a PeerConnection asynchronously and only then accepts a new
 * offer on the handle; the plugin must neither forget a half-built one (the next offer would
 * fail with "Error setting ICE locally") nor push an offer before the old one is gone. */
void bb_session_close_pc(bb_session *s) {
	if(!s->has_pc || s->pc_closing || bb_session_gone(s))
		return;
	s->pc_closing = TRUE;
	JANUS_LOG(LOG_VERB, "[%s] %p: closing the PeerConnection\n", BB_PACKAGE, (void *)s->handle);
	bb_ctx.gateway->close_pc(s->handle);
}

gboolean bb_session_pc_ended(bb_session *s) {
	gboolean ours = s->pc_closing;
	s->has_pc = FALSE;
	s->pc_closing = FALSE;
	g_atomic_int_set(&s->webrtc_up, 0);
	return ours;
}

json_t *bb_session_ticket_view(bb_session *citizen, json_t *ticket) {
	const char *number = json_string_value(json_object_get(ticket, "number"));
	const char *office = json_string_value(json_object_get(ticket, "office"));
	json_t *position = json_object_get(ticket, "position");
	bb_session_set_ticket_info(citizen, number, office);
	citizen->position = json_is_integer(position) ? (int)json_integer_value(position) : -1;
	citizen->almost_sent = FALSE;
	return json_pack("{s:s?,s:s?,s:O?}", "number", number, "office", office,
		"position", json_is_integer(position) ? position : NULL);
}
