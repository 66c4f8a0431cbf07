// videocall.js: drives one side of a stock videocall-plugin call for the relay benchmark (window.vc).
/* global Janus */
(() => {
  const params = new URLSearchParams(location.search);
  const tracks = [{ type: 'audio', capture: true, recv: true }, { type: 'video', capture: true, recv: true }, { type: 'data' }];
  const vc = { events: [], errors: [], state: 'starting', handle: null };
  window.vc = vc;
  const send = (message, jsep) => vc.handle.send({ message, jsep });
  function onMessage(msg, jsep) {
    const ev = msg.result?.event || (msg.error ? 'error' : '?');
    vc.events.push(ev);
    if (msg.error) vc.errors.push(msg.error);
    if (ev === 'incomingcall' && jsep) {
      vc.handle.createAnswer({ jsep, tracks, success: (a) => send({ request: 'accept' }, a), error: (e) => vc.errors.push(String(e)) });
    }
    if (ev === 'accepted') {
      if (jsep) vc.handle.handleRemoteJsep({ jsep });
      vc.state = 'in_call';
    }
    if (ev === 'hangup') vc.state = 'hungup';
  }
  vc.register = (username) => send({ request: 'register', username });
  vc.call = (username) => vc.handle.createOffer({ tracks, success: (o) => send({ request: 'call', username }, o), error: (e) => vc.errors.push(String(e)) });
  vc.hangup = () => send({ request: 'hangup' });
  vc.stats = async () => {
    const pc = vc.handle?.webrtcStuff?.pc;
    if (!pc) return null;
    let packetsReceived = 0, framesDecoded = 0;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp') packetsReceived += s.packetsReceived || 0;
      if (s.type === 'inbound-rtp' && s.kind === 'video') framesDecoded += s.framesDecoded || 0;
    });
    return { packetsReceived, framesDecoded };
  };
  Janus.init({
    debug: false,
    callback: () => {
      const janus = new Janus({
        server: params.get('ws'), iceServers: [],
        success: () => janus.attach({
          plugin: 'janus.plugin.videocall',
          success: (h) => { vc.handle = h; vc.state = 'attached'; },
          error: (e) => vc.errors.push(String(e)),
          onmessage: onMessage,
          onremotetrack: (track, mid, on) => {
            if (!on) return;
            const el = document.getElementById(track.kind === 'video' ? 'remote' : 'remote-audio');
            const stream = el.srcObject || new MediaStream();
            stream.addTrack(track);
            el.srcObject = stream;
            el.play().catch(() => {});
          },
        }),
        error: (e) => vc.errors.push(String(e)),
      });
    },
  });
})();
