// queue_lifecycle.test.mjs: the whole ticket lifecycle through the internal API against a real
// PostgreSQL: join, position, call, accept, finish, resume, grace expiry, no-show, transfer,
// requeue, broadcast, cancel, role and office checks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, clerkOnline, waitOffice, sleep, cli } from '../lib/queue.mjs';

let stack, svc, plugin, mueller, schmidt, admin;

before(async () => {
  stack = await startStack({
    offices: [{ id: 'kfz', prefix: 'KFZ', noShow: 5, grace: 5 }, { id: 'fs', prefix: 'FS' }, { id: 'bau', prefix: 'BAU' },
      { id: 'late', prefix: 'LATE' }],
    clerks: [
      { login: 'mueller', offices: ['kfz', 'fs', 'late'] },
      { login: 'schmidt', offices: ['bau'] },
      { login: 'chefin', role: 'admin', offices: [] },
    ],
    env: { BB_RETENTION_S: '1' },
  });
  svc = stack.svc;
  plugin = await svc.internal('janus-a');
  mueller = await clerkOnline(svc, plugin, 'mueller', stack.passwords.mueller);
  schmidt = await clerkOnline(svc, plugin, 'schmidt', stack.passwords.schmidt);
  admin = await clerkOnline(svc, plugin, 'chefin', stack.passwords.chefin);
  for (const id of ['kfz', 'fs', 'bau']) await waitOffice(svc, id, (o) => o.status === 'open');
});

after(async () => {
  await plugin?.close();
  await stack?.stop();
});

test('join -> position -> call_next -> accept -> finish', async () => {
  const a = await plugin.call('join', { office: 'kfz', name: 'Erika', concern: 'Ummeldung' });
  const b = await plugin.call('join', { office: 'kfz' });
  assert.match(a.ticket.number, /^KFZ-\d{3}$/);
  assert.equal(a.ticket.state, 'waiting');
  assert.equal(a.ticket.position, 0);
  assert.equal(b.ticket.position, 1);
  assert.equal(b.ticket.name, null);
  assert.equal(a.resume_token.length, 43);
  const arrival = await plugin.waitFor((e) => e.event === 'arrival' && e.ticket.id === b.ticket.id);
  assert.equal(arrival.office, 'kfz');
  await plugin.waitFor((e) => e.event === 'office_queue' && e.office === 'kfz' && e.waiting === 2);

  plugin.events.clear();   // each join may have had its own office_queue (sent at once)
  const called = await plugin.call('call_next', { session: mueller });
  assert.equal(called.ticket.id, a.ticket.id);
  assert.equal(called.ticket.state, 'called');
  const q = await plugin.waitFor((e) => e.event === 'office_queue' && e.office === 'kfz' && e.waiting === 1);
  assert.deepEqual(q.tickets.map((t) => [t.id, t.state]), [[a.ticket.id, 'called'], [b.ticket.id, 'waiting']]);
  assert.equal(q.tickets[1].position, 0);

  const acc = await plugin.call('accept', { ticket: a.ticket.id });
  assert.equal(acc.ticket.state, 'in_consultation');
  await waitOffice(svc, 'kfz', (o) => o.status === 'busy');   // the only kfz clerk is in a consultation
  await plugin.call('finish', { session: mueller, ticket: a.ticket.id, outcome: 'served' });
  await waitOffice(svc, 'kfz', (o) => o.status === 'open');
  const again = await plugin.request('finish', { session: mueller, ticket: a.ticket.id, outcome: 'served' });
  assert.equal(again.error.code, 'illegal_transition');
  // clean up b
  await plugin.call('leave', { ticket: b.ticket.id });
  const none = await plugin.request('call_next', { session: mueller });
  assert.equal(none.ok, false);
  assert.equal(none.error.code, 'no_ticket');
});

test('two clerks never get the same ticket; call of a taken ticket conflicts', async () => {
  const t = await plugin.call('join', { office: 'fs' });
  const other = await svc.internal('janus-b');
  const [r1, r2] = await Promise.all([
    plugin.request('call', { session: mueller, ticket: t.ticket.id }),
    other.request('call', { session: admin, ticket: t.ticket.id }),
  ]);
  assert.equal([r1, r2].filter((r) => r.ok).length, 1);
  assert.equal([r1, r2].find((r) => !r.ok).error.code, 'conflict');
  await other.close();
  await plugin.call('leave', { ticket: t.ticket.id });
});

test('resume within grace gives the same ticket and place and a new token', async () => {
  const first = await plugin.call('join', { office: 'kfz' });
  const t = await plugin.call('join', { office: 'kfz', name: 'Resume' });
  await plugin.call('detach', { ticket: t.ticket.id });
  const other = await svc.internal('janus-b');
  const r = await other.call('join', { office: 'kfz', resume_token: t.resume_token });
  assert.equal(r.ticket.id, t.ticket.id);
  assert.equal(r.ticket.number, t.ticket.number);
  assert.equal(r.ticket.position, 1);
  assert.notEqual(r.resume_token, t.resume_token);
  const old = await other.request('join', { office: 'kfz', resume_token: t.resume_token });
  assert.equal(old.error.code, 'invalid_token');
  await other.close();   // janus-b's last connection: its tickets start the grace period
  await plugin.call('leave', { ticket: first.ticket.id });
  const exp = await plugin.waitFor((e) => e.event === 'expired' && e.ticket === t.ticket.id, 15000, 'expired');
  assert.equal(exp.reason, 'grace');
  assert.deepEqual(exp.slots, []);
});

test('detached ticket is skipped by call_next and expires after grace', async () => {
  const t = await plugin.call('join', { office: 'kfz' });
  await plugin.call('detach', { ticket: t.ticket.id });
  const none = await plugin.request('call_next', { session: mueller });
  assert.equal(none.error.code, 'no_ticket');
  const exp = await plugin.waitFor((e) => e.event === 'expired' && e.ticket === t.ticket.id, 15000, 'expired');
  assert.equal(exp.reason, 'grace');
  const late = await plugin.request('join', { office: 'kfz', resume_token: t.resume_token });
  assert.equal(late.error.code, 'invalid_token');
});

test('a called ticket not accepted within the no-show timeout becomes no_show', async () => {
  const t = await plugin.call('join', { office: 'kfz' });
  const c = await plugin.call('call_next', { session: mueller });
  assert.equal(c.ticket.id, t.ticket.id);
  const ev = await plugin.waitFor((e) => e.event === 'no_show' && e.ticket === t.ticket.id, 15000, 'no_show');
  assert.equal(ev.number, t.ticket.number);
  assert.equal(typeof ev.clerk, 'number');
  const acc = await plugin.request('accept', { ticket: t.ticket.id });
  assert.equal(acc.error.code, 'illegal_transition');
});

test('transfer keeps the arrival order in the target office; requeue too', async () => {
  const early = await plugin.call('join', { office: 'kfz' });
  await sleep(1100);
  const late = await plugin.call('join', { office: 'fs' });
  const called = await plugin.call('call', { session: mueller, ticket: early.ticket.id });
  assert.equal(called.ticket.state, 'called');
  await plugin.call('accept', { ticket: early.ticket.id });
  const moved = await plugin.call('transfer', { session: mueller, ticket: early.ticket.id, office: 'fs' });
  assert.equal(moved.ticket.office, 'fs');
  assert.equal(moved.ticket.state, 'waiting');
  assert.equal(moved.ticket.position, 0, 'arrived earlier, so ahead of the fs ticket');
  assert.equal(moved.ticket.arrived_at, early.ticket.arrived_at);
  await plugin.waitFor((e) => e.event === 'arrival' && e.office === 'fs' && e.ticket.id === early.ticket.id);
  // requeue: called -> waiting, still first
  await plugin.call('call', { session: mueller, ticket: early.ticket.id });
  const rq = await plugin.call('requeue', { session: mueller, ticket: early.ticket.id });
  assert.equal(rq.ticket.state, 'waiting');
  assert.equal(rq.ticket.position, 0);
  const next = await plugin.call('call_next', { session: mueller });
  assert.equal(next.ticket.id, early.ticket.id);
  await plugin.call('leave', { ticket: early.ticket.id });
  await plugin.call('leave', { ticket: late.ticket.id });
});

test('broadcast reaches every plugin connection; cancel by the citizen', async () => {
  const other = await svc.internal('janus-c');
  await plugin.call('broadcast', { session: mueller, office: 'kfz', text: 'Kurze Pause / short break' });
  const ev = await other.waitFor((e) => e.event === 'broadcast');
  assert.deepEqual([ev.office, ev.text, ev.from], ['kfz', 'Kurze Pause / short break', 'Clerk mueller']);
  const t = await plugin.call('join', { office: 'kfz' });
  await plugin.call('leave', { ticket: t.ticket.id });
  const again = await plugin.request('leave', { ticket: t.ticket.id });
  assert.equal(again.error.code, 'illegal_transition');
  await other.close();
});

test('role and office checks', async () => {
  const t = await plugin.call('join', { office: 'kfz' });
  const notMine = await plugin.request('call', { session: schmidt, ticket: t.ticket.id });
  assert.equal(notMine.error.code, 'forbidden');
  const bc = await plugin.request('broadcast', { session: schmidt, office: 'kfz', text: 'x' });
  assert.equal(bc.error.code, 'forbidden');
  const noSession = await plugin.request('call_next', { session: 'not-a-token' });
  assert.equal(noSession.error.code, 'unauthorized');
  const q = await plugin.call('queue', { session: schmidt });
  assert.deepEqual(q.offices.map((o) => o.office), ['bau']);
  const qa = await plugin.call('queue', { session: admin });
  assert.deepEqual(qa.offices.map((o) => o.office).sort(), ['bau', 'fs', 'kfz', 'late']);
  const kfz = qa.offices.find((o) => o.office === 'kfz');
  assert.ok(kfz.tickets.some((x) => x.id === t.ticket.id));
  const byAdmin = await plugin.call('call', { session: admin, ticket: t.ticket.id });
  assert.equal(byAdmin.ticket.state, 'called');
  const me = await plugin.call('clerk_auth', { session: mueller });
  assert.deepEqual(me.clerk.offices, ['fs', 'kfz', 'late']);
  await plugin.call('leave', { ticket: t.ticket.id });
  const nf = await plugin.request('transfer', { session: admin, ticket: t.ticket.id, office: 'nope' });
  assert.equal(nf.error.code, 'not_found');
  const nt = await plugin.request('accept', { ticket: 99999999 });
  assert.equal(nt.error.code, 'not_found');
});

test('capacity: full with slots, refused join does not consume a number', async () => {
  const r = await svc.http('GET', '/api/v1/offices/bau');
  assert.equal(r.body.status, 'open');
  // bau has capacity 50 by default; use the admin CLI-free path: fill it quickly
  const tickets = [];
  for (let i = 0; i < 50; i++) tickets.push((await plugin.call('join', { office: 'bau' })).ticket);
  const full = await plugin.request('join', { office: 'bau' });
  assert.equal(full.error.code, 'full');
  assert.ok(Array.isArray(full.error.slots));
  await waitOffice(svc, 'bau', (o) => o.status === 'full' && o.waiting === 50);
  for (const t of tickets) await plugin.call('leave', { ticket: t.id });
  const next = await plugin.call('join', { office: 'bau' });
  assert.equal(Number(next.ticket.number.split('-')[1]), 51);
  await plugin.call('leave', { ticket: next.ticket.id });
});

test('retention: name, concern and the interpreter wish of a finished ticket are erased, numbers stay', async () => {
  const t = await plugin.call('join', { office: 'fs', name: 'Erika Mustermann', concern: 'Führerschein', needs_interpreter: true });
  assert.equal(t.ticket.needs_interpreter, true);
  await plugin.call('leave', { ticket: t.ticket.id });
  let row;
  for (let i = 0; i < 40; i++) {
    row = stack.pg.psql(`SELECT coalesce(name, '-') || '|' || coalesce(concern, '-') || '|' || number || '|' || state || '|' || needs_interpreter FROM ticket WHERE id = ${t.ticket.id}`, 'bb');
    if (row.startsWith('-|-|')) break;
    await sleep(250);
  }
  assert.equal(row, `-|-|${t.ticket.number}|cancelled|false`);
  assert.doesNotMatch(svc.log, /Erika|Mustermann|Führerschein/, 'personal data never logged');
});

test('closing time: waiting tickets expire with reason closing after an hours change', async () => {
  const t = await plugin.call('join', { office: 'late' });
  const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  const other = days[(new Date().getUTCDay() + 3) % 7];
  const r = cli(stack.url, ['office', 'edit', '--id', 'late', '--hours', `${other} 10:00-11:00`]);
  assert.equal(r.status, 0, r.stderr);
  const exp = await plugin.waitFor((e) => e.event === 'expired' && e.ticket === t.ticket.id, 15000, 'expired closing');
  assert.equal(exp.reason, 'closing');
  assert.equal(exp.office, 'late');
  assert.ok(Array.isArray(exp.slots));
  const o = await waitOffice(svc, 'late', (x) => x.status === 'closed' && x.next_opening !== null);
  assert.deepEqual(o.hours_today, []);
  const refused = await plugin.request('join', { office: 'late' });
  assert.equal(refused.error.code, 'closed');
});

test('hello resync: listed tickets stay attached, the others of the instance start their grace', async () => {
  const node = await svc.internal('janus-resync');
  const keep = await node.call('join', { office: 'fs' });
  const lose = await node.call('join', { office: 'fs' });
  await node.close();
  const again = await svc.internal('janus-resync', [keep.ticket.id]);
  const att = stack.pg.psql(`SELECT id, detached_at IS NULL FROM ticket WHERE id IN (${keep.ticket.id}, ${lose.ticket.id}) ORDER BY id`, 'bb');
  assert.equal(att, `${keep.ticket.id}|t\n${lose.ticket.id}|f`);
  await again.call('leave', { ticket: keep.ticket.id });
  await again.call('leave', { ticket: lose.ticket.id });
  await again.close();
});
