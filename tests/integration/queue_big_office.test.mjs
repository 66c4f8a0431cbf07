// queue_big_office.test.mjs: one office with 10,000 waiting citizens (500-character concerns),
// spread over two Janus nodes, against the real queue service and PostgreSQL. Nothing that goes
// to a plugin grows with the queue: office_queue lists the head only (queue_head tickets) with the
// counts; each node hears the positions of its own citizens only, in events of at most
// positions_frame entries, and afterwards only what changed; a clerk pages through the rest
// (queue_page). Calling the head moves everybody up by one, and both nodes hear exactly that.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, clerkOnline, waitOffice } from '../lib/queue.mjs';
import { COUNTS, SIZES } from '../../web-client/widget/protocol.js';

const N = 10000;
let stack, svc, nodeA, nodeB, mueller;
const q = (sql) => stack.pg.psql(sql, 'bb').trim();

/** Every positions entry for office kfz a node got since `from` (index in its event buffer). */
function positionsSeen(node, from = 0) {
  const seen = new Map();
  let events = 0;
  for (const e of node.events.items.slice(from)) {
    if (e.event !== 'positions' || e.office !== 'kfz') continue;
    events += 1;
    assert.ok(e.positions.length <= COUNTS.positions_frame, `a positions event with ${e.positions.length} entries`);
    for (const p of e.positions) seen.set(p.id, p.position);
  }
  return { seen, events };
}

/** Largest message a node got, in bytes. */
const largest = (node) => Math.max(...node.events.items.map((e) => Buffer.byteLength(JSON.stringify(e))));

before(async () => {
  stack = await startStack({
    offices: [{ id: 'kfz', prefix: 'KFZ', capacity: 100000 }],
    clerks: [{ login: 'mueller', offices: ['kfz'] }],
  });
  svc = stack.svc;
  nodeA = await svc.internal('janus-a');
  nodeB = await svc.internal('janus-b');
  mueller = await clerkOnline(svc, nodeA, 'mueller', stack.passwords.mueller);
  await waitOffice(svc, 'kfz', (o) => o.status === 'open');
  // 10,000 tickets as joins would leave them: every second one on node a, the others on node b,
  // every tenth detached (its citizen gone for a moment: nobody to tell on any node).
  q(`INSERT INTO ticket_counter (office_id, day, last) VALUES ('kfz', current_date, ${N})
       ON CONFLICT (office_id, day) DO UPDATE SET last = ${N};
     INSERT INTO ticket (office_id, issued_office_id, day, seq, number, name, concern, arrived_at, waiting_at,
       attached_instance, detached_at, erase_after)
     SELECT 'kfz', 'kfz', current_date, i, 'KFZ-' || lpad(i::text, 5, '0'), 'Name ' || i, repeat('Ж', 500),
       now() - make_interval(secs => ${N} - i), now(), CASE WHEN i % 2 = 1 THEN 'janus-a' ELSE 'janus-b' END,
       CASE WHEN i % 10 = 0 THEN now() END, now() + interval '1 day'
     FROM generate_series(1, ${N}) i;
     SELECT pg_notify('bb_office', 'kfz');`);
});

after(async () => {
  await nodeA?.close();
  await nodeB?.close();
  await stack?.stop();
});

const ids = () => q(`SELECT string_agg(id::text, ',' ORDER BY arrived_at, id) FROM ticket WHERE office_id = 'kfz' AND state = 'waiting'`)
  .split(',').map(Number);

test('office_queue carries the head and the counts, never the whole queue', async () => {
  const e = await nodeA.waitFor((x) => x.event === 'office_queue' && x.office === 'kfz' && x.waiting === N, 30000, 'kfz at 10,000');
  assert.equal(e.tickets.length, COUNTS.queue_head);
  assert.equal(e.more, N - COUNTS.queue_head);
  assert.equal(e.called, 0);
  assert.deepEqual(e.tickets.map((t) => t.position), [...Array(COUNTS.queue_head).keys()]);
  assert.ok(Buffer.byteLength(JSON.stringify(e)) < SIZES.internal_frame, 'the head fits one internal frame');
});

test('each node hears its own attached citizens\' positions, in bounded events', async () => {
  for (const [node, name, parity] of [[nodeA, 'a', 1], [nodeB, 'b', 0]]) {
    let got;
    // expected: tickets of this node that are not detached, with their index in the queue
    const mine = q(`SELECT string_agg(id || ':' || pos, ',') FROM (SELECT id, attached_instance, detached_at,
        row_number() OVER (ORDER BY priority DESC, arrived_at, id) - 1 AS pos FROM ticket
        WHERE office_id = 'kfz' AND state = 'waiting') x WHERE attached_instance = 'janus-${name}' AND detached_at IS NULL`)
      .split(',').map((s) => s.split(':').map(Number));
    assert.equal(mine.length, parity === 1 ? N / 2 : N / 2 - N / 10);
    const deadline = Date.now() + 30000;
    for (;;) {
      got = positionsSeen(node);
      if (got.seen.size >= mine.length || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(got.seen.size, mine.length, `node ${name}: every attached citizen told once`);
    for (const [id, pos] of mine) assert.equal(got.seen.get(id), pos, `node ${name}: ticket ${id}`);
    assert.ok(got.events >= Math.ceil(mine.length / COUNTS.positions_frame));
    assert.ok(largest(node) < SIZES.internal_frame, `node ${name}: largest message ${largest(node)} bytes`);
  }
});

test('calling the head moves everyone up by one; a join at the end tells nobody else', async () => {
  const markA = nodeA.events.items.length;
  const markB = nodeB.events.items.length;
  const first = ids()[0];
  const called = await nodeA.call('call_next', { session: mueller });
  assert.equal(called.ticket.id, first);
  await nodeA.waitFor((x) => x.event === 'office_queue' && x.office === 'kfz' && x.waiting === N - 1 && x.called === 1, 30000);
  const order = ids();
  for (const [node, mark, name] of [[nodeA, markA, 'a'], [nodeB, markB, 'b']]) {
    const deadline = Date.now() + 30000;
    let got;
    const mine = q(`SELECT count(*) FROM ticket WHERE office_id = 'kfz' AND state = 'waiting' AND attached_instance = 'janus-${name}' AND detached_at IS NULL`);
    for (;;) {
      got = positionsSeen(node, mark);
      if (got.seen.size >= Number(mine) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(got.seen.size, Number(mine), `node ${name}: every moved citizen told`);
    for (const [id, pos] of got.seen) assert.equal(pos, order.indexOf(id), `node ${name}: ticket ${id}`);
  }
  // a citizen joins at the end: only that one is new, nobody else moved
  const markA2 = nodeA.events.items.length;
  const j = await nodeA.call('join', { office: 'kfz', name: 'Олена' });
  assert.equal(j.ticket.position, N - 1);
  await nodeA.waitFor((x) => x.event === 'positions' && x.positions.some((p) => p.id === j.ticket.id), 30000);
  await nodeA.waitFor((x) => x.event === 'office_queue' && x.waiting === N, 30000);
  const after = positionsSeen(nodeA, markA2);
  assert.deepEqual([...after.seen.keys()], [j.ticket.id], 'only the new ticket was told');
});

test('a clerk pages through the queue beyond the head', async () => {
  const page = await nodeA.call('queue_page', { session: mueller, office: 'kfz', offset: 5001 });
  assert.equal(page.office, 'kfz');
  assert.equal(page.total, N + 1);   // one called, N waiting
  assert.equal(page.tickets.length, COUNTS.queue_page);
  assert.equal(page.tickets[0].position, 5000, 'offset 5001 = the 5001st waiting behind the called one');
  assert.equal(page.tickets[0].concern.length, 500);
  const order = ids();
  assert.deepEqual(page.tickets.map((t) => t.id), order.slice(5000, 5000 + COUNTS.queue_page));
  const bad = await nodeA.request('queue_page', { session: mueller, office: 'kfz', offset: -1 });
  assert.equal(bad.ok, false);
  assert.equal(bad.error.code, 'bad_request');
  const other = await nodeA.request('queue_page', { session: mueller, office: 'nope', offset: 0 });
  assert.equal(other.error.code, 'not_found');
});

test('a node that says hello again hears every position afresh; the service stayed up', async () => {
  const heldSql = `SELECT string_agg(id::text, ',') FROM ticket WHERE office_id = 'kfz' AND state = 'waiting'
    AND attached_instance = 'janus-b' AND detached_at IS NULL`;
  const held = q(heldSql).split(',').map(Number);
  await nodeB.close();
  // the node comes back holding the same citizens (its hello lists them, as after a reconnect)
  nodeB = await svc.internal('janus-b', held);
  const deadline = Date.now() + 30000;
  let got;
  for (;;) {
    got = positionsSeen(nodeB);
    if (got.seen.size >= held.length || Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.equal(got.seen.size, held.length, 'every citizen of the node told again');
  const order = ids();
  for (const [id, pos] of got.seen) assert.equal(pos, order.indexOf(id));
  assert.equal((await svc.http('GET', '/healthz')).status, 200);
});
