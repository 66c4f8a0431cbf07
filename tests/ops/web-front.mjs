// web-front.mjs: the production web front (Debian's nginx with docker/web's config, rendered by
// docker/web/render-nginx-conf exactly as the container does) in front of the real queue service
// and the real Janus with our plugin, plus HTTPS/WSS clients that pick their source address.
// Runs inside tests/lib/netns-run: nginx listens on 80 and 443 as in production, and every
// 127.0.0.x is a different client (nginx itself reaches the upstreams from 127.0.0.1).
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import WebSocket from 'ws';
import { startStack, tmpDir, until } from '../plugin/stack.mjs';
import { PLUGIN } from '../lib/janus.mjs';

const sourceRoot = process.env.BB_SOURCE_ROOT || path.resolve(import.meta.dirname, '../..');
export const HOST = 'buergerbuero.test';
// The county's homepage that embeds the widget (web-embed.test.mjs serves it).
export const COUNTY_ORIGIN = 'https://www.landkreis.test:8443';
export const METRICS_CLIENT = '127.0.0.3';

// Why: a test must not run outside its namespace, where ports 80/443 and 127.0.0.x belong to the host.
export function requireNetns() {
  if (!process.env.BB_NETNS_NAME) {
    throw new Error('web front tests run inside tests/lib/netns-run (BB_NETNS_NAME unset); see tests/ops/meson.build');
  }
}

// A self-signed certificate for HOST (and 127.0.0.1), RSA 3072 like the entrypoint's fallback.
function makeCertificate(dir) {
  fs.mkdirSync(dir, { recursive: true });
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:3072', '-sha256', '-days', '2', '-nodes',
    '-subj', `/CN=${HOST}`, '-addext', `subjectAltName=DNS:${HOST},IP:127.0.0.1`,
    '-keyout', path.join(dir, 'privkey.pem'), '-out', path.join(dir, 'fullchain.pem')], { stdio: ['ignore', 'ignore', 'pipe'] });
  return fs.readFileSync(path.join(dir, 'fullchain.pem'), 'utf8');
}

// Renders nginx.conf through the container's own renderer; `env` are the operator's settings.
export function renderConfig(env) {
  const r = spawnSync('sh', [path.join(sourceRoot, 'docker/web/render-nginx-conf'),
    path.join(sourceRoot, 'docker/web/nginx.conf.template')], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`render-nginx-conf failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}

function portOpen(port, host = '127.0.0.1') {
  return new Promise((resolve) => {
    const s = net.connect({ port, host }, () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

// Starts nginx on the rendered config (private prefix, pid and temp files in `dir`); resolves
// when 443 accepts connections.
async function startNginx(dir, confText) {
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(conf, confText);
  // A file, not a pipe of ours, as stdout/stderr: the config opens /dev/stdout and /dev/stderr,
  // which works for the container's pipes and for files but not for Node's socket pairs.
  const logFile = path.join(dir, 'nginx.log');
  const readLog = () => fs.readFileSync(logFile, 'utf8');
  let log = fs.openSync(logFile, 'a');
  const test = spawnSync('nginx', ['-p', dir, '-c', conf, '-e', 'stderr', '-t', '-q'], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  if (test.status !== 0) throw new Error(`nginx -t failed: ${readLog()}`);
  log = fs.openSync(logFile, 'a');
  const proc = spawn('nginx', ['-p', dir, '-c', conf, '-e', 'stderr', '-g', 'daemon off;'], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  let exited = null;
  const exitPromise = new Promise((resolve) => proc.on('exit', (code, signal) => { exited = { code, signal }; resolve(exited); }));
  await until(async () => {
    if (exited) throw new Error(`nginx exited (${JSON.stringify(exited)}): ${readLog()}`);
    return (await portOpen(443)) && (await portOpen(80));
  }, { what: 'nginx listening on 80 and 443' });
  return {
    proc, log: readLog,
    async stop() {
      if (exited) return exited;
      proc.kill('SIGTERM');   // fast shutdown of master and workers
      const t = setTimeout(() => { if (!exited) proc.kill('SIGKILL'); }, 5000);
      const res = await exitPromise;
      clearTimeout(t);
      return res;
    },
  };
}

// Kills nginx if the test process ends without stopping it (by pid: only what we started).
const running = new Set();
process.on('exit', () => {
  for (const p of running) {
    try { p.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

/**
 * PostgreSQL + queue service (serving web-client/, trusting X-Forwarded-For from nginx only) +
 * Janus with our plugin + nginx in front. `settings`: operator settings for the renderer on top
 * of the test's (BB_PUBLIC_HOST, BB_EMBED_ORIGINS, BB_METRICS_ALLOW); `queueEnv`: more settings of the queue
 * service (e.g. the county directory).
 */
export async function startWebFront(name, settings = {}, queueEnv = {}) {
  requireNetns();
  const dir = tmpDir(`bb-${name}-`);
  fs.chmodSync(dir, 0o755);   // nginx's workers (user nobody) read the start page and temp files here
  let stack = null;
  let nginx = null;
  try {
    const ca = makeCertificate(path.join(dir, 'tls'));
    stack = await startStack(name, {
      env: { BB_STATIC_DIR: path.join(sourceRoot, 'web-client'), BB_TRUSTED_PROXIES: '127.0.0.1', ...queueEnv },
    });
    const startDir = path.join(dir, 'start');
    fs.cpSync(path.join(sourceRoot, 'docker/web/start'), startDir, { recursive: true });
    const run = path.join(dir, 'run');
    fs.mkdirSync(run, { mode: 0o755 });
    const conf = renderConfig({
      BB_PUBLIC_HOST: HOST,
      BB_EMBED_ORIGINS: COUNTY_ORIGIN,
      BB_METRICS_ALLOW: METRICS_CLIENT,
      ...settings,
      BB_WEB_QUEUE_UPSTREAM: `127.0.0.1:${stack.queue.svc.httpPort}`,
      BB_WEB_JANUS_UPSTREAM: `127.0.0.1:${stack.janus.wsPort}`,
      BB_WEB_TLS_DIR: path.join(dir, 'tls'),
      BB_WEB_START_DIR: startDir,
      BB_WEB_RUN_DIR: run,
    });
    nginx = await startNginx(dir, conf);
    running.add(nginx.proc);
    await until(async () => {
      const r = await stack.janus.admin({ janus: 'message_plugin', plugin: PLUGIN, request: { request: 'stats' } });
      return r.response?.queue_service?.available === true;
    }, { what: 'plugin connected to the queue service' });
    return {
      dir, stack, nginx, ca, conf,
      async stop() {
        await nginx.stop().catch(() => {});
        running.delete(nginx.proc);
        await stack.stop().catch(() => {});
        fs.rmSync(stack.dir, { recursive: true, force: true });
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    if (nginx) await nginx.stop().catch(() => {});
    if (stack) {
      await stack.stop().catch(() => {});
      fs.rmSync(stack.dir, { recursive: true, force: true });
    }
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * One HTTPS (or with `plain`, HTTP) request to nginx from source address `from`; resolves
 * { status, headers, body }. The certificate is checked against the test's CA.
 */
export function request(front, p, { method = 'GET', headers = {}, body, from = '127.0.0.2', plain = false } = {}) {
  return new Promise((resolve, reject) => {
    const mod = plain ? http : https;
    const req = mod.request({
      host: '127.0.0.1', port: plain ? 80 : 443, path: p, method, localAddress: from,
      headers: { host: HOST, ...headers }, ca: front.ca, servername: HOST, agent: false,
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.setTimeout(15000, () => req.destroy(new Error(`timeout: ${method} ${p}`)));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** Opens a WSS connection through nginx; resolves the open socket or rejects with the HTTP status. */
export function websocket(front, p, { protocol, from = '127.0.0.2', origin } = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`wss://${HOST}${p}`, protocol, {
      ca: front.ca, localAddress: from, origin, handshakeTimeout: 10000,
      // HOST resolves to nginx (Node may ask for all addresses at once)
      lookup: (_host, opts, cb) => (opts.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)),
    });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`WebSocket ${p} refused with HTTP ${res.statusCode}`), { status: res.statusCode }));
      ws.terminate();
    });
    ws.once('error', reject);
  });
}
