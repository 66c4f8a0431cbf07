/* validate.h: request objects checked against the protocol catalogue's field tables (the REST
 * router's bodies and the internal API's ops), before a handler runs. */
#ifndef BB_VALIDATE_H
#define BB_VALIDATE_H

#include "base/errors.h"
#include "bb_fields.h"

/* Checks obj against a field table of the protocol catalogue (bb_fields_check: texts in
 * characters by bb_text's rule, enums, arrays). On failure err carries the catalogue's code
 * (bad_request, too_large, invalid_text) and extra {field, max_chars} as the plugin sends them. */
gboolean bb_validate_proto(json_t *obj, const bb_proto_field *fields, int n, bb_err *err);

#endif
