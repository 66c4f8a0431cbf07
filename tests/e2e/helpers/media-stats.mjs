// Reads WebRTC statistics in a page: decoded video frames, size and rate, received audio samples,
// and the average colour of a <video> element's picture.

// Test-side only: records every RTCPeerConnection the page creates (no hook in product code).
export async function recordPeerConnections(context) {
  await context.addInitScript(() => {
    const Native = window.RTCPeerConnection;
    window.__bbPcs = [];
    window.RTCPeerConnection = function (...args) {
      const pc = new Native(...args);
      window.__bbPcs.push(pc);
      return pc;
    };
    window.RTCPeerConnection.prototype = Native.prototype;
    Object.setPrototypeOf(window.RTCPeerConnection, Native);
  });
}

// Why: "two-way media works" is proven by the receiver's own counters, not by signalling events.
export async function inboundStats(page) {
  return page.evaluate(async () => {
    const pcs = (window.__bbPcs || []).filter((p) => p.connectionState !== 'closed');
    const pc = pcs[pcs.length - 1];
    if (!pc) return null;
    const stats = await pc.getStats();
    const out = { video: null, audio: null, opus: false, state: pc.connectionState };
    // with an interpreter's pair there are two of each kind: the one that decoded most counts
    stats.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video' && (!out.video || (s.framesDecoded || 0) >= out.video.framesDecoded)) {
        out.video = { framesDecoded: s.framesDecoded || 0, width: s.frameWidth || 0, height: s.frameHeight || 0, fps: s.framesPerSecond || 0, packets: s.packetsReceived || 0 };
      }
      if (s.type === 'inbound-rtp' && s.kind === 'audio' && (!out.audio || (s.totalSamplesReceived || 0) >= out.audio.samples)) out.audio = { samples: s.totalSamplesReceived || 0, packets: s.packetsReceived || 0 };
      if (s.type === 'codec' && /opus/i.test(s.mimeType || '')) out.opus = true;
    });
    return out;
  });
}

// Average RGB of a <video>'s current frame; `shadowHost` names the element whose shadow root holds it.
export async function videoColour(page, selector, shadowHost = null) {
  return page.evaluate(({ selector, shadowHost }) => {
    const root = shadowHost ? document.querySelector(shadowHost).shadowRoot : document;
    const video = root.querySelector(selector);
    if (!video || !video.videoWidth) return null;
    const c = document.createElement('canvas');
    c.width = 32; c.height = 24;
    const ctx = c.getContext('2d');
    ctx.drawImage(video, 0, 0, 32, 24);
    const d = ctx.getImageData(0, 0, 32, 24).data;
    let r = 0, g = 0, b = 0;
    for (let i = 0; i < d.length; i += 4) { r += d[i]; g += d[i + 1]; b += d[i + 2]; }
    const n = d.length / 4;
    return [Math.round(r / n), Math.round(g / n), Math.round(b / n)];
  }, { selector, shadowHost });
}

// The data channels of the page's live PeerConnection: label, state, messages sent and received.
export async function dataChannels(page) {
  return page.evaluate(async () => {
    const pc = (window.__bbPcs || []).filter((p) => p.connectionState !== 'closed').pop();
    if (!pc) return [];
    const out = [];
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'data-channel') out.push({ label: s.label, state: s.state, sent: s.messagesSent || 0, received: s.messagesReceived || 0 });
    });
    return out;
  });
}

// The SDP the page's live PeerConnection got from Janus.
export async function remoteSdp(page) {
  return page.evaluate(() => {
    const pc = (window.__bbPcs || []).filter((p) => p.connectionState !== 'closed').pop();
    return pc && pc.remoteDescription ? pc.remoteDescription.sdp : null;
  });
}
