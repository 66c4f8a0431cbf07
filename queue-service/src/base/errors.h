/* errors.h: the error codes shared by REST and the internal API (docs/internal-api.md) and an
 * error value handlers fill in. */
#ifndef BB_ERRORS_H
#define BB_ERRORS_H

#include <glib.h>
#include <jansson.h>

typedef struct bb_err {
	const char *code;     /* static string from the catalogue, NULL = no error */
	char *message;
	json_t *extra;        /* optional fields merged into the error payload (e.g. next_opening) */
} bb_err;

void bb_err_set(bb_err *err, const char *code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
void bb_err_clear(bb_err *err);
/* HTTP status for a code (500 for unknown codes). */
int bb_err_http_status(const char *code);
/* {"code":..., "message":..., ...extra} */
json_t *bb_err_json(const bb_err *err);

#endif
