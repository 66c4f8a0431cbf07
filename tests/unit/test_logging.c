/* test_logging.c: JSON log lines (base/logging.c, log_format = json): what a message can contain
 * (quotes, backslashes, line breaks, control characters, non-ASCII text, bytes that are no UTF-8)
 * comes out as one line that a JSON parser reads back as the same text. */
#include "base/logging.h"

#include <jansson.h>
#include <string.h>

/* Each row: the message, its escaped form inside the JSON string. */
static const struct {
	const char *in, *escaped;
} cases[] = {
	{"", ""},
	{"plain words key=value", "plain words key=value"},
	{"say \"hi\"", "say \\\"hi\\\""},
	{"C:\\path\\n", "C:\\\\path\\\\n"},
	{"two\nlines\r\n", "two\\nlines\\u000d\\n"},
	{"tab\there", "tab\\there"},
	{"bell\a esc\x1b del\x7f", "bell\\u0007 esc\\u001b del\x7f"},
	{"Ärztlicher Dienst – 😀", "Ärztlicher Dienst – 😀"},
	{"cut \xc3", "cut \\ufffd"},                          /* a sequence cut short at the end */
	{"bad \xff\xfe ok", "bad \\ufffd\\ufffd ok"},        /* bytes that start no sequence */
	{"mixed \xe2\x82 \"q\"", "mixed \\ufffd\\ufffd \\\"q\\\""},
	{"overlong \xc0\xaf", "overlong \\ufffd\\ufffd"},
	{"surrogate \xed\xa0\x80!", "surrogate \\ufffd\\ufffd\\ufffd!"},
	{"</script>", "</script>"},
};

static void test_escape(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		GString *out = g_string_new(NULL);
		bb_log_json_escape(out, cases[i].in);
		g_assert_cmpstr(out->str, ==, cases[i].escaped);
		g_string_free(out, TRUE);
	}
	GString *out = g_string_new(NULL);
	bb_log_json_escape(out, NULL);
	g_assert_cmpstr(out->str, ==, "");
	g_string_free(out, TRUE);
}

/* A whole line is one JSON object with the four fields, one line, and the message reads back as
 * sent (invalid bytes as U+FFFD). */
static void test_line(void)
{
	for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
		g_autofree char *line = bb_log_json_line("2026-11-25T09:01:02.003Z", "warn", "live", cases[i].in);
		size_t n = strlen(line);
		g_assert_cmpuint(n, >, 0);
		g_assert_cmpint(line[n - 1], ==, '\n');
		g_assert_null(memchr(line, '\n', n - 1));
		json_error_t err;
		json_t *o = json_loads(line, 0, &err);
		if (!o)
			g_error("case %u: %s in %s", i, err.text, line);
		g_assert_cmpuint(json_object_size(o), ==, 4);
		g_assert_cmpstr(json_string_value(json_object_get(o, "time")), ==, "2026-11-25T09:01:02.003Z");
		g_assert_cmpstr(json_string_value(json_object_get(o, "level")), ==, "warn");
		g_assert_cmpstr(json_string_value(json_object_get(o, "component")), ==, "live");
		const char *msg = json_string_value(json_object_get(o, "message"));
		g_assert_nonnull(msg);
		if (g_utf8_validate(cases[i].in, -1, NULL))
			g_assert_cmpstr(msg, ==, cases[i].in);
		else
			g_assert_nonnull(strstr(msg, "\xef\xbf\xbd"));   /* U+FFFD */
		json_decref(o);
	}
}

static void test_format_names(void)
{
	g_assert_true(bb_log_set_format_name("json"));
	g_assert_true(bb_log_set_format_name("text"));
	g_assert_false(bb_log_set_format_name("JSON"));
	g_assert_false(bb_log_set_format_name("syslog"));
	g_assert_false(bb_log_set_format_name(NULL));
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/logging/json_escape", test_escape);
	g_test_add_func("/logging/json_line", test_line);
	g_test_add_func("/logging/format_names", test_format_names);
	return g_test_run();
}
