/* logging.c: line-oriented stderr logger with a level filter, as text or JSON lines. */
#include "base/logging.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static bb_log_level min_level = BB_LOG_INFO;

/* How a line is written: one formatter per name of the log_format setting. */
typedef char *(*line_formatter)(const char *time, const char *level, const char *component, const char *message);

static char *text_line(const char *time, const char *level, const char *component, const char *message)
{
	return g_strdup_printf("%s %s %s %s\n", time, level, component, message);
}

static const struct {
	const char *name;
	line_formatter format;
} formats[] = {
	{"text", text_line},
	{"json", bb_log_json_line},
};

static line_formatter formatter = text_line;

static const char *const level_names[] = {
	[BB_LOG_DEBUG] = "debug",
	[BB_LOG_INFO] = "info",
	[BB_LOG_WARN] = "warn",
	[BB_LOG_ERROR] = "error",
};

gboolean bb_log_set_level_name(const char *name)
{
	for (guint i = 0; i < G_N_ELEMENTS(level_names); i++) {
		if (g_strcmp0(level_names[i], name) == 0) {
			min_level = (bb_log_level)i;
			return TRUE;
		}
	}
	return FALSE;
}

gboolean bb_log_set_format_name(const char *name)
{
	for (guint i = 0; i < G_N_ELEMENTS(formats); i++) {
		if (g_strcmp0(formats[i].name, name) == 0) {
			formatter = formats[i].format;
			return TRUE;
		}
	}
	return FALSE;
}

void bb_log_json_escape(GString *out, const char *s)
{
	const char *p = s ? s : "";
	const char *valid_end = p;   /* the bytes before it are checked, valid UTF-8 */
	while (*p) {
		if (p >= valid_end) {
			g_utf8_validate(p, -1, &valid_end);
			if (valid_end == p) {   /* no UTF-8 sequence starts here: one byte becomes U+FFFD */
				g_string_append(out, "\\ufffd");
				p++;
				continue;
			}
		}
		guchar c = (guchar)*p++;
		if (c == '"')
			g_string_append(out, "\\\"");
		else if (c == '\\')
			g_string_append(out, "\\\\");
		else if (c == '\n')
			g_string_append(out, "\\n");
		else if (c == '\t')
			g_string_append(out, "\\t");
		else if (c < 0x20)
			g_string_append_printf(out, "\\u%04x", c);
		else
			g_string_append_c(out, (char)c);
	}
}

char *bb_log_json_line(const char *time, const char *level, const char *component, const char *message)
{
	const char *const fields[][2] = {
		{"time", time}, {"level", level}, {"component", component}, {"message", message},
	};
	GString *out = g_string_new("{");
	for (guint i = 0; i < G_N_ELEMENTS(fields); i++) {
		g_string_append_printf(out, "%s\"%s\":\"", i ? "," : "", fields[i][0]);
		bb_log_json_escape(out, fields[i][1]);
		g_string_append_c(out, '"');
	}
	g_string_append(out, "}\n");
	return g_string_free(out, FALSE);
}

gboolean bb_log_enabled(bb_log_level level)
{
	return level >= min_level;
}

/* Formats the whole line first and writes it with one call, so lines of two processes sharing
 * a log file do not interleave mid-line. */
void bb_log(bb_log_level level, const char *component, const char *fmt, ...)
{
	if (level < min_level)
		return;
	char ts[40];
	struct timespec now;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	size_t n = strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);
	g_snprintf(ts + n, sizeof ts - n, ".%03ldZ", now.tv_nsec / 1000000);

	va_list ap;
	va_start(ap, fmt);
	g_autofree char *msg = g_strdup_vprintf(fmt, ap);
	va_end(ap);
	g_autofree char *line = formatter(ts, level_names[level], component, msg);
	fputs(line, stderr);
	fflush(stderr);
}
