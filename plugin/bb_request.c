/* bb_request.c: the request table, declarative validation, role checks and replies. */
#include "bb_request.h"
#include "bb_plugin.h"

#include <janus/debug.h>
#include <janus/utils.h>

#define BB_REQUEST_NAME_MAX 32
#define BB_JSEP_SDP_MAX (64 * 1024)

/* Who may send a request. A handle is a citizen until login succeeds. */
typedef enum { FOR_ANY, FOR_CITIZEN, FOR_CLERK } audience;
/* Which JSEP a request needs. */
typedef enum { JSEP_NONE, JSEP_OFFER, JSEP_ANSWER } jsep_need;

/* A parameter: Janus-style declarative validation (JANUS_JSON_PARAM_* flags) plus a size limit
 * for strings (bytes). JANUS_JSON_BOOL marks a boolean. */
typedef struct bb_param {
	const char *name;
	json_type type;
	unsigned int flags;
	size_t max_len;
} bb_param;

typedef struct bb_request_def {
	const char *name;
	audience who;
	jsep_need jsep;
	gboolean needs_queue;      /* fails with queue_unavailable while the service is down */
	const bb_param *params;
	size_t n_params;
	void (*handler)(bb_request *rq);
} bb_request_def;

#define REQ JANUS_JSON_PARAM_REQUIRED
#define NONEMPTY JANUS_JSON_PARAM_NONEMPTY
#define POSITIVE JANUS_JSON_PARAM_POSITIVE

static const bb_param join_params[] = {
	{ "office", JSON_STRING, REQ | NONEMPTY, 64 },
	{ "name", JSON_STRING, 0, 80 },
	{ "concern", JSON_STRING, 0, 500 },
	{ "resume_token", JSON_STRING, NONEMPTY, 128 },
	{ "appointment", JSON_STRING, NONEMPTY, 64 },
};
static const bb_param login_params[] = {
	{ "token", JSON_STRING, REQ | NONEMPTY, 256 },
};
static const bb_param presence_params[] = {
	{ "state", JSON_STRING, REQ | NONEMPTY, 16 },
};
static const bb_param call_params[] = {
	{ "ticket", JSON_INTEGER, REQ | POSITIVE, 0 },
};
static const bb_param finish_params[] = {
	{ "outcome", JSON_STRING, REQ | NONEMPTY, 16 },
};
static const bb_param transfer_params[] = {
	{ "office", JSON_STRING, REQ | NONEMPTY, 64 },
};
static const bb_param appointment_no_show_params[] = {
	{ "appointment", JSON_INTEGER, REQ | POSITIVE, 0 },
};
static const bb_param broadcast_params[] = {
	{ "office", JSON_STRING, REQ | NONEMPTY, 64 },
	{ "text", JSON_STRING, REQ | NONEMPTY, 280 * 4 },   /* 280 characters, up to 4 bytes each */
};

/* Both roles can hang up; each side has its own consequences. */
static void hangup_by_role(bb_request *rq) {
	if(bb_session_role(rq->session) == BB_ROLE_CLERK)
		bb_clerk_hangup(rq);
	else
		bb_citizen_hangup(rq);
}

#define P(a) a, G_N_ELEMENTS(a)
/* The catalogue of requests (docs/janus-api.md). */
static const bb_request_def requests[] = {
	{ "join", FOR_CITIZEN, JSEP_NONE, TRUE, P(join_params), bb_citizen_join },
	{ "accept", FOR_CITIZEN, JSEP_ANSWER, FALSE, NULL, 0, bb_citizen_accept },
	{ "leave", FOR_CITIZEN, JSEP_NONE, TRUE, NULL, 0, bb_citizen_leave },
	{ "restart", FOR_CITIZEN, JSEP_NONE, FALSE, NULL, 0, bb_citizen_restart },
	{ "hangup", FOR_ANY, JSEP_NONE, FALSE, NULL, 0, hangup_by_role },
	{ "login", FOR_ANY, JSEP_NONE, TRUE, P(login_params), bb_clerk_login },
	{ "presence", FOR_CLERK, JSEP_NONE, TRUE, P(presence_params), bb_clerk_presence },
	{ "queue", FOR_CLERK, JSEP_NONE, TRUE, NULL, 0, bb_clerk_queue },
	{ "call_next", FOR_CLERK, JSEP_OFFER, TRUE, NULL, 0, bb_clerk_call_next },
	{ "call", FOR_CLERK, JSEP_OFFER, TRUE, P(call_params), bb_clerk_call },
	{ "finish", FOR_CLERK, JSEP_NONE, TRUE, P(finish_params), bb_clerk_finish },
	{ "transfer", FOR_CLERK, JSEP_NONE, TRUE, P(transfer_params), bb_clerk_transfer },
	{ "requeue", FOR_CLERK, JSEP_NONE, TRUE, NULL, 0, bb_clerk_requeue },
	{ "broadcast", FOR_CLERK, JSEP_NONE, TRUE, P(broadcast_params), bb_clerk_broadcast },
	{ "appointment_no_show", FOR_CLERK, JSEP_NONE, TRUE, P(appointment_no_show_params),
		bb_clerk_appointment_no_show },
	{ "renegotiate", FOR_CLERK, JSEP_OFFER, FALSE, NULL, 0, bb_clerk_renegotiate },
};
#undef P

/* Our error codes by number, and the queue service's error strings mapped onto them. */
static const struct { bb_error code; const char *name; } error_names[] = {
	{ BB_ERR_INTERNAL, "internal" }, { BB_ERR_BAD_REQUEST, "bad_request" },
	{ BB_ERR_UNKNOWN_REQUEST, "unknown_request" }, { BB_ERR_TOO_LARGE, "too_large" },
	{ BB_ERR_UNAUTHORIZED, "unauthorized" }, { BB_ERR_FORBIDDEN, "forbidden" },
	{ BB_ERR_INVALID_STATE, "invalid_state" }, { BB_ERR_QUEUE_UNAVAILABLE, "queue_unavailable" },
	{ BB_ERR_CLOSED, "closed" }, { BB_ERR_FULL, "full" }, { BB_ERR_INVALID_TOKEN, "invalid_token" },
	{ BB_ERR_NOT_FOUND, "not_found" }, { BB_ERR_NO_TICKET, "no_ticket" },
	{ BB_ERR_CONFLICT, "conflict" }, { BB_ERR_CITIZEN_GONE, "citizen_gone" },
	{ BB_ERR_MISSING_JSEP, "missing_jsep" },
};
static const struct { const char *service_code; bb_error code; } service_errors[] = {
	{ "bad_request", BB_ERR_BAD_REQUEST }, { "too_large", BB_ERR_TOO_LARGE },
	{ "unauthorized", BB_ERR_UNAUTHORIZED }, { "forbidden", BB_ERR_FORBIDDEN },
	{ "not_found", BB_ERR_NOT_FOUND }, { "closed", BB_ERR_CLOSED }, { "full", BB_ERR_FULL },
	{ "invalid_token", BB_ERR_INVALID_TOKEN }, { "illegal_transition", BB_ERR_INVALID_STATE },
	{ "no_ticket", BB_ERR_NO_TICKET }, { "conflict", BB_ERR_CONFLICT },
	{ "unavailable", BB_ERR_QUEUE_UNAVAILABLE }, { "timeout", BB_ERR_QUEUE_UNAVAILABLE },
	{ "unknown_op", BB_ERR_INTERNAL }, { "internal", BB_ERR_INTERNAL },
};

static const char *error_name(bb_error code) {
	for(size_t i = 0; i < G_N_ELEMENTS(error_names); i++)
		if(error_names[i].code == code)
			return error_names[i].name;
	return "internal";
}

/* A handle Janus is tearing down gets nothing more (pushing into a dying handle only races
 * with the core's cleanup). */
static gboolean handle_gone(bb_session *s) {
	return g_atomic_int_get(&s->destroyed) || g_atomic_int_get(&s->handle->stopped);
}

int bb_push(bb_session *s, const char *event, json_t *fields, json_t *jsep) {
	if(handle_gone(s)) {
		if(fields)
			json_decref(fields);
		return -1;
	}
	json_t *data = fields ? fields : json_object();
	json_object_set_new(data, "buergerbuero", json_string(event));
	int res = bb_ctx.gateway->push_event(s->handle, bb_ctx.plugin, NULL, data, jsep);
	json_decref(data);
	return res;
}

int bb_reply(bb_request *rq, const char *event, json_t *fields, json_t *jsep) {
	if(handle_gone(rq->session)) {
		if(fields)
			json_decref(fields);
		return -1;
	}
	json_t *data = fields ? fields : json_object();
	json_object_set_new(data, "buergerbuero", json_string(event));
	int res = bb_ctx.gateway->push_event(rq->session->handle, bb_ctx.plugin, rq->transaction, data, jsep);
	json_decref(data);
	return res;
}

static void reply_error_fields(bb_request *rq, bb_error code, const char *message, json_t *extra) {
	json_t *data = extra ? extra : json_object();
	json_object_set_new(data, "request", rq->name ? json_string(rq->name) : json_null());
	json_object_set_new(data, "error_code", json_integer(code));
	json_object_set_new(data, "error", json_string(error_name(code)));
	json_object_set_new(data, "message", json_string(message));
	bb_reply(rq, "error", data, NULL);
}

void bb_reply_error(bb_request *rq, bb_error code, const char *message) {
	JANUS_LOG(LOG_VERB, "[%s] %p: %s -> %d (%s)\n", BB_PACKAGE, (void *)rq->session->handle,
		rq->name ? rq->name : "?", code, message);
	reply_error_fields(rq, code, message, NULL);
}

void bb_reply_qc_error(bb_request *rq, const bb_qc_reply *reply) {
	bb_error code = BB_ERR_INTERNAL;
	for(size_t i = 0; i < G_N_ELEMENTS(service_errors); i++)
		if(reply->code && strcmp(reply->code, service_errors[i].service_code) == 0)
			code = service_errors[i].code;
	json_t *extra = json_object();
	const char *message = NULL;
	if(reply->body) {
		json_t *error = json_object_get(reply->body, "error");
		message = json_string_value(json_object_get(error, "message"));
		/* closed/full carry next_opening and slots, in the error object or beside it */
		const char *copy[] = { "next_opening", "slots" };
		for(size_t i = 0; i < G_N_ELEMENTS(copy); i++) {
			json_t *v = json_object_get(error, copy[i]);
			if(!v)
				v = json_object_get(reply->body, copy[i]);
			if(v)
				json_object_set(extra, copy[i], v);
		}
	}
	if(code == BB_ERR_QUEUE_UNAVAILABLE)
		message = "Die Warteschlange ist gerade nicht erreichbar / the queue service is unavailable";
	reply_error_fields(rq, code, message ? message : error_name(code), extra);
}

/* Checks one object against a parameter table: type, required, non-empty, positive, size. */
static bb_error validate(json_t *obj, const bb_param *params, size_t n, char *why, size_t why_len) {
	for(size_t i = 0; i < n; i++) {
		const bb_param *p = &params[i];
		json_t *v = json_object_get(obj, p->name);
		if(!v || json_is_null(v)) {
			if(p->flags & JANUS_JSON_PARAM_REQUIRED) {
				g_snprintf(why, why_len, "missing field: %s", p->name);
				return BB_ERR_BAD_REQUEST;
			}
			continue;
		}
		gboolean type_ok = p->type == JSON_TRUE ? json_is_boolean(v) : json_typeof(v) == p->type;
		if(!type_ok) {
			g_snprintf(why, why_len, "wrong type: %s", p->name);
			return BB_ERR_BAD_REQUEST;
		}
		if(p->type == JSON_STRING) {
			size_t len = json_string_length(v);
			if(p->max_len && len > p->max_len) {
				g_snprintf(why, why_len, "too long: %s (at most %zu bytes)", p->name, p->max_len);
				return BB_ERR_TOO_LARGE;
			}
			if((p->flags & JANUS_JSON_PARAM_NONEMPTY) && len == 0) {
				g_snprintf(why, why_len, "empty: %s", p->name);
				return BB_ERR_BAD_REQUEST;
			}
			if(memchr(json_string_value(v), '\0', len)) {
				g_snprintf(why, why_len, "invalid characters: %s", p->name);
				return BB_ERR_BAD_REQUEST;
			}
		}
		if(p->type == JSON_INTEGER && (p->flags & JANUS_JSON_PARAM_POSITIVE) &&
				json_integer_value(v) <= 0) {
			g_snprintf(why, why_len, "must be positive: %s", p->name);
			return BB_ERR_BAD_REQUEST;
		}
	}
	return 0;
}

/* The JSEP a request carries must be of the expected type with an SDP of sane size. */
static bb_error check_jsep(json_t *jsep, jsep_need need, char *why, size_t why_len) {
	if(need == JSEP_NONE)
		return 0;
	const char *want = need == JSEP_OFFER ? "offer" : "answer";
	const char *type = json_string_value(json_object_get(jsep, "type"));
	json_t *sdp = json_object_get(jsep, "sdp");
	if(!jsep || !type || !json_is_string(sdp) || strcmp(type, want) != 0) {
		g_snprintf(why, why_len, "this request needs a JSEP %s", want);
		return BB_ERR_MISSING_JSEP;
	}
	if(json_string_length(sdp) > BB_JSEP_SDP_MAX) {
		g_snprintf(why, why_len, "SDP too large");
		return BB_ERR_TOO_LARGE;
	}
	return 0;
}

/* Why a table: one place lists every request, who may send it and what it must contain, so a
 * handler only ever sees validated input and the docs can be checked against one catalogue. */
void bb_request_handle(bb_session *session, const char *transaction, json_t *body, json_t *jsep) {
	bb_request rq = { .session = session, .transaction = transaction, .body = body, .jsep = jsep };
	g_atomic_int_inc(&bb_ctx.requests_handled);
	if(!json_is_object(body)) {
		bb_reply_error(&rq, BB_ERR_BAD_REQUEST, "the message body must be a JSON object");
		return;
	}
	json_t *name = json_object_get(body, "request");
	if(!json_is_string(name) || json_string_length(name) == 0) {
		bb_reply_error(&rq, BB_ERR_BAD_REQUEST, "missing field: request");
		return;
	}
	if(json_string_length(name) > BB_REQUEST_NAME_MAX) {
		bb_reply_error(&rq, BB_ERR_UNKNOWN_REQUEST, "unknown request");
		return;
	}
	rq.name = json_string_value(name);
	const bb_request_def *def = NULL;
	for(size_t i = 0; i < G_N_ELEMENTS(requests) && !def; i++)
		if(strcmp(requests[i].name, json_string_value(name)) == 0)
			def = &requests[i];
	if(!def) {
		bb_reply_error(&rq, BB_ERR_UNKNOWN_REQUEST, "unknown request");
		return;
	}
	rq.name = def->name;
	bb_role role = bb_session_role(session);
	if((def->who == FOR_CLERK && role != BB_ROLE_CLERK) ||
			(def->who == FOR_CITIZEN && role != BB_ROLE_CITIZEN)) {
		bb_reply_error(&rq, BB_ERR_FORBIDDEN, "request not allowed for this role");
		return;
	}
	char why[128];
	bb_error err = validate(body, def->params, def->n_params, why, sizeof(why));
	if(!err)
		err = check_jsep(jsep, def->jsep, why, sizeof(why));
	if(err) {
		bb_reply_error(&rq, err, why);
		return;
	}
	if(def->needs_queue && !bb_qc_available(bb_ctx.qc)) {
		bb_reply_error(&rq, BB_ERR_QUEUE_UNAVAILABLE,
			"Die Warteschlange ist gerade nicht erreichbar / the queue service is unavailable");
		return;
	}
	def->handler(&rq);
}
