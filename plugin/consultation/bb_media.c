/* bb_media.c: the media hot path: RTP/RTCP/data relay between the handles of a consultation.
 * Runs on each handle's Janus loop thread. No mutex, no allocation: a handle relays to its
 * session's media_peer and, with an interpreter, to its media_third, which only this same loop
 * thread ever clears (see bb_session.h), while `relay`/`third_relay` turn relaying on and off
 * from the handler thread. No mixing: each participant's packets go unchanged (but for the
 * m-line index and, where the PeerConnections differ, the payload type) to the two others.
 * Nothing is ever written to disk: there is no recording code in this plugin. */
#include "consultation/bb_media.h"
#include "core/bb_context.h"
#include "core/bb_work.h"
#include "session/bb_session.h"

#include <janus/debug.h>
#include <janus/rtcp.h>
#include <janus/rtp.h>

/* The session of a handle without taking the registry lock: Janus keeps plugin_handle valid
 * until destroy_session returns, and media callbacks stop before that. */
static inline bb_session *session_of(janus_plugin_session *handle) {
	if(!handle || g_atomic_int_get(&handle->stopped))
		return NULL;
	bb_session *s = handle->plugin_handle;
	if(!s || g_atomic_int_get(&s->destroyed))
		return NULL;
	return s;
}

/* The peer to relay to, if the consultation is running and the peer is still there. */
static inline bb_session *peer_of(bb_session *s) {
	if(!g_atomic_int_get(&s->relay))
		return NULL;
	bb_session *peer = g_atomic_pointer_get(&s->media_peer);
	if(!peer || g_atomic_int_get(&peer->destroyed) || !g_atomic_int_get(&peer->webrtc_up))
		return NULL;
	return peer;
}

/* The third participant to relay to, if any (see bb_session.h for its lifetime). */
static inline bb_session *third_of(bb_session *s) {
	if(!g_atomic_int_get(&s->third_relay))
		return NULL;
	bb_session *third = g_atomic_pointer_get(&s->media_third);
	if(!third || g_atomic_int_get(&third->destroyed) || !g_atomic_int_get(&third->webrtc_up))
		return NULL;
	return third;
}

/* Which of dest's receiving pairs carries what `from` sends: pair 0 is its media_peer's.
 * Only compares the pointer, never follows it. */
static inline int pair_in(bb_session *dest, bb_session *from) {
	return g_atomic_pointer_get(&dest->media_peer) == from ? 0 : 1;
}

/* One RTP packet of `from` to `dest`, on dest's m-line and payload type for `from`'s media
 * (both unchanged where the layout says -1, as between clerk and citizen, whose
 * PeerConnections mirror each other). Janus copies the packet; ours is restored after. */
static void relay_rtp_to(bb_session *from, bb_session *dest, janus_plugin_rtp *packet) {
	int kind = packet->video ? 1 : 0, pair = pair_in(dest, from);
	int mindex = dest->layout.recv_mindex[pair][kind], pt = dest->layout.recv_pt[pair][kind];
	janus_rtp_header *rtp = (janus_rtp_header *)packet->buffer;
	int old_mindex = packet->mindex, old_pt = rtp->type;
	if(mindex >= 0)
		packet->mindex = mindex;
	if(pt >= 0 && old_pt == from->layout.send_pt[kind])
		rtp->type = pt;
	bb_ctx.gateway->relay_rtp(dest->handle, packet);
	packet->mindex = old_mindex;
	rtp->type = old_pt;
}

static char *const sender_labels[BB_N_ROLES] = { "citizen", "clerk", "interpreter" };

static void relay_data_to(bb_session *from, bb_session *dest, janus_plugin_data *packet, gboolean labelled) {
	int role = g_atomic_int_get(&from->role);
	char *label = packet->label;
	if(labelled && role >= 0 && role < BB_N_ROLES)
		packet->label = sender_labels[role];
	bb_ctx.gateway->relay_data(dest->handle, packet);
	packet->label = label;
}

void bb_media_setup(janus_plugin_session *handle) {
	bb_session *s = session_of(handle);
	if(!s)
		return;
	g_atomic_int_set(&s->webrtc_up, 1);
	JANUS_LOG(LOG_VERB, "[%s] %p: PeerConnection up\n", BB_PACKAGE, (void *)handle);
	/* PLI on start: each side asks the others for a keyframe so the picture appears at once */
	bb_session *peer = peer_of(s), *third = third_of(s);
	if(peer)
		bb_ctx.gateway->send_pli(peer->handle);
	if(third)
		bb_ctx.gateway->send_pli(third->handle);
	if(peer || third)
		bb_ctx.gateway->send_pli(handle);
}

void bb_media_incoming_rtp(janus_plugin_session *handle, janus_plugin_rtp *packet) {
	if(g_atomic_int_get(&bb_ctx.stopping))
		return;
	bb_session *s = session_of(handle);
	if(!s)
		return;
	bb_session *peer = peer_of(s), *third = third_of(s);
	if(!peer && !third)
		return;
	g_atomic_int_inc(&s->packets_in);
	if(peer)
		relay_rtp_to(s, peer, packet);
	if(third)
		relay_rtp_to(s, third, packet);
}

/* Feedback from this handle as a receiver goes to the sender of the m-line it is about: its
 * media_peer (pair 0) or its media_third (pair 1), on that sender's own m-line. */
void bb_media_incoming_rtcp(janus_plugin_session *handle, janus_plugin_rtcp *packet) {
	if(g_atomic_int_get(&bb_ctx.stopping))
		return;
	bb_session *s = session_of(handle);
	if(!s)
		return;
	bb_session *third = third_of(s), *peer = peer_of(s);
	if(!peer && !third)
		return;
	g_atomic_int_inc(&s->packets_in);   /* RTCP flows even while a track is muted */
	int kind = packet->video ? 1 : 0;
	gboolean about_third = packet->mindex >= 0 && packet->mindex == s->layout.recv_mindex[1][kind];
	bb_session *sender = about_third ? third : peer;
	if(!sender)
		return;
	/* A REMB from this receiver limits what its sender sends: cap it by the bitrate slow_link
	 * chose for the sender (and the configured maximum). */
	guint32 cap = g_atomic_int_get(&sender->bitrate);
	if(bb_ctx.settings.max_bitrate && (!cap || cap > bb_ctx.settings.max_bitrate))
		cap = bb_ctx.settings.max_bitrate;
	if(cap && janus_rtcp_get_remb(packet->buffer, packet->length) > cap)
		janus_rtcp_cap_remb(packet->buffer, packet->length, cap);
	int old_mindex = packet->mindex, mindex = sender->layout.send_mindex[kind];
	if(mindex >= 0)
		packet->mindex = mindex;
	bb_ctx.gateway->relay_rtcp(sender->handle, packet);
	packet->mindex = old_mindex;
}

void bb_media_incoming_data(janus_plugin_session *handle, janus_plugin_data *packet) {
	if(g_atomic_int_get(&bb_ctx.stopping))
		return;
	bb_session *s = session_of(handle);
	if(!s || !packet->buffer || packet->length == 0)
		return;
	bb_session *peer = peer_of(s), *third = third_of(s);
	/* chat, real-time text and file chunks: relayed as they are to the others, never stored.
	 * Where the interpreter sends or receives, the data channel's label names the sender's role
	 * (Janus opens a channel per label), so each client can tell who wrote what. */
	gboolean interpreting = g_atomic_int_get(&s->role) == BB_ROLE_INTERPRETER;
	if(peer)
		relay_data_to(s, peer, packet, interpreting);
	if(third)
		relay_data_to(s, third, packet, TRUE);
}

void bb_media_data_ready(janus_plugin_session *handle) {
	/* nothing buffered: data is relayed only while both sides are connected */
}

/* Packet loss reported by the core. uplink: loss on what this handle sends to us, so ask it
 * (REMB to its handle) to send less; otherwise its peer sends more than this handle's link
 * carries, so lower the peer's bitrate. Halve each time, never below min_bitrate. */
void bb_media_slow_link(janus_plugin_session *handle, int mindex, gboolean video, gboolean uplink) {
	bb_session *s = session_of(handle);
	if(!s || !video)
		return;
	bb_session *sender = uplink ? s : peer_of(s);
	if(!sender)
		return;
	guint32 current = g_atomic_int_get(&sender->bitrate);
	if(!current)
		current = bb_ctx.settings.max_bitrate ? bb_ctx.settings.max_bitrate : 1024000;
	guint32 lower = MAX(current / 2, bb_ctx.settings.min_bitrate);
	g_atomic_int_set(&sender->bitrate, lower);
	bb_ctx.gateway->send_remb(sender->handle, lower);
	JANUS_LOG(LOG_INFO, "[%s] %p: slow link (%s, mindex %d), sender capped at %u bit/s\n", BB_PACKAGE,
		(void *)handle, uplink ? "uplink" : "downlink", mindex, lower);
}

/* The PeerConnection is gone. This is the handle's own loop thread, the only one that relays
 * its packets, so here its media peer can be dropped without anyone still reading it. Runs
 * also while Janus tears the handle down (plugin_handle stays valid until destroy_session). */
void bb_media_hangup(janus_plugin_session *handle) {
	bb_session *s = handle ? handle->plugin_handle : NULL;
	if(!s || g_atomic_int_get(&s->destroyed))
		return;
	g_atomic_int_set(&s->webrtc_up, 0);
	g_atomic_int_set(&s->relay, 0);
	bb_session *peer = g_atomic_pointer_get(&s->media_peer);
	if(peer && g_atomic_pointer_compare_and_exchange(&s->media_peer, peer, NULL))
		bb_session_unref(peer);
	g_atomic_int_set(&s->third_relay, 0);
	bb_session *third = g_atomic_pointer_get(&s->media_third);
	if(third && g_atomic_pointer_compare_and_exchange(&s->media_third, third, NULL))
		bb_session_unref(third);
	bb_session_ref(s);
	bb_work_post(BB_WORK_MEDIA_HANGUP, s, &s->ref, NULL, NULL, NULL);
}
