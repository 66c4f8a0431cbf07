/* bb_media.h: the Janus media callbacks of the plugin (the hot path). */
#ifndef BB_MEDIA_H
#define BB_MEDIA_H

#include <glib.h>
#include <janus/plugins/plugin.h>

void bb_media_setup(janus_plugin_session *handle);
void bb_media_incoming_rtp(janus_plugin_session *handle, janus_plugin_rtp *packet);
void bb_media_incoming_rtcp(janus_plugin_session *handle, janus_plugin_rtcp *packet);
void bb_media_incoming_data(janus_plugin_session *handle, janus_plugin_data *packet);
void bb_media_data_ready(janus_plugin_session *handle);
void bb_media_slow_link(janus_plugin_session *handle, int mindex, gboolean video, gboolean uplink);
void bb_media_hangup(janus_plugin_session *handle);

#endif
