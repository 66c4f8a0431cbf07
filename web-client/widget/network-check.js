// The device check's network test: can this browser reach the office's media server directly,
// only through the relay (TURN), or not at all? Gathers ICE candidates with the ICE servers the
// queue service hands out (GET /api/v1/ice-servers); no media and no data are sent.
//
// What the candidate types tell:
//   srflx – a STUN server saw us from outside: UDP gets out, a direct path is possible;
//   relay – the TURN server gave us a relay address: the call can go through the relay;
//   host  – only our own addresses. With STUN/TURN configured this means nothing got out
//           (firewall); with none configured we cannot tell more than "the device has a network",
//           and the media server usually reaches such a device directly (it learns the address
//           from the first packets), so we say that, honestly, as "probably direct".

const GATHER_TIMEOUT_MS = 6000;

/**
 * Resolves with {result, types} where result is 'direct' | 'relay' | 'local' | 'blocked' | 'none':
 * direct: srflx found; relay: only relay found; local: host only and no STUN/TURN configured;
 * blocked: host only although STUN/TURN are configured; none: no candidate at all (offline).
 */
export async function checkNetwork(iceServers = [], { timeout = GATHER_TIMEOUT_MS } = {}) {
  if (typeof RTCPeerConnection === 'undefined') return { result: 'none', types: [] };
  let pc = null;
  const types = new Set();
  try {
    pc = new RTCPeerConnection({ iceServers });
    // a data channel only so that there is something to negotiate; it never opens
    pc.createDataChannel('probe');
    const done = new Promise((resolve) => {
      const timer = setTimeout(resolve, timeout);
      pc.onicecandidate = (ev) => {
        if (!ev.candidate) { clearTimeout(timer); resolve(); return; }
        const type = ev.candidate.type || (/ typ (\w+)/.exec(ev.candidate.candidate) || [])[1];
        if (type) types.add(type);
      };
    });
    await pc.setLocalDescription(await pc.createOffer());
    await done;
  } catch {
    // an invalid server entry or a browser without WebRTC: report what we have
  } finally {
    if (pc) pc.close();
  }
  const servers = (iceServers || []).length > 0;
  let result;
  if (types.has('srflx') || types.has('prflx')) result = 'direct';
  else if (types.has('relay')) result = 'relay';
  else if (types.has('host')) result = servers ? 'blocked' : 'local';
  else result = 'none';
  return { result, types: [...types].sort() };
}
