// queue_stats.test.mjs: statistics per office and day (GET /api/v1/admin/stats and the `stats`
// CLI): real tickets driven through the internal API, then counts and percentiles checked exactly,
// per day and per hour of arrival, role checks (supervisors see every office), CSV shape and range
// validation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, clerkOnline, cli, sleep, waitOffice } from '../lib/queue.mjs';

let stack, svc, plugin, tokens, day, apptDay, early, late;

const q = (sql) => stack.pg.psql(sql, 'bb').trim();
const stats = (qs, token) => svc.http('GET', `/api/v1/admin/stats?${qs}`,
  { headers: token ? { authorization: `Bearer ${token}` } : {} });

/** Polls a ticket's state in the database. */
async function waitState(id, state, timeoutMs = 20000) {
  const until = Date.now() + timeoutMs;
  while (q(`SELECT state FROM ticket WHERE id = ${Number(id)}`) !== state) {
    if (Date.now() > until) throw new Error(`ticket ${id} never became ${state}`);
    await sleep(200);
  }
}

/** Pins a ticket's timestamps so the durations are exact: wait w s, consultation c s; it arrived at
 * `late` (a fixed instant, so that its hour of arrival is known). */
function pin(id, w, c) {
  const base = `'${late}'::timestamptz`;
  q(`UPDATE ticket SET arrived_at = ${base}, called_at = ${base} + interval '${w} s'` +
    (c === undefined ? '' : `, in_consultation_at = ${base} + interval '${w} s',
      done_at = ${base} + interval '${w + c} s'`) + ` WHERE id = ${Number(id)}`);
}

before(async () => {
  stack = await startStack({
    offices: [{ id: 'kfz', prefix: 'KFZ', grace: 5 }, { id: 'fs', prefix: 'FS' }],
    clerks: [{ login: 'mueller', offices: ['kfz'] }, { login: 'kurz', offices: ['fs'] },
      { login: 'chefin', role: 'admin' }, { login: 'aufsicht', role: 'supervisor' }],
  });
  // Two instants a little past the start of the hour before last and of the last hour: every
  // ticket arrives at one of them, so each hour of arrival is known (tickets stay on their day).
  early = q(`SELECT date_trunc('hour', now()) - interval '3 hours' + interval '5 min'`);
  late = q(`SELECT date_trunc('hour', now()) - interval '1 hour' + interval '5 min'`);
  svc = stack.svc;
  plugin = await svc.internal('janus-stats');
  tokens = {
    mueller: await clerkOnline(svc, plugin, 'mueller', stack.passwords.mueller),
    kurz: await clerkOnline(svc, plugin, 'kurz', stack.passwords.kurz),
    chefin: await svc.login('chefin', stack.passwords.chefin),
    aufsicht: await svc.login('aufsicht', stack.passwords.aufsicht),
  };
  await waitOffice(svc, 'kfz', (o) => o.status === 'open');
  await waitOffice(svc, 'fs', (o) => o.status === 'open');
  const m = tokens.mueller;
  const join = async () => (await plugin.call('join', { office: 'kfz', name: 'Erika', concern: 'Geheim' })).ticket.id;
  const serve = async (session, id, outcome, interpreted = false) => {
    await plugin.call('call', { session, ticket: id });
    await plugin.call('accept', { ticket: id });
    // an interpreter took part (the plugin says so when one joins)
    if (interpreted) await plugin.call('interpreted', { session, ticket: id });
    await plugin.call('finish', { session, ticket: id, outcome });
  };
  const t = [];
  for (let i = 0; i < 9; i++) t.push(await join());
  // the citizen asked for a sign-language interpreter: the ticket says so
  const asked = (await plugin.call('join', { office: 'kfz', needs_interpreter: true })).ticket;
  assert.equal(asked.needs_interpreter, true);
  await plugin.call('leave', { ticket: asked.id });
  q(`DELETE FROM ticket WHERE id = ${Number(asked.id)}`);
  await assert.rejects(plugin.call('interpreted', { session: m, ticket: t[0] }), /illegal_transition|not in a consultation/);
  await serve(m, t[0], 'served', true);
  await serve(m, t[1], 'served');
  await serve(m, t[2], 'forwarded');
  await serve(m, t[3], 'no_show');
  await plugin.call('leave', { ticket: t[4] });
  await plugin.call('call', { session: m, ticket: t[5] });
  await plugin.call('transfer', { session: m, ticket: t[5], office: 'fs' });
  await serve(tokens.kurz, t[5], 'served');
  await plugin.call('detach', { ticket: t[6] });
  // Expiry at closing time needs the office to close; the database allows the same transition.
  q(`UPDATE ticket SET state = 'expired', expired_at = now(), expire_reason = 'closing' WHERE id = ${t[7]}`);
  await waitState(t[6], 'expired');   // grace of 5 s, janitor
  // t[8] keeps waiting (unfinished)
  pin(t[0], 10, 60);
  pin(t[1], 20, 120);
  pin(t[2], 40, 300);
  q(`UPDATE ticket SET arrived_at = '${late}', called_at = '${late}'::timestamptz + interval '100 s'
     WHERE id = ${t[3]}`);
  pin(t[5], 50, 30);
  // the tickets never called arrived two hours earlier
  q(`UPDATE ticket SET arrived_at = '${early}' WHERE id IN (${[t[4], t[6], t[7], t[8]].join(',')})`);
  day = q(`SELECT max(day) FROM ticket`);
  assert.equal(q('SELECT min(day) FROM ticket'), day, 'all tickets on one local day');

  // Two appointments on one future local day of fs, one cancelled again.
  const tomorrow = q(`SELECT to_char((now() AT TIME ZONE 'Europe/Berlin')::date + 1, 'YYYY-MM-DD')`);
  const slots = (await svc.http('GET', `/api/v1/offices/fs/slots?from=${tomorrow}&days=2`)).body.slots;
  apptDay = slots[0].local_date;
  const sameDay = slots.filter((s) => s.local_date === apptDay);
  assert.ok(sameDay.length >= 2, 'two slots on one day');
  const codes = [];
  for (const s of sameDay.slice(0, 2)) {
    const r = await svc.http('POST', '/api/v1/appointments', { body: { office: 'fs', start: s.start, name: 'Max' } });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    codes.push(r.body.code);
  }
  assert.equal((await svc.http('DELETE', `/api/v1/appointments/${codes[1]}`)).status, 200);
});

after(async () => {
  await plugin?.close();
  await stack?.stop();
});

const zeroAppts = { appointments_booked: 0, appointments_checked_in: 0, appointments_no_show: 0, appointments_cancelled: 0,
  expired_callback: 0, with_interpreter: 0 };

test('admin sees exact counts and percentiles for every office', async () => {
  const r = await stats(`from=${day}&to=${apptDay}`, tokens.chefin);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.from, day);
  assert.equal(r.body.to, apptDay);
  assert.deepEqual(r.body.rows, [
    { office: 'fs', day: apptDay, issued: 0, served: 0, forwarded: 0, no_show: 0, cancelled: 0, expired_grace: 0,
      expired_closing: 0, unfinished: 0, transferred_out: 0, transferred_in: 0, transfers: 0,
      wait_p50_s: null, wait_p90_s: null, consultation_p50_s: null, consultation_p90_s: null,
      appointments_booked: 2, appointments_checked_in: 0, appointments_no_show: 0, appointments_cancelled: 1, expired_callback: 0,
      with_interpreter: 0 },
    { office: 'fs', day, issued: 0, served: 1, forwarded: 0, no_show: 0, cancelled: 0, expired_grace: 0,
      expired_closing: 0, unfinished: 0, transferred_out: 0, transferred_in: 1, transfers: 1,
      wait_p50_s: 50, wait_p90_s: 50, consultation_p50_s: 30, consultation_p90_s: 30, ...zeroAppts },
    // waits 10, 20, 40, 100 (the no-show was called too); consultations 60, 120, 300 (done only)
    { office: 'kfz', day, issued: 9, served: 2, forwarded: 1, no_show: 1, cancelled: 1, expired_grace: 1,
      expired_closing: 1, unfinished: 1, transferred_out: 1, transferred_in: 0, transfers: 0,
      wait_p50_s: 30, wait_p90_s: 82, consultation_p50_s: 120, consultation_p90_s: 264, ...zeroAppts, with_interpreter: 1 },
  ].sort((a, b) => (a.office + a.day).localeCompare(b.office + b.day)));
  const text = JSON.stringify(r.body);
  assert.ok(!text.includes('Erika') && !text.includes('Geheim') && !text.includes('Max'), 'no personal data');
});

test('hour of day: the same tickets by the local hour they arrived in (JSON only)', async () => {
  const r = await stats(`from=${day}&to=${day}`, tokens.chefin);
  assert.equal(r.status, 200);
  const hourOf = (at) => Number(q(`SELECT extract(hour FROM '${at}'::timestamptz AT TIME ZONE 'Europe/Berlin')`));
  const none = { served: 0, forwarded: 0, no_show: 0, cancelled: 0,
    wait_p50_s: null, wait_p90_s: null, consultation_p50_s: null, consultation_p90_s: null };
  assert.deepEqual(r.body.hours, [
    { office: 'fs', hour: hourOf(late), arrived: 1, ...none, served: 1,
      wait_p50_s: 50, wait_p90_s: 50, consultation_p50_s: 30, consultation_p90_s: 30 },
    // the four called ones: the waits and consultations of the day row
    { office: 'kfz', hour: hourOf(late), arrived: 4, ...none, served: 2, forwarded: 1, no_show: 1,
      wait_p50_s: 30, wait_p90_s: 82, consultation_p50_s: 120, consultation_p90_s: 264 },
    // left, expired twice, still waiting: never called
    { office: 'kfz', hour: hourOf(early), arrived: 4, ...none, cancelled: 1 },
  ].sort((a, b) => a.office.localeCompare(b.office) || a.hour - b.hour));
  const one = await stats(`from=${day}&to=${day}&office=fs`, tokens.chefin);
  assert.deepEqual(one.body.hours.map((h) => h.office), ['fs']);
  const empty = await stats('from=2001-01-01&to=2001-01-02', tokens.chefin);
  assert.deepEqual(empty.body, { from: '2001-01-01', to: '2001-01-02', rows: [], hours: [] });
});

test('supervisors see every office, like admins, without serving one', async () => {
  const all = await stats(`from=${day}&to=${day}`, tokens.aufsicht);
  assert.equal(all.status, 200);
  assert.deepEqual(all.body, (await stats(`from=${day}&to=${day}`, tokens.chefin)).body);
  const fs = await stats(`from=${day}&to=${day}&office=fs`, tokens.aufsicht);
  assert.equal(fs.status, 200);
  assert.deepEqual(fs.body.rows.map((x) => x.office), ['fs']);
});

test('clerks see only their offices; others get 403, no token 401', async () => {
  const own = await stats(`from=${day}&to=${day}`, tokens.mueller);
  assert.equal(own.status, 200);
  assert.deepEqual(own.body.rows.map((x) => x.office), ['kfz']);
  const one = await stats(`from=${day}&to=${day}&office=kfz`, tokens.mueller);
  assert.deepEqual(one.body.rows, own.body.rows);
  const other = await stats(`from=${day}&to=${day}&office=fs`, tokens.mueller);
  assert.equal(other.status, 403);
  assert.equal(other.body.error.code, 'forbidden');
  assert.equal((await stats(`from=${day}&to=${day}&office=nope`, tokens.chefin)).status, 404);
  const anon = await stats(`from=${day}&to=${day}`);
  assert.equal(anon.status, 401);
  assert.equal((await stats(`from=${day}&to=${day}`, 'x'.repeat(64))).status, 401);
  const admin = await stats(`from=${day}&to=${day}&office=fs`, tokens.chefin);
  assert.deepEqual(admin.body.rows.map((x) => x.office), ['fs']);
});

test('CSV download: RFC 4180 shape, headers, same numbers', async () => {
  const r = await stats(`from=${day}&to=${day}&format=csv`, tokens.chefin);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'text/csv; charset=utf-8');
  assert.equal(r.headers.get('content-disposition'), `attachment; filename="buergerbuero-stats-${day}-${day}.csv"`);
  assert.ok(r.body.endsWith('\r\n'));
  const lines = r.body.slice(0, -2).split('\r\n');
  assert.equal(lines.length, 3);
  const header = lines[0].split(',');
  assert.equal(header[0], 'office');
  assert.equal(header.length, 23);
  assert.equal(header[21], 'expired_callback', 'new columns go last');
  assert.equal(header[22], 'with_interpreter');
  const kfz = Object.fromEntries(lines[2].split(',').map((v, i) => [header[i], v]));
  assert.equal(kfz.office, 'kfz');
  assert.equal(kfz.issued, '9');
  assert.equal(Number(kfz.wait_p90_s), 82);
  const fs = Object.fromEntries(lines[1].split(',').map((v, i) => [header[i], v]));
  assert.equal(fs.transferred_in, '1');
  for (const l of lines.slice(1))
    for (const cell of l.split(',')) assert.doesNotMatch(cell, /^[=+\-@]/);
  const empty = await stats('from=2001-01-01&to=2001-01-02&format=csv', tokens.chefin);
  assert.equal(empty.body, lines[0] + '\r\n', 'header only');
});

test('bad ranges and formats are refused with 400 and a clear message', async () => {
  const cases = [
    ['', /from and to are required/],
    ['from=2026-01-01', /from and to are required/],
    ['from=2026-1-01&to=2026-01-02', /from: expected a date/],
    ['from=2026-02-30&to=2026-03-02', /from: expected a date/],
    ['from=2026-01-01&to=tomorrow', /to: expected a date/],
    ['from=2026-01-02&to=2026-01-01', /not be before/],
    ['from=2025-01-01&to=2026-01-02', /at most 366/],
    [`from=${day}&to=${day}&format=xlsx`, /format/],
    [`from=${'9'.repeat(100)}&to=${day}`, /from: expected a date/],
    [`from=${'9'.repeat(300)}&to=${day}`, /too long/],
  ];
  for (const [qs, re] of cases) {
    const r = await stats(qs, tokens.chefin);
    assert.equal(r.status, 400, qs);
    assert.equal(r.body.error.code, 'bad_request');
    assert.match(r.body.error.message, re, qs);
  }
  assert.equal((await stats('from=2024-01-01&to=2024-12-31', tokens.chefin)).status, 200, '366 days (leap year)');
});

test('CLI stats prints the same numbers as JSON and CSV', () => {
  const j = cli(stack.url, ['stats', '--from', day, '--to', day, '--office', 'kfz']);
  assert.equal(j.status, 0, j.stderr);
  const body = JSON.parse(j.stdout);
  assert.equal(body.rows.length, 1);
  assert.equal(body.rows[0].issued, 9);
  assert.equal(body.rows[0].consultation_p90_s, 264);
  assert.deepEqual(body.hours.map((h) => h.arrived), [4, 4], 'kfz: two hours of arrival');
  const c = cli(stack.url, ['stats', '--from', day, '--to', day, '--csv']);
  assert.equal(c.status, 0, c.stderr);
  assert.equal(c.stdout.split('\r\n').length, 4, 'header, fs, kfz, trailing empty');
  const bad = cli(stack.url, ['stats', '--from', day]);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /required/);
  assert.equal(cli(stack.url, ['stats', '--from', day, '--to', day, '--office', 'nope']).status, 1);
});
