// queue_concurrency.test.mjs: two service instances on one database behave as one: 4 clerks
// (2 per instance) call 200 tickets concurrently, every ticket is called exactly once, and events
// reach the plugin connections of both instances (LISTEN/NOTIFY).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, QueueService, clerkOnline, waitOffice } from '../lib/queue.mjs';

const N = 200;
let stack, a, b;

before(async () => {
  stack = await startStack({
    offices: [{ id: 'kfz', prefix: 'KFZ', capacity: 1000 }, { id: 'fs', prefix: 'FS', capacity: 1000 }],
    clerks: [1, 2, 3, 4].map((i) => ({ login: `c${i}`, offices: ['kfz', 'fs'] })),
  });
  a = stack.svc;
  b = await new QueueService(stack.url, { BB_PRESENCE_TIMEOUT_S: '300' }).start();
});

after(async () => {
  await b?.stop();
  await stack?.stop();
});

test('2 instances x 4 clerks on 200 tickets: every ticket called exactly once', async () => {
  const watchA = await a.internal('watch-a');
  const watchB = await b.internal('watch-b');
  const clerks = [];
  for (let i = 1; i <= 4; i++) {
    const svc = i <= 2 ? a : b;
    const client = await svc.internal(`janus-${i}`);
    const token = await clerkOnline(svc, client, `c${i}`, stack.passwords[`c${i}`]);
    clerks.push({ client, token, called: [] });
  }
  await waitOffice(a, 'kfz', (o) => o.status === 'open');
  await waitOffice(b, 'fs', (o) => o.status === 'open');

  // 200 joins, half through each instance, in parallel batches
  const joinA = await a.internal('citizens-a');
  const joinB = await b.internal('citizens-b');
  const joins = [];
  for (let i = 0; i < N; i++) {
    const c = i % 2 ? joinB : joinA;
    joins.push(c.call('join', { office: i % 3 ? 'kfz' : 'fs' }));
  }
  const tickets = (await Promise.all(joins)).map((r) => r.ticket);
  const ids = new Set(tickets.map((t) => t.id));
  assert.equal(ids.size, N);
  assert.equal(new Set(tickets.map((t) => t.number)).size, N, 'numbers unique');

  // events of joins through B reach the connection on A and vice versa
  const viaB = tickets.find((_, i) => i % 2 === 1);
  const viaA = tickets.find((_, i) => i % 2 === 0);
  await watchA.waitFor((e) => e.event === 'arrival' && e.ticket.id === viaB.id, 10000, 'arrival on A');
  await watchB.waitFor((e) => e.event === 'arrival' && e.ticket.id === viaA.id, 10000, 'arrival on B');

  // all four clerks drain the queue concurrently
  await Promise.all(clerks.map(async (c) => {
    for (;;) {
      const r = await c.client.request('call_next', { session: c.token });
      if (!r.ok) {
        assert.equal(r.error.code, 'no_ticket', JSON.stringify(r.error));
        break;
      }
      c.called.push(r.ticket.id);
      await c.client.call('accept', { ticket: r.ticket.id });
      await c.client.call('finish', { session: c.token, ticket: r.ticket.id, outcome: 'served' });
    }
  }));
  const all = clerks.flatMap((c) => c.called);
  assert.equal(all.length, N, 'each ticket called once in total');
  assert.equal(new Set(all).size, N, 'no ticket called twice');
  for (const id of all) assert.ok(ids.has(id));
  assert.ok(clerks.every((c) => c.called.length > 0), 'every clerk got work');
  const done = stack.pg.psql("SELECT count(*) FROM ticket WHERE state = 'done'", 'bb');
  assert.equal(Number(done), N);

  // both instances converge on an empty queue
  for (const w of [watchA, watchB]) {
    await w.waitFor((e) => e.event === 'office_queue' && e.office === 'kfz' && e.waiting === 0 && e.tickets.length === 0,
      10000, 'empty kfz queue');
  }
  await waitOffice(a, 'kfz', (o) => o.waiting === 0);
  await waitOffice(b, 'kfz', (o) => o.waiting === 0);
  for (const c of clerks) await c.client.close();
  for (const c of [watchA, watchB, joinA, joinB]) await c.close();
});

test('one NOTIFY per tick, not per transaction: a burst of joins yields few office_queue events', async () => {
  const watch = await b.internal('watch-burst');
  const cit = await a.internal('citizens-burst');
  watch.events.clear();
  const res = await Promise.all(Array.from({ length: 40 }, () => cit.call('join', { office: 'fs' })));
  await watch.waitFor((e) => e.event === 'office_queue' && e.office === 'fs' && e.waiting === 40, 10000, 'fs at 40');
  const n = watch.events.items.filter((e) => e.event === 'office_queue' && e.office === 'fs').length;
  assert.ok(n < 40, `coalesced office_queue events: ${n} for 40 joins`);
  for (const r of res) await cit.call('leave', { ticket: r.ticket.id });
  await watch.close();
  await cit.close();
});
