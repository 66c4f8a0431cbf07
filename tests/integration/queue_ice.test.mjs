// queue_ice.test.mjs: GET /api/v1/ice-servers (TURN REST API credentials checked against an
// independent HMAC-SHA1 computation, STUN list, empty list without configuration), the
// configuration checks of the TURN keys, and the client address behind trusted proxies
// (X-Forwarded-For believed only from trusted peers, per-address rate-limit buckets).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { startStack, QueueService, cli, sleep } from '../lib/queue.mjs';

const TURN_SECRET = 'turn-secret-for-tests-0123456789';
const TURN_URIS = ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349?transport=tcp'];
const STUN_URIS = ['stun:turn.example.org:3478'];
const PER_MINUTE = 30;   // api/routes_ice.c ICE_PER_MINUTE

let stack;
const extra = [];

before(async () => {
  stack = await startStack({});   // no TURN, no proxies
});

after(async () => {
  for (const s of extra) await s.stop();
  await stack?.stop();
});

async function service(env) {
  const s = await new QueueService(stack.url, env).start();
  extra.push(s);
  return s;
}

/** The rate-limit window is the wall-clock minute: start a burst early enough in one. */
async function freshWindow(needS = 15) {
  const s = new Date().getUTCSeconds();
  if (s > 60 - needS) await sleep((61 - s) * 1000);
}

const ice = (svc, xff) => svc.http('GET', '/api/v1/ice-servers', { headers: xff ? { 'x-forwarded-for': xff } : {} });

/** Spends the whole per-minute budget of the address the service sees for `xff`. */
async function exhaust(svc, xff) {
  for (let i = 0; i < PER_MINUTE; i++) {
    const r = await ice(svc, xff);
    assert.equal(r.status, 200, `request ${i + 1} of ${PER_MINUTE} allowed`);
  }
  const r = await ice(svc, xff);
  assert.equal(r.status, 429, 'one over the budget is refused');
  assert.equal(r.body.error.code, 'rate_limited');
  const ra = Number(r.headers.get('retry-after'));
  assert.ok(ra >= 1 && ra <= 60, `Retry-After ${ra}`);
}

test('without TURN configuration the list is empty', async () => {
  const r = await ice(stack.svc);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { ice_servers: [], ttl_s: 0 });
  assert.equal(r.headers.get('cache-control'), 'no-store');
});

test('only STUN configured: the STUN entry without credentials', async () => {
  const svc = await service({ BB_STUN_URIS: STUN_URIS.join(',') });
  const r = await ice(svc);
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { ice_servers: [{ urls: STUN_URIS }], ttl_s: 0 });
  await svc.stop();
});

test('TURN credentials match an independent HMAC-SHA1 and expire after ttl_s', async () => {
  const ttl = 600;
  const svc = await service({
    BB_TURN_URIS: ` ${TURN_URIS[0]} , ${TURN_URIS[1]},`, BB_STUN_URIS: STUN_URIS.join(','),
    BB_TURN_SECRET: TURN_SECRET, BB_TURN_TTL_S: String(ttl),
  });
  const before = Math.floor(Date.now() / 1000);
  const r = await ice(svc);
  const afterS = Math.ceil(Date.now() / 1000);
  assert.equal(r.status, 200);
  assert.equal(r.body.ttl_s, ttl);
  assert.equal(r.body.ice_servers.length, 2);
  const [turn, stun] = r.body.ice_servers;
  assert.deepEqual(turn.urls, TURN_URIS);
  assert.deepEqual(stun, { urls: STUN_URIS });
  const m = /^(\d+):bb$/.exec(turn.username);
  assert.ok(m, `username ${turn.username} is <expiry>:bb`);
  const expiry = Number(m[1]);
  assert.ok(expiry >= before + ttl && expiry <= afterS + ttl, `expiry ${expiry} ≈ now + ${ttl}`);
  const expected = crypto.createHmac('sha1', TURN_SECRET).update(turn.username).digest('base64');
  assert.equal(turn.credential, expected);
  await svc.stop();
  assert.ok(!svc.log.includes(TURN_SECRET), 'the TURN secret never appears in the log');
});

test('TURN configuration mistakes stop the service at start, without echoing the secret', () => {
  const cases = [
    [{ BB_TURN_URIS: TURN_URIS[0] }, /turn_uris and turn_secret must be set together/],
    [{ BB_TURN_SECRET: TURN_SECRET }, /turn_uris and turn_secret must be set together/],
    [{ BB_TURN_URIS: 'http://turn.example.org', BB_TURN_SECRET: TURN_SECRET }, /turn_uris: .*no valid URI/],
    [{ BB_TURN_URIS: TURN_URIS[0], BB_TURN_SECRET: 'short' }, /turn_secret must have/],
    [{ BB_STUN_URIS: 'stun:"x"' }, /stun_uris: .*no valid URI/],
    [{ BB_TURN_TTL_S: '5' }, /turn_ttl_s must be an integer/],
    [{ BB_TRUSTED_PROXIES: '127.0.0.1,nginx' }, /trusted_proxies: 'nginx'/],
    [{ BB_TRUSTED_PROXIES: '10.0.0.0/33' }, /trusted_proxies: '10.0.0.0\/33'/],
  ];
  for (const [env, pattern] of cases) {
    const r = cli(stack.url, ['office', 'list'], { env });
    assert.equal(r.status, 2, `${JSON.stringify(env)} refused: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.ok(!r.stderr.includes(TURN_SECRET), 'no secret in the error');
  }
  const ok = cli(stack.url, ['office', 'list'], { env: { BB_TRUSTED_PROXIES: ' 10.0.0.0/8, ::1 ,fd00::/8,' } });
  assert.equal(ok.status, 0, ok.stderr);
});

test('behind a trusted proxy the client address comes from X-Forwarded-For', async () => {
  const svc = await service({ BB_TRUSTED_PROXIES: '192.0.2.0/24,127.0.0.1' });
  await freshWindow();
  await exhaust(svc, '203.0.113.7');
  // Another client behind the same proxy has its own bucket; so has the proxy itself.
  assert.equal((await ice(svc, '203.0.113.8')).status, 200);
  assert.equal((await ice(svc)).status, 200);
  // Right-most untrusted entry counts: trusted hops are skipped, a forged left part is ignored.
  assert.equal((await ice(svc, '203.0.113.7, 127.0.0.1')).status, 429);
  assert.equal((await ice(svc, '198.51.100.1, 203.0.113.7')).status, 429);
  assert.equal((await ice(svc, '203.0.113.7, 192.0.2.44,127.0.0.1')).status, 429);
  // An untrusted loopback address in the chain is the client (not skipped).
  assert.equal((await ice(svc, '203.0.113.7, 127.0.0.5')).status, 200);
  // Garbage stops the walk at the last trusted hop: the proxy's own bucket, not .7's.
  assert.equal((await ice(svc, '203.0.113.7, not-an-ip')).status, 200);
  await svc.stop();
});

test('X-Forwarded-For from an untrusted peer is ignored', async () => {
  const svc = await service({ BB_TRUSTED_PROXIES: '192.0.2.0/24' });   // loopback not trusted
  await freshWindow();
  await exhaust(svc, '203.0.113.7');
  // Every request counts for the TCP peer 127.0.0.1, whatever the header claims.
  assert.equal((await ice(svc, '203.0.113.8')).status, 429);
  assert.equal((await ice(svc)).status, 429);
  await svc.stop();
});

test('without trusted_proxies the header is ignored as well', async () => {
  const svc = await service({});
  await freshWindow();
  await exhaust(svc, '203.0.113.20');
  assert.equal((await ice(svc, '203.0.113.21')).status, 429);
  await svc.stop();
});
