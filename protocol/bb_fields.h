/* bb_fields.h: checks a JSON object against a field table of the protocol catalogue (types,
 * required fields, texts by bb_text's rule, enum values, array sizes). Both the plugin (Janus
 * requests) and the queue service (internal ops) validate with this, so a limit cannot differ. */
#ifndef BB_FIELDS_H
#define BB_FIELDS_H

#include <jansson.h>

#include "bb_protocol.h"

/* What was wrong, for the error payload: the field, its limit, and an English message for logs. */
typedef struct bb_field_problem {
	const char *field;      /* from the table (static) */
	int max_chars;          /* too_large of a text: its limit */
	char message[160];
} bb_field_problem;

/* BB_E_NONE when obj satisfies every field; else bad_request, too_large or invalid_text with
 * *problem filled. Fields not in the table are ignored. */
bb_error_code bb_fields_check(json_t *obj, const bb_proto_field *fields, int n, bb_field_problem *problem);

#endif
