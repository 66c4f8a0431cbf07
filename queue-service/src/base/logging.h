/* logging.h: one line per event on stderr, either text "ts level component message key=value..."
 * or (log_format = json) one JSON object per line {"time", "level", "component", "message"}.
 * Callers never pass tokens, passwords, citizens' names or concerns. */
#ifndef BB_LOGGING_H
#define BB_LOGGING_H

#include <glib.h>

typedef enum bb_log_level {
	BB_LOG_DEBUG = 0,
	BB_LOG_INFO,
	BB_LOG_WARN,
	BB_LOG_ERROR,
} bb_log_level;

/* Returns FALSE for an unknown name ("debug", "info", "warn", "error"). */
gboolean bb_log_set_level_name(const char *name);
/* Returns FALSE for an unknown name ("text", "json"). */
gboolean bb_log_set_format_name(const char *name);
void bb_log(bb_log_level level, const char *component, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* Whether a line of this level is written (to skip preparing arguments of filtered lines). */
gboolean bb_log_enabled(bb_log_level level);

/* The JSON form of one line, ending in "\n" (g_free it): every value a JSON string. For the
 * logger and its unit test. */
char *bb_log_json_line(const char *time, const char *level, const char *component, const char *message);
/* Appends s as the inside of a JSON string: quote, backslash and control characters escaped,
 * bytes that are no valid UTF-8 replaced by U+FFFD, so every line parses whatever was logged. */
void bb_log_json_escape(GString *out, const char *s);

#define bb_debug(comp, ...) bb_log(BB_LOG_DEBUG, comp, __VA_ARGS__)
#define bb_info(comp, ...) bb_log(BB_LOG_INFO, comp, __VA_ARGS__)
#define bb_warn(comp, ...) bb_log(BB_LOG_WARN, comp, __VA_ARGS__)
#define bb_error(comp, ...) bb_log(BB_LOG_ERROR, comp, __VA_ARGS__)

#endif
