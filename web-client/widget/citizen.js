// The citizen's side of the Janus conversation: join/resume a waiting room, keep the place across
// reloads and network drops, answer the clerk's call, run the consultation's media and data channel.
import { api } from './api.js';
import { PluginSession, JanusRequestError } from './janus-glue.js';
import { Backoff } from './backoff.js';
import { IceRecovery } from './ice-recovery.js';
import { openDevices, stopStream } from './media.js';
import { chime, setTitle, restoreTitle, notify, unlockAudio } from './alerts.js';

const STORAGE_KEY = 'bb-widget-ticket';

// Why the citizen is back in the waiting room (`requeued.reason`) → the waiting view's notice.
const REQUEUED_NOTICE = {
  requeued: 'requeued', withdrawn: 'requeued.withdrawn', clerk_gone: 'requeued.clerk_gone',
  call_failed: 'requeued.call_failed', recovered: 'requeued.recovered'
};
// Hangup reasons (during a consultation) after which another event says where the ticket is now.
const FOLLOWED_BY_EVENT = new Set(['requeued', 'transferred', 'clerk_gone', 'no_show', 'expired', 'recovered', 'citizen_reconnected']);

// Only what is needed to resume: no name, no concern (personal data stays out of storage).
export function loadSavedTicket() {
  try {
    const v = JSON.parse(sessionStorage.getItem(STORAGE_KEY) || 'null');
    return v && typeof v.resume_token === 'string' && typeof v.office === 'string' ? v : null;
  } catch {
    return null;
  }
}

function saveTicket(value) {
  try { sessionStorage.setItem(STORAGE_KEY, JSON.stringify(value)); } catch { /* private mode */ }
}

function clearTicket() {
  try { sessionStorage.removeItem(STORAGE_KEY); } catch { /* ignore */ }
}

export class CitizenFlow {
  constructor(widget) {
    this.w = widget;
    this.session = null;
    this.saved = null;
    this.status = null;
    this.backoff = new Backoff(1000, 15000);
    this.media = { stream: null, remote: new MediaStream(), third: new MediaStream(), audioOnly: false };
    this.pendingCall = null;
    this.inConsultation = false;
    this.gaveUpCall = false;      // our side ended the media after failed ICE restarts
    this.stalled = { citizen: false, clerk: false };
    this.onVisible = () => this.visibilityChanged();
    document.addEventListener('visibilitychange', this.onVisible);
    this.events = {
      position: (d) => this.position(d),
      almost: (d) => this.almost(d),
      broadcast: (d) => this.patch({ broadcast: { text: String(d.text || ''), from: String(d.from || '') } }),
      called: (d, jsep) => this.called(d, jsep),
      renegotiate: (d, jsep) => this.renegotiate(jsep),
      consultation: (d) => { if (d.state === 'started') this.started(); },
      media: (d) => this.mediaState(d),
      interpreter: (d) => this.w.update({ interpreter: d.state === 'joined' ? 'joined' : 'left' }),
      hangup: (d) => this.mediaEnded(String(d.reason || '')),
      finished: () => this.ended('ended'),
      transferred: (d) => this.backToWaiting({ office: d.office, position: d.position, notice: 'transferred' }),
      requeued: (d) => this.backToWaiting({ position: d.position, notice: REQUEUED_NOTICE[d.reason] || 'requeued' }),
      expired: (d) => this.expired(d),
      no_show: (d) => this.expired({ reason: 'no_show', slots: d.slots }),
      taken_over: () => this.takenOver(),
      queue_unavailable: () => this.patch({ notice: 'queueDown' }),
      queue_available: () => this.patch({ notice: 'queueBack' })
    };
  }

  // ---- connecting -------------------------------------------------------------------------

  async connect() {
    const server = await this.w.janusServer();
    const iceServers = await this.w.iceServers();
    if (this.session) this.session.destroy();
    const session = new PluginSession({
      onEvent: (data, jsep) => this.event(data, jsep),
      onRemoteTrack: (track, on, mid) => this.remoteTrack(track, on, mid),
      onData: (text, label) => this.w.update({ data: text, dataFrom: label }),
      onDataOpen: () => this.w.update({ dataOpen: true }),
      onWebrtc: (up) => this.w.update({ webrtc: up }),
      onIce: (state) => this.iceChanged(state),
      // the answer to a `restart` that timed out while the network was down: answer it still
      onLateOffer: (data, jsep) => { if (this.session === session && data.request === 'restart') this.renegotiate(jsep); },
      onLost: () => { if (this.session === session) this.lost(); }
    });
    this.session = session;
    await session.open({ server, iceServers });
    return session;
  }

  // Why: entering is the one place that can fail with full/closed, which leads to booking instead.
  async enter({ office, name, concern, appointment, devices, needsInterpreter }) {
    unlockAudio();
    this.devices = devices;
    await this.connect();
    // The citizen's language goes with the ticket: the clerk sees it in the queue.
    const body = { request: 'join', office, lang: this.w.t.lang };
    if (name) body.name = name;
    if (concern) body.concern = concern;
    if (appointment) body.appointment = appointment;
    if (needsInterpreter) body.needs_interpreter = true;
    try {
      // A new ticket needs a fresh join permit; one that expired while the citizen was slow (or
      // was refused for any other reason) is replaced once.
      body.permit = await api.joinPermit(this.w.config.api, office);
      let answer;
      try {
        answer = await this.session.request(body);
      } catch (err) {
        if (!(err instanceof JanusRequestError) || err.code !== 'permit_required') throw err;
        body.permit = await api.joinPermit(this.w.config.api, office);
        answer = await this.session.request(body);
      }
      this.joined(office, answer.data, false);
    } catch (err) {
      this.session.destroy();
      this.session = null;
      if (err instanceof JanusRequestError && (err.code === 'full' || err.code === 'closed')) {
        this.w.go('booking', { office, reason: err.code, slots: err.data.slots, concern });
        return null;
      }
      throw err;
    }
    return true;
  }

  joined(office, data, resumed) {
    const ticket = data.ticket || {};
    // a ticket resumed from the callback mail's link learns its number only now
    const known = !!(this.status && this.status.office === (ticket.office || office) && this.status.number);
    this.saved = {
      office: ticket.office || office, number: String(ticket.number || ''), resume_token: data.resume_token,
      devices: this.devices || (this.saved && this.saved.devices) || {}
    };
    saveTicket(this.saved);
    this.status = {
      ...(resumed ? this.status || {} : {}), office: this.saved.office, number: this.saved.number, position: ticket.position,
      estimate: data.estimate || null, notice: resumed ? 'resumed' : null
    };
    if (this.w.viewName === 'waiting' && known) this.patch(this.status);
    else this.w.go('waiting', { status: this.status });
  }

  // Reload: show the saved ticket at once, then claim it again with the resume token.
  async resume(saved) {
    this.saved = saved;
    this.devices = saved.devices || {};
    this.status = { office: saved.office, number: saved.number, position: null, estimate: null, notice: null };
    this.w.go('waiting', { status: this.status });
    await this.rejoin('resumed');
  }

  // One reconnect loop at a time: a second one would resume with an already used token.
  async rejoin(notice) {
    if (this.rejoining) return;
    this.rejoining = true;
    try {
      await this.rejoinLoop(notice);
    } finally {
      this.rejoining = false;
    }
  }

  async rejoinLoop(notice) {
    for (;;) {
      try {
        await this.connect();
        const { data } = await this.session.request({ request: 'join', office: this.saved.office, resume_token: this.saved.resume_token, lang: this.w.t.lang });
        this.backoff.reset();
        this.joined(this.saved.office, data, true);
        this.patch({ notice });
        return;
      } catch (err) {
        if (err instanceof JanusRequestError && ['invalid_token', 'not_found', 'closed', 'full'].includes(err.code)) {
          this.forget();
          this.w.go('offices', { notice: 'wait.expired' });
          return;
        }
        this.patch({ notice: 'reconnecting' });
        await new Promise((r) => setTimeout(r, this.backoff.next()));
      }
    }
  }

  // Why: a network drop must not cost the place; reconnect and resume, and say so.
  lost() {
    if (!this.saved) return;
    this.stopCall();
    if (this.w.viewName !== 'waiting') this.w.go('waiting', { status: { ...this.status, notice: 'reconnecting' } });
    else this.patch({ notice: 'reconnecting' });
    this.rejoin('reconnected');
  }

  // ---- waiting room -----------------------------------------------------------------------

  event(data, jsep) {
    const handler = this.events[data.buergerbuero];
    if (handler) handler(data, jsep);
  }

  patch(changes) {
    this.status = { ...(this.status || {}), ...changes };
    this.w.update(changes);
  }

  position(d) {
    this.patch({ position: d.position, estimate: d.estimate || null, officeStatus: d.status });
  }

  almost(d) {
    chime('almost');
    setTitle(this.w.t('title.almost', { number: this.saved.number }));
    notify(this.w.t('notify.almost', { number: this.saved.number }), 'bb-almost');
    this.patch({ position: d.position ?? this.status.position, alert: 'almost' });
  }

  // Callback by e-mail (store/callback.h): the address goes to the service with the resume token;
  // the citizen may close the page then. email '' removes it. Throws ApiError.
  async setCallback(email) {
    const d = await api.callback(this.w.config.api, this.saved.resume_token, email);
    this.patch({ callbackEmail: email || null, changesLeft: d.changes_left });
    return d;
  }

  // "I need 5 more minutes": once per ticket; the new place comes back at once (and by `position`).
  async snooze() {
    const d = await api.snooze(this.w.config.api, this.saved.resume_token);
    this.patch({ snoozed: true, position: d.position });
    return d;
  }

  async leave() {
    try { if (this.session) await this.session.request({ request: 'leave' }); } catch { /* leaving anyway */ }
    this.forget();
    this.w.go('offices', { notice: 'wait.left' });
  }

  forget() {
    clearTicket();
    restoreTitle();
    this.saved = null;
    this.stopCall();
    if (this.session) { this.session.destroy(); this.session = null; }
  }

  expired(d) {
    const office = this.saved && this.saved.office;
    const resumeToken = this.saved && this.saved.resume_token;
    this.forget();
    // With the resume token the booking keeps the ticket's name and concern (docs/appointments.md).
    const reason = { closing: 'closing', no_show: 'noShow' }[d.reason] || 'expired';
    this.w.go('booking', { office, reason, slots: d.slots, resumeToken });
  }

  // Another tab (or device) resumed this ticket: this one steps back without touching the ticket.
  takenOver() {
    this.saved = null;
    this.stopCall();
    if (this.session) { this.session.destroy(); this.session = null; }
    restoreTitle();
    this.w.go('offices', { notice: 'wait.takenOver' });
  }

  backToWaiting({ office, position, notice }) {
    this.stopCall();
    if (this.session) this.session.hangupMedia();
    const moved = office && office !== this.saved.office;
    if (moved) { this.saved.office = office; saveTicket(this.saved); }
    const changes = { office: this.saved.office, position, notice, alert: null, consultation: null };
    this.status = { ...this.status, ...changes };
    // already in that waiting room (a withdrawn call): update in place, the focus stays
    if (this.w.viewName === 'waiting' && !moved) this.w.update(changes);
    else this.w.go('waiting', { status: this.status });
  }

  // ---- the call ---------------------------------------------------------------------------

  // Why: the citizen allowed the devices before; answer at once, or as soon as the tab is visible.
  called(d, jsep) {
    this.inConsultation = false;
    this.pendingCall = { clerk: String(d.clerk || ''), jsep };
    this.clerk = this.pendingCall.clerk;
    chime('called');
    setTitle(this.w.t('title.called', { number: this.saved ? this.saved.number : '' }));
    if (document.visibilityState === 'hidden') {
      notify(this.w.t('notify.called'), 'bb-called');
      this.patch({ alert: 'calledHidden' });
      this.nagTimer = setInterval(() => chime('called'), 4000);
      return;
    }
    this.answer();
  }

  visibilityChanged() {
    if (document.visibilityState === 'visible' && this.pendingCall) this.answer();
  }

  async answer() {
    const call = this.pendingCall;
    if (!call) return;
    this.pendingCall = null;
    this.currentCall = call;
    clearInterval(this.nagTimer);
    this.patch({ alert: 'called', clerk: call.clerk });
    this.w.go('call', { clerk: call.clerk });
    try {
      const devices = this.devices || {};
      let stream = null;
      try {
        ({ stream } = await openDevices(devices));
      } catch {
        stream = null; // no devices: the consultation still works with text chat and remote media
      }
      if (call !== this.currentCall) { stopStream(stream); return; }
      this.media.stream = stream;
      this.media.remote = new MediaStream();
      this.media.third = new MediaStream();
      this.w.update({ localStream: stream, remoteStream: this.media.remote, thirdStream: this.media.third });
      const tracks = PluginSession.tracks(stream, { video: !devices.audioOnly });
      // the offer may come while Janus still closes this handle's previous PeerConnection: answer
      // once its hangup is through, or janus.js would tear the new one down with it
      const session = this.session;
      await session.cleanedUp();
      if (call !== this.currentCall || session !== this.session) return;
      const answerJsep = await session.answer(call.jsep, tracks);
      if (call !== this.currentCall) { this.dropStaleAnswer(session); return; }
      await session.request({ request: 'accept' }, answerJsep);
      restoreTitle();
    } catch (err) {
      // the call ended meanwhile; its events say what next
      if (call !== this.currentCall) { this.dropStaleAnswer(session); return; }
      console.warn('bb-offices: answering failed', err);
      // the plugin gave the ticket back (hangup, then `requeued` follow); a lost session reconnects
      if (err instanceof JanusRequestError && err.code !== 'network' && err.code !== 'timeout' && this.saved) {
        this.backToWaiting({ position: this.status && this.status.position, notice: 'callFailed' });
        return;
      }
      this.ended('failed');
    }
  }

  // A call that ended while we were answering may have left janus.js a PeerConnection; without a
  // newer call on its way it goes, or the next call's answer would renegotiate it.
  dropStaleAnswer(session) {
    if (!this.currentCall && !this.pendingCall && session === this.session) session.hangupMedia();
  }

  // The answer was taken: media flows (the plugin's `consultation` comes before `accepted`).
  started() {
    this.inConsultation = true;
    this.stalled = { citizen: false, clerk: false };
    this.ownTrouble = false;
    const session = this.session;
    const pc = session && session.peerConnection();
    if (this.recovery) this.recovery.stop();
    this.recovery = new IceRecovery({
      ice: pc ? pc.iceConnectionState : 'new',
      restart: () => this.restartIce(session),
      giveUp: () => this.gaveUp(),
      onChange: (trouble) => { this.ownTrouble = trouble; this.showMedia(); }
    });
    this.patch({ consultation: 'started' });
  }

  // ---- media trouble (docs/web-client.md "Media trouble") --------------------------------------

  // The plugin's word on whose media arrives: our own (`side: citizen`) restarts ICE from here;
  // the clerk's is only shown, the console mends its own side.
  mediaState(d) {
    if (!this.inConsultation || (d.side !== 'citizen' && d.side !== 'clerk')) return;
    const stalled = d.state === 'stalled';
    this.stalled[d.side] = stalled;
    if (d.side === 'citizen' && this.recovery) this.recovery.mediaStalled(stalled);
    this.showMedia();
  }

  showMedia() {
    const own = Boolean(this.ownTrouble || this.stalled.citizen);
    const peer = Boolean(this.stalled.clerk);
    this.w.update({ media: { own, peer } });
  }

  // The clerk changed the media (screen sharing, or the clerk's own ICE restart): answer the new
  // offer, keep our tracks. While our own side is cut off this is also the moment to restart ours:
  // the clerk's "Neu verbinden" reaches the citizen this way.
  async renegotiate(jsep) {
    // after the media ended (e.g. we gave up) an offer must not build a new PeerConnection
    if (!jsep || !this.session || !this.inConsultation) return;
    try {
      const answerJsep = await this.session.answer(jsep, []);
      await this.session.request({ request: 'accept' }, answerJsep);
      if (this.recovery) this.recovery.nudge();
    } catch (err) {
      console.warn('bb-offices: renegotiation failed', err);
    }
  }

  iceChanged(state) {
    if (this.recovery) this.recovery.ice(state);
  }

  // One ICE restart of the citizen's PeerConnection (docs/janus-api.md `restart`): the plugin
  // offers the same media with fresh ICE credentials, the answer goes back with `accept`.
  async restartIce(session) {
    if (session !== this.session || !this.inConsultation) throw new Error('consultation over');
    const { jsep } = await session.request({ request: 'restart' });
    if (!jsep || session !== this.session || !this.inConsultation) return;
    const answerJsep = await session.answer(jsep, []);
    await session.request({ request: 'accept' }, answerJsep);
  }

  // ICE stayed down through every restart: end our media (Janus closes our PeerConnection and
  // tells the clerk `closed`) and say so at once, without waiting for a server we cannot reach.
  // The Janus session stays: `finished`, `requeued` or `transferred` says what became of the ticket.
  gaveUp() {
    if (!this.inConsultation) return;
    this.stopCall();
    this.gaveUpCall = true;
    if (this.session) this.session.hangupMedia();
    restoreTitle();
    if (this.w.viewName !== 'thanks') this.w.go('thanks', { how: 'failed', clerk: this.clerk, pending: true });
  }

  // Pair 0 carries the clerk, pair 1 the interpreter (when one takes part).
  remoteTrack(track, on, mid) {
    const third = this.session && this.session.pairOf(mid, track.kind) === 1;
    const remote = third ? this.media.third : this.media.remote;
    if (on) {
      for (const old of remote.getTracks().filter((x) => x.kind === track.kind)) remote.removeTrack(old);
      remote.addTrack(track);
    } else if (remote.getTrackById(track.id)) {
      remote.removeTrack(track);
    }
    this.w.update(third ? { thirdStream: remote } : { remoteStream: remote, remoteChanged: true });
  }

  sendData(text) {
    return this.session ? this.session.sendData(text) : Promise.reject(new Error('no session'));
  }

  peerConnection() {
    return this.session ? this.session.peerConnection() : null;
  }

  async hangup() {
    try { await this.session.request({ request: 'hangup' }); } catch { /* ending anyway */ }
    this.ended('ended');
  }

  stopMedia() {
    stopStream(this.media.stream);
    this.media.stream = null;
  }

  // Ends whatever call this tab had: an unanswered one (hidden tab), the media of a running one.
  stopCall() {
    this.gaveUpCall = false;
    this.pendingCall = null;
    this.currentCall = null;
    this.inConsultation = false;
    if (this.recovery) { this.recovery.stop(); this.recovery = null; }
    clearInterval(this.nagTimer);
    this.stopMedia();
  }

  // Why: `hangup` only ends the media. The ticket's fate follows: `finished` (done), or `requeued`
  // / `transferred` (back to a waiting room) — so keep the session until one of those arrives.
  mediaEnded(reason) {
    if (reason === 'finished') { this.ended('ended'); return; }
    // we ended the media ourselves after failed ICE restarts: the thanks view already says so,
    // and the ticket's own event follows
    if (this.gaveUpCall) return;
    if (!this.inConsultation) {
      // called, not yet talking: the call was withdrawn or failed; the citizen keeps the place and
      // the next event (`requeued`, `no_show`, `expired`, `taken_over`) says more
      this.stopCall();
      if (this.session) this.session.hangupMedia();
      restoreTitle();
      this.status = { ...this.status, alert: null, consultation: null, notice: 'callEnded' };
      if (this.w.viewName === 'waiting') this.patch({ alert: null, notice: 'callEnded' });
      else this.w.go('waiting', { status: this.status });
      return;
    }
    if (FOLLOWED_BY_EVENT.has(reason)) return;
    this.stopCall();
    if (this.session) this.session.hangupMedia();
    restoreTitle();
    const failed = reason === 'closed';
    if (this.w.viewName !== 'thanks') this.w.go('thanks', { how: failed ? 'failed' : 'ended', clerk: this.clerk, pending: failed });
  }

  ended(how) {
    const clerk = this.clerk;
    const shown = this.w.viewName === 'thanks';
    this.forget();
    if (!shown) this.w.go('thanks', { how, clerk });
    else this.w.update({ pending: false });   // the ticket is settled: nothing more to wait for
  }
}
