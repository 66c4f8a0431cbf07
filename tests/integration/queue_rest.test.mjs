// queue_rest.test.mjs: public REST API (offices, derived status, client configuration, healthz,
// metrics, HEAD on every GET route), the live WebSocket (snapshot + coalesced updates), clerk
// login/logout/me and login rate limiting.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { startStack, clerkOnline, waitOffice, sleep, cli, QueueService } from '../lib/queue.mjs';

let stack, svc, plugin;

// A weekday that is not today (UTC), so an office open only then is closed now.
const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const otherDay = days[(new Date().getUTCDay() + 3) % 7];

before(async () => {
  stack = await startStack({
    offices: [
      { id: 'kfz', prefix: 'KFZ', capacity: 3 },
      { id: 'bau', prefix: 'BAU', hours: `${otherDay} 08:00-12:00`, timezone: 'UTC' },
      { id: 'fs', prefix: 'FS' },
    ],
    clerks: [{ login: 'mueller', offices: ['kfz', 'bau'] }, { login: 'kurz', offices: ['fs'] }],
    env: { BB_PRESENCE_TIMEOUT_S: '3', BB_STATIC_DIR: path.join(import.meta.dirname, '../../web-client') },
  });
  svc = stack.svc;
  plugin = await svc.internal('janus-rest');
});

after(async () => {
  await plugin?.close();
  await stack?.stop();
});

test('office list and detail have the documented shape', async () => {
  const r = await svc.http('GET', '/api/v1/offices');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.offices.map((o) => o.id), ['bau', 'fs', 'kfz']);
  const kfz = r.body.offices.find((o) => o.id === 'kfz');
  assert.deepEqual(Object.keys(kfz).sort(), ['closed_reason', 'closure', 'description', 'hours_today', 'id', 'name',
    'next_opening', 'sort_order', 'status', 'timezone', 'wait_estimate', 'waiting'].sort());
  assert.equal(kfz.closure, null);
  assert.equal(kfz.sort_order, 0);
  assert.deepEqual(kfz.name, { de: 'Amt kfz', en: 'Office kfz' });
  assert.deepEqual(kfz.hours_today, [{ open: '00:00', close: '24:00' }]);
  assert.equal(kfz.status, 'closed', 'no clerk online yet');
  assert.equal(kfz.closed_reason, 'no_clerk', 'within hours, nobody online');
  assert.equal(kfz.next_opening, null);
  const one = await svc.http('GET', '/api/v1/offices/bau');
  assert.equal(one.status, 200);
  assert.equal(one.body.status, 'closed');
  assert.equal(one.body.closed_reason, 'hours');
  assert.deepEqual(one.body.hours_today, []);
  assert.match(one.body.next_opening, /^\d{4}-\d\d-\d\dT08:00:00Z$/);
  const missing = await svc.http('GET', '/api/v1/offices/nope');
  assert.equal(missing.status, 404);
  assert.equal(missing.body.error.code, 'not_found');
});

test('status derivation live: closed -> open -> busy -> full -> closed', async () => {
  const live = await svc.live();
  const snap = await live.waitFor((m) => m.type === 'snapshot');
  assert.equal(snap.offices.length, 3);
  const token = await clerkOnline(svc, plugin, 'mueller', stack.passwords.mueller);
  await waitOffice(svc, 'kfz', (o) => o.status === 'open');
  const opened = await live.waitFor((m) => m.type === 'office' && m.office.id === 'kfz' && m.office.status === 'open');
  assert.equal(opened.office.closed_reason, null, 'a clerk online: not closed, no reason');
  // bau stays closed: outside its hours although the clerk is online
  const bau = (await svc.http('GET', '/api/v1/offices/bau')).body;
  assert.equal(bau.status, 'closed');
  assert.equal(bau.closed_reason, 'hours');
  const closed = await plugin.request('join', { office: 'bau' });
  assert.equal(closed.error.code, 'closed');
  assert.match(closed.error.next_opening, /T08:00:00Z$/);

  await plugin.call('presence', { session: token, state: 'paused' });
  await waitOffice(svc, 'kfz', (o) => o.status === 'busy');
  await plugin.call('presence', { session: token, state: 'available' });
  await waitOffice(svc, 'kfz', (o) => o.status === 'open');

  // a burst of joins: live updates in order, ending with waiting = 3 and full
  live.messages.clear();
  const t0 = Date.now();
  const joins = await Promise.all([1, 2, 3].map(() => plugin.call('join', { office: 'kfz' })));
  const full = await live.waitFor((m) => m.type === 'office' && m.office.id === 'kfz' && m.office.status === 'full');
  assert.equal(full.office.waiting, 3);
  // How many updates a burst becomes depends on timing (coalescing is measured in tests/bench);
  // what must hold: the updates arrive in order, the waiting count never goes back.
  const kfzUpdates = live.messages.items.filter((m) => m.type === 'office' && m.office.id === 'kfz' && m.at >= t0);
  const counts = kfzUpdates.map((m) => m.office.waiting);
  assert.deepEqual(counts, [...counts].sort((x, y) => x - y), `waiting counts in order: ${counts}`);
  const refused = await plugin.request('join', { office: 'kfz' });
  assert.equal(refused.error.code, 'full');
  for (const j of joins) await plugin.call('leave', { ticket: j.ticket.id });
  await waitOffice(svc, 'kfz', (o) => o.status === 'open' && o.waiting === 0);

  // presence times out without heartbeat (3 s here) -> closed
  await waitOffice(svc, 'kfz', (o) => o.status === 'closed', 12000);
  await live.waitFor((m) => m.type === 'office' && m.office.id === 'kfz' && m.office.status === 'closed');
  await live.close();
});

test('heartbeat keeps a clerk online', async () => {
  const token = await clerkOnline(svc, plugin, 'kurz', stack.passwords.kurz);
  await waitOffice(svc, 'fs', (o) => o.status === 'open');
  for (let i = 0; i < 8; i++) {
    await plugin.call('heartbeat', { sessions: [token] });
    await sleep(700);
  }
  assert.equal((await svc.http('GET', '/api/v1/offices/fs')).body.status, 'open');
});

test('wait estimate appears after enough consultations', async () => {
  const token = await clerkOnline(svc, plugin, 'kurz', stack.passwords.kurz);
  for (let i = 0; i < 3; i++) {
    const t = await plugin.call('join', { office: 'fs' });
    await plugin.call('call_next', { session: token });
    await plugin.call('accept', { ticket: t.ticket.id });
    await sleep(1100);   // durations are whole seconds; 0 s is not a plausible consultation
    await plugin.call('finish', { session: token, ticket: t.ticket.id, outcome: 'served' });
    await plugin.call('heartbeat', { sessions: [token] });
  }
  await plugin.call('presence', { session: token, state: 'available' });
  const o = await waitOffice(svc, 'fs', (x) => x.wait_estimate !== null, 2500);
  assert.equal(typeof o.wait_estimate.min_s, 'number');
  assert.ok(o.wait_estimate.max_s >= o.wait_estimate.min_s);
});

test('clerk login, me, logout', async () => {
  const bad = await svc.http('POST', '/api/v1/clerk/login', { body: { login: 'mueller', password: 'wrong-password' } });
  assert.equal(bad.status, 401);
  assert.equal(bad.body.error.code, 'unauthorized');
  const unknown = await svc.http('POST', '/api/v1/clerk/login', { body: { login: 'nobody', password: 'wrong-password' } });
  assert.deepEqual(unknown.body, bad.body, 'same answer for unknown login and wrong password');
  const ok = await svc.http('POST', '/api/v1/clerk/login', { body: { login: 'mueller', password: stack.passwords.mueller } });
  assert.equal(ok.status, 200);
  assert.equal(ok.body.token.length, 43);
  assert.equal(ok.body.clerk.login, 'mueller');
  assert.match(ok.body.expires_at, /Z$/);
  const auth = { authorization: `Bearer ${ok.body.token}` };
  const me = await svc.http('GET', '/api/v1/clerk/me', { headers: auth });
  assert.deepEqual(me.body.clerk.offices, ['bau', 'kfz']);
  const out = await svc.http('POST', '/api/v1/clerk/logout', { headers: auth });
  assert.equal(out.status, 204);
  const after_ = await svc.http('GET', '/api/v1/clerk/me', { headers: auth });
  assert.equal(after_.status, 401);
  const noAuth = await svc.http('GET', '/api/v1/clerk/me');
  assert.equal(noAuth.status, 401);
});

test('login guessing is rate limited per login with Retry-After', async () => {
  let limited;
  for (let i = 0; i < 8 && !limited; i++) {
    const r = await svc.http('POST', '/api/v1/clerk/login', { body: { login: 'kurz', password: `guess-${i}` } });
    if (r.status === 429) limited = r;
    else assert.equal(r.status, 401);
  }
  assert.ok(limited, 'a 429 after repeated failures');
  assert.equal(limited.body.error.code, 'rate_limited');
  const wait = Number(limited.headers.get('retry-after'));
  assert.ok(wait >= 1);
  // from this address the right password waits as well (Retry-After is rounded up, so a slow
  // machine may ask only once the block is over: then it gets in); after the wait it gets in
  const right = await svc.http('POST', '/api/v1/clerk/login', { body: { login: 'kurz', password: stack.passwords.kurz } });
  assert.ok([200, 429].includes(right.status), `right password while blocked: ${right.status}`);
  await sleep(wait * 1000);
  const later = await svc.http('POST', '/api/v1/clerk/login', { body: { login: 'kurz', password: stack.passwords.kurz } });
  assert.equal(later.status, 200, 'the right password after the wait');
});

test('healthz and metrics', async () => {
  const h = await svc.http('GET', '/healthz');
  assert.equal(h.status, 200);
  assert.deepEqual(h.body, { status: 'ok' });
  const m = await svc.http('GET', '/metrics');
  assert.equal(m.status, 200);
  assert.match(m.body, /^bb_tickets\{state="done"\} \d+$/m);
  assert.match(m.body, /^bb_tickets_created_total \d+$/m);
  assert.match(m.body, /^bb_calls_total [1-9]\d*$/m);
  assert.match(m.body, /^bb_http_requests_total\{code="200"\} \d+$/m);
  assert.match(m.body, /^bb_ws_connections\{kind="internal"\} 1$/m);
  assert.match(m.body, /^bb_db_errors_total \d+$/m);
});

test('security headers on every answer, static files included (no nginx in front)', async () => {
  for (const p of ['/api/v1/offices', '/nope', '/', '/console/', '/widget/bb-widget.js']) {
    const r = await svc.http('GET', p);
    const csp = r.headers.get('content-security-policy');
    assert.ok(csp, `${p}: a Content-Security-Policy`);
    assert.ok(!csp.includes(','), `${p}: one policy, not two`);
    assert.match(csp, /frame-ancestors 'none'/, p);
    assert.match(csp, /script-src 'self';/, p);
    assert.equal(r.headers.get('x-frame-options'), 'DENY', p);
    assert.equal(r.headers.get('x-content-type-options'), 'nosniff', p);
  }
});

test('client configuration: where Janus is, public and cacheable for a minute', async () => {
  const r = await svc.http('GET', '/api/v1/config');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { janus_url: '/janus' }, 'default: /janus on the API\'s own origin');
  assert.equal(r.headers.get('cache-control'), 'public, max-age=60');
  // other answers stay uncacheable
  assert.equal((await svc.http('GET', '/api/v1/offices')).headers.get('cache-control'), 'no-store');
  // an absolute URL is handed out as configured; anything else stops `serve` with a message
  const other = await new QueueService(stack.url, { BB_JANUS_URL: 'wss://janus.example.org:8989/janus' }).start();
  try {
    assert.deepEqual((await other.http('GET', '/api/v1/config')).body, { janus_url: 'wss://janus.example.org:8989/janus' });
    for (const bad of ['http://x/janus', '//evil.example/janus', 'janus', 'ws://', 'ws:// x', '']) {
      const run = cli(stack.url, ['serve'], { env: { BB_JANUS_URL: bad, BB_HTTP_PORT: '1', BB_INTERNAL_PORT: '2' } });
      assert.equal(run.status, 2, `refused: ${JSON.stringify(bad)}`);
      assert.match(run.stderr, /janus_url \(BB_JANUS_URL\)/);
    }
    const run = cli(stack.url, ['serve'], { env: { BB_CHECKIN_URL: 'javascript:alert(1)', BB_HTTP_PORT: '1', BB_INTERNAL_PORT: '2' } });
    assert.equal(run.status, 2);
    assert.match(run.stderr, /checkin_url \(BB_CHECKIN_URL\)/);
  } finally {
    await other.stop();
  }
});

/** Sends raw HTTP/1.1 requests pipelined on one connection; resolves everything the server sent
 * once `expect` responses have arrived (or the connection closed). */
function pipelined(port, requests, expect) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let out = Buffer.alloc(0);
    const done = () => { s.destroy(); resolve(out.toString('latin1')); };
    s.on('connect', () => s.write(requests.join('')));
    s.on('data', (d) => {
      out = Buffer.concat([out, d]);
      const text = out.toString('latin1');
      const last = text.lastIndexOf('HTTP/1.1 ');
      if ((text.match(/^HTTP\/1\.1 /gm) || []).length >= expect) {
        const head = text.indexOf('\r\n\r\n', last);
        const len = Number((/content-length: *(\d+)/i.exec(text.slice(last, head)) || [])[1] || 0);
        if (head >= 0 && out.length >= head + 4 + len) done();
      }
    });
    s.on('close', () => resolve(out.toString('latin1')));
    s.on('error', reject);
  });
}

test('HEAD answers on every GET route with GET\'s status and headers and no body', async () => {
  // The guessing test before may still block logins from this address: wait as told.
  let login;
  for (;;) {
    login = await svc.http('POST', '/api/v1/clerk/login', { body: { login: 'mueller', password: stack.passwords.mueller } });
    if (login.status !== 429) break;
    await sleep(1000 * Number(login.headers.get('retry-after')));
  }
  assert.equal(login.status, 200);
  const token = login.body.token;
  const auth = { authorization: `Bearer ${token}` };
  const routes = [
    ['/api/v1/offices'], ['/api/v1/offices/kfz'], ['/api/v1/offices/kfz/slots'], ['/api/v1/config'],
    ['/healthz'], ['/metrics'], ['/api/v1/ice-servers'], ['/api/v1/clerk/me', auth], ['/api/v1/clerk/me'],
    ['/api/v1/admin/stats?from=2026-01-01&to=2026-01-31', auth], ['/api/v1/appointments/AAAA-AAAA'],
    ['/api/v1/offices/nope'],
  ];
  for (const [p, headers = {}] of routes) {
    const get = await fetch(svc.base + p, { headers });
    const getBody = await get.text();
    const head = await fetch(svc.base + p, { method: 'HEAD', headers });
    assert.equal(head.status, get.status, `HEAD ${p}`);
    assert.notEqual(head.status, 405, `HEAD ${p}`);
    assert.equal(head.headers.get('content-type'), get.headers.get('content-type'), `HEAD ${p}: content-type`);
    assert.equal(head.headers.get('cache-control'), get.headers.get('cache-control'), `HEAD ${p}: cache-control`);
    assert.equal(await head.text(), '', `HEAD ${p}: no body`);
    if (p === '/api/v1/config') assert.equal(Number(head.headers.get('content-length')), Buffer.byteLength(getBody));
  }
  // On one kept-alive connection the next response follows the HEAD's headers directly: not a
  // byte of body in between (a body would be read as the start of the next response).
  const raw = await pipelined(svc.httpPort, ['HEAD /api/v1/config HTTP/1.1\r\nHost: x\r\n\r\n',
    'GET /api/v1/config HTTP/1.1\r\nHost: x\r\n\r\n'], 2);
  const first = raw.indexOf('\r\n\r\n');
  assert.match(raw.slice(0, first), /^HTTP\/1\.1 200 .*\r\n[^]*content-length: *[1-9]\d*/i);
  assert.match(raw.slice(first + 4), /^HTTP\/1\.1 200 /, `second response right after the HEAD's headers: ${JSON.stringify(raw)}`);
  assert.ok(raw.endsWith('{"janus_url":"/janus"}'), raw);
  // methods other than GET and HEAD are still refused on GET routes
  assert.equal((await svc.http('PUT', '/api/v1/config')).status, 405);
});
