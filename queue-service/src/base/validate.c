/* validate.c: the field-table checker used by the REST router and the internal API. */
#include "base/validate.h"

#define ARRAY_STRING_MAX 128   /* characters per string inside a string array */

/* Lengths count characters, not bytes, so umlauts cost what they look like. */
static gboolean check_string(const char *name, json_t *v, gint64 max, bb_err *err)
{
	if (!json_is_string(v)) {
		bb_err_set(err, "bad_request", "field '%s' must be a string", name);
		return FALSE;
	}
	const char *s = json_string_value(v);
	if (max > 0 && g_utf8_strlen(s, -1) > max) {
		bb_err_set(err, "too_large", "field '%s' is longer than %" G_GINT64_FORMAT " characters", name, max);
		return FALSE;
	}
	return TRUE;
}

static gboolean check_int(const char *name, json_t *v, gint64 max, bb_err *err)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 || (max > 0 && json_integer_value(v) > max)) {
		bb_err_set(err, "bad_request", "field '%s' must be an integer between 0 and %" G_GINT64_FORMAT,
			name, max > 0 ? max : G_MAXINT64);
		return FALSE;
	}
	return TRUE;
}

/* Items are checked like single fields; strings inside arrays (tokens, ids) have a fixed bound. */
static gboolean check_array(const bb_field *f, json_t *v, bb_err *err)
{
	if (!json_is_array(v)) {
		bb_err_set(err, "bad_request", "field '%s' must be an array", f->name);
		return FALSE;
	}
	if (f->max > 0 && (gint64)json_array_size(v) > f->max) {
		bb_err_set(err, "too_large", "field '%s' has more than %" G_GINT64_FORMAT " items", f->name, f->max);
		return FALSE;
	}
	size_t i;
	json_t *item;
	json_array_foreach(v, i, item) {
		gboolean ok = f->type == BB_T_STRING_ARRAY ? check_string(f->name, item, ARRAY_STRING_MAX, err)
		                                           : check_int(f->name, item, 0, err);
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

gboolean bb_validate(json_t *obj, const bb_field *fields, bb_err *err)
{
	if (!json_is_object(obj)) {
		bb_err_set(err, "bad_request", "expected a JSON object");
		return FALSE;
	}
	for (const bb_field *f = fields; f && f->name; f++) {
		json_t *v = json_object_get(obj, f->name);
		if (!v || json_is_null(v)) {
			if (f->required) {
				bb_err_set(err, "bad_request", "field '%s' is required", f->name);
				return FALSE;
			}
			continue;
		}
		gboolean ok = TRUE;
		switch (f->type) {
		case BB_T_STRING: ok = check_string(f->name, v, f->max, err); break;
		case BB_T_INT: ok = check_int(f->name, v, f->max, err); break;
		case BB_T_STRING_ARRAY:
		case BB_T_INT_ARRAY: ok = check_array(f, v, err); break;
		}
		if (!ok)
			return FALSE;
	}
	return TRUE;
}

gboolean bb_validate_proto(json_t *obj, const bb_proto_field *fields, int n, bb_err *err)
{
	bb_field_problem problem;
	bb_error_code code = bb_fields_check(obj, fields, n, &problem);
	if (code == BB_E_NONE)
		return TRUE;
	bb_err_set(err, bb_error_name(code), "%s", problem.message);
	if (problem.field) {
		err->extra = json_pack("{s:s}", "field", problem.field);
		if (problem.max_chars > 0)
			json_object_set_new(err->extra, "max_chars", json_integer(problem.max_chars));
	}
	return FALSE;
}
