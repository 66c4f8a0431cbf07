// Live office status over /api/v1/live: snapshot then per-office updates, reconnecting with backoff.
import { Backoff } from './backoff.js';

// Why: the office list must stay current without polling; a dropped socket must heal by itself.
export class LiveOffices {
  constructor(base, { onOffices, onConnection }) {
    const url = new URL('api/v1/live', base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    this.url = url.href;
    this.onOffices = onOffices;
    this.onConnection = onConnection || (() => {});
    this.offices = new Map();
    this.backoff = new Backoff();
    this.stopped = false;
    this.timer = null;
    this.connect();
  }

  connect() {
    if (this.stopped) return;
    let ws;
    try { ws = new WebSocket(this.url); } catch { this.retry(); return; }
    this.ws = ws;
    ws.onopen = () => { this.backoff.reset(); this.onConnection(true); };
    ws.onmessage = (ev) => this.handle(ev.data);
    ws.onclose = () => { this.onConnection(false); this.retry(); };
    ws.onerror = () => {};
  }

  retry() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), this.backoff.next());
  }

  handle(raw) {
    let msg;
    try { msg = JSON.parse(raw); } catch { return; }
    if (msg && msg.type === 'snapshot' && Array.isArray(msg.offices)) {
      this.offices = new Map(msg.offices.filter((o) => o && o.id).map((o) => [o.id, o]));
    } else if (msg && msg.type === 'office' && msg.office && msg.office.id) {
      this.offices.set(msg.office.id, msg.office);
    } else {
      return;
    }
    this.onOffices([...this.offices.values()]);
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    if (this.ws) { this.ws.onclose = null; this.ws.close(); }
  }
}
