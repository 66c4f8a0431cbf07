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

static const bb_field no_show_fields[] = {
	{"session", BB_T_STRING, TRUE, 128}, {"appointment", BB_T_INT, TRUE, 0}, {NULL, 0, FALSE, 0},
};

const bb_op bb_ops_appointments[] = {
	{"appointment_no_show", no_show_fields, TRUE, op_appointment_no_show, .pooled = FALSE},
	{.name = NULL},
};
