// queue.mjs: start buergerbuero-queue (BB_QUEUE_BIN) on free ports against a test database, talk
// to its REST API, its live WebSocket and its internal WebSocket, and drive its CLI.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { freePort } from './pg.mjs';

const sourceRoot = process.env.BB_SOURCE_ROOT || path.resolve(import.meta.dirname, '../..');
const buildRoot = process.env.BB_BUILD_ROOT || path.join(sourceRoot, 'build');
export const QUEUE_BIN = process.env.BB_QUEUE_BIN || path.join(buildRoot, 'queue-service/src/buergerbuero-queue');
export const SECRET = 'test-secret-0123456789abcdef';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export { sleep };

/** Environment for the CLI and the service: only BB_* keys we set, plus PATH (and the sanitizer
 * options of the sanitizer step, scripts/lib/sanitize.sh). */
export function queueEnv(dbUrl, extra = {}) {
  const sanitizers = Object.fromEntries(['ASAN_OPTIONS', 'UBSAN_OPTIONS', 'LSAN_OPTIONS']
    .filter((k) => process.env[k]).map((k) => [k, process.env[k]]));
  return {
    PATH: process.env.PATH, LANG: 'C.UTF-8', ...sanitizers,
    BB_DATABASE_URL: dbUrl, BB_INTERNAL_SECRET: SECRET, BB_SQL_DIR: path.join(sourceRoot, 'sql'),
    BB_HTTP_BIND: '127.0.0.1', BB_LOG_LEVEL: 'info',
    // Every test client comes from 127.0.0.1: tests not about join permits get a bucket large
    // enough for their own joins and bookings (tests of the limits set them themselves).
    BB_PERMIT_BURST: '100000', BB_BOOKING_BURST: '100000', ...extra,
  };
}

/** Runs the CLI; returns { status, stdout, stderr }. `input` goes to stdin. */
export function cli(dbUrl, args, { input = '', env = {} } = {}) {
  if (!fs.existsSync(QUEUE_BIN)) throw new Error(`${QUEUE_BIN} missing: build first (BB_QUEUE_BIN)`);
  const r = spawnSync(QUEUE_BIN, args, { input, encoding: 'utf8', env: queueEnv(dbUrl, env) });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function cliOk(dbUrl, args, opts) {
  const r = cli(dbUrl, args, opts);
  if (r.status !== 0) throw new Error(`buergerbuero-queue ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

export const migrate = (dbUrl) => cliOk(dbUrl, ['migrate']);

/** Adds an office open around the clock unless `hours` says otherwise. */
export function addOffice(dbUrl, { id, prefix = id.toUpperCase().slice(0, 6), capacity = 50, hours = 'daily 00:00-24:00',
  noShow, grace, timezone } = {}) {
  const args = ['office', 'add', '--id', id, '--name-de', `Amt ${id}`, '--name-en', `Office ${id}`, '--prefix', prefix,
    '--capacity', String(capacity)];
  if (hours) args.push('--hours', hours);
  if (noShow) args.push('--no-show-timeout', String(noShow));
  if (grace) args.push('--grace', String(grace));
  if (timezone) args.push('--timezone', timezone);
  return cliOk(dbUrl, args);
}

export function addClerk(dbUrl, login, { name = `Clerk ${login}`, role = 'clerk', offices = [], password = 'password-' + login } = {}) {
  cliOk(dbUrl, ['clerk', 'add', login, '--name', name, '--role', role, '--offices', offices.join(',')],
    { input: password + '\n' });
  return password;
}

/** A running service process. */
export class QueueService {
  constructor(dbUrl, extraEnv = {}) {
    this.dbUrl = dbUrl;
    this.extraEnv = extraEnv;
    this.log = '';
  }

  async start() {
    if (!fs.existsSync(QUEUE_BIN)) throw new Error(`${QUEUE_BIN} missing: build first (BB_QUEUE_BIN)`);
    if (!this.httpPort) {
      this.httpPort = await freePort();
      this.internalPort = await freePort();
    }
    this.base = `http://127.0.0.1:${this.httpPort}`;
    const env = queueEnv(this.dbUrl, {
      BB_HTTP_PORT: String(this.httpPort), BB_INTERNAL_PORT: String(this.internalPort),
      BB_STATIC_DIR: path.join(os.tmpdir(), 'bb-no-static'), ...this.extraEnv,
    });
    // `{http_base}` in a value: this service's own public address (e.g. checkin_url, whose page
    // the service serves itself in tests), known only once the port is chosen
    for (const [k, v] of Object.entries(env)) if (typeof v === 'string') env[k] = v.replaceAll('{http_base}', this.base);
    this.proc = spawn(QUEUE_BIN, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, sig) => resolve({ code, sig })));
    const collect = (d) => { this.log += d.toString(); };
    this.proc.stdout.on('data', collect);
    this.proc.stderr.on('data', collect);
    await this.waitHealthy(20000);
    return this;
  }

  /** Waits until /healthz answers 200. */
  async waitHealthy(timeoutMs = 20000) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (this.proc.exitCode !== null) throw new Error(`queue service exited: ${this.log}`);
      try {
        const r = await fetch(this.base + '/healthz');
        if (r.status === 200) return;
      } catch { /* not listening yet */ }
      if (Date.now() > until) throw new Error(`queue service not healthy in time: ${this.log}`);
      await sleep(100);
    }
  }

  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    this.proc.kill('SIGTERM');
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(t);
  }

  async kill9() {
    this.proc.kill('SIGKILL');
    await this.exited;
  }

  /** REST call; returns { status, body (parsed JSON or text), headers }. */
  async http(method, p, { body, headers = {}, raw } = {}) {
    const init = { method, headers: { ...headers } };
    if (raw !== undefined) init.body = raw;
    else if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers['content-type'] = 'application/json';
    }
    const r = await fetch(this.base + p, init);
    const text = await r.text();
    let parsed = text;
    try { parsed = JSON.parse(text); } catch { /* not JSON */ }
    return { status: r.status, body: parsed, headers: r.headers };
  }

  /** Logs a clerk in over REST; returns the session token. */
  async login(login, password) {
    const r = await this.http('POST', '/api/v1/clerk/login', { body: { login, password } });
    if (r.status !== 200) throw new Error(`login ${login} failed: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.token;
  }

  /** A join permit for office (POST /api/v1/offices/{id}/join-permit), as a browser gets one. */
  async permit(office, headers = {}) {
    const r = await this.http('POST', `/api/v1/offices/${encodeURIComponent(office)}/join-permit`, { headers });
    if (r.status !== 201) throw new Error(`join permit for ${office}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.permit;
  }

  /** An authenticated internal-API client (hello done); its new-ticket joins carry a fresh permit
   * like the plugin's do, unless the test passes `permit` itself. */
  async internal(instance = 'janus-test', tickets = []) {
    const c = await InternalClient.connect(this.internalPort);
    c.permitFor = (office) => this.permit(office);
    const r = await c.request('hello', { secret: SECRET, instance, tickets });
    if (!r.ok) throw new Error(`hello failed: ${JSON.stringify(r)}`);
    return c;
  }

  async live() {
    return LiveClient.connect(this.httpPort);
  }
}

/** Buffers messages and lets tests wait for one matching a predicate. */
class EventBuffer {
  constructor() {
    this.items = [];
    this.waiters = [];
  }

  push(m) {
    this.items.push(m);
    for (const w of [...this.waiters]) {
      if (w.pred(m)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.resolve(m);
      }
    }
  }

  /** Resolves with the first buffered or future item matching pred. */
  waitFor(pred, timeoutMs = 10000, what = 'event') {
    const hit = this.items.find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const w = { pred, resolve };
      w.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`timeout waiting for ${what}`));
      }, timeoutMs);
      this.waiters.push(w);
    });
  }

  clear() { this.items = []; }
}

/** Internal-API WebSocket client: request ids, promises, event buffer. */
export class InternalClient {
  static connect(port, path_ = '/internal/v1', protocol = 'bb-internal') {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}${path_}`, protocol);
      const c = new InternalClient(ws);
      ws.once('open', () => resolve(c));
      ws.once('error', reject);
    });
  }

  constructor(ws) {
    this.ws = ws;
    this.nextId = 1;
    this.pending = new Map();
    this.events = new EventBuffer();
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m.event) this.events.push(m);
      else if (this.pending.has(m.id)) {
        this.pending.get(m.id)(m);
        this.pending.delete(m.id);
      } else this.events.push(m);   // e.g. an error reply with id null
    });
  }

  /** Sends {id, op, ...args}; resolves with the whole response (ok true or false). A `join` for a
   * new ticket gets a permit first when the client has a permit source (svc.internal()). */
  async request(op, args = {}, timeoutMs = 15000) {
    if (op === 'join' && this.permitFor && !('permit' in args) && !args.resume_token && typeof args.office === 'string')
      args = { ...args, permit: await this.permitFor(args.office).catch(() => undefined) };
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => { this.pending.delete(id); reject(new Error(`timeout on ${op}`)); }, timeoutMs);
      this.pending.set(id, (m) => { clearTimeout(t); resolve(m); });
      this.ws.send(JSON.stringify({ id, op, ...args }));
    });
  }

  /** Like request, but throws unless ok. */
  async call(op, args = {}) {
    const r = await this.request(op, args);
    if (!r.ok) throw new Error(`${op} failed: ${JSON.stringify(r.error)}`);
    return r;
  }

  sendRaw(text) { this.ws.send(text); }

  waitFor(pred, timeoutMs, what) { return this.events.waitFor(pred, timeoutMs, what); }

  close() { this.ws.close(); return this.closed; }
}

/** Live WebSocket client of /api/v1/live. */
export class LiveClient {
  static connect(port) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/live`);
      const c = new LiveClient(ws);
      ws.once('open', () => resolve(c));
      ws.once('error', reject);
    });
  }

  constructor(ws) {
    this.ws = ws;
    this.messages = new EventBuffer();
    this.closed = new Promise((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('message', (d) => this.messages.push({ ...JSON.parse(d.toString()), at: Date.now() }));
  }

  waitFor(pred, timeoutMs, what) { return this.messages.waitFor(pred, timeoutMs, what); }

  close() { this.ws.close(); return this.closed; }
}

/**
 * One private PostgreSQL + migrated database + offices/clerks + a running service.
 * offices: [{id, ...addOffice options}], clerks: [{login, role, offices, password?}].
 * Returns { pg, url, svc, passwords: {login: password}, stop() }.
 */
export async function startStack({ offices = [], clerks = [], env = {} } = {}) {
  const { startPg } = await import('./pg.mjs');
  const { pg, url } = await startPg();
  migrate(url);
  for (const o of offices) addOffice(url, o);
  const passwords = {};
  for (const c of clerks) passwords[c.login] = addClerk(url, c.login, c);
  const svc = await new QueueService(url, { BB_PRESENCE_TIMEOUT_S: '300', ...env }).start();
  return {
    pg, url, svc, passwords,
    async stop() {
      await svc.stop();
      pg.destroy();
    },
  };
}

/** Logs a clerk in and makes them available through an internal client; returns the token. */
export async function clerkOnline(svc, client, login, password) {
  const token = await svc.login(login, password);
  await client.call('presence', { session: token, state: 'available' });
  return token;
}

/** Polls the public office view until pred(office) holds. */
export async function waitOffice(svc, id, pred, timeoutMs = 10000) {
  const until = Date.now() + timeoutMs;
  let last;
  for (;;) {
    const r = await svc.http('GET', `/api/v1/offices/${id}`);
    last = r.body;
    if (r.status === 200 && pred(r.body)) return r.body;
    if (Date.now() > until) throw new Error(`office ${id} never matched; last ${JSON.stringify(last)}`);
    await sleep(100);
  }
}
