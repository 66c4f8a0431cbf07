// Keeps one side's media of a consultation alive: notices lost connectivity (its PeerConnection's
// ICE state, or the plugin's word that this side's media stopped arriving) and restarts ICE from
// this side, a bounded number of times with backoff; gives up when ICE stays down. Widget and
// console share it; each passes the one restart its role can make (citizen: `restart` + `accept`,
// clerk: `renegotiate` with an ICE-restart offer).
import { Backoff } from './backoff.js';

// Why these numbers: Chromium reports `disconnected` about 2.5 s after the last answer of the other
// side and recovers by itself from short drops, so the first restart waits 2 s more; three
// attempts of up to 8 s each bridge a drop of about half a minute (Chromium's own consent timeout
// is 30 s); after that the consultation ends cleanly instead of hanging. docs/web-client.md.
export const RECOVERY = { graceMs: 2000, attempts: 3, attemptMs: 8000, backoffMinMs: 1000, backoffMaxMs: 4000 };

const UP = new Set(['connected', 'completed']);
const DOWN = new Set(['disconnected', 'failed']);

export class IceRecovery {
  /**
   * restart(): one ICE restart exchange of this side; resolves once the new description is applied.
   * giveUp(): ICE stayed down after every attempt: end this side's media.
   * onChange(trouble): true while this side is cut off (ICE down, media stalled, restarting), false
   * once healthy again. Shown at once: Chromium says `disconnected` only after 2.5 s of silence.
   */
  constructor({ restart, giveUp, onChange, timing = RECOVERY, ice = 'new' }) {
    this.restartFn = restart;
    this.giveUpFn = giveUp;
    this.onChange = onChange || (() => {});
    this.timing = timing;
    this.iceState = ice;
    this.stalled = false;         // the plugin reports that this side's media does not arrive
    this.trouble = false;
    this.stopped = false;
    this.running = false;
    this.exchange = null;         // the restart exchange in flight (at most one)
    this.graceTimer = null;
    this.waiters = new Set();
  }

  healthy() {
    return UP.has(this.iceState) && !this.stalled;
  }

  // From janus.js iceState: a short `disconnected` often heals by itself, `failed` never does.
  ice(state) {
    if (this.stopped) return;
    this.iceState = state;
    if (state === 'closed') { this.stop(); return; }
    clearTimeout(this.graceTimer);
    if (state === 'failed') this.start();
    else if (state === 'disconnected' && !this.running) this.graceTimer = setTimeout(() => this.start(), this.timing.graceMs);
    this.check();
  }

  // From the plugin's `media` event about this side.
  mediaStalled(stalled) {
    if (this.stopped) return;
    this.stalled = stalled;
    if (stalled) this.start();
    this.check();
  }

  // Something outside asks for a new try (e.g. the other side renegotiated while we are cut off).
  nudge() {
    if (!this.stopped && !this.healthy()) this.start();
  }

  // One restart exchange now (the clerk's "Neu verbinden"); joins the one in flight, if any.
  now() {
    if (this.stopped) return Promise.reject(new Error('consultation over'));
    if (!this.exchange) {
      this.exchange = Promise.resolve().then(() => this.restartFn())
        .finally(() => { this.exchange = null; });
    }
    return this.exchange;
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.graceTimer);
    for (const w of this.waiters) w(false);
    this.waiters.clear();
  }

  check() {
    const healthy = this.healthy();
    if (healthy) {
      for (const w of this.waiters) w(true);
      this.waiters.clear();
    }
    const trouble = !healthy && (this.running || this.stalled || DOWN.has(this.iceState));
    if (this.trouble !== trouble && !this.stopped) {
      this.trouble = trouble;
      this.onChange(trouble);
    }
  }

  // Resolves true as soon as this side is healthy, false after ms or when stopped.
  healthyWithin(ms) {
    if (this.healthy()) return Promise.resolve(true);
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (ok) => { clearTimeout(timer); this.waiters.delete(done); resolve(ok); };
      const timer = setTimeout(() => done(false), ms);
      this.waiters.add(done);
    });
  }

  start() {
    if (this.running || this.stopped || this.healthy()) return;
    this.running = true;
    this.check();
    this.run().finally(() => {
      this.running = false;
      this.check();
    });
  }

  // Why attempts wait on health, not on answers: with the network down a restart request may
  // not be answered for a long time; the clock, not the server, decides when to give up.
  async run() {
    const backoff = new Backoff(this.timing.backoffMinMs, this.timing.backoffMaxMs);
    for (let n = 1; n <= this.timing.attempts; n += 1) {
      if (this.stopped) return;
      this.now().catch((err) => console.warn('bb: ICE restart failed', err));
      if (await this.healthyWithin(this.timing.attemptMs)) return;
      if (n < this.timing.attempts && await this.healthyWithin(backoff.next())) return;
    }
    if (this.stopped) return;
    // media stalled while ICE is up: nothing more a restart can do; the people decide (the clerk
    // can end the consultation), the notice stays until the media flows again
    if (UP.has(this.iceState)) return;
    this.stop();
    this.giveUpFn();
  }
}
