// big-office.test.mjs: one office with 10,000 waiting citizens (500-character concerns) on the
// real Janus with our plugin, the real queue service and PostgreSQL. Before the bounded queue
// views, every office change sent all waiting tickets to the plugin: past ~1,500 the message
// outgrew the plugin's frame limit and took the whole node off the queue service. Now the node
// stays connected, a citizen joining at the end hears position 10,000 and then each move, and the
// clerk gets the head of the queue with the counts and pages through the rest.
import test from 'node:test';
import assert from 'node:assert/strict';
import { JanusClient, PLUGIN, SLOW } from '../lib/janus.mjs';
import { startStack, sleep, until } from './stack.mjs';
import { COUNTS } from '../../web-client/widget/protocol.js';

const N = 10000;
let stack, client;


async function queueUp() {
  const r = await stack.janus.admin({ janus: 'message_plugin', plugin: PLUGIN, request: { request: 'stats' } });
  return r.response?.queue_service?.available === true;
}

test.before(async () => {
  stack = await startStack('big-office', { capacity: 100000 });
  client = await JanusClient.connect(stack.janus.wsUrl);
  await client.createSession();
  await until(() => queueUp(), { timeoutMs: 15000 * SLOW, what: 'plugin connected to the queue service' });
  // 10,000 citizens of this node as joins leave them, the tickets' holders gone quiet: the
  // service tells their positions to this node, which holds no session for them.
  stack.queue.sql(`INSERT INTO ticket_counter (office_id, day, last) VALUES ('kfz', current_date, ${N})
       ON CONFLICT (office_id, day) DO UPDATE SET last = ${N};
     INSERT INTO ticket (office_id, issued_office_id, day, seq, number, name, concern, arrived_at, waiting_at,
       attached_instance, erase_after)
     SELECT 'kfz', 'kfz', current_date, i, 'KFZ-' || lpad(i::text, 5, '0'), 'Name ' || i, repeat('Ж', 500),
       now() - make_interval(secs => ${N} - i), now(), 'janus-test', now() + interval '1 day'
     FROM generate_series(1, ${N}) i;
     SELECT pg_notify('bb_office', 'kfz');`);
});

test.after(async () => {
  await client?.destroy();
  client?.close();
  await sleep(500);
  const exit = await stack?.stop();
  assert.equal(exit?.signal ?? null, null, 'Janus exited cleanly');
});

let citizen, clerk;

test('a citizen joins behind 10,000 and the node stays on the queue service', async () => {
  citizen = await client.attach();
  const r = await citizen.request({ request: 'join', office: 'kfz', name: 'Олена' });
  assert.equal(r.data.buergerbuero, 'joined', JSON.stringify(r.data));
  assert.equal(r.data.ticket.position, N);
  await sleep(2000);   // several office changes went out meanwhile (the join, the insert)
  assert.equal(await queueUp(), true, 'still connected to the queue service');
});

test('the clerk gets the head and the counts, and pages through the rest', async () => {
  clerk = await client.attach();
  const login = await clerk.request({ request: 'login', token: await stack.queue.clerkToken() });
  assert.equal(login.data.buergerbuero, 'logged_in', JSON.stringify(login.data));
  const q = await clerk.request({ request: 'queue' });
  const kfz = q.data.offices.find((o) => o.office === 'kfz');
  assert.equal(kfz.waiting, N + 1);
  assert.equal(kfz.tickets.length, COUNTS.queue_head);
  assert.equal(kfz.more, N + 1 - COUNTS.queue_head);
  const page = await clerk.request({ request: 'queue_page', office: 'kfz', offset: N + 1 - 5 });
  assert.equal(page.data.buergerbuero, 'queue_page', JSON.stringify(page.data));
  assert.equal(page.data.total, N + 1);
  assert.equal(page.data.tickets.length, 5);
  assert.equal(page.data.tickets.at(-1).name, 'Олена');
  assert.equal(page.data.tickets.at(-1).position, N);
  const foreign = await clerk.request({ request: 'queue_page', office: 'fs-nope', offset: 0 });
  assert.equal(foreign.data.error_code, 4705, 'forbidden: not an office of this clerk');
});

test('when the head leaves, the citizen at the end hears its new position', async () => {
  // the first citizen gives up (as a leave would leave it); the service recomputes the office
  stack.queue.sql(`UPDATE ticket SET state = 'cancelled', cancelled_at = now() WHERE office_id = 'kfz' AND seq = 1;
    SELECT pg_notify('bb_office', 'kfz');`);
  const moved = await citizen.next((e) => e.plugindata?.data?.buergerbuero === 'position' && e.plugindata.data.position === N - 1,
    20000 * SLOW);
  assert.equal(moved.plugindata.data.ticket, moved.plugindata.data.ticket.replace(/[^A-Z0-9-]/g, ''));
  assert.equal(await queueUp(), true);
});
