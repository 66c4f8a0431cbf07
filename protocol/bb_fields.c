/* bb_fields.c: validation of request objects against the catalogue's field tables. */
#include "bb_fields.h"
#include "bb_text.h"

#include <glib.h>
#include <string.h>

/* Fills the problem; `what` is the English reason, followed by the field's name. */
static bb_error_code fail(bb_field_problem *p, bb_error_code code, const char *field, int max,
		const char *what) {
	p->field = field;
	p->max_chars = max;
	if (max > 0)
		g_snprintf(p->message, sizeof(p->message), "%s: %s (at most %d characters)", what, field, max);
	else
		g_snprintf(p->message, sizeof(p->message), "%s: %s", what, field);
	return code;
}

static bb_error_code check_text(json_t *v, const bb_proto_field *f, bb_field_problem *p) {
	bb_text_result r = bb_text_check(json_string_value(v), json_string_length(v), f->max_chars,
		f->multiline ? BB_TEXT_MULTILINE : 0, NULL);
	if (r == BB_TEXT_INVALID)
		return fail(p, BB_E_INVALID_TEXT, f->name, 0, "invalid text (not UTF-8 or control characters)");
	if (r == BB_TEXT_TOO_LONG)
		return fail(p, BB_E_TOO_LARGE, f->name, f->max_chars, "too long");
	return BB_E_NONE;
}

static gboolean positive_id(json_t *v) {
	return json_is_integer(v) && json_integer_value(v) > 0;
}

/* Why one walker for every table: a field's type decides the JSON check, its limit comes from the
 * catalogue, and the answer names the field, so clients can point at the input that was wrong. */
bb_error_code bb_fields_check(json_t *obj, const bb_proto_field *fields, int n, bb_field_problem *p) {
	memset(p, 0, sizeof(*p));
	if (!json_is_object(obj))
		return fail(p, BB_E_BAD_REQUEST, "body", 0, "not a JSON object");
	for (int i = 0; i < n; i++) {
		const bb_proto_field *f = &fields[i];
		json_t *v = json_object_get(obj, f->name);
		if (!v || json_is_null(v)) {
			if (f->required)
				return fail(p, BB_E_BAD_REQUEST, f->name, 0, "missing field");
			continue;
		}
		bb_error_code e = BB_E_NONE;
		switch (f->type) {
		case BB_FIELD_TEXT:
			if (!json_is_string(v))
				return fail(p, BB_E_BAD_REQUEST, f->name, 0, "wrong type (text expected)");
			if ((e = check_text(v, f, p)) != BB_E_NONE)
				return e;
			if ((f->required || f->nonempty) && json_string_length(v) == 0)
				return fail(p, BB_E_BAD_REQUEST, f->name, 0, "empty");
			break;
		case BB_FIELD_ID:
			if (!positive_id(v))
				return fail(p, BB_E_BAD_REQUEST, f->name, 0, "must be a positive integer");
			break;
		case BB_FIELD_INT:
			if (!json_is_integer(v))
				return fail(p, BB_E_BAD_REQUEST, f->name, 0, "wrong type (integer expected)");
			if (json_integer_value(v) < f->min || json_integer_value(v) > f->max) {
				fail(p, BB_E_BAD_REQUEST, f->name, 0, "out of range");
				g_snprintf(p->message, sizeof(p->message), "out of range: %s (%lld to %lld)", f->name, f->min, f->max);
				return BB_E_BAD_REQUEST;
			}
			break;
		case BB_FIELD_ENUM:
			if (!json_is_string(v) || bb_proto_lookup(f->values, f->n_values, json_string_value(v)) < 0)
				return fail(p, BB_E_BAD_REQUEST, f->name, 0, "not an allowed value");
			break;
		case BB_FIELD_BOOL:
			if (!json_is_boolean(v))
				return fail(p, BB_E_BAD_REQUEST, f->name, 0, "wrong type (boolean expected)");
			break;
		case BB_FIELD_ID_ARRAY:
		case BB_FIELD_TEXT_ARRAY: {
			if (!json_is_array(v))
				return fail(p, BB_E_BAD_REQUEST, f->name, 0, "wrong type (array expected)");
			if ((int)json_array_size(v) > f->max_items)
				return fail(p, BB_E_TOO_LARGE, f->name, 0, "too many items");
			size_t k;
			json_t *item;
			json_array_foreach(v, k, item) {
				if (f->type == BB_FIELD_ID_ARRAY && !positive_id(item))
					return fail(p, BB_E_BAD_REQUEST, f->name, 0, "items must be positive integers");
				if (f->type == BB_FIELD_TEXT_ARRAY) {
					if (!json_is_string(item))
						return fail(p, BB_E_BAD_REQUEST, f->name, 0, "items must be texts");
					if ((e = check_text(item, f, p)) != BB_E_NONE)
						return e;
				}
			}
			break;
		}
		}
	}
	return BB_E_NONE;
}
