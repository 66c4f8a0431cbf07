/* bb_reply.c: answers, errors and events to browsers through the Janus core. */
#include "session/bb_reply.h"
#include "core/bb_context.h"


#include <janus/debug.h>

/* Details of a service error worth passing on; everything else (its English message) stays here. */
static const char *const passed_on[] = {
	"next_opening", "slots", "checkin_from", "field", "max_chars", "retry_after_s", "reason",
};

static int push(bb_session *s, const char *transaction, const char *event, json_t *fields, json_t *jsep) {
	if(bb_session_gone(s)) {
		if(fields)
			json_decref(fields);
		return -1;
	}
	json_t *data = fields ? fields : json_object();
	json_object_set_new(data, "buergerbuero", json_string(event));
	int res = bb_ctx.gateway->push_event(s->handle, bb_ctx.plugin, transaction, data, jsep);
	json_decref(data);
	return res;
}

int bb_push(bb_session *s, const char *event, json_t *fields, json_t *jsep) {
	return push(s, NULL, event, fields, jsep);
}

int bb_reply_late(bb_session *s, const char *transaction, bb_janus_request_id id, const char *event,
		json_t *fields, json_t *jsep) {
	if(!fields)
		fields = json_object();
	json_object_set_new(fields, "request", json_string(bb_janus_requests[id].name));
	return push(s, transaction, event, fields, jsep);
}

void bb_reply_late_error(bb_session *s, const char *transaction, bb_janus_request_id id,
		bb_error_code code, const char *message) {
	json_t *data = json_pack("{sssissss}", "request", bb_janus_requests[id].name, "error_code", code,
		"error", bb_error_name(code), "message", message);
	push(s, transaction, BB_JEV_ERROR, data, NULL);
}

int bb_reply(bb_request *rq, const char *event, json_t *fields, json_t *jsep) {
	if(!fields)
		fields = json_object();
	if(rq->def)
		json_object_set_new(fields, "request", json_string(rq->def->name));
	rq->answered = TRUE;
	return push(rq->session, rq->transaction, event, fields, jsep);
}

void bb_reply_error(bb_request *rq, bb_error_code code, const char *message, json_t *extra) {
	json_t *data = extra ? extra : json_object();
	const char *name = rq->def ? rq->def->name : json_string_value(json_object_get(rq->body, "request"));
	if(name && g_utf8_validate(name, -1, NULL) && strlen(name) <= BB_SIZE_REQUEST_NAME)
		json_object_set_new(data, "request", json_string(name));
	else
		json_object_set_new(data, "request", json_null());
	json_object_set_new(data, "error_code", json_integer(code));
	json_object_set_new(data, "error", json_string(bb_error_name(code)));
	json_object_set_new(data, "message", json_string(message ? message : bb_error_name(code)));
	if(rq->offered && rq->session->has_pc && !rq->session->pc_closing) {
		bb_session_close_pc(rq->session);
		json_object_set_new(data, "pc_closed", json_true());
	}
	JANUS_LOG(LOG_VERB, "[%s] %p: %s -> %d (%s)\n", BB_PACKAGE, (void *)rq->session->handle,
		name ? name : "?", code, message ? message : "");
	rq->answered = TRUE;
	push(rq->session, rq->transaction, BB_JEV_ERROR, data, NULL);
}

void bb_reply_qc_error(bb_request *rq, const bb_qc_reply *reply) {
	bb_error_code code = bb_error_janus(reply->code);
	json_t *extra = json_object();
	const char *message = NULL;
	if(reply->body) {
		json_t *error = json_object_get(reply->body, "error");
		message = json_string_value(json_object_get(error, "message"));
		for(size_t i = 0; i < G_N_ELEMENTS(passed_on); i++) {
			json_t *v = json_object_get(error, passed_on[i]);
			if(!v)
				v = json_object_get(reply->body, passed_on[i]);
			if(v)
				json_object_set(extra, passed_on[i], v);
		}
	}
	if(code == BB_E_QUEUE_UNAVAILABLE)
		message = reply->reason && strcmp(reply->reason, "timeout") == 0 ?
			"the queue service did not answer in time" : "the queue service is unavailable";
	bb_reply_error(rq, code, message, extra);
}
