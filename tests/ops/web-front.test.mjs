// web-front.test.mjs: the production nginx config in front of the real queue service and Janus,
// over HTTPS/WSS: security headers, proxying, WebSocket upgrades, X-Forwarded-For, limits,
// /metrics, the HTTP redirect, and TLS per BSI TR-02102-2 checked with openssl s_client.
import test from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { JanusClient, PLUGIN } from '../lib/janus.mjs';
import { startWebFront, request, websocket, HOST, COUNTY_ORIGIN, METRICS_CLIENT } from './web-front.mjs';

let front;

test.before(async () => {
  front = await startWebFront('web-front');
});

test.after(async () => {
  await front?.stop();
});

// Header that every HTTPS answer carries, whatever location or status.
function assertBaseHeaders(r, what) {
  assert.equal(r.headers['strict-transport-security'], 'max-age=63072000', `${what}: HSTS`);
  assert.equal(r.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`);
  assert.equal(r.headers['referrer-policy'], 'no-referrer', `${what}: Referrer-Policy`);
  assert.ok(r.headers['content-security-policy'], `${what}: a CSP`);
}

// The CSP as {directive: [sources]}.
function csp(r) {
  const out = {};
  for (const part of (r.headers['content-security-policy'] || '').split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) out[name] = sources;
  }
  return out;
}

test('start page: neutral, security headers, a CSP that allows only our origin and lets the county frame it', async () => {
  const r = await request(front, '/');
  assert.equal(r.status, 200);
  assertBaseHeaders(r, 'start page');
  assert.match(r.body, /<bb-offices /);
  assert.doesNotMatch(r.body, /Musterkreis/, 'not the demo county');
  const p = csp(r);
  assert.deepEqual(p['default-src'], ["'none'"]);
  assert.deepEqual(p['script-src'], ["'self'"]);
  assert.deepEqual(p['connect-src'], ["'self'", `wss://${HOST}`]);
  assert.deepEqual(p['frame-ancestors'], ["'self'", COUNTY_ORIGIN]);
  assert.equal(r.headers['x-frame-options'], undefined, 'framing decided by frame-ancestors alone');
  assert.match(r.headers['permissions-policy'], /camera=\(self\)/);
  assert.doesNotMatch(r.body, /janus=|start\.js/, 'the widget finds Janus by itself (GET /api/v1/config)');
  const css = await request(front, '/start.css');
  assert.equal(css.status, 200);
  assert.match(css.headers['content-type'], /text\/css/);
});

test('/api/v1/config through the front: Janus at /janus of this origin, cacheable, CORS for the county, HEAD', async () => {
  const r = await request(front, '/api/v1/config', { headers: { origin: COUNTY_ORIGIN } });
  assert.equal(r.status, 200);
  assert.deepEqual(JSON.parse(r.body), { janus_url: '/janus' });
  assert.equal(r.headers['cache-control'], 'public, max-age=60');
  assert.equal(r.headers['access-control-allow-origin'], COUNTY_ORIGIN);
  assertBaseHeaders(r, 'config');
  const head = await request(front, '/api/v1/config', { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.body, '');
  assert.equal(head.headers['cache-control'], 'public, max-age=60');
});

test('the demo county of scripts/start is not reachable through the front', async () => {
  for (const p of ['/demo.js', '/demo.css', '/index.html?x=1']) {
    const r = await request(front, p);
    if (p.startsWith('/index.html')) assert.doesNotMatch(r.body, /Musterkreis/, p);
    else assert.equal(r.status, 404, p);
    assertBaseHeaders(r, p);
  }
});

test('clerk console: served through the front with frame-ancestors none', async () => {
  const r = await request(front, '/console/');
  assert.equal(r.status, 200);
  assert.match(r.body, /console\.js/);
  assertBaseHeaders(r, 'console');
  const p = csp(r);
  assert.deepEqual(p['frame-ancestors'], ["'none'"]);
  assert.deepEqual(p['script-src'], ["'self'"]);
  assert.deepEqual(p['connect-src'], ["'self'", `wss://${HOST}`]);
  assert.equal(r.headers['x-frame-options'], 'DENY');
  const redirect = await request(front, '/console');
  assert.equal(redirect.status, 301);
  assert.match(redirect.headers.location, /\/console\/$/);
});

test('widget files: JavaScript, CORS for the county\'s origin only', async () => {
  const county = await request(front, '/widget/bb-widget.js', { headers: { origin: COUNTY_ORIGIN } });
  assert.equal(county.status, 200);
  assert.match(county.headers['content-type'], /javascript/);
  assert.equal(county.headers['access-control-allow-origin'], COUNTY_ORIGIN);
  assert.match(county.headers.vary || '', /Origin/);
  assertBaseHeaders(county, 'widget file');
  const other = await request(front, '/widget/bb-widget.js', { headers: { origin: 'https://evil.example' } });
  assert.equal(other.status, 200);
  assert.equal(other.headers['access-control-allow-origin'], undefined);
  const vendor = await request(front, '/vendor/janus.js', { headers: { origin: COUNTY_ORIGIN } });
  assert.equal(vendor.status, 200);
  assert.equal(vendor.headers['access-control-allow-origin'], COUNTY_ORIGIN);
  // clerk routes never get CORS, even for the county's origin
  const clerk = await request(front, '/api/v1/clerk/me', { headers: { origin: COUNTY_ORIGIN } });
  assert.equal(clerk.headers['access-control-allow-origin'], undefined);
});

test('CORS preflight of a booking from the county\'s page', async () => {
  const r = await request(front, '/api/v1/appointments', {
    method: 'OPTIONS',
    headers: { origin: COUNTY_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
  });
  assert.equal(r.status, 204);
  assert.equal(r.headers['access-control-allow-origin'], COUNTY_ORIGIN);
  assert.match(r.headers['access-control-allow-methods'], /POST/);
  assert.match(r.headers['access-control-allow-headers'], /Content-Type/i);
  assert.equal(r.headers['access-control-expose-headers'], 'Retry-After');
});

test('/api/v1/offices through the proxy', async () => {
  const r = await request(front, '/api/v1/offices');
  assert.equal(r.status, 200);
  assert.match(r.headers['content-type'], /json/);
  const ids = JSON.parse(r.body).offices.map((o) => o.id);
  assert.ok(ids.includes('kfz'), r.body);
  assertBaseHeaders(r, 'API');
  assert.deepEqual(csp(r)['frame-ancestors'], ["'none'"]);
});

test('/api/v1/live: WebSocket upgrade through the proxy, snapshot arrives', async () => {
  const ws = await websocket(front, '/api/v1/live', { origin: COUNTY_ORIGIN });
  const first = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('no live message')), 10000);
    ws.once('message', (d) => { clearTimeout(t); resolve(JSON.parse(d.toString())); });
  });
  ws.close();
  assert.equal(first.type, 'snapshot');
  assert.ok(first.offices.some((o) => o.id === 'kfz'));
});

test('/janus: WebSocket upgrade, info, a session whose handle joins a waiting room', async () => {
  const ws = await websocket(front, '/janus', { protocol: 'janus-protocol', origin: COUNTY_ORIGIN });
  const client = new JanusClient(ws);
  try {
    const info = await client.send({ janus: 'info' });
    assert.ok(info.plugins?.[PLUGIN], 'our plugin is loaded');
    await client.createSession();
    const h = await client.attach();
    const joined = await h.request({ request: 'join', office: 'kfz' });
    assert.equal(joined.data.buergerbuero, 'joined', JSON.stringify(joined.data));
    assert.match(joined.data.ticket?.number || '', /^KFZ-\d+$/, JSON.stringify(joined.data));
    const left = await h.request({ request: 'leave' });
    assert.notEqual(left.data.buergerbuero, 'error', JSON.stringify(left.data));
    await client.destroy();
  } finally {
    client.close();
  }
});

test('X-Forwarded-For: the queue service limits per client address, not per nginx, and ignores a client\'s own header', async () => {
  // GET /api/v1/ice-servers allows 30 per address and wall-clock minute; an attempt that crossed
  // a minute boundary proves nothing and is repeated with fresh addresses.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const [a, b, c] = attempt === 0 ? ['127.0.10.1', '127.0.10.2', '127.0.10.3'] : ['127.0.11.1', '127.0.11.2', '127.0.11.3'];
    const minute = Math.floor(Date.now() / 60000);
    const statuses = [];
    for (let i = 0; i < 30; i += 1) statuses.push((await request(front, '/api/v1/ice-servers', { from: a })).status);
    const blocked = await request(front, '/api/v1/ice-servers', { from: a });
    // another client, and a client claiming to be a fresh address, each have their own budget
    const other = await request(front, '/api/v1/ice-servers', { from: b });
    const spoofFresh = await request(front, '/api/v1/ice-servers', { from: a, headers: { 'x-forwarded-for': '198.51.100.7' } });
    // a client naming the blocked one is still itself
    const spoofBlocked = await request(front, '/api/v1/ice-servers', { from: c, headers: { 'x-forwarded-for': a } });
    if (Math.floor(Date.now() / 60000) !== minute) continue;
    assert.deepEqual([...new Set(statuses)], [200], 'the first 30 pass');
    assert.equal(blocked.status, 429);
    assert.equal(JSON.parse(blocked.body).error.code, 'rate_limited', 'the queue service answered, not nginx');
    assert.equal(other.status, 200, 'another address is not blocked: the service sees clients, not nginx');
    assert.equal(spoofFresh.status, 429, 'a client\'s own X-Forwarded-For is replaced');
    assert.equal(spoofBlocked.status, 200, 'a client cannot take over another address');
    return;
  }
  assert.fail('two attempts crossed a minute boundary');
});

test('/metrics: refused from outside, allowed from 127.0.0.1 and BB_METRICS_ALLOW', async () => {
  const outside = await request(front, '/metrics', { from: '127.0.0.2' });
  assert.equal(outside.status, 403);
  assertBaseHeaders(outside, '/metrics refused');
  for (const from of ['127.0.0.1', METRICS_CLIENT]) {
    const r = await request(front, '/metrics', { from });
    assert.equal(r.status, 200, from);
    assert.match(r.body, /^# (HELP|TYPE) /m, 'Prometheus text');
  }
  // spellings that must not slip past the exact location
  for (const p of ['//metrics', '/metrics?x=1', '/./metrics']) {
    const r = await request(front, p, { from: '127.0.0.2' });
    assert.notEqual(r.status, 200, p);
  }
});

test('plain HTTP: redirect to HTTPS keeping path and query; the health check answers only locally', async () => {
  const r = await request(front, '/api/v1/offices?lang=de', { plain: true });
  assert.equal(r.status, 301);
  assert.equal(r.headers.location, `https://${HOST}/api/v1/offices?lang=de`);
  assert.equal((await request(front, '/nginx-health', { plain: true, from: '127.0.0.1' })).status, 200);
  assert.equal((await request(front, '/nginx-health', { plain: true, from: '127.0.0.2' })).status, 403);
});

test('API requests per address are limited by nginx (429), other addresses are not affected', async () => {
  const burst = await Promise.all(Array.from({ length: 90 }, () => request(front, '/api/v1/offices', { from: '127.0.0.20' })));
  const ok = burst.filter((r) => r.status === 200).length;
  const limited = burst.filter((r) => r.status === 429);
  assert.ok(ok >= 40, `the burst of 40 passes (${ok} passed)`);
  assert.ok(limited.length >= 20, `the rest is refused (${limited.length} refused)`);
  assert.doesNotMatch(limited[0].body, /rate_limited/, 'refused by nginx, before the queue service');
  assertBaseHeaders(limited[0], 'limited answer');
  assert.equal((await request(front, '/api/v1/offices', { from: '127.0.0.21' })).status, 200);
});

test('Janus WebSockets per address are limited (limit_conn 10), other addresses are not affected', async () => {
  const open = [];
  try {
    for (let i = 0; i < 10; i += 1) open.push(await websocket(front, '/janus', { protocol: 'janus-protocol', from: '127.0.0.30' }));
    await assert.rejects(websocket(front, '/janus', { protocol: 'janus-protocol', from: '127.0.0.30' }), (e) => e.status === 429);
    open.push(await websocket(front, '/janus', { protocol: 'janus-protocol', from: '127.0.0.31' }));
  } finally {
    for (const ws of open) ws.terminate();
  }
});

// --- TLS (BSI TR-02102-2) -----------------------------------------------------------------------

// openssl s_client against nginx with the client's own limits lifted (an empty OPENSSL_CONF and
// security level 0), so that every refusal below is the server's: each one must come with the
// server's alert.
function sClient(args) {
  const conf = path.join(front.dir, 'openssl-client.cnf');
  if (!fs.existsSync(conf)) fs.writeFileSync(conf, '');
  const r = spawnSync('openssl', ['s_client', '-connect', '127.0.0.1:443', '-servername', HOST, '-CAfile',
    path.join(front.dir, 'tls/fullchain.pem'), ...args], {
    input: '', encoding: 'utf8', timeout: 15000, env: { PATH: process.env.PATH, OPENSSL_CONF: conf },
  });
  const out = `${r.stdout}\n${r.stderr}`;
  const cipher = /Cipher is (\S+)/.exec(out)?.[1];
  return {
    out,
    accepted: Boolean(cipher && cipher !== '(NONE)'),
    cipher,
    protocol: /^\s*Protocol\s*:\s*(\S+)/m.exec(out)?.[1] || /^New, (TLSv[\d.]+)/m.exec(out)?.[1],
    tempKey: /Server Temp Key: ([^\n]+)/.exec(out)?.[1],
    serverAlert: /alert (protocol version|handshake failure|insufficient security)/.exec(out)?.[1],
  };
}

function assertRefused(args, what) {
  const r = sClient(args);
  assert.equal(r.accepted, false, `${what} was accepted:\n${r.out}`);
  assert.ok(r.serverAlert, `${what}: refused by the server (with an alert), not by the client:\n${r.out}`);
}

test('TLS: 1.0 and 1.1 refused by the server', () => {
  assertRefused(['-tls1', '-cipher', 'DEFAULT@SECLEVEL=0'], 'TLS 1.0');
  assertRefused(['-tls1_1', '-cipher', 'DEFAULT@SECLEVEL=0'], 'TLS 1.1');
});

test('TLS: 1.2 and 1.3 accepted with AES-GCM and ECDHE, the certificate verifies', () => {
  const v12 = sClient(['-tls1_2']);
  assert.ok(v12.accepted, v12.out);
  assert.equal(v12.protocol, 'TLSv1.2');
  assert.match(v12.cipher, /^ECDHE-RSA-AES(128|256)-GCM-SHA(256|384)$/);
  assert.match(v12.out, /Verify return code: 0 \(ok\)/);
  const v13 = sClient(['-tls1_3']);
  assert.ok(v13.accepted, v13.out);
  assert.equal(v13.protocol, 'TLSv1.3');
  assert.match(v13.cipher, /^TLS_AES_(128|256)_GCM_SHA(256|384)$/);
  for (const suite of ['ECDHE-RSA-AES128-GCM-SHA256', 'ECDHE-RSA-AES256-GCM-SHA384']) {
    const r = sClient(['-tls1_2', '-cipher', suite]);
    assert.equal(r.cipher, suite, r.out);
  }
  for (const suite of ['TLS_AES_128_GCM_SHA256', 'TLS_AES_256_GCM_SHA384']) {
    const r = sClient(['-tls1_3', '-ciphersuites', suite]);
    assert.equal(r.cipher, suite, r.out);
  }
});

test('TLS: suites outside the TR\'s choice refused (ChaCha20, CBC, static RSA, TLS 1.3 ChaCha20/CCM)', () => {
  for (const suite of ['ECDHE-RSA-CHACHA20-POLY1305', 'ECDHE-RSA-AES128-SHA256', 'ECDHE-RSA-AES256-SHA', 'AES128-GCM-SHA256', 'DHE-RSA-AES128-GCM-SHA256']) {
    assertRefused(['-tls1_2', '-cipher', `${suite}@SECLEVEL=0`], `TLS 1.2 ${suite}`);
  }
  for (const suite of ['TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_CCM_SHA256']) {
    assertRefused(['-tls1_3', '-ciphersuites', suite], `TLS 1.3 ${suite}`);
  }
});

test('TLS: groups: X25519 and X448 refused; P-256, P-384 (1.2 and 1.3) and brainpoolP256r1 (1.2) accepted', () => {
  for (const v of ['-tls1_2', '-tls1_3']) {
    assertRefused([v, '-groups', 'X25519'], `${v} X25519`);
    assertRefused([v, '-groups', 'X448'], `${v} X448`);
    for (const [group, name] of [['P-256', 'prime256v1'], ['P-384', 'secp384r1']]) {
      const r = sClient([v, '-groups', group]);
      assert.ok(r.accepted, r.out);
      assert.match(r.tempKey || '', new RegExp(name), `${v} ${group}: ${r.tempKey}`);
    }
  }
  const bp = sClient(['-tls1_2', '-groups', 'brainpoolP256r1']);
  assert.ok(bp.accepted, bp.out);
  assert.match(bp.tempKey, /brainpoolP256r1/);
});

test('TLS: handshake signatures RSA-PSS only (PKCS#1 v1.5 and SHA-1 refused)', () => {
  assertRefused(['-tls1_2', '-sigalgs', 'RSA+SHA256:RSA+SHA384:RSA+SHA512', '-cipher', 'DEFAULT@SECLEVEL=0'], 'PKCS#1 v1.5 signatures');
  assertRefused(['-tls1_2', '-sigalgs', 'RSA+SHA1', '-cipher', 'DEFAULT@SECLEVEL=0'], 'SHA-1 signatures');
  const r = sClient(['-tls1_2', '-sigalgs', 'rsa_pss_rsae_sha256']);
  assert.ok(r.accepted, r.out);
  assert.match(r.out, /Peer signature type: RSA-PSS/);
});

test('TLS 1.2: no session tickets, secure renegotiation, extended master secret', () => {
  const r = sClient(['-tls1_2']);
  assert.ok(r.accepted, r.out);
  assert.doesNotMatch(r.out, /TLS session ticket:/, 'no ticket issued');
  assert.match(r.out, /Secure Renegotiation IS supported/);
  assert.match(r.out, /Extended master secret: yes/);
});
