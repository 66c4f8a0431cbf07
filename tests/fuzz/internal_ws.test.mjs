// internal_ws.test.mjs: fuzzes the internal WebSocket API (docs/internal-api.md) of a real running
// buergerbuero-queue: mutated requests for every op, junk text, binary frames, frames at and over
// 64 KiB, fragments, requests before hello, a flood without reading. Seeded (BB_FUZZ_SEED) and
// bounded; after each batch the service must be healthy and no ticket may be lost.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { SECRET, clerkOnline, startStack } from '../lib/queue.mjs';
import { RawWs } from './lib/rawws.mjs';
import {
  Rng, assertErrorObject, assertServiceHealthy, stopAndCheckLog, deepNesting, mutateObject, mutateText, seedFrom, ticketCount,
} from './lib/fuzzlib.mjs';

const SEED = seedFrom(0x5eed1);
const BATCHES = 6;
const CASES_PER_BATCH = 800;
const OFFICE = 'kfz';
const CLERK = 'fuzzclerk';
const FRAME_MAX = 65536;

let stack;
let token;                       // a real clerk session, so mutations reach the ops themselves
const seenTickets = new Set();   // every ticket id a join answered with: the database must hold exactly these
const knownTickets = [1];

before(async () => {
  stack = await startStack({
    offices: [{ id: OFFICE, capacity: 100000 }, { id: 'fs', capacity: 100000 }],
    clerks: [{ login: CLERK, offices: [OFFICE, 'fs'] }],
  });
  const c = await stack.svc.internal('fuzz-setup');
  token = await clerkOnline(stack.svc, c, CLERK, stack.passwords[CLERK]);
  await c.close();
  test.diagnostic?.(`seed ${SEED}`);
});

after(async () => { await stopAndCheckLog(stack, 'internal_ws'); });

/** A valid request for every op; mutations start from these. */
function template(rng, op, id) {
  const ticket = rng.pick(knownTickets);
  const t = {
    hello: { secret: SECRET, instance: 'fuzz', tickets: [] },
    join: { office: OFFICE, name: 'Erika', concern: 'Ummeldung' },
    leave: { ticket }, detach: { ticket }, accept: { ticket },
    clerk_auth: { session: token }, presence: { session: token, state: 'available' },
    heartbeat: { sessions: [token] }, queue: { session: token }, call_next: { session: token },
    call: { session: token, ticket }, finish: { session: token, ticket, outcome: 'served' },
    transfer: { session: token, ticket, office: 'fs' }, requeue: { session: token, ticket },
    broadcast: { session: token, office: OFFICE, text: 'Hinweis' },
    appointment_no_show: { session: token, appointment: 1 },
    no_such_op: {},
  }[op];
  return { id, op, ...structuredClone(t) };
}
const OPS = ['hello', 'join', 'leave', 'detach', 'accept', 'clerk_auth', 'presence', 'heartbeat', 'queue',
  'call_next', 'call', 'finish', 'transfer', 'requeue', 'broadcast', 'appointment_no_show', 'no_such_op'];

/** The id a correct server must echo: a uint32 `id` of a JSON object, else null. */
function expectedId(text) {
  try {
    const m = JSON.parse(text);
    if (m && typeof m === 'object' && !Array.isArray(m) && Number.isInteger(m.id) && m.id >= 0 && m.id <= 0xffffffff) return m.id;
  } catch { /* not JSON */ }
  return null;
}

/** Checks one reply against the framing rules; records tickets handed out by join. */
function checkReply(reply, sentText, ctx) {
  assert.ok(reply && typeof reply === 'object' && !reply.unparsable, `reply is a JSON object: ${ctx} -> ${JSON.stringify(reply)}`);
  const want = expectedId(sentText);
  if (reply.id === null) {
    // Parse-level refusal: always an error (the server's parser may be stricter than JSON.parse).
    assert.equal(reply.ok, false, `id null only on errors: ${ctx}`);
    assert.ok(['bad_request', 'too_large', 'unauthorized'].includes(reply.error?.code), `id-null code: ${ctx} -> ${JSON.stringify(reply)}`);
  } else {
    assert.equal(reply.id, want, `reply id echoes the request: ${ctx} -> ${JSON.stringify(reply)}`);
  }
  assert.equal(typeof reply.ok, 'boolean', `ok is boolean: ${ctx}`);
  if (!reply.ok) assertErrorObject(reply.error, `${ctx} -> ${JSON.stringify(reply)}`);
  if (reply.ok && reply.ticket && typeof reply.ticket.id === 'number') {
    if (JSON.parse(sentText).op === 'join') seenTickets.add(reply.ticket.id);
    if (!knownTickets.includes(reply.ticket.id)) knownTickets.push(reply.ticket.id);
  }
}

/** A connection that has said hello; reopened whenever the server closed it. */
let conn = null;
async function helloConn() {
  if (conn && !conn.isClosed) return conn;
  conn = await RawWs.open(stack.svc.internalPort);
  conn.send(JSON.stringify({ id: 0, op: 'hello', secret: SECRET, instance: 'fuzz', tickets: [] }));
  const r = await conn.next();
  assert.equal(r?.ok, true, `hello: ${JSON.stringify(r)}`);
  return conn;
}

/** Sends one text and checks the reply; a close is fine only after an error that explains it. */
async function exchange(text, ctx, opts = {}) {
  const c = await helloConn();
  c.send(text, opts);
  const reply = await c.next(15000);
  if (reply === null) {
    assert.fail(`connection closed without a reply: ${ctx} (close ${c.closeCode})`);
  }
  checkReply(reply, typeof text === 'string' ? text : text.toString('latin1'), ctx);
  if (!reply.ok && ['unauthorized', 'too_large'].includes(reply.error.code)) {
    // The server may close after these; wait briefly so the next case starts on a fresh one.
    await new Promise((r) => setTimeout(r, 20));
  }
  return reply;
}

async function batchCheck(label) {
  const ids = await assertServiceHealthy(stack, { office: OFFICE, login: CLERK, password: stack.passwords[CLERK] });
  for (const id of ids) seenTickets.add(id);
  assert.equal(ticketCount(stack.pg), seenTickets.size, `${label}: tickets in the database = tickets handed out`);
  // The fuzz clerk may have been set paused/offline by a mutated presence: back to available.
  const c = await stack.svc.internal('fuzz-reset');
  await clerkOnline(stack.svc, c, CLERK, stack.passwords[CLERK]);
  await c.close();
}

test('mutated requests for every op', async () => {
  const rng = new Rng(SEED);
  let id = 1;
  for (let b = 0; b < BATCHES; b++) {
    for (let i = 0; i < CASES_PER_BATCH; i++) {
      const op = rng.pick(OPS);
      const req = template(rng, op, id++ % 0xffffffff);
      if (rng.chance(0.85)) mutateObject(rng, req);
      if (rng.chance(0.1)) req.id = rng.pick([-1, 0, 2 ** 32, 2 ** 32 - 1, 1.5, '7', null, [], 1e300]);
      let text = JSON.stringify(req);
      if (rng.chance(0.25)) text = mutateText(rng, text);
      await exchange(text, `seed ${SEED} batch ${b} case ${i}: ${text.slice(0, 300)}`);
    }
    await batchCheck(`batch ${b}`);
  }
});

test('requests before hello, wrong secret, double hello', async () => {
  for (const op of ['join', 'call_next', 'no_such_op', 'HELLO']) {
    const c = await RawWs.open(stack.svc.internalPort);
    c.send(JSON.stringify({ id: 5, op, office: OFFICE }));
    const r = await c.next();
    assert.equal(r.id, 5);
    assert.equal(r.error.code, 'unauthorized', `${op} before hello`);
    assert.equal(await c.next(), null, 'closed after a request before hello');
  }
  const c = await RawWs.open(stack.svc.internalPort);
  c.send(JSON.stringify({ id: 1, op: 'hello', secret: SECRET + 'x', instance: 'fuzz', tickets: [] }));
  assert.equal((await c.next()).error.code, 'unauthorized');
  assert.equal(await c.next(), null, 'closed after a wrong secret');
  const d = await RawWs.open(stack.svc.internalPort);
  d.send(JSON.stringify({ id: 1, op: 'hello', secret: SECRET, instance: 'fuzz2', tickets: [] }));
  assert.equal((await d.next()).ok, true);
  d.send(JSON.stringify({ id: 2, op: 'hello', secret: SECRET, instance: 'fuzz3', tickets: [] }));
  assert.equal((await d.next()).error.code, 'bad_request', 'second hello refused');
  await d.close();
  await batchCheck('before hello');
});

test('non-JSON, NUL escapes, invalid surrogates, deep nesting, binary frames', async () => {
  const cases = ['', 'x', '\u0000', '{"id":1,"op":"join","office":"kfz\\u0000"}', '{"id":2,"op":"join\\u0000","office":"kfz"}',
    '{"id":3,"op":"join","office":"kfz","name":"\\ud800"}', '{"id":4,"op":"join","office":"kfz","name":"\\udc00\\ud800"}',
    '{"id":5,"op":"join","office":"kfz","name":"\\uDBFF\\uDFFF"}', deepNesting(100000), deepNesting(30000, '{'),
    `{"id":6,"op":"queue","session":"${'a'.repeat(129)}"}`, '{"id":7,"op":"queue","session":1e999}',
    '{"id":99999999999999999999999,"op":"queue"}', '{"id":8,"op":"queue","id":9}', '[{"id":10,"op":"queue"}]',
    '{"id":11,"op":"heartbeat","sessions":[' + '"x",'.repeat(10000) + '"x"]}',
    '{"id":12,"op":"hello","secret":"x","instance":"y","tickets":[' + '1,'.repeat(20000) + '1]}',
    '{"id":13,"op":"leave","ticket":9223372036854775807}', '{"id":14,"op":"leave","ticket":-9223372036854775808}',
    '{"id":15,"op":"leave","ticket":0}', '{"id":16,"op":"leave","ticket":-1}',
    // Regression: the unknown-op message cut the name at 64 bytes, inside a UTF-8 sequence; the
    // reply could not be serialised and the plugin got the JSON text `null`.
    `{"id":17,"op":"${'ü'.repeat(100)}"}`, `{"id":18,"op":"${'a'.repeat(63)}🙂"}`, '{"id":19,"op":"x"}'];
  for (const [i, text] of cases.entries()) await exchange(text, `special ${i}`);
  const u = await exchange(`{"id":20,"op":"${'ä'.repeat(40)}"}`, 'unknown op, multibyte');
  assert.equal(u.error.code, 'unknown_op');
  assert.ok(u.error.message.includes('ä'.repeat(40)), 'the op name is quoted whole when short');
  // Invalid UTF-8 in a text frame and arbitrary bytes in binary frames.
  const rng = new Rng(SEED ^ 0xb1);
  await exchange(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]), 'invalid UTF-8 text frame', { binary: false });
  for (let i = 0; i < 30; i++) await exchange(rng.bytes(1 + rng.int(300)), `binary ${i}`, { binary: true });
  await exchange(Buffer.from(JSON.stringify({ id: 77, op: 'queue', session: 'nope' })), 'JSON in a binary frame', { binary: true });
  await batchCheck('special');
});

test('frames at and over the 64 KiB limit, fragmented messages', async () => {
  const sized = (n) => {
    const head = '{"id":42,"op":"clerk_auth","session":"nope","pad":"';
    return head + 'p'.repeat(n - head.length - 2) + '"}';
  };
  const at = await exchange(sized(FRAME_MAX), 'exactly 64 KiB');
  assert.equal(at.error?.code, 'unauthorized', 'a 64 KiB frame is processed');
  const c = await helloConn();
  c.send(sized(FRAME_MAX + 1));
  const over = await c.next();
  assert.equal(over.id, null);
  assert.equal(over.error.code, 'too_large');
  assert.equal(await c.next(), null, 'closed after too_large');
  const d = await helloConn();
  d.send(sized(4 * FRAME_MAX));
  assert.equal((await d.next()).error.code, 'too_large');
  assert.equal(await d.next(), null);
  // Fragments: a message split over continuation frames is one message; over the limit in sum.
  const e = await helloConn();
  const msg = sized(3000);
  e.send(msg.slice(0, 1000), { fin: false });
  e.send(msg.slice(1000, 2000), { fin: false });
  e.send(msg.slice(2000), { fin: true });
  assert.equal((await e.next()).error.code, 'unauthorized', 'fragmented message reassembled');
  const big = sized(FRAME_MAX + 5000);
  for (let o = 0; o < big.length; o += 8192) e.send(big.slice(o, o + 8192), { fin: o + 8192 >= big.length });
  assert.equal((await e.next()).error.code, 'too_large', 'fragments over the limit');
  assert.equal(await e.next(), null);
  // A valid request right after a too_large on the same connection must not run: create no ticket.
  const f = await helloConn();
  const before = ticketCount(stack.pg);
  f.send(sized(FRAME_MAX + 1));
  f.send(JSON.stringify({ id: 50, op: 'join', office: OFFICE, name: 'after close' }));
  assert.equal((await f.next()).error.code, 'too_large');
  const late = await f.next();
  assert.equal(late, null, `nothing answered after the close: ${JSON.stringify(late)}`);
  assert.equal(ticketCount(stack.pg), before, 'no ticket created by a request after the close');
  await batchCheck('frame sizes');
});

test('flood of requests without reading replies', async () => {
  const c = await helloConn();
  c.ws._socket.pause();   // stop reading: the server's outgoing queue has to bound itself
  const text = (i) => JSON.stringify({ id: i, op: 'queue', session: token, pad: 'q'.repeat(2000) });
  for (let i = 0; i < 6000; i++) c.send(text(i));
  await new Promise((r) => setTimeout(r, 1500));
  // Meanwhile others are served.
  await batchCheck('during flood');
  c.ws._socket.resume();
  let n = 0;
  let r;
  while ((r = await c.next(20000)) !== null) {
    n++;
    if (!r.ok) assertErrorObject(r.error, 'flood reply');
    if (n === 6000) break;
  }
  assert.ok(n === 6000 || c.isClosed, `either every reply arrives or the slow consumer is closed (got ${n})`);
  await c.close();
  await batchCheck('after flood');
});
