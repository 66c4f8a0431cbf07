/* ops_appointments.c: internal API ops of the appointments module (docs/internal-api.md). */
#include "api/internal.h"
#include "appointments/appointments.h"

/* A clerk marks an appointment holder who did not come (or did not answer) as no-show. */
static gboolean op_appointment_no_show(bb_op_req *req, json_t *res, bb_err *err)
{
	gint64 id = json_integer_value(json_object_get(req->msg, "appointment"));
	json_t *a = bb_appointment_no_show(req->app, req->clerk, id, err);
	if (!a)
		return FALSE;
	json_object_set_new(res, "appointment", a);
	return TRUE;
}

const bb_op bb_ops_appointments[] = {
	{BB_OP_APPOINTMENT_NO_SHOW, op_appointment_no_show, .pooled = FALSE},
	{.id = BB_OP_N},
};
