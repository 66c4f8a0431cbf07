/* fuzz_parsers.c: libFuzzer target for the queue service's pure input parsers: the request
 * validation (base/validate.c, the catalogue's field table of every op) fed with Jansson-parsed
 * JSON, the `--hours` syntax (bb_cli_parse_hours) whose result drives the opening-hours engine
 * (domain/hours.c), client times and dates (base/timeparse.c) and e-mail addresses with IDNA
 * domains (domain/mailaddr.c).
 *
 * The first input byte picks the target (modulo 4); the rest is the payload. Built and run by
 * libfuzzer.sh. */
#include "app/cli.h"
#include "domain/hours.h"
#include "api/internal.h"
#include "base/timeparse.h"
#include "base/validate.h"
#include "domain/mailaddr.h"

#include <stdint.h>
#include <string.h>

/* Runs every op's catalogue field checks on one parsed document, as api/internal.c does before
 * an op runs; a failed check must leave a well-formed, serialisable error. */
static void fuzz_validate(const uint8_t *data, size_t size)
{
	json_error_t jerr;
	json_t *msg = json_loadb((const char *)data, size, JSON_REJECT_DUPLICATES, &jerr);
	if (!msg)
		return;
	const bb_op *const tables[] = {bb_ops_core, bb_ops_appointments, NULL};
	for (int t = 0; tables[t]; t++) {
		for (const bb_op *op = tables[t]; op->id != BB_OP_N; op++) {
			const bb_internal_op *spec = &bb_internal_ops[op->id];
			bb_err err = {0};
			gboolean ok = bb_validate_proto(msg, spec->fields, spec->n_fields, &err);
			if (ok != (err.code == NULL))
				__builtin_trap();   /* result and error must agree */
			if (!ok) {
				json_t *e = bb_err_json(&err);
				char *s = e ? json_dumps(e, JSON_COMPACT) : NULL;
				if (!s)
					__builtin_trap();   /* an error that cannot be sent loses the reply */
				free(s);
				json_decref(e);
			}
			bb_err_clear(&err);
		}
	}
	json_decref(msg);
}

/* Parses an hours spec; what parses must be accepted by the hours engine and be queryable. */
static void fuzz_hours(const uint8_t *data, size_t size)
{
	if (size > 4096)
		return;
	char *spec = g_strndup((const char *)data, size);
	GArray *iv = g_array_new(FALSE, FALSE, sizeof(int));
	GError *e = NULL;
	if (bb_cli_parse_hours(spec, iv, &e)) {
		if (iv->len % 3)
			__builtin_trap();
		bb_hours *h = bb_hours_new("Europe/Berlin");
		for (guint i = 0; i + 2 < iv->len; i += 3) {
			int d = g_array_index(iv, int, i), o = g_array_index(iv, int, i + 1), c = g_array_index(iv, int, i + 2);
			if (d < 1 || d > 7 || o < 0 || c > 1440 || o >= c)
				__builtin_trap();   /* the parser promised valid triples */
			bb_hours_add_weekly(h, d, o, c);
		}
		gint64 at = 1764000000;   /* 2025-11-24, a Monday */
		for (int k = 0; k < 4; k++, at += 86400 * 3 + 3600 * 7) {
			(void)bb_hours_is_open(h, at);
			(void)bb_hours_next_opening(h, at, 14);
			(void)bb_hours_current_close(h, at);
			bb_interval out[16];
			(void)bb_hours_intervals_on(h, at, out, 16);
		}
		bb_hours_free(h);
	} else if (!e) {
		__builtin_trap();   /* a refusal must explain itself */
	}
	g_clear_error(&e);
	g_array_free(iv, TRUE);
	g_free(spec);
}

/* A time that parses must print back as the same instant; a date that parses must exist. */
static void fuzz_time(const uint8_t *data, size_t size)
{
	char *s = g_strndup((const char *)data, size);
	gint64 t;
	int usec, y, m, d;
	if (bb_time_parse_rfc3339(s, &t, &usec)) {
		if (usec < 0 || usec > 999999)
			__builtin_trap();
		GDateTime *dt = g_date_time_new_from_unix_utc(t);
		if (!dt)
			__builtin_trap();
		g_date_time_unref(dt);
	}
	if (bb_date_parse(s, &y, &m, &d) && !g_date_valid_dmy((GDateDay)d, (GDateMonth)m, (GDateYear)y))
		__builtin_trap();
	g_free(s);
}

/* What is accepted converts to a header-safe ASCII address that is accepted again unchanged. */
static void fuzz_mailaddr(const uint8_t *data, size_t size)
{
	char *s = g_strndup((const char *)data, size);
	char *ascii = bb_mailaddr_to_ascii(s);
	if (ascii) {
		if (strlen(ascii) > BB_MAILADDR_MAX)
			__builtin_trap();
		for (const char *p = ascii; *p; p++)
			if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f || strchr("<>\"(),;:\\[]", *p))
				__builtin_trap();
		char *again = bb_mailaddr_to_ascii(ascii);
		if (!again || strcmp(again, ascii) != 0)
			__builtin_trap();
		g_free(again);
	}
	g_free(ascii);
	g_free(s);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0: fuzz_validate(data + 1, size - 1); break;
	case 1: fuzz_hours(data + 1, size - 1); break;
	case 2: fuzz_time(data + 1, size - 1); break;
	default: fuzz_mailaddr(data + 1, size - 1); break;
	}
	return 0;
}
