/* bb_settings.h: settings from janus.plugin.buergerbuero.jcfg; one table drives keys, defaults
 * and limits (bb_settings.c), the .jcfg.sample documents every key. */
#ifndef BB_SETTINGS_H
#define BB_SETTINGS_H

#include <glib.h>

typedef struct bb_settings {
	char *queue_url;           /* ws://127.0.0.1:8089/internal/v1 */
	char *queue_secret;        /* shared secret for hello; never logged */
	char *instance;            /* identifies this Janus node to the queue service */
	int queue_connections;     /* connections to the queue service, used in parallel */
	int request_timeout_ms;    /* a queue-service call not answered by then fails */
	int outgoing_max;          /* bounded outgoing queue per connection */
	int request_backlog;       /* requests of one handle waiting behind the one in flight */
	int max_handles;           /* new handles refused beyond this; 0 = derived from the fd limit */
	int media_timeout_s;       /* no packets from a side this long: `media` stalled; 0 = off */
	int almost_position;       /* "almost your turn" when position <= this */
	int heartbeat_s;           /* clerk presence heartbeat period */
	int reconnect_min_ms;      /* reconnect backoff start */
	int reconnect_max_ms;      /* reconnect backoff cap */
	guint32 max_bitrate;       /* REMB cap for every sender, bit/s; 0 = no cap */
	guint32 min_bitrate;       /* slow_link never lowers below this */
	gboolean notify_events;    /* consultation start/end to Janus event handlers */
} bb_settings;

gboolean bb_settings_load(bb_settings *settings, const char *config_path) G_GNUC_WARN_UNUSED_RESULT;
void bb_settings_clear(bb_settings *settings);

#endif
