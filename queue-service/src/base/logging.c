/* logging.c: line-oriented stderr logger with a level filter. */
#include "base/logging.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static bb_log_level min_level = BB_LOG_INFO;

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
	g_autofree char *line = g_strdup_printf("%s %s %s %s\n", ts, level_names[level], component, msg);
	fputs(line, stderr);
	fflush(stderr);
}
