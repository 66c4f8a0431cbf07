// join_permits.test.mjs: an anonymous script cannot fill a waiting room or guess appointment codes.
// Join permits (POST /api/v1/offices/{id}/join-permit): issued at a rate per client address (an
// IPv6 /64), one-time, bound to one office; a join for a new ticket needs one. Appointment codes:
// one budget per client address shared by REST look-ups and check-ins, one per office for
// check-ins, one for all REST look-ups; unknown and malformed codes get one answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, clerkOnline, waitOffice } from '../lib/queue.mjs';

const BURST = 4;   // permits per address at once in this test (the default is 10)
let stack, svc, plugin;

const from = (addr) => ({ 'X-Forwarded-For': addr });
const permit = (office, addr) => svc.http('POST', `/api/v1/offices/${office}/join-permit`, { headers: from(addr) });

before(async () => {
  stack = await startStack({
    offices: [{ id: 'kfz', prefix: 'KFZ', capacity: 100 }, { id: 'fs', prefix: 'FS' }],
    clerks: [{ login: 'mueller', offices: ['kfz', 'fs'] }],
    env: { BB_PERMIT_BURST: String(BURST), BB_PERMIT_REFILL_S: '3600', BB_TRUSTED_PROXIES: '127.0.0.1',
      BB_BOOKING_BURST: String(BURST), BB_BOOKING_REFILL_S: '3600' },
  });
  svc = stack.svc;
  plugin = await svc.internal('janus-permits');
  plugin.permitFor = null;   // this test hands out every permit itself
  await clerkOnline(svc, plugin, 'mueller', stack.passwords.mueller);
  for (const id of ['kfz', 'fs']) await waitOffice(svc, id, (o) => o.status === 'open');
  stack.pg.psql(`INSERT INTO appointment_policy (office_id, slot_min, capacity, horizon_days, lead_s, share_permille)
                 VALUES ('fs', 20, 100, 366, 0, 1000)`, 'bb');
});

after(async () => {
  await plugin?.close();
  await stack?.stop();
});

test('permits per address: a burst, then 429 with Retry-After; IPv6 counted per /64', async () => {
  for (let i = 0; i < BURST; i++) {
    const r = await permit('kfz', '203.0.113.5');
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.match(r.body.permit, /^1\./);
    assert.ok(r.body.expires_in_s > 0);
  }
  const over = await permit('kfz', '203.0.113.5');
  assert.equal(over.status, 429);
  assert.equal(over.body.error.code, 'rate_limited');
  assert.ok(Number(over.headers.get('retry-after')) > 0);
  assert.ok(over.body.error.retry_after_s > 0);
  // another address is not affected, nor another office's permits from it
  assert.equal((await permit('fs', '203.0.113.6')).status, 201);
  // one /64: any address inside it shares the bucket; the next /64 does not
  for (let i = 0; i < BURST; i++) assert.equal((await permit('kfz', `2001:db8:1:2::${i + 1}`)).status, 201);
  assert.equal((await permit('kfz', '2001:db8:1:2:ffff:ffff:ffff:ffff')).status, 429);
  assert.equal((await permit('kfz', '2001:db8:1:3::1')).status, 201);
  assert.equal((await permit('no-such-office', '203.0.113.7')).status, 404);
});

test('bookings per address: a burst (refused attempts count too), then 429; others still book', async () => {
  const slots = (await svc.http('GET', '/api/v1/offices/fs/slots?from=2027-02-01&days=1')).body.slots;
  const book = (addr, body) => svc.http('POST', '/api/v1/appointments',
    { headers: from(addr), body: { office: 'fs', start: slots[0].start, name: 'Erika', ...body } });
  assert.equal((await book('203.0.113.20', { name: '' })).status, 400, 'a refused booking');
  for (let i = 1; i < BURST; i++) assert.equal((await book('203.0.113.20', {})).status, 201);
  const over = await book('203.0.113.20', {});
  assert.equal(over.status, 429);
  assert.equal(over.body.error.code, 'rate_limited');
  assert.ok(Number(over.headers.get('retry-after')) > 0);
  assert.equal((await book('203.0.113.21', {})).status, 201, 'another address books');
  assert.equal(stack.pg.psql("SELECT count(*) FROM appointment WHERE office_id = 'fs'", 'bb'), String(BURST));
});

test('a new ticket needs a fresh permit of its office, used once; resuming needs none', async () => {
  const none = await plugin.request('join', { office: 'kfz' });
  assert.equal(none.error.code, 'permit_required');
  const p = (await permit('kfz', '198.51.100.1')).body.permit;
  const ok = await plugin.request('join', { office: 'kfz', name: 'Erika', permit: p });
  assert.ok(ok.ok, JSON.stringify(ok));
  const again = await plugin.request('join', { office: 'kfz', permit: p });
  assert.equal(again.error.code, 'permit_required', 'a permit works once');
  const q = (await permit('fs', '198.51.100.1')).body.permit;
  assert.equal((await plugin.request('join', { office: 'kfz', permit: q })).error.code, 'permit_required',
    'a permit of another office');
  const forged = q.replace(/\.[0-9a-f]{64}$/, '.' + '0'.repeat(64));
  assert.equal((await plugin.request('join', { office: 'fs', permit: forged })).error.code, 'permit_required');
  const changed = q.replace(/^1\.(\d+)\./, (m, t) => `1.${Number(t) + 3600}.`);
  assert.equal((await plugin.request('join', { office: 'fs', permit: changed })).error.code, 'permit_required',
    'the signature covers the expiry');
  const resumed = await plugin.request('join', { office: 'kfz', resume_token: ok.resume_token });
  assert.ok(resumed.ok, JSON.stringify(resumed));
  await plugin.call('leave', { ticket: ok.ticket.id });
});

test('a flooding client gets a handful of tickets; citizens from other addresses all join', async () => {
  const flooder = '192.0.2.66';
  const got = [];
  for (let i = 0; i < 50; i++) {
    const r = await permit('kfz', flooder);
    if (r.status === 201) got.push(r.body.permit);
    else assert.equal(r.status, 429);
  }
  assert.equal(got.length, BURST, 'the flooder got its burst and no more');
  const flooded = await Promise.all(got.map((p) => plugin.request('join', { office: 'kfz', permit: p })));
  assert.ok(flooded.every((r) => r.ok));
  // permits cannot be replayed to draw more tickets
  const replays = await Promise.all(got.map((p) => plugin.request('join', { office: 'kfz', permit: p })));
  assert.ok(replays.every((r) => r.error?.code === 'permit_required'));
  // 30 citizens behind their own addresses
  const citizens = await Promise.all(Array.from({ length: 30 }, async (_, i) => {
    const p = await permit('kfz', `10.${i}.0.1`);
    assert.equal(p.status, 201);
    return plugin.request('join', { office: 'kfz', name: `Bürger ${i}`, permit: p.body.permit });
  }));
  assert.ok(citizens.every((r) => r.ok), JSON.stringify(citizens.find((r) => !r.ok)));
  const office = (await svc.http('GET', '/api/v1/offices/kfz')).body;
  assert.equal(office.status, 'open');
  for (const r of [...flooded, ...citizens]) await plugin.call('leave', { ticket: r.ticket.id });
});

test('guessing appointment codes: one budget per address for REST and check-in, one answer for unknown and malformed', async () => {
  const guesser = '192.0.2.99';
  const codes = ['ABCD-EFGH', 'abcd', 'ZZZZ-ZZZZ', '!!!!', 'KKKK-2222', 'QQQQ-QQQQ', '2345-6789', 'x', 'WXYZ-WXYZ', 'MNPQ-RSTU'];
  const rest = [];
  for (const c of codes.slice(0, 6)) rest.push(await svc.http('GET', `/api/v1/appointments/${encodeURIComponent(c)}`, { headers: from(guesser) }));
  for (const r of rest) {
    assert.equal(r.status, 404, JSON.stringify(r.body));
    assert.equal(r.body.error.code, 'not_found');
    assert.equal(r.body.error.message, rest[0].body.error.message, 'malformed and unknown codes look the same');
  }
  // the rest of the same budget goes on check-ins through Janus (permits issued to the same address)
  const checkins = [];
  for (const c of codes.slice(6)) {
    const p = (await svc.http('POST', '/api/v1/offices/fs/join-permit', { headers: from(guesser) })).body.permit;
    checkins.push(await plugin.request('join', { office: 'fs', appointment: c, permit: p }));
  }
  for (const r of checkins) {
    assert.equal(r.error.code, 'invalid_code', JSON.stringify(r));
    assert.equal(r.error.message, checkins[0].error.message);
  }
  // ten failures in all: the eleventh guess is refused before any look-up, on either path
  const blocked = await svc.http('GET', '/api/v1/appointments/ABCD-EFGH', { headers: from(guesser) });
  assert.equal(blocked.status, 429);
  assert.ok(Number(blocked.headers.get('retry-after')) > 0);
  const p = (await permit('kfz', '192.0.2.100')).body.permit;
  assert.ok(p, 'another address still gets permits');
});

test('check-in guesses from many addresses hit the office budget', async () => {
  // 100 failed check-ins per office and 15 minutes, however many addresses: 27 addresses x 4 permits
  const ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
  const code = (n) => Array.from({ length: 8 }, (_, k) => ALPHABET[(n * 7 + k * 13) % 32]).join('');
  let refused = 0, answered = 0, n = 0;
  for (let a = 0; a < 27; a++) {
    for (let i = 0; i < BURST; i++) {
      const pr = await permit('kfz', `172.16.${a}.1`);
      assert.equal(pr.status, 201);
      const r = await plugin.request('join', { office: 'kfz', appointment: code(n++), permit: pr.body.permit });
      if (r.error?.code === 'rate_limited') refused++;
      else if (r.error?.code === 'invalid_code') answered++;
      else assert.fail(JSON.stringify(r));
    }
  }
  assert.equal(answered, 100, 'the office budget was answered, no more');
  assert.equal(refused, 27 * BURST - 100);
  // walk-ins of that office are not affected
  const w = await plugin.request('join', { office: 'kfz', permit: (await permit('kfz', '172.31.0.1')).body.permit });
  assert.ok(w.ok, JSON.stringify(w));
  await plugin.call('leave', { ticket: w.ticket.id });
});
