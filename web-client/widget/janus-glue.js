// The one thin glue module over janus.js: loads it from our own /vendor/, attaches the plugin and
// turns its callback style into promises (request → answer event) plus a few media helpers.

const PLUGIN = 'janus.plugin.buergerbuero';
const REQUEST_TIMEOUT_MS = 20000;
// Janus sends its own `hangup` for a PeerConnection the plugin closed within about a second; this
// deadline is only the error path for a hangup that never comes.
const CLEANUP_DEADLINE_MS = 10000;

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
 * handlers: onEvent(data, jsep), onRemoteTrack(track, on, mid), onDataOpen(), onData(text, label),
 *           onWebrtc(up), onIce(state), onLost(reason), onSlowLink(), onCleanup(byJanus),
 *           onLateOffer(data, jsep) (a JSEP offer answering a request that had timed out)
 *
 * Requests are answered in order and every answer names its request (`data.request`), so an
 * answer settles the oldest pending request of that name; events without `request` are
 * unsolicited and go to onEvent.
 *
 * The handle's PeerConnection as Janus holds it (`pc`): 'none', 'open' (we sent an offer or
 * answer, or Janus sent us an offer) or 'closing' (the plugin closed it: an error with
 * `pc_closed`, its `hangup` event, or our hangupMedia()). Janus confirms a close with its own
 * `hangup` (janus.js: webrtcState(false) then oncleanup); an offer made before that fails with
 * Janus error 490, and the late hangup would tear down the new PeerConnection in janus.js. So a
 * new offer or answer waits for cleanedUp().
 */
export class PluginSession {
  constructor(handlers) {
    this.handlers = handlers;
    this.pending = [];
    this.janus = null;
    this.handle = null;
    this.closed = false;
    this.pc = 'none';
    this.offeredWhileClosing = false;
    this.janusHangup = false;
    this.cleanupWaiters = [];
  }

  // Why: callers want "await connected handle"; janus.js reports success and failure by callbacks.
  async open({ server, iceServers = [] }) {
    const Janus = await loadJanus();
    await new Promise((resolve, reject) => {
      this.janus = new Janus({
        server, iceServers,
        success: resolve,
        error: (err) => {
          reject(new JanusRequestError('connect', 'network', String(err)));
          this.lost(String(err));
        },
        destroyed: () => this.lost('destroyed')
      });
    });
    await new Promise((resolve, reject) => {
      this.janus.attach({
        plugin: PLUGIN,
        success: (handle) => { this.handle = handle; resolve(); },
        error: (err) => reject(new JanusRequestError('attach', 'network', String(err))),
        onmessage: (msg, jsep) => this.dispatch(msg, jsep),
        onremotetrack: (track, mid, on) => this.call('onRemoteTrack', track, on, mid),
        onlocaltrack: () => {},
        ondataopen: () => this.call('onDataOpen'),
        ondata: (data, label) => this.call('onData', data, label),
        webrtcState: (up) => {
          // janus.js reports Janus's own `hangup` as webrtcState(false) right before its cleanup
          if (!up) this.janusHangup = true;
          this.call('onWebrtc', up);
        },
        iceState: (state) => this.call('onIce', state),
        slowLink: () => this.call('onSlowLink'),
        oncleanup: () => this.cleanedUpByJanus()
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
    for (const p of this.pending.splice(0)) this.settle(p, null, new JanusRequestError(p.request, 'network', reason));
    this.failCleanupWaiters(new JanusRequestError('cleanup', 'network', reason));
    if (this.handle) this.call('onLost', reason);
  }

  // Why: answers come in the order of the requests and name them; the oldest pending request of
  // that name is the one answered. A request that timed out stays as a placeholder until its late
  // answer arrives, so that answer cannot settle a newer request of the same name.
  dispatch(msg, jsep) {
    const data = msg && msg.plugindata ? msg.plugindata.data : msg;
    if (!data || typeof data !== 'object') return;
    if (jsep && jsep.type === 'offer') this.offerReceived();
    if (data.buergerbuero === 'error' && data.pc_closed === true) this.closing();
    if (typeof data.request === 'string') {
      const idx = this.pending.findIndex((p) => p.request === data.request);
      if (idx >= 0) {
        const [p] = this.pending.splice(idx, 1);
        // the plugin waits for an answer to the offer it sent (e.g. after `restart`): the caller
        // gave up on the request, but someone must answer or the plugin's side stays half-built
        if (p.expired && jsep && jsep.type === 'offer' && data.buergerbuero !== 'error') {
          this.call('onLateOffer', data, jsep);
          return;
        }
        if (data.buergerbuero === 'error') this.settle(p, null, new JanusRequestError(data.request, data.error, data.message, data));
        else this.settle(p, { data, jsep });
        return;
      }
      console.warn(`bb: answer to ${data.request} without a pending request`);
      return;
    }
    if (data.buergerbuero === 'hangup') this.closing();
    this.call('onEvent', data, jsep);
  }

  settle(p, value, error) {
    clearTimeout(p.timer);
    if (p.expired) return;
    if (error) p.reject(error);
    else p.resolve(value);
  }

  request(body, jsep) {
    if (!this.handle || this.closed) return Promise.reject(new JanusRequestError(body.request, 'network', 'not connected'));
    return new Promise((resolve, reject) => {
      const entry = { request: body.request, resolve, reject, expired: false };
      entry.timer = setTimeout(() => {
        entry.expired = true;
        reject(new JanusRequestError(body.request, 'timeout', 'no answer'));
      }, REQUEST_TIMEOUT_MS);
      this.pending.push(entry);
      const opens = Boolean(jsep) && this.pc === 'none';
      if (opens) this.pc = 'open';
      this.handle.send({
        message: body, jsep,
        // the Janus core refused the message (e.g. 490 for an offer while a close still runs):
        // the plugin never sees it, so no answer will come and no PeerConnection was built
        error: (err) => {
          this.pending = this.pending.filter((p) => p !== entry);
          if (opens && this.pc === 'open') this.pc = 'none';
          this.settle(entry, null, new JanusRequestError(body.request, 'network', String(err)));
        }
      });
    });
  }

  // ---- the PeerConnection's life as Janus sees it -------------------------------------------

  offerReceived() {
    if (this.pc === 'none') this.pc = 'open';
    // a new PeerConnection offered while Janus's hangup of the old one is still on its way
    else if (this.pc === 'closing') this.offeredWhileClosing = true;
  }

  closing() {
    if (this.pc === 'open') this.pc = 'closing';
  }

  // janus.js calls oncleanup for our own hangupMedia() too; only Janus's hangup ends a close.
  cleanedUpByJanus() {
    const byJanus = this.janusHangup;
    this.janusHangup = false;
    if (byJanus) {
      this.pc = this.offeredWhileClosing ? 'open' : 'none';
      this.offeredWhileClosing = false;
      if (this.pc !== 'closing') for (const w of this.cleanupWaiters.splice(0)) { clearTimeout(w.timer); w.resolve(); }
    }
    this.call('onCleanup', byJanus);
  }

  failCleanupWaiters(error) {
    for (const w of this.cleanupWaiters.splice(0)) { clearTimeout(w.timer); w.reject(error); }
  }

  /**
   * Resolves once no PeerConnection of this handle is closing (Janus's hangup for it arrived);
   * at once when none is. Call it before creating an offer or answer. Rejects (code 'timeout')
   * when Janus's hangup does not come within the deadline, or when the session is lost.
   */
  cleanedUp(deadlineMs = CLEANUP_DEADLINE_MS) {
    if (this.closed) return Promise.reject(new JanusRequestError('cleanup', 'network', 'not connected'));
    if (this.pc !== 'closing') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject };
      waiter.timer = setTimeout(() => {
        this.cleanupWaiters = this.cleanupWaiters.filter((w) => w !== waiter);
        reject(new JanusRequestError('cleanup', 'timeout', 'Janus did not confirm the end of the PeerConnection'));
      }, deadlineMs);
      this.cleanupWaiters.push(waiter);
    });
  }

  // third: an offer that also receives a third participant (the interpreter) on a second audio
  // and video pair (plugin/consultation/bb_interpreter.h). janus.js 1.1.2 reuses the first
  // transceiver of a kind unless a track names a mid that does not exist yet; then it adds a
  // receive-only one.
  static tracks(stream, { video = true, third = false } = {}) {
    const audio = stream && stream.getAudioTracks()[0];
    const cam = video && stream && stream.getVideoTracks()[0];
    const pair2 = third ? [
      { type: 'audio', capture: false, recv: true, mid: 'third-audio' },
      { type: 'video', capture: false, recv: true, mid: 'third-video' }
    ] : [];
    return [
      { type: 'audio', capture: audio || false, recv: true },
      { type: 'video', capture: cam || false, recv: true },
      ...pair2,
      { type: 'data' }
    ];
  }

  // Which pair a remote track arrives on: 0 the first audio/video m-line of its kind (the other
  // side of a 1:1), 1 the second (the third participant).
  pairOf(mid, kind) {
    const pc = this.peerConnection();
    if (!pc || mid === undefined || mid === null) return 0;
    const mids = pc.getTransceivers().filter((x) => x.receiver.track && x.receiver.track.kind === kind).map((x) => x.mid);
    return Math.max(0, mids.indexOf(mid));
  }

  // iceRestart: a new offer for the running PeerConnection with fresh ICE credentials (tracks []).
  offer(tracks, { iceRestart = false } = {}) {
    return new Promise((resolve, reject) => {
      this.handle.createOffer({ tracks, iceRestart, success: resolve, error: (e) => reject(new Error(String(e && e.message || e))) });
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

  // Ends the media but keeps the Janus session and handle (e.g. back to the waiting room). When
  // the plugin has not closed Janus's side yet (as far as we know), Janus is asked to, so its
  // hangup follows in any case and cleanedUp() can wait for it.
  hangupMedia() {
    if (!this.handle) return;
    const askJanus = this.pc === 'open';
    if (askJanus) this.pc = 'closing';
    this.handle.hangup(askJanus);
  }

  destroy() {
    this.closed = true;
    for (const p of this.pending.splice(0)) this.settle(p, null, new JanusRequestError(p.request, 'network', 'closed'));
    this.failCleanupWaiters(new JanusRequestError('cleanup', 'network', 'closed'));
    if (this.janus) {
      try { this.janus.destroy({ cleanupHandles: true, notifyDestroyed: false }); } catch { /* already gone */ }
    }
  }
}
