// queue_overview.test.mjs: the supervisors' live overview (GET /api/v1/admin/overview) and the
// per-office gauges of /metrics, on real tickets driven through the internal API: every field
// after joins, presence changes, calls, a consultation and a no-show; "today" in the office's own
// time zone; who may see it; the metrics text checked by promtool.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startStack, clerkOnline, sleep, waitOffice } from '../lib/queue.mjs';

let stack, svc, plugin, tokens;

const q = (sql) => stack.pg.psql(sql, 'bb').trim();
const overview = (token) => svc.http('GET', '/api/v1/admin/overview',
  { headers: token ? { authorization: `Bearer ${token}` } : {} });

/** The office's entry as the supervisor sees it now. */
async function office(id) {
  const r = await overview(tokens.aufsicht);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.offices.find((o) => o.id === id);
}

/** The fields of an office entry this test follows (the rest is the public view). */
const facts = (o) => ({ status: o.status, waiting: o.waiting, clerks: o.clerks,
  consultations: o.today.consultations, no_shows: o.today.no_shows, someone_waits: o.longest_wait_s !== null });

/** Polls until the office's facts are `want`: the cache follows each change through the sync
 * layer, a moment after the operation has answered. */
async function expectFacts(id, want, what) {
  const until = Date.now() + 15000;
  let last;
  for (;;) {
    last = facts(await office(id));
    try {
      assert.deepEqual(last, want);
      return;
    } catch (e) {
      if (Date.now() > until) throw new Error(`${what}: ${e.message}`);
    }
    await sleep(100);
  }
}

before(async () => {
  stack = await startStack({
    // fs lives in UTC+14, so its local day starts at another instant than kfz's
    offices: [{ id: 'kfz', prefix: 'KFZ' }, { id: 'fs', prefix: 'FS', timezone: 'Pacific/Kiritimati' },
      { id: 'bau', prefix: 'BAU' }],
    clerks: [{ login: 'mueller', offices: ['kfz', 'fs'] }, { login: 'kurz', offices: ['kfz'] },
      { login: 'schmidt', offices: ['bau'] }, { login: 'aufsicht', role: 'supervisor' },
      { login: 'chefin', role: 'admin' }],
  });
  svc = stack.svc;
  plugin = await svc.internal('janus-overview');
  tokens = {
    mueller: await svc.login('mueller', stack.passwords.mueller),
    kurz: await svc.login('kurz', stack.passwords.kurz),
    schmidt: await svc.login('schmidt', stack.passwords.schmidt),
    aufsicht: await svc.login('aufsicht', stack.passwords.aufsicht),
    chefin: await svc.login('chefin', stack.passwords.chefin),
  };
});

after(async () => {
  await plugin?.close();
  await stack?.stop();
});

test('supervisors and admins see every office; clerks 403, no or a bad token 401', async () => {
  const sup = await overview(tokens.aufsicht);
  assert.equal(sup.status, 200);
  assert.deepEqual(sup.body.offices.map((o) => o.id), ['bau', 'fs', 'kfz'], 'every office, by id, without serving one');
  assert.match(sup.body.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const adm = await overview(tokens.chefin);
  assert.equal(adm.status, 200);
  assert.deepEqual(adm.body.offices.map((o) => o.id), ['bau', 'fs', 'kfz']);
  for (const login of ['mueller', 'schmidt']) {
    const r = await overview(tokens[login]);
    assert.equal(r.status, 403, login);
    assert.equal(r.body.error.code, 'forbidden');
  }
  assert.equal((await overview()).status, 401);
  assert.equal((await overview('x'.repeat(43))).status, 401);
  assert.equal((await svc.http('POST', '/api/v1/admin/overview', { headers: { authorization: `Bearer ${tokens.chefin}` } })).status, 405);
  const head = await svc.http('HEAD', '/api/v1/admin/overview', { headers: { authorization: `Bearer ${tokens.chefin}` } });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('cache-control'), 'no-store');
});

test('an office nobody serves: closed for lack of a clerk, everything zero, the public view included', async () => {
  const bau = await office('bau');
  const pub = (await svc.http('GET', '/api/v1/offices/bau')).body;
  for (const k of Object.keys(pub)) assert.deepEqual(bau[k], pub[k], `public field ${k}`);
  assert.equal(bau.status, 'closed');
  assert.equal(bau.closed_reason, 'no_clerk');
  assert.deepEqual(facts(bau), { status: 'closed', waiting: 0, clerks: { available: 0, busy: 0, paused: 0 },
    consultations: 0, no_shows: 0, someone_waits: false });
  assert.equal(bau.waiting_since, null);
  const today = q(`SELECT to_char((now() AT TIME ZONE 'Europe/Berlin')::date, 'YYYY-MM-DD')`);
  assert.equal(bau.today.date, today);
  const kiritimati = q(`SELECT to_char((now() AT TIME ZONE 'Pacific/Kiritimati')::date, 'YYYY-MM-DD')`);
  assert.equal((await office('fs')).today.date, kiritimati, 'fs counts its own local day');
});

test('every field follows joins, presence, calls, a consultation and a no-show', async () => {
  tokens.mueller = await clerkOnline(svc, plugin, 'mueller', stack.passwords.mueller);
  tokens.kurz = await clerkOnline(svc, plugin, 'kurz', stack.passwords.kurz);
  await expectFacts('kfz', { status: 'open', waiting: 0, clerks: { available: 2, busy: 0, paused: 0 },
    consultations: 0, no_shows: 0, someone_waits: false }, 'two clerks online');
  await plugin.call('presence', { session: tokens.kurz, state: 'paused' });
  await expectFacts('kfz', { status: 'open', waiting: 0, clerks: { available: 1, busy: 0, paused: 1 },
    consultations: 0, no_shows: 0, someone_waits: false }, 'one paused');

  const joined = [];
  for (let i = 0; i < 3; i++) joined.push((await plugin.call('join', { office: 'kfz', name: 'Erika' })).ticket.id);
  await plugin.call('join', { office: 'fs' });
  await expectFacts('kfz', { status: 'open', waiting: 3, clerks: { available: 1, busy: 0, paused: 1 },
    consultations: 0, no_shows: 0, someone_waits: true }, 'three joined kfz');
  await expectFacts('fs', { status: 'open', waiting: 1, clerks: { available: 1, busy: 0, paused: 0 },
    consultations: 0, no_shows: 0, someone_waits: true }, 'one joined fs');

  // The oldest waiting ticket decides the longest wait: pin its arrival 10 minutes back.
  const pinned = Number(q(`UPDATE ticket SET arrived_at = date_trunc('second', now()) - interval '600 s'
    WHERE id = ${joined[0]} RETURNING floor(extract(epoch FROM arrived_at))`));
  const pinnedAt = Date.now();
  const kfz = await office('kfz');
  assert.equal(kfz.waiting_since, new Date(pinned * 1000).toISOString().replace('.000Z', 'Z'));
  assert.ok(kfz.longest_wait_s >= 600, `longest wait ${kfz.longest_wait_s} s`);
  assert.ok(kfz.longest_wait_s <= 601 + Math.ceil((Date.now() - pinnedAt) / 1000), `longest wait ${kfz.longest_wait_s} s`);
  assert.ok(!JSON.stringify(kfz).includes('Erika'), 'no personal data');

  // call + accept: mueller busy (in both his offices), kfz busy (the other clerk is paused)
  await plugin.call('call', { session: tokens.mueller, ticket: joined[0] });
  await plugin.call('accept', { ticket: joined[0] });
  await expectFacts('kfz', { status: 'busy', waiting: 2, clerks: { available: 0, busy: 1, paused: 1 },
    consultations: 0, no_shows: 0, someone_waits: true }, 'a consultation runs');
  const after = await office('kfz');
  assert.ok(after.longest_wait_s < 600, 'the longest wait is now the next ticket\'s');
  await expectFacts('fs', { status: 'busy', waiting: 1, clerks: { available: 0, busy: 1, paused: 0 },
    consultations: 0, no_shows: 0, someone_waits: true }, 'fs: its clerk is busy elsewhere');

  await plugin.call('finish', { session: tokens.mueller, ticket: joined[0], outcome: 'served' });
  await expectFacts('kfz', { status: 'open', waiting: 2, clerks: { available: 1, busy: 0, paused: 1 },
    consultations: 1, no_shows: 0, someone_waits: true }, 'one consultation done');

  await plugin.call('call', { session: tokens.mueller, ticket: joined[1] });
  await plugin.call('accept', { ticket: joined[1] });
  await plugin.call('finish', { session: tokens.mueller, ticket: joined[1], outcome: 'no_show' });
  await plugin.call('leave', { ticket: joined[2] });
  await expectFacts('kfz', { status: 'open', waiting: 0, clerks: { available: 1, busy: 0, paused: 1 },
    consultations: 1, no_shows: 1, someone_waits: false }, 'a no-show, the last one left');
  assert.equal((await office('kfz')).waiting_since, null);
});

test('"today" is the office\'s local day: a consultation just before its midnight does not count', async () => {
  const fsTicket = Number(q(`SELECT id FROM ticket WHERE office_id = 'fs' AND state = 'waiting'`));
  await plugin.call('call', { session: tokens.mueller, ticket: fsTicket });
  await plugin.call('accept', { ticket: fsTicket });
  await plugin.call('finish', { session: tokens.mueller, ticket: fsTicket, outcome: 'served' });
  await expectFacts('fs', { status: 'open', waiting: 0, clerks: { available: 1, busy: 0, paused: 0 },
    consultations: 1, no_shows: 0, someone_waits: false }, 'fs: one consultation');
  const midnight = `((now() AT TIME ZONE 'Pacific/Kiritimati')::date::timestamp AT TIME ZONE 'Pacific/Kiritimati')`;
  q(`UPDATE ticket SET in_consultation_at = ${midnight} - interval '10 min', done_at = ${midnight} - interval '1 s' WHERE id = ${fsTicket}`);
  assert.equal((await office('fs')).today.consultations, 0, 'one second before fs\'s midnight: yesterday');
  q(`UPDATE ticket SET done_at = ${midnight} WHERE id = ${fsTicket}`);
  assert.equal((await office('fs')).today.consultations, 1, 'at fs\'s midnight: today');
});

/** `promtool check metrics` on the text; null when promtool is not installed. */
function promtool(text) {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error && r.error.code === 'ENOENT') return null;
  return r;
}

test('/metrics: per-office gauges equal the overview, and promtool accepts the whole text', async () => {
  await waitOffice(svc, 'kfz', (o) => o.waiting === 0);
  await plugin.call('join', { office: 'kfz' });
  await expectFacts('kfz', { status: 'open', waiting: 1, clerks: { available: 1, busy: 0, paused: 1 },
    consultations: 1, no_shows: 1, someone_waits: true }, 'one waits again');
  const m = await svc.http('GET', '/metrics');
  assert.equal(m.status, 200);
  const kfz = await office('kfz');
  const value = (line) => {
    const hit = m.body.split('\n').find((l) => l.startsWith(`${line} `));
    assert.ok(hit, `${line} in /metrics`);
    return Number(hit.slice(line.length + 1));
  };
  assert.equal(value('bb_office_waiting{office="kfz"}'), 1);
  assert.equal(value('bb_office_waiting{office="bau"}'), 0);
  assert.equal(value('bb_office_clerks{office="kfz",state="available"}'), 1);
  assert.equal(value('bb_office_clerks{office="kfz",state="busy"}'), 0);
  assert.equal(value('bb_office_clerks{office="kfz",state="paused"}'), 1);
  assert.equal(value('bb_office_consultations_today{office="kfz"}'), 1);
  assert.equal(value('bb_office_no_shows_today{office="kfz"}'), 1);
  assert.equal(value('bb_office_longest_wait_seconds{office="bau"}'), 0, 'nobody waits: 0');
  const longest = value('bb_office_longest_wait_seconds{office="kfz"}');
  assert.ok(longest >= 0 && longest <= kfz.longest_wait_s + 1, `longest wait ${longest} s`);
  for (const s of ['open', 'busy', 'full', 'closed'])
    assert.equal(value(`bb_office_status{office="kfz",status="${s}"}`), s === kfz.status ? 1 : 0, s);
  assert.equal(value('bb_office_status{office="bau",status="closed"}'), 1);
  for (const name of ['bb_office_waiting', 'bb_office_longest_wait_seconds', 'bb_office_clerks',
    'bb_office_consultations_today', 'bb_office_no_shows_today', 'bb_office_status']) {
    assert.match(m.body, new RegExp(`^# HELP ${name} \\S`, 'm'), `HELP of ${name}`);
    assert.match(m.body, new RegExp(`^# TYPE ${name} gauge$`, 'm'), `TYPE of ${name}`);
  }
  const r = promtool(m.body);
  // a missing tool is a failure, never a skip (scripts/install-deps installs it)
  assert.ok(r !== null, 'promtool not installed (Debian package prometheus; scripts/install-deps)');
  assert.equal(r.status, 0, `promtool check metrics:\n${r.stdout}${r.stderr}`);
});
