// consult.js: drives one side (citizen or clerk) of a consultation; the media test controls it via window.bb.
/* global Janus */
(() => {
  const params = new URLSearchParams(location.search);
  const role = params.get('role');
  const server = params.get('ws');
  const PLUGIN = 'janus.plugin.buergerbuero';
  const tracks = [
    { type: 'audio', capture: true, recv: true },
    { type: 'video', capture: true, recv: true },
    { type: 'data' },
  ];
  // Offerers (clerk, interpreter) add a receive-only audio+video pair for the third participant
  // (plugin/consultation/bb_interpreter.h). janus.js 1.1.2 reuses the first transceiver of a kind
  // unless the track names a mid that does not exist yet: then it adds a recvonly one.
  const offerTracks = [
    ...tracks.slice(0, 2),
    { type: 'audio', capture: false, recv: true, mid: 'third-audio' },
    { type: 'video', capture: false, recv: true, mid: 'third-video' },
    tracks[2],
  ];
  const bb = {
    role, events: [], errors: [], chat: [], state: 'starting', dataOpen: false,
    remoteTracks: {}, handle: null, interpreter: [], invite: null, lastEvents: [],
  };
  window.bb = bb;
  document.getElementById('role').textContent = role;
  const log = (...a) => { document.getElementById('log').textContent += a.join(' ') + '\n'; };

  function send(body, jsep) {
    return new Promise((resolve) => {
      bb.handle.send({ message: body, jsep, success: resolve, error: (e) => { bb.errors.push(String(e)); resolve(); } });
    });
  }

  function onEvent(msg, jsep) {
    const name = msg.buergerbuero;
    bb.events.push(name);
    bb.lastEvents.push(msg);
    log('event', JSON.stringify(msg));
    if (name === 'error') bb.errors.push(msg.error);
    if (name === 'called' && jsep) {
      bb.state = 'called';
      bb.handle.createAnswer({
        jsep, tracks,
        success: (answer) => send({ request: 'accept' }, answer),
        error: (e) => bb.errors.push('createAnswer: ' + e),
      });
    }
    if (name === 'renegotiate' && jsep) {
      bb.handle.createAnswer({ jsep, tracks: [], success: (answer) => send({ request: 'accept' }, answer),
        error: (e) => bb.errors.push('renegotiate answer: ' + e) });
    }
    if ((name === 'accepted' || name === 'renegotiated') && jsep) bb.handle.handleRemoteJsep({ jsep });
    if (name === 'interpreter_invited') bb.invite = msg.invite;
    if (name === 'interpreter') bb.interpreter.push(msg.state + (msg.reason ? ':' + msg.reason : ''));
    if (name === 'interpreting' && jsep) { bb.state = 'in_consultation'; bb.handle.handleRemoteJsep({ jsep }); }
    if (name === 'consultation') bb.state = 'in_consultation';
    if (name === 'hangup') bb.state = 'hungup:' + msg.reason;
    if (name === 'hungup') bb.state = 'hungup:self';
  }

  // Test API ---------------------------------------------------------------------------------
  bb.join = (office, permit) => send({ request: 'join', office, name: 'Testperson', permit });
  bb.login = (token) => send({ request: 'login', token });
  bb.callNext = () => new Promise((resolve) => {
    bb.handle.createOffer({
      tracks: offerTracks,
      success: (offer) => { send({ request: 'call_next' }, offer).then(resolve); },
      error: (e) => { bb.errors.push('createOffer: ' + e); resolve(); },
    });
  });
  bb.hangup = () => send({ request: 'hangup' });
  bb.inviteInterpreter = () => send({ request: 'invite_interpreter' });
  bb.interpret = (invite) => new Promise((resolve) => {
    bb.handle.createOffer({
      tracks: offerTracks,
      success: (offer) => { send({ request: 'interpret', invite }, offer).then(resolve); },
      error: (e) => { bb.errors.push('createOffer: ' + e); resolve(); },
    });
  });
  // Which pair a mid belongs to: 0 the first audio/video m-line of its kind, 1 the second.
  const pairOf = (mid, kind) => {
    const pc = bb.handle?.webrtcStuff?.pc;
    if (!pc) return 0;
    const mids = pc.getTransceivers().filter((t) => t.receiver.track.kind === kind).map((t) => t.mid);
    return Math.max(0, mids.indexOf(mid));
  };
  const mediaEl = (kind, pair) => {
    const id = (kind === 'video' ? 'remote' : 'remote-audio') + (pair ? '-' + pair : '');
    let el = document.getElementById(id);
    if (!el) {
      el = document.createElement(kind);
      el.id = id;
      el.autoplay = true;
      if (kind === 'video') { el.muted = true; el.playsInline = true; el.width = 320; el.height = 240; }
      document.body.appendChild(el);
    }
    return el;
  };
  bb.restart = () => send({ request: 'restart' });
  bb.sendChat = (text) => new Promise((resolve) => {
    bb.handle.data({ text, success: () => resolve(true), error: (e) => { bb.errors.push('data: ' + e); resolve(false); } });
  });
  // Average colour of the middle of the remote picture.
  bb.remoteColour = (pair = 0) => {
    const v = document.getElementById(pair ? 'remote-' + pair : 'remote');
    if (!v) return null;
    if (!v.videoWidth) return null;
    const c = document.getElementById('probe');
    const ctx = c.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(v, 0, 0, c.width, c.height);
    const d = ctx.getImageData(140, 100, 40, 40).data;
    let r = 0, g = 0, b = 0;
    for (let i = 0; i < d.length; i += 4) { r += d[i]; g += d[i + 1]; b += d[i + 2]; }
    const n = d.length / 4;
    return { r: Math.round(r / n), g: Math.round(g / n), b: Math.round(b / n) };
  };
  bb.stats = async (pair) => {
    const pc = bb.handle?.webrtcStuff?.pc;
    if (!pc) return null;
    const out = { audioSamples: 0, framesDecoded: 0, packetsSent: 0, packetsReceived: 0 };
    (await pc.getStats()).forEach((s) => {
      if (pair !== undefined && s.type === 'inbound-rtp' && pairOf(s.mid, s.kind) !== pair) return;
      if (pair !== undefined && s.type === 'inbound-rtp' && s.kind === 'video') {
        out.width = s.frameWidth; out.height = s.frameHeight; out.fps = s.framesPerSecond;
      }
      if (s.type === 'inbound-rtp' && s.kind === 'audio') out.audioSamples += s.totalSamplesReceived || 0;
      if (s.type === 'inbound-rtp' && s.kind === 'video') out.framesDecoded += s.framesDecoded || 0;
      if (s.type === 'inbound-rtp') out.packetsReceived += s.packetsReceived || 0;
      if (s.type === 'outbound-rtp') out.packetsSent += s.packetsSent || 0;
    });
    out.connectionState = pc.connectionState;
    return out;
  };

  Janus.init({
    debug: false,
    callback: () => {
      const janus = new Janus({
        server, iceServers: [],
        success: () => janus.attach({
          plugin: PLUGIN,
          success: (h) => { bb.handle = h; bb.state = 'attached'; },
          error: (e) => bb.errors.push('attach: ' + e),
          onmessage: onEvent,
          onremotetrack: (track, mid, on) => {
            if (!on) return;
            bb.remoteTracks[track.kind] = true;
            const el = mediaEl(track.kind, pairOf(mid, track.kind));
            const stream = el.srcObject || new MediaStream();
            if (stream.getTracks().some((t) => t.id === track.id)) return;
            stream.addTrack(track);
            el.srcObject = stream;
            el.play().catch(() => {});
          },
          ondataopen: () => { bb.dataOpen = true; },
          ondata: (data) => { bb.chat.push(data); },
          oncleanup: () => {
            bb.cleanedUp = (bb.cleanedUp || 0) + 1;
            document.querySelectorAll('video, audio').forEach((el) => { el.srcObject = null; });
          },
          webrtcState: (on) => { bb.webrtcUp = on; },
        }),
        error: (e) => bb.errors.push('janus: ' + e),
      });
    },
  });
})();
