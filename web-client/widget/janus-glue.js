// The one thin glue module over janus.js: loads it from our own /vendor/, attaches the plugin and
// turns its callback style into promises (request → answer event) plus a few media helpers.

const PLUGIN = 'janus.plugin.buergerbuero';
const REQUEST_TIMEOUT_MS = 20000;

// Which event answers which request (docs/janus-api.md). Everything else is unsolicited.
const ANSWERS = {
  join: 'joined', accept: 'accepted', leave: 'left', hangup: 'hungup',
  login: 'logged_in', presence: 'presence', queue: 'queue', call_next: 'calling', call: 'calling',
  finish: 'finished', transfer: 'transferred', requeue: 'requeued', broadcast: 'broadcasted',
  renegotiate: 'renegotiated', restart: 'renegotiate'
};

export class JanusRequestError extends Error {
  constructor(request, code, message, data) {
    super(message || code);
    this.request = request;
    this.code = code;
    this.data = data || {};
  }
}

let loading = null;

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = src;
    s.async = false;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`cannot load ${src}`));
    document.head.append(s);
  });
}

// Why: janus.js and adapter.js are classic scripts that set globals; load them once, from our origin.
export function loadJanus() {
  if (!loading) {
    loading = (async () => {
      if (!window.adapter) await loadScript(new URL('../vendor/adapter.js', import.meta.url).href);
      if (!window.Janus) await loadScript(new URL('../vendor/janus.js', import.meta.url).href);
      await new Promise((resolve) => window.Janus.init({ debug: false, callback: resolve }));
      return window.Janus;
    })();
    loading.catch(() => { loading = null; });
  }
  return loading;
}

// Video good enough for lip-reading and sign language (EN 301 549 6.5): ≥ 320×240 at ≥ 20 fps.
export const VIDEO_CONSTRAINTS = {
  width: { ideal: 640, min: 320 }, height: { ideal: 480, min: 240 }, frameRate: { ideal: 30 }
};
export const AUDIO_CONSTRAINTS = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };

/**
 * One Janus session with one handle on our plugin.
 * handlers: onEvent(data, jsep), onRemoteTrack(track, on), onDataOpen(), onData(text),
 *           onWebrtc(up), onLost(reason), onSlowLink(), onCleanup()
 */
export class PluginSession {
  constructor(handlers) {
    this.handlers = handlers;
    this.pending = [];
    this.janus = null;
    this.handle = null;
    this.closed = false;
  }

  // Why: callers want "await connected handle"; janus.js reports success and failure by callbacks.
  async open({ server, iceServers = [] }) {
    const Janus = await loadJanus();
    await new Promise((resolve, reject) => {
      this.janus = new Janus({
        server, iceServers,
        success: resolve,
        error: (err) => {
          reject(new Error(String(err)));
          this.lost(String(err));
        },
        destroyed: () => this.lost('destroyed')
      });
    });
    await new Promise((resolve, reject) => {
      this.janus.attach({
        plugin: PLUGIN,
        success: (handle) => { this.handle = handle; resolve(); },
        error: (err) => reject(new Error(String(err))),
        onmessage: (msg, jsep) => this.dispatch(msg, jsep),
        onremotetrack: (track, mid, on) => this.call('onRemoteTrack', track, on, mid),
        onlocaltrack: () => {},
        ondataopen: () => this.call('onDataOpen'),
        ondata: (data) => this.call('onData', data),
        webrtcState: (up) => this.call('onWebrtc', up),
        iceState: (state) => this.call('onIce', state),
        slowLink: () => this.call('onSlowLink'),
        oncleanup: () => this.call('onCleanup')
      });
    });
    return this;
  }

  call(name, ...args) {
    const fn = this.handlers[name];
    if (fn) fn(...args);
  }

  // Why: onLost is for sessions that were up; a failing open() reports through its rejection only,
  // so callers never run two reconnect loops for one drop.
  lost(reason) {
    if (this.closed) return;
    this.closed = true;
    for (const p of this.pending.splice(0)) p.reject(new JanusRequestError(p.request, 'network', reason));
    if (this.handle) this.call('onLost', reason);
  }

  // Why: the plugin answers every request with an event; match it to the oldest pending request.
  dispatch(msg, jsep) {
    const data = msg && msg.plugindata ? msg.plugindata.data : msg;
    if (!data || typeof data !== 'object') return;
    const name = data.buergerbuero;
    if (name === 'error') {
      const idx = this.pending.findIndex((p) => p.request === data.request);
      if (idx >= 0) {
        const [p] = this.pending.splice(idx, 1);
        clearTimeout(p.timer);
        p.reject(new JanusRequestError(data.request, data.error, data.message, data));
        return;
      }
    } else {
      const idx = this.pending.findIndex((p) => p.answer === name);
      if (idx >= 0) {
        const [p] = this.pending.splice(idx, 1);
        clearTimeout(p.timer);
        p.resolve({ data, jsep });
        return;
      }
    }
    this.call('onEvent', data, jsep);
  }

  // `answer` overrides the expected answer event (a citizen's accept of a renegotiation → renegotiated).
  request(body, jsep, answer) {
    if (!this.handle || this.closed) return Promise.reject(new JanusRequestError(body.request, 'network', 'not connected'));
    return new Promise((resolve, reject) => {
      const entry = { request: body.request, answer: answer || ANSWERS[body.request], resolve, reject };
      entry.timer = setTimeout(() => {
        this.pending = this.pending.filter((p) => p !== entry);
        reject(new JanusRequestError(body.request, 'timeout', 'no answer'));
      }, REQUEST_TIMEOUT_MS);
      this.pending.push(entry);
      this.handle.send({
        message: body, jsep,
        error: (err) => {
          this.pending = this.pending.filter((p) => p !== entry);
          clearTimeout(entry.timer);
          reject(new JanusRequestError(body.request, 'network', String(err)));
        }
      });
    });
  }

  static tracks(stream, { video = true } = {}) {
    const audio = stream && stream.getAudioTracks()[0];
    const cam = video && stream && stream.getVideoTracks()[0];
    return [
      { type: 'audio', capture: audio || false, recv: true },
      { type: 'video', capture: cam || false, recv: true },
      { type: 'data' }
    ];
  }

  offer(tracks) {
    return new Promise((resolve, reject) => {
      this.handle.createOffer({ tracks, success: resolve, error: (e) => reject(new Error(String(e && e.message || e))) });
    });
  }

  answer(jsep, tracks) {
    return new Promise((resolve, reject) => {
      this.handle.createAnswer({ jsep, tracks, success: resolve, error: (e) => reject(new Error(String(e && e.message || e))) });
    });
  }

  remoteJsep(jsep) {
    return new Promise((resolve, reject) => {
      this.handle.handleRemoteJsep({ jsep, success: resolve, error: (e) => reject(new Error(String(e))) });
    });
  }

  sendData(text) {
    return new Promise((resolve, reject) => {
      if (!this.handle) { reject(new Error('no handle')); return; }
      this.handle.data({ text, success: resolve, error: (e) => reject(new Error(String(e))) });
    });
  }

  // The current outgoing video sender, for swapping camera and screen without renegotiation.
  videoSender() {
    const pc = this.peerConnection();
    if (!pc) return null;
    const tr = pc.getTransceivers().find((t) => t.receiver.track && t.receiver.track.kind === 'video');
    return tr ? tr.sender : null;
  }

  peerConnection() {
    return this.handle && this.handle.webrtcStuff ? this.handle.webrtcStuff.pc : null;
  }

  // Ends the media but keeps the Janus session and handle (e.g. back to the waiting room).
  hangupMedia() {
    if (this.handle) this.handle.hangup(false);
  }

  destroy() {
    this.closed = true;
    for (const p of this.pending.splice(0)) { clearTimeout(p.timer); p.reject(new JanusRequestError(p.request, 'closed', 'closed')); }
    if (this.janus) {
      try { this.janus.destroy({ cleanupHandles: true, notifyDestroyed: false }); } catch { /* already gone */ }
    }
  }
}
