/* validate.c: the bridge from the catalogue's field checks (protocol/bb_fields.c) to bb_err. */
#include "base/validate.h"

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
