// recovery.test.mjs: a Janus node that crashes (kill -9) or stays away during consultations leaves
// nothing that nobody can leave: the citizen resumes at the front of the queue, the clerk is free,
// the office status is right, and PostgreSQL shows no ticket held by a consultation that is gone.
import test from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { JanusClient, fakeOffer, fakeAnswer, PLUGIN, SLOW } from '../lib/janus.mjs';
import { startStack, until } from './stack.mjs';

const GRACE_S = 3;   // the service's plugin_grace_s in this test

async function pluginUp(janus) {
  const r = await janus.admin({ janus: 'message_plugin', plugin: PLUGIN, request: { request: 'stats' } });
  return r.response?.queue_service?.available === true;
}

async function connect(stack) {
  const client = await JanusClient.connect(stack.janus.wsUrl);
  await client.createSession();
  await until(() => pluginUp(stack.janus), { timeoutMs: 15000 * SLOW, what: 'plugin connected to the queue service' });
  return client;
}

async function join(client, office, fields = {}) {
  const h = await client.attach();
  const r = await h.request({ request: 'join', office, ...fields });
  assert.equal(r.data.buergerbuero, 'joined', JSON.stringify(r.data));
  h.ticket = r.data.ticket;
  h.token = r.data.resume_token;
  return h;
}

async function clerk(client, stack) {
  const h = await client.attach();
  const r = await h.request({ request: 'login', token: await stack.queue.clerkToken() });
  assert.equal(r.data.buergerbuero, 'logged_in', JSON.stringify(r.data));
  assert.equal((await h.request({ request: 'presence', state: 'available' })).data.state, 'available');
  return h;
}

// The clerk calls this citizen by ticket id; the citizen accepts: a consultation runs.
async function consult(k, c) {
  const q = await k.request({ request: 'queue' });
  const mine = q.data.offices.flatMap((o) => o.tickets || []).find((t) => t.number === c.ticket.number);
  assert.ok(mine, 'the citizen is in the clerk queue');
  const calling = await k.request({ request: 'call', ticket: mine.id }, fakeOffer());
  assert.equal(calling.data.buergerbuero, 'calling', JSON.stringify(calling.data));
  const called = await c.event('called');
  const acc = await c.request({ request: 'accept' }, fakeAnswer(called.jsep.sdp));
  assert.equal(acc.data.buergerbuero, 'accepted', JSON.stringify(acc.data));
  await k.event('accepted');
  return mine.id;
}

// Nothing may stay called or in consultation without a live consultation, and no clerk busy.
function audit(stack) {
  return {
    held: Number(stack.queue.sql("SELECT count(*) FROM ticket WHERE state IN ('called', 'in_consultation')")),
    busy: Number(stack.queue.sql("SELECT count(*) FROM clerk_presence WHERE state = 'busy'")),
  };
}

async function office(stack) {
  return (await stack.queue.svc.http('GET', `/api/v1/offices/${stack.queue.office}`)).body;
}

test('Janus killed during a consultation: the citizen resumes at the front, the clerk is free', {
  timeout: 120000 * SLOW,
}, async (t) => {
  const stack = await startStack('recovery-crash', { env: { BB_PLUGIN_GRACE_S: String(GRACE_S) } });
  t.after(() => stack.stop());
  let client = await connect(stack);
  const before = await join(client, stack.queue.office, { name: 'Vorher' });
  const citizen = await join(client, stack.queue.office, { name: 'Im Gespräch' });
  const k = await clerk(client, stack);
  const ticketId = await consult(k, citizen);
  assert.equal(stack.queue.sql(`SELECT state FROM ticket WHERE id = ${ticketId}`), 'in_consultation');

  await stack.killJanus();
  client.close();
  await stack.startJanus();
  client = await connect(stack);

  // both citizens come back with their resume tokens; the one whose consultation was lost is first
  const c2 = await client.attach();
  const r = await c2.request({ request: 'join', office: stack.queue.office, resume_token: citizen.token });
  assert.equal(r.data.buergerbuero, 'joined', JSON.stringify(r.data));
  assert.equal(r.data.resumed, true);
  assert.equal(r.data.ticket.number, citizen.ticket.number);
  assert.equal(r.data.ticket.position, 0, 'back at the front of the queue');
  const b2 = await client.attach();
  const rb = await b2.request({ request: 'join', office: stack.queue.office, resume_token: before.token });
  assert.equal(rb.data.ticket.position, 1, JSON.stringify(rb.data));

  // the clerk signs in again and is available; the office is open, not busy
  const k2 = await clerk(client, stack);
  assert.deepEqual(audit(stack), { held: 0, busy: 0 });
  await until(async () => (await office(stack)).status === 'open', { what: 'office open again' });

  // and both sides find each other again: call next → the recovered citizen
  const calling = await k2.request({ request: 'call_next' }, fakeOffer());
  assert.equal(calling.data.ticket.number, citizen.ticket.number, JSON.stringify(calling.data));
  const called = await c2.event('called');
  await c2.request({ request: 'accept' }, fakeAnswer(called.jsep.sdp));
  assert.equal((await k2.request({ request: 'finish', outcome: 'served' })).data.buergerbuero, 'finished');
  await b2.request({ request: 'leave' });
  assert.deepEqual(audit(stack), { held: 0, busy: 0 });
  assert.equal(stack.queue.sql(`SELECT state FROM ticket WHERE id = ${ticketId}`), 'done');
  client.close();
});

test('a Janus node that stays away longer than the grace period: the janitor frees its consultations', {
  timeout: 120000 * SLOW,
}, async (t) => {
  const stack = await startStack('recovery-away', { env: { BB_PLUGIN_GRACE_S: String(GRACE_S) } });
  t.after(() => stack.stop());
  let client = await connect(stack);
  const citizen = await join(client, stack.queue.office, { name: 'Wartet' });
  const k = await clerk(client, stack);
  const ticketId = await consult(k, citizen);
  await stack.killJanus();
  client.close();
  // nobody says hello for that node again: after the grace period the service recovers on its own
  await until(() => stack.queue.sql(`SELECT state FROM ticket WHERE id = ${ticketId}`) === 'waiting',
    { timeoutMs: (GRACE_S + 20) * 1000, what: 'ticket recovered by the janitor' });
  assert.deepEqual(audit(stack), { held: 0, busy: 0 });
  // the citizen comes back through another node and is first in line
  await stack.startJanus({ instance: 'janus-other' });
  client = await connect(stack);
  const c2 = await client.attach();
  const r = await c2.request({ request: 'join', office: stack.queue.office, resume_token: citizen.token });
  assert.equal(r.data.buergerbuero, 'joined', JSON.stringify(r.data));
  assert.equal(r.data.ticket.position, 0);
  await c2.request({ request: 'leave' });
  client.close();
});

test('a short cut of the plugin connection keeps a consultation running', {
  timeout: 120000 * SLOW,
}, async (t) => {
  const stack = await startStack('recovery-cut', { env: { BB_PLUGIN_GRACE_S: String(GRACE_S) } });
  t.after(() => stack.stop());
  const client = await connect(stack);
  const citizen = await join(client, stack.queue.office);
  const k = await clerk(client, stack);
  const ticketId = await consult(k, citizen);
  // the queue service restarts: the plugin reconnects with the same process and says which
  // consultations it still holds; nothing is recovered
  await stack.queue.stopService();
  await k.event('queue_unavailable', 15000);
  await stack.queue.restart();
  await until(() => pluginUp(stack.janus), { timeoutMs: 30000 * SLOW, what: 'plugin back' });
  await new Promise((r) => setTimeout(r, (GRACE_S + 2) * 1000));   // past the grace period on purpose
  assert.equal(stack.queue.sql(`SELECT state FROM ticket WHERE id = ${ticketId}`), 'in_consultation');
  assert.equal(k.has('hangup'), false);
  assert.equal((await k.request({ request: 'finish', outcome: 'served' })).data.buergerbuero, 'finished');
  assert.deepEqual(audit(stack), { held: 0, busy: 0 });
  client.close();
});

// A TCP relay between the plugin and the queue service that the test can cut and restore.
function relay(targetPort) {
  const sockets = new Set();
  let open = true;
  const server = net.createServer((client) => {
    if (!open) { client.destroy(); return; }
    const upstream = net.connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => {});
      s.on('close', () => { sockets.delete(s); client.destroy(); upstream.destroy(); });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    port: server.address().port,
    cut() { open = false; for (const s of sockets) s.destroy(); },
    restore() { open = true; },
    close() { open = false; for (const s of sockets) s.destroy(); server.close(); },
  })));
}

test('the plugin cut off longer than the grace period: its consultation ends, both find each other again', {
  timeout: 120000 * SLOW,
}, async (t) => {
  const stack = await startStack('recovery-partition', { env: { BB_PLUGIN_GRACE_S: String(GRACE_S) } });
  const r = await relay(stack.queue.svc.internalPort);
  t.after(async () => { r.close(); await stack.stop(); });
  await stack.janus.stop();
  await stack.startJanus({ queueUrl: `ws://127.0.0.1:${r.port}/internal/v1` });
  const client = await connect(stack);
  const citizen = await join(client, stack.queue.office, { name: 'Abgeschnitten' });
  const k = await clerk(client, stack);
  const ticketId = await consult(k, citizen);
  r.cut();
  await k.event('queue_unavailable', 15000);
  // Janus is alive but nobody hears of it: past the grace period the service recovers the ticket
  await until(() => stack.queue.sql(`SELECT state FROM ticket WHERE id = ${ticketId}`) === 'waiting',
    { timeoutMs: (GRACE_S + 20) * 1000, what: 'ticket recovered while the node is cut off' });
  assert.deepEqual(audit(stack), { held: 0, busy: 0 });
  r.restore();
  await until(() => pluginUp(stack.janus), { timeoutMs: 30000 * SLOW, what: 'plugin reconnected' });
  // the node still held the consultation: it ends it, the citizen hears its place at the front
  assert.equal((await k.event('hangup', 15000)).data.reason, 'recovered');
  const back = await citizen.event('requeued', 15000);
  assert.equal(back.data.reason, 'recovered');
  assert.equal(back.data.position, 0);
  await k.next((e) => e.janus === 'hangup');   // Janus closed the clerk's PeerConnection
  const calling = await k.request({ request: 'call_next' }, fakeOffer());
  assert.equal(calling.data.ticket.number, citizen.ticket.number, JSON.stringify(calling.data));
  await citizen.event('called');
  assert.equal((await k.request({ request: 'hangup' })).data.buergerbuero, 'hungup');
  await citizen.event('requeued');
  await citizen.request({ request: 'leave' });
  assert.deepEqual(audit(stack), { held: 0, busy: 0 });
  client.close();
});
