// rawws.mjs: a WebSocket client for fuzzing: sends anything (text, binary, fragments, floods) and
// hands back replies one at a time, keeping events apart and noticing when the server closes.
import WebSocket from 'ws';

export class RawWs {
  /** Opens ws://127.0.0.1:port/path with an optional subprotocol. */
  static open(port, path = '/internal/v1', protocol = 'bb-internal') {
    return new Promise((resolve, reject) => {
      const ws = protocol ? new WebSocket(`ws://127.0.0.1:${port}${path}`, protocol, { maxPayload: 64 << 20 })
        : new WebSocket(`ws://127.0.0.1:${port}${path}`, { maxPayload: 64 << 20 });
      const c = new RawWs(ws);
      ws.once('open', () => resolve(c));
      ws.once('error', reject);
    });
  }

  constructor(ws) {
    this.ws = ws;
    this.replies = [];       // non-event messages (responses), parsed or {unparsable: text}
    this.events = 0;
    this.waiter = null;
    this.isClosed = false;
    this.closeCode = null;
    ws.on('error', () => { /* reported through close */ });
    ws.on('close', (code) => {
      this.isClosed = true;
      this.closeCode = code;
      this.wake();
    });
    ws.on('message', (data, isBinary) => {
      let m;
      try { m = JSON.parse(data.toString()); } catch { m = { unparsable: data.toString().slice(0, 200), isBinary }; }
      if (m && typeof m === 'object' && typeof m.event === 'string') this.events++;
      else this.replies.push(m);
      this.wake();
    });
  }

  wake() {
    if (this.waiter) {
      const w = this.waiter;
      this.waiter = null;
      w();
    }
  }

  /** Next reply, or null once the connection is closed and nothing is left; throws on timeout. */
  async next(timeoutMs = 10000) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (this.replies.length) return this.replies.shift();
      if (this.isClosed) return null;
      const left = until - Date.now();
      if (left <= 0) throw new Error('timeout waiting for a reply');
      await new Promise((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => { clearTimeout(t); resolve(); };
      });
    }
  }

  send(data, opts = {}) {
    if (this.isClosed || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(data, opts);
    return true;
  }

  close() {
    if (this.isClosed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', resolve);
      this.ws.close();
      setTimeout(() => { this.ws.terminate(); resolve(); }, 2000).unref();
    });
  }
}
