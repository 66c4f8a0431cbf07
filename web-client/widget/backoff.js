// Reconnect delays: exponential with jitter, capped, so many browsers do not reconnect in lockstep.

export class Backoff {
  constructor(minMs = 500, maxMs = 15000) {
    this.minMs = minMs;
    this.maxMs = maxMs;
    this.attempt = 0;
  }

  next() {
    const base = Math.min(this.maxMs, this.minMs * 2 ** this.attempt);
    this.attempt += 1;
    return Math.round(base / 2 + Math.random() * (base / 2));
  }

  reset() {
    this.attempt = 0;
  }
}
