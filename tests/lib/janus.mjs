// janus.mjs: starts/stops a real Janus with our plugin (scripts/janus-config) and speaks the Janus WebSocket API.
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import WebSocket from 'ws';
import { freePort } from './pg.mjs';

const sourceRoot = process.env.BB_SOURCE_ROOT || path.resolve(import.meta.dirname, '../..');
const buildRoot = process.env.BB_BUILD_ROOT || path.join(sourceRoot, 'build');
export const PLUGIN = 'janus.plugin.buergerbuero';
// Under valgrind (BB_TEST_SLOW) every wait is stretched.
export const SLOW = process.env.BB_TEST_SLOW ? 5 : 1;

// The plugin the tests load: meson passes BB_PLUGIN_SO.
export function pluginSo() {
  return process.env.BB_PLUGIN_SO || path.join(buildRoot, 'plugin/libjanus_buergerbuero.so');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Janus processes this test process started: killed (by pid) if the test exits without stopping them.
const started = new Set();
process.on('exit', () => {
  for (const p of started) {
    try { p.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

// Starts Janus with a private configuration in `dir`.
// opts: queueUrl, secret, pluginSettings (extra jcfg lines), withVideocall, natInterface,
//       prefix (command array run before janus, e.g. ['ip','netns','exec','x'] or valgrind),
//       startTimeoutMs.
export async function startJanus(dir, opts = {}) {
  fs.mkdirSync(dir, { recursive: true });
  const wsPort = opts.wsPort || await freePort();
  const httpPort = await freePort();
  const adminPort = await freePort();
  const adminSecret = crypto.randomBytes(12).toString('hex');
  const env = {
    ...process.env,
    BB_PLUGIN_SO: opts.pluginSo || pluginSo(),
    BB_JANUS_WS_PORT: String(wsPort),
    BB_JANUS_HTTP_PORT: String(httpPort),
    BB_JANUS_ADMIN_PORT: String(adminPort),
    BB_JANUS_ADMIN_SECRET: adminSecret,
    BB_QUEUE_URL: opts.queueUrl || 'ws://127.0.0.1:1/internal/v1',
    BB_INTERNAL_SECRET: opts.secret || 'unused-secret',
    BB_JANUS_INSTANCE: opts.instance || 'janus-test',
    BB_JANUS_NAT_INTERFACE: opts.natInterface || '',
    BB_PLUGIN_SETTINGS: opts.pluginSettings || '',
    BB_JANUS_DEBUG_LEVEL: String(opts.debugLevel ?? 4),
  };
  const args = [dir];
  if (opts.withVideocall) args.push('--with-videocall');
  execFileSync(path.join(sourceRoot, 'scripts/janus-config'), args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  const logFile = path.join(dir, 'janus.log');
  const log = fs.openSync(logFile, 'a');
  // BB_JANUS_WRAPPER (e.g. "valgrind --leak-check=full ...", set by tests/plugin/memcheck.sh)
  // runs Janus under a tool; split on spaces, so no spaces inside its arguments.
  const wrapper = process.env.BB_JANUS_WRAPPER ? process.env.BB_JANUS_WRAPPER.split(' ').filter(Boolean) : [];
  const prefix = [...(opts.prefix || []), ...wrapper];
  const cmd = [...prefix, 'janus', '-F', path.join(dir, 'etc')];
  // The sanitizer step (scripts/lib/sanitize.sh): Janus is not instrumented, the plugin is, so
  // the runtime is preloaded into Janus with options of its own.
  const runEnv = { ...process.env };
  if (process.env.BB_JANUS_PRELOAD) {
    runEnv.LD_PRELOAD = process.env.BB_JANUS_PRELOAD;
    runEnv.ASAN_OPTIONS = process.env.BB_JANUS_ASAN_OPTIONS || '';
  }
  const proc = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', log, log], env: runEnv });
  fs.closeSync(log);
  started.add(proc);
  let exited = null;
  const exitPromise = new Promise((resolve) => proc.on('exit', (code, signal) => {
    exited = { code, signal };
    started.delete(proc);
    resolve(exited);
  }));
  const janus = {
    dir, proc, logFile, wsPort, httpPort, adminPort, adminSecret,
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    adminUrl: `http://127.0.0.1:${adminPort}/admin`,
    exited: () => exited,
    log: () => fs.readFileSync(logFile, 'utf8'),
    async stop(timeoutMs = wrapper.length ? 120000 : 15000) {
      if (exited) return exited;
      proc.kill('SIGTERM');
      const t = setTimeout(() => { if (!exited) proc.kill('SIGKILL'); }, timeoutMs);
      const res = await exitPromise;
      clearTimeout(t);
      return res;
    },
    // Admin API request (HTTP POST), e.g. {janus:'message_plugin', plugin, request:{...}}.
    async admin(body) {
      const res = await fetch(janus.adminUrl, {
        method: 'POST',
        body: JSON.stringify({ transaction: crypto.randomUUID(), admin_secret: adminSecret, ...body }),
      });
      return res.json();
    },
  };
  // ready when the WebSocket transport answers `info` with our server name
  const deadline = Date.now() + (opts.startTimeoutMs || (wrapper.length ? 120000 : 20000));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`janus exited early (${JSON.stringify(exited)}):\n${janus.log().slice(-3000)}`);
    try {
      const c = await JanusClient.connect(janus.wsUrl, 1000);
      const info = await c.send({ janus: 'info' });
      c.close();
      if (info.plugins && info.plugins[PLUGIN]) return janus;
      throw new Error('plugin not loaded:\n' + janus.log().slice(-3000));
    } catch (e) {
      if (String(e.message).startsWith('plugin not loaded')) { await janus.stop(); throw e; }
      await sleep(100);
    }
  }
  await janus.stop();
  throw new Error('janus did not start:\n' + janus.log().slice(-3000));
}

// Minimal Janus WebSocket API client: sessions, handles, requests, event queues.
export class JanusClient {
  static connect(url, timeoutMs = 5000) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, 'janus-protocol');
      const t = setTimeout(() => { ws.terminate(); reject(new Error('connect timeout')); }, timeoutMs);
      ws.on('open', () => { clearTimeout(t); resolve(new JanusClient(ws)); });
      ws.on('error', (e) => { clearTimeout(t); reject(e); });
    });
  }

  constructor(ws) {
    this.ws = ws;
    this.pending = new Map();     // transaction -> {resolve, reject, ackOk}
    this.handles = new Map();     // handle id -> Handle
    this.sessionId = null;
    this.closed = false;
    ws.on('message', (data) => this.#onMessage(JSON.parse(data.toString())));
    ws.on('close', () => {
      this.closed = true;
      for (const p of this.pending.values()) p.reject(new Error('connection closed'));
      this.pending.clear();
    });
  }

  #onMessage(msg) {
    if (msg.transaction && this.pending.has(msg.transaction)) {
      const p = this.pending.get(msg.transaction);
      if (msg.janus === 'ack' && p.waitEvent) return;
      this.pending.delete(msg.transaction);
      if (msg.janus === 'error') p.reject(Object.assign(new Error(msg.error?.reason), { janus: msg }));
      else p.resolve(msg);
      return;
    }
    const h = msg.sender && this.handles.get(msg.sender);
    if (h) h.push(msg);
  }

  // Sends a Janus message; resolves with the response (or with the event for plugin messages).
  send(msg, { waitEvent = false, timeoutMs = 15000 * SLOW } = {}) {
    const transaction = crypto.randomUUID();
    const full = { ...msg, transaction };
    if (this.sessionId && !full.session_id && msg.janus !== 'info' && msg.janus !== 'create') full.session_id = this.sessionId;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => { this.pending.delete(transaction); reject(new Error(`timeout: ${JSON.stringify(msg).slice(0, 200)}`)); }, timeoutMs);
      this.pending.set(transaction, {
        waitEvent,
        resolve: (m) => { clearTimeout(t); resolve(m); },
        reject: (e) => { clearTimeout(t); reject(e); },
      });
      this.ws.send(JSON.stringify(full));
    });
  }

  async createSession() {
    const res = await this.send({ janus: 'create' });
    this.sessionId = res.data.id;
    this.keepalive = setInterval(() => {
      if (!this.closed) this.ws.send(JSON.stringify({ janus: 'keepalive', session_id: this.sessionId, transaction: crypto.randomUUID() }));
    }, 20000);
    return this.sessionId;
  }

  async attach(plugin = PLUGIN) {
    const res = await this.send({ janus: 'attach', plugin });
    const h = new Handle(this, res.data.id);
    this.handles.set(h.id, h);
    return h;
  }

  async destroy() {
    clearInterval(this.keepalive);
    if (!this.closed && this.sessionId) await this.send({ janus: 'destroy' }).catch(() => {});
  }

  close() {
    clearInterval(this.keepalive);
    if (!this.closed) this.ws.close();
  }
}

// Where `join` requests for a new ticket get their join permit (docs/rest-api.md), as the widget
// does: set by tests/plugin/stack.mjs for its queue service. A test that wants no permit passes
// `permit: undefined` (or its own) explicitly.
let permitSource = null;
export function setPermitSource(fn) { permitSource = fn; }

// One plugin handle: requests and a buffer of everything Janus sent for it.
export class Handle {
  constructor(client, id) {
    this.client = client;
    this.id = id;
    this.events = [];
    this.waiters = [];
  }

  push(msg) {
    this.events.push(msg);
    for (const w of [...this.waiters]) {
      const i = this.events.findIndex(w.match);
      if (i >= 0) {
        const [m] = this.events.splice(i, 1);
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  }

  // Sends a plugin request; resolves with the plugin's answer event {data, jsep, msg}.
  async request(body, jsep) {
    if (body && body.request === 'join' && permitSource && !('permit' in body) && !body.resume_token &&
        typeof body.office === 'string' && body.office.length <= 64)
      body = { ...body, permit: await permitSource(body.office).catch(() => undefined) };
    const msg = { janus: 'message', handle_id: this.id, body };
    if (jsep) msg.jsep = jsep;
    const res = await this.client.send(msg, { waitEvent: true });
    return { data: res.plugindata?.data, jsep: res.jsep, msg: res };
  }

  // Waits for (and removes) the next buffered Janus message matching `match`.
  next(match, timeoutMs = 15000 * SLOW) {
    const i = this.events.findIndex(match);
    if (i >= 0) return Promise.resolve(this.events.splice(i, 1)[0]);
    return new Promise((resolve, reject) => {
      const w = { match, resolve: (m) => { clearTimeout(t); resolve(m); } };
      const t = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`handle ${this.id}: no matching event in ${timeoutMs} ms; have ${JSON.stringify(this.events.map((e) => e.plugindata?.data || e.janus))}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  // Next plugin event named `name` ({buergerbuero: name}); resolves {data, jsep}.
  async event(name, timeoutMs = 15000) {
    const m = await this.next((e) => e.janus === 'event' && e.plugindata?.data?.buergerbuero === name, timeoutMs * SLOW);
    return { data: m.plugindata.data, jsep: m.jsep };
  }

  // Whether an event with this name is already buffered (not removed).
  has(name) {
    return this.events.some((e) => e.plugindata?.data?.buergerbuero === name);
  }

  detach() {
    return this.client.send({ janus: 'detach', handle_id: this.id });
  }
}

// --- synthetic SDP for signalling tests (Janus parses it; no media flows) ---------------------
function randomToken(n) {
  return crypto.randomBytes(n).toString('base64').replace(/[^a-zA-Z0-9]/g, 'x').slice(0, n);
}
function fingerprint() {
  return [...crypto.randomBytes(32)].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
}

// An offer with audio, video and a data channel, as a browser would send it.
export function fakeOffer() {
  const ufrag = randomToken(8), pwd = randomToken(24), fp = fingerprint();
  const common = [`a=ice-ufrag:${ufrag}`, `a=ice-pwd:${pwd}`, 'a=ice-options:trickle', `a=fingerprint:sha-256 ${fp}`, 'a=setup:actpass'];
  const sdp = [
    'v=0', `o=- ${Date.now()} 2 IN IP4 127.0.0.1`, 's=-', 't=0 0', 'a=group:BUNDLE 0 1 2', 'a=msid-semantic: WMS',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0', ...common,
    'a=mid:0', 'a=sendrecv', 'a=rtcp-mux', 'a=rtpmap:111 opus/48000/2', 'a=ssrc:1111 cname:x',
    'm=video 9 UDP/TLS/RTP/SAVPF 96', 'c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0', ...common,
    'a=mid:1', 'a=sendrecv', 'a=rtcp-mux', 'a=rtpmap:96 VP8/90000', 'a=rtcp-fb:96 nack', 'a=rtcp-fb:96 nack pli', 'a=ssrc:2222 cname:x',
    'm=application 9 UDP/DTLS/SCTP webrtc-datachannel', 'c=IN IP4 0.0.0.0', ...common, 'a=mid:2', 'a=sctp-port:5000',
    '',
  ].join('\r\n');
  return { type: 'offer', sdp };
}

// An answer accepting every m-line of `offerSdp` with its first codec.
export function fakeAnswer(offerSdp) {
  const ufrag = randomToken(8), pwd = randomToken(24), fp = fingerprint();
  const lines = offerSdp.split(/\r?\n/);
  const sections = [];
  let cur = null;
  for (const l of lines) {
    if (l.startsWith('m=')) { cur = { m: l, attrs: [] }; sections.push(cur); } else if (cur) cur.attrs.push(l);
  }
  const out = ['v=0', `o=- ${Date.now()} 2 IN IP4 127.0.0.1`, 's=-', 't=0 0'];
  const mids = sections.map((s) => (s.attrs.find((a) => a.startsWith('a=mid:')) || 'a=mid:0').slice(6));
  out.push(`a=group:BUNDLE ${mids.join(' ')}`, 'a=msid-semantic: WMS');
  sections.forEach((s, i) => {
    const [kind, , proto, ...pts] = s.m.slice(2).split(' ');
    const common = [`a=ice-ufrag:${ufrag}`, `a=ice-pwd:${pwd}`, 'a=ice-options:trickle', `a=fingerprint:sha-256 ${fp}`, 'a=setup:active', `a=mid:${mids[i]}`];
    if (kind === 'application') {
      out.push(`m=application 9 ${proto} ${pts.join(' ')}`, 'c=IN IP4 0.0.0.0', ...common, 'a=sctp-port:5000');
      return;
    }
    const pt = pts[0];
    const rtpmap = s.attrs.find((a) => a.startsWith(`a=rtpmap:${pt} `));
    out.push(`m=${kind} 9 ${proto} ${pt}`, 'c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0', ...common, 'a=sendrecv', 'a=rtcp-mux');
    if (rtpmap) out.push(rtpmap);
    out.push(`a=ssrc:${3000 + i} cname:y`);
  });
  out.push('');
  return { type: 'answer', sdp: out.join('\r\n') };
}
