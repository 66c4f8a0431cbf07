/* validate.h: declarative validation of JSON request objects, checked before a handler runs. */
#ifndef BB_VALIDATE_H
#define BB_VALIDATE_H

#include "base/errors.h"
#include "bb_fields.h"

typedef enum bb_field_type {
	BB_T_STRING,
	BB_T_INT,          /* integer; max = largest allowed value (0 = any non-negative) */
	BB_T_STRING_ARRAY, /* array of strings; max = most items */
	BB_T_INT_ARRAY,    /* array of integers; max = most items */
} bb_field_type;

typedef struct bb_field {
	const char *name;
	bb_field_type type;
	gboolean required;
	gint64 max;        /* string: most characters; int: largest value; arrays: most items */
} bb_field;

/* Checks every field of the NULL-terminated table; on failure fills err (bad_request or
 * too_large naming the field) and returns FALSE. */
gboolean bb_validate(json_t *obj, const bb_field *fields, bb_err *err);

/* Checks obj against a field table of the protocol catalogue (bb_fields_check: texts in
 * characters by bb_text's rule, enums, arrays). On failure err carries the catalogue's code
 * (bad_request, too_large, invalid_text) and extra {field, max_chars} as the plugin sends them. */
gboolean bb_validate_proto(json_t *obj, const bb_proto_field *fields, int n, bb_err *err);

#endif
