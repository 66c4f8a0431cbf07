/* errors.c: the bb_err helpers; codes and their HTTP statuses come from the protocol catalogue. */
#include "base/errors.h"
#include "bb_protocol.h"

#include <string.h>


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
	bb_error_code c = code ? bb_error_parse(code) : BB_E_NONE;
	return c == BB_E_NONE ? 500 : bb_error_http(c);
}

json_t *bb_err_json(const bb_err *err)
{
	json_t *o = json_pack("{s:s, s:s}", "code", err->code ? err->code : "internal",
		"message", err->message ? err->message : "");
	if (err->extra)
		json_object_update(o, err->extra);
	return o;
}
