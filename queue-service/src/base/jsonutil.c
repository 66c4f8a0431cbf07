/* jsonutil.c: time formatting and serialisation helpers. */
#include "base/jsonutil.h"

#include <time.h>

void bb_time_format(gint64 unix_s, char *buf, size_t n)
{
	time_t t = (time_t)unix_s;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

json_t *bb_json_time(gint64 unix_s)
{
	char buf[32];
	bb_time_format(unix_s, buf, sizeof buf);
	return json_string(buf);
}

char *bb_json_take_dump(json_t *o)
{
	char *s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	char *copy = g_strdup(s ? s : "null");
	free(s);
	return copy;
}

json_t *bb_json_str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}
