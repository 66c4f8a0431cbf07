/* errors.c: error catalogue (code -> HTTP status) and the bb_err helpers. */
#include "base/errors.h"

#include <string.h>

static const struct { const char *code; int http; } catalogue[] = {
	{"bad_request", 400}, {"too_large", 413}, {"unauthorized", 401}, {"forbidden", 403},
	{"unknown_op", 400}, {"not_found", 404}, {"method_not_allowed", 405}, {"closed", 409},
	{"full", 409}, {"invalid_token", 409}, {"illegal_transition", 409}, {"no_ticket", 404},
	{"conflict", 409}, {"rate_limited", 429}, {"unavailable", 503}, {"internal", 500},
	/* appointments (appointments/appointments.c) */
	{"invalid_code", 404}, {"cancelled", 409}, {"too_early", 409}, {"too_late", 409},
};

void bb_err_set(bb_err *err, const char *code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	g_free(err->message);
	err->message = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	/* A message quoting client input cut at a byte limit may end inside a UTF-8 sequence; Jansson
	 * refuses such a string and the reply would be lost, so repair it here for every caller. */
	if (!g_utf8_validate(err->message, -1, NULL)) {
		char *valid = g_utf8_make_valid(err->message, -1);
		g_free(err->message);
		err->message = valid;
	}
	err->code = code;
}

void bb_err_clear(bb_err *err)
{
	g_clear_pointer(&err->message, g_free);
	if (err->extra)
		json_decref(err->extra);
	err->extra = NULL;
	err->code = NULL;
}

int bb_err_http_status(const char *code)
{
	for (guint i = 0; i < G_N_ELEMENTS(catalogue); i++)
		if (code && strcmp(code, catalogue[i].code) == 0)
			return catalogue[i].http;
	return 500;
}

json_t *bb_err_json(const bb_err *err)
{
	json_t *o = json_pack("{s:s, s:s}", "code", err->code ? err->code : "internal",
		"message", err->message ? err->message : "");
	if (err->extra)
		json_object_update(o, err->extra);
	return o;
}
