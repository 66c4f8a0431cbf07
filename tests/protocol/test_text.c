/* test_text.c: the text rule (protocol/bb_text.c) against protocol/text-cases.json, the cases the
 * widget's checkText() is tested against too, plus byte-level cases JSON cannot carry; and the
 * field checks of protocol/bb_fields.c on the catalogue's own tables. */
#include <glib.h>
#include <jansson.h>
#include <string.h>

#include "bb_fields.h"
#include "bb_protocol.h"
#include "bb_text.h"

static int limit_of(const char *name, gboolean *multiline) {
	/* the limits of the generated tables, found through a field that uses them */
	static const struct { const char *limit; int max; gboolean multiline; } limits[] = {
		{ "ticket_name", BB_MAX_TICKET_NAME, FALSE },
		{ "concern", BB_MAX_CONCERN, TRUE },
		{ "broadcast_text", BB_MAX_BROADCAST_TEXT, TRUE },
		{ "office_id", BB_MAX_OFFICE_ID, FALSE },
	};
	for(gsize i = 0; i < G_N_ELEMENTS(limits); i++)
		if(strcmp(limits[i].limit, name) == 0) {
			*multiline = limits[i].multiline;
			return limits[i].max;
		}
	g_error("limit %s not known to this test", name);
	return -1;
}

static void test_cases(void) {
	char *path = g_build_filename(g_getenv("BB_SOURCE_ROOT"), "protocol", "text-cases.json", NULL);
	json_error_t jerr;
	json_t *root = json_load_file(path, JSON_ALLOW_NUL, &jerr);
	g_assert_nonnull(root);
	json_t *cases = json_object_get(root, "cases");
	g_assert_cmpint(json_array_size(cases), >, 10);
	size_t i;
	json_t *c;
	json_array_foreach(cases, i, c) {
		const char *doc = json_string_value(json_object_get(c, "doc"));
		json_t *text = json_object_get(c, "text");
		gboolean multiline = FALSE;
		int max = limit_of(json_string_value(json_object_get(c, "limit")), &multiline);
		const char *expect = json_string_value(json_object_get(c, "expect"));
		bb_text_result r = bb_text_check(json_string_value(text), json_string_length(text), max,
			multiline ? BB_TEXT_MULTILINE : 0, NULL);
		const char *got = r == BB_TEXT_OK ? "ok" : r == BB_TEXT_TOO_LONG ? "too_large" : "invalid_text";
		if(strcmp(got, expect) != 0)
			g_error("%s: expected %s, got %s", doc, expect, got);
	}
	json_decref(root);
	g_free(path);
}

static void test_bytes(void) {
	static const struct { const char *bytes; size_t len; bb_text_result want; } cases[] = {
		{ "\xc3\x28", 2, BB_TEXT_INVALID },              /* broken two-byte sequence */
		{ "\xe2\x82", 2, BB_TEXT_INVALID },              /* truncated */
		{ "\xed\xa0\x80", 3, BB_TEXT_INVALID },          /* UTF-16 surrogate */
		{ "\xc0\xaf", 2, BB_TEXT_INVALID },              /* overlong slash */
		{ "\xf4\x90\x80\x80", 4, BB_TEXT_INVALID },      /* beyond U+10FFFF */
		{ "ab\0cd", 5, BB_TEXT_INVALID },                /* NUL inside */
		{ "\xd0\x9e\xd0\xbb\xd1\x8f", 6, BB_TEXT_OK },   /* Оля */
	};
	for(gsize i = 0; i < G_N_ELEMENTS(cases); i++)
		g_assert_cmpint(bb_text_check(cases[i].bytes, cases[i].len, 80, 0, NULL), ==, cases[i].want);
	size_t chars = 0;
	g_assert_cmpint(bb_text_check("\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 8, 2, 0, &chars), ==, BB_TEXT_OK);
	g_assert_cmpuint(chars, ==, 2);
	g_assert_cmpint(bb_text_check("\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 8, 1, 0, NULL), ==, BB_TEXT_TOO_LONG);
}

/* The join request's own table: required office, optional texts, limits named in the error. */
static void test_fields(void) {
	const bb_janus_request *join = bb_janus_request_find("join", NULL);
	g_assert_nonnull(join);
	bb_field_problem p;
	json_t *ok = json_pack("{ssss}", "office", "kfz", "name", "Олександра");
	g_assert_cmpint(bb_fields_check(ok, join->fields, join->n_fields, &p), ==, BB_E_NONE);
	json_decref(ok);

	json_t *missing = json_pack("{ss}", "name", "Erika");
	g_assert_cmpint(bb_fields_check(missing, join->fields, join->n_fields, &p), ==, BB_E_BAD_REQUEST);
	g_assert_cmpstr(p.field, ==, "office");
	json_decref(missing);

	GString *long_name = g_string_new(NULL);
	for(int i = 0; i < BB_MAX_TICKET_NAME + 1; i++)
		g_string_append(long_name, "ş");
	json_t *too_long = json_pack("{ssss}", "office", "kfz", "name", long_name->str);
	g_assert_cmpint(bb_fields_check(too_long, join->fields, join->n_fields, &p), ==, BB_E_TOO_LARGE);
	g_assert_cmpstr(p.field, ==, "name");
	g_assert_cmpint(p.max_chars, ==, BB_MAX_TICKET_NAME);
	json_decref(too_long);
	g_string_free(long_name, TRUE);

	json_t *control = json_pack("{ssss}", "office", "kfz", "concern", "a\x1b[2Jb");
	g_assert_cmpint(bb_fields_check(control, join->fields, join->n_fields, &p), ==, BB_E_INVALID_TEXT);
	g_assert_cmpstr(p.field, ==, "concern");
	json_decref(control);

	json_t *empty_token = json_pack("{ssss}", "office", "kfz", "resume_token", "");
	g_assert_cmpint(bb_fields_check(empty_token, join->fields, join->n_fields, &p), ==, BB_E_BAD_REQUEST);
	json_decref(empty_token);

	const bb_janus_request *presence = bb_janus_request_find("presence", NULL);
	json_t *busy = json_pack("{ss}", "state", "busy");   /* set by the service, never by a clerk */
	g_assert_cmpint(bb_fields_check(busy, presence->fields, presence->n_fields, &p), ==, BB_E_BAD_REQUEST);
	json_decref(busy);

	const bb_internal_op *hello = bb_internal_op_find("hello", NULL);
	json_t *ids = json_pack("{sssss[iii]}", "secret", "s", "instance", "janus-1", "tickets", 1, 2, -3);
	g_assert_cmpint(bb_fields_check(ids, hello->fields, hello->n_fields, &p), ==, BB_E_BAD_REQUEST);
	g_assert_cmpstr(p.field, ==, "tickets");
	json_decref(ids);

	/* clerk ops get `session` first, from the catalogue's `clerk` flag */
	const bb_internal_op *finish = bb_internal_op_find("finish", NULL);
	g_assert_cmpstr(finish->fields[0].name, ==, "session");
	g_assert_true(finish->fields[0].required);
}

/* Numbers, names and the browser mapping of every error are consistent. */
static void test_errors(void) {
	for(int i = 0; i < BB_E_N; i++) {
		const bb_error_info *e = &bb_errors[i];
		g_assert_cmpint(bb_error_parse(e->name), ==, e->code);
		g_assert_cmpstr(bb_error_name(e->code), ==, e->name);
		g_assert_cmpint(e->code, >=, 4700);
		g_assert_cmpint(e->code, <=, 4799);
	}
	g_assert_cmpint(bb_error_janus(BB_E_ILLEGAL_TRANSITION), ==, BB_E_INVALID_STATE);
	g_assert_cmpint(bb_error_janus(BB_E_UNAVAILABLE), ==, BB_E_QUEUE_UNAVAILABLE);
	g_assert_cmpint(bb_error_janus(BB_E_INVALID_CODE), ==, BB_E_INVALID_CODE);
	g_assert_cmpint(bb_error_parse("no_such_error"), ==, BB_E_NONE);
	g_assert_cmpint(bb_error_http(BB_E_RATE_LIMITED), ==, 429);
}

int main(int argc, char **argv) {
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/protocol/text/cases", test_cases);
	g_test_add_func("/protocol/text/bytes", test_bytes);
	g_test_add_func("/protocol/fields", test_fields);
	g_test_add_func("/protocol/errors", test_errors);
	return g_test_run();
}
