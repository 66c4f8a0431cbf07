/* bb_settings.c: reads janus.plugin.buergerbuero.jcfg; one table drives keys, defaults and limits. */
#include "core/bb_settings.h"
#include "core/bb_package.h"
#include "bb_protocol.h"

#include <janus/config.h>
#include <janus/debug.h>

typedef enum { KEY_STRING, KEY_INT, KEY_BOOL } key_type;

/* Every key of the `general` category; the .jcfg.sample documents the same list. */
static const struct setting_key {
	const char *name;
	key_type type;
	size_t offset;
	const char *default_string;
	long default_number, min, max;
} keys[] = {
	{ "queue_url", KEY_STRING, G_STRUCT_OFFSET(bb_settings, queue_url), "ws://127.0.0.1:8089/internal/v1", 0, 0, 0 },
	{ "queue_secret", KEY_STRING, G_STRUCT_OFFSET(bb_settings, queue_secret), NULL, 0, 0, 0 },
	{ "instance", KEY_STRING, G_STRUCT_OFFSET(bb_settings, instance), "janus-1", 0, 0, 0 },
	{ "queue_connections", KEY_INT, G_STRUCT_OFFSET(bb_settings, queue_connections), NULL, 2, 1, 16 },
	{ "request_timeout_ms", KEY_INT, G_STRUCT_OFFSET(bb_settings, request_timeout_ms), NULL, 5000, 100, 60000 },
	{ "outgoing_max", KEY_INT, G_STRUCT_OFFSET(bb_settings, outgoing_max), NULL, 1024, 16, 65536 },
	{ "request_backlog", KEY_INT, G_STRUCT_OFFSET(bb_settings, request_backlog), NULL, 16, 1, 1024 },
	{ "max_handles", KEY_INT, G_STRUCT_OFFSET(bb_settings, max_handles), NULL, 0, 0, 10000000 },
	{ "media_timeout_s", KEY_INT, G_STRUCT_OFFSET(bb_settings, media_timeout_s), NULL, 10, 0, 3600 },
	{ "almost_position", KEY_INT, G_STRUCT_OFFSET(bb_settings, almost_position), NULL, 2, 0, 100 },
	{ "heartbeat_s", KEY_INT, G_STRUCT_OFFSET(bb_settings, heartbeat_s), NULL, 10, 1, 300 },
	{ "reconnect_min_ms", KEY_INT, G_STRUCT_OFFSET(bb_settings, reconnect_min_ms), NULL, 250, 10, 60000 },
	{ "reconnect_max_ms", KEY_INT, G_STRUCT_OFFSET(bb_settings, reconnect_max_ms), NULL, 5000, 10, 600000 },
	{ "max_bitrate", KEY_INT, G_STRUCT_OFFSET(bb_settings, max_bitrate), NULL, 0, 0, 100000000 },
	{ "min_bitrate", KEY_INT, G_STRUCT_OFFSET(bb_settings, min_bitrate), NULL, 128000, 16000, 100000000 },
	{ "notify_events", KEY_BOOL, G_STRUCT_OFFSET(bb_settings, notify_events), NULL, 1, 0, 1 },
};

/* Applies defaults, then the file's values; refuses values out of range and a missing secret,
 * so that a typo does not start a plugin that can never reach the queue service. */
gboolean bb_settings_load(bb_settings *settings, const char *config_path) {
	memset(settings, 0, sizeof(*settings));
	char *filename = g_strdup_printf("%s/%s.jcfg", config_path, BB_PACKAGE);
	janus_config *config = janus_config_parse(filename);
	if(!config)
		JANUS_LOG(LOG_WARN, "[%s] no configuration file %s, using defaults\n", BB_PACKAGE, filename);
	g_free(filename);
	janus_config_category *general = config ?
		janus_config_get(config, NULL, janus_config_type_category, "general") : NULL;
	gboolean ok = TRUE;
	for(size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
		const struct setting_key *key = &keys[i];
		janus_config_item *item = general ?
			janus_config_get(config, general, janus_config_type_item, key->name) : NULL;
		const char *value = item && item->value ? item->value : NULL;
		void *field = G_STRUCT_MEMBER_P(settings, key->offset);
		if(key->type == KEY_STRING) {
			*(char **)field = g_strdup(value ? value : key->default_string);
			continue;
		}
		long number = key->default_number;
		if(value && key->type == KEY_BOOL) {
			number = g_ascii_strcasecmp(value, "true") == 0 || strcmp(value, "1") == 0 ||
				g_ascii_strcasecmp(value, "yes") == 0;
		} else if(value) {
			char *end = NULL;
			number = strtol(value, &end, 10);
			if(!end || *end != '\0' || number < key->min || number > key->max) {
				JANUS_LOG(LOG_FATAL, "[%s] %s must be an integer in %ld..%ld\n", BB_PACKAGE,
					key->name, key->min, key->max);
				ok = FALSE;
			}
		}
		if(key->type == KEY_BOOL)
			*(gboolean *)field = number != 0;
		else if(key->offset == G_STRUCT_OFFSET(bb_settings, max_bitrate) ||
				key->offset == G_STRUCT_OFFSET(bb_settings, min_bitrate))
			*(guint32 *)field = (guint32)number;
		else
			*(int *)field = (int)number;
	}
	if(config)
		janus_config_destroy(config);
	if(!settings->queue_secret || !*settings->queue_secret) {
		JANUS_LOG(LOG_FATAL, "[%s] queue_secret is required\n", BB_PACKAGE);
		ok = FALSE;
	}
	if(settings->instance && g_utf8_strlen(settings->instance, -1) > BB_MAX_INSTANCE) {
		JANUS_LOG(LOG_FATAL, "[%s] instance must be at most %d characters\n", BB_PACKAGE, BB_MAX_INSTANCE);
		ok = FALSE;
	}
	return ok;
}

void bb_settings_clear(bb_settings *settings) {
	g_free(settings->queue_url);
	if(settings->queue_secret) {
		memset(settings->queue_secret, 0, strlen(settings->queue_secret));
		g_free(settings->queue_secret);
	}
	g_free(settings->instance);
	memset(settings, 0, sizeof(*settings));
}
