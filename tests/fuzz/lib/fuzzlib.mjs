// fuzzlib.mjs: shared pieces of the protocol fuzzers: a seeded PRNG, value/JSON mutators, the
// documented error shape, and the "still healthy and nothing lost" check run after every batch.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { clerkOnline, sleep, waitOffice } from '../../lib/queue.mjs';


// The documented codes are the catalogue's (protocol/errors.json), never a copy.
export const ERROR_CODES = new Set(JSON.parse(fs.readFileSync(
  path.join(process.env.BB_SOURCE_ROOT || path.resolve(import.meta.dirname, '../../..'), 'protocol/errors.json'), 'utf8'))
  .errors.map((e) => e.name));

/** The seed comes from BB_FUZZ_SEED (to reproduce a failure) or a fixed default per file. */
export function seedFrom(defaultSeed) {
  const s = process.env.BB_FUZZ_SEED;
  return s ? Number.parseInt(s, 10) >>> 0 : defaultSeed >>> 0;
}

/** mulberry32: small, fast, deterministic; enough for choosing mutations. */
export class Rng {
  constructor(seed) { this.s = seed >>> 0; }

  next() {
    this.s = (this.s + 0x6D2B79F5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(n) { return Math.floor(this.next() * n); }

  pick(a) { return a[this.int(a.length)]; }

  chance(p) { return this.next() < p; }

  bytes(n) {
    const b = Buffer.alloc(n);
    for (let i = 0; i < n; i++) b[i] = this.int(256);
    return b;
  }
}

/** Strings that break naive code: control characters, non-BMP, RTL, long runs, SQL/format junk. */
const NASTY_STRINGS = [
  '', ' ', 'a', 'ä', 'Ärger ß', '𝄞', '🙂'.repeat(40), '\u202Egnirts', '\uFEFF', '\u0007\u0008\t\n\r',
  '%s%s%n%x', "'; DROP TABLE ticket; --", '../../etc/passwd', '\\', '"', '{}', 'null', '0', '-1',
  'kfz', 'KFZ', 'kfz ', 'available', 'served', 'x'.repeat(33), 'x'.repeat(64), 'x'.repeat(65),
  'x'.repeat(80), 'x'.repeat(81), 'y'.repeat(128), 'y'.repeat(129), 'z'.repeat(280), 'z'.repeat(281),
  'ü'.repeat(500), 'ü'.repeat(501), 'w'.repeat(5000),
];

/** Numbers at the edges of int32/uint32/int64/double. */
const NASTY_NUMBERS = [0, -0, 1, -1, 0.5, 1.0e-300, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1, 2 ** 32, 2 ** 53, -(2 ** 53),
  9.2e18, 1e308, -1e308, 123456789012];

/** A random JSON value, of bounded depth. */
export function randomValue(rng, depth = 0) {
  switch (rng.int(depth > 3 ? 4 : 7)) {
  case 0: return null;
  case 1: return rng.chance(0.5);
  case 2: return rng.pick(NASTY_NUMBERS);
  case 3: return rng.pick(NASTY_STRINGS);
  case 4: return Array.from({ length: rng.int(5) }, () => randomValue(rng, depth + 1));
  case 5: {
    const o = {};
    for (let i = rng.int(4); i > 0; i--) o[rng.pick(['a', 'id', 'op', 'ticket', 'session', ''])] = randomValue(rng, depth + 1);
    return o;
  }
  default: return Array.from({ length: rng.int(3) }, () => rng.pick(NASTY_NUMBERS));
  }
}

/** `[[[...]]]` or `{"a":{"a":...}}` nested n deep, as text (JSON.stringify would recurse). */
export function deepNesting(n, kind = '[') {
  return kind === '[' ? '['.repeat(n) + ']'.repeat(n) : '{"a":'.repeat(n) + '1' + '}'.repeat(n);
}

/** Mutates a request object in place (1..3 structural mutations); returns it. */
export function mutateObject(rng, obj, { keepId = true } = {}) {
  const keys = Object.keys(obj).filter((k) => !keepId || k !== 'id');
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const k = keys.length ? rng.pick(keys) : 'x';
    switch (rng.int(6)) {
    case 0: delete obj[k]; break;
    case 1: obj[k] = randomValue(rng); break;
    case 2: obj[rng.pick(['extra', 'op2', '__proto_', 'Id', 'OP'])] = randomValue(rng); break;
    case 3: obj[k] = typeof obj[k] === 'string' ? obj[k] + rng.pick(NASTY_STRINGS) : rng.pick(NASTY_STRINGS); break;
    case 4: obj[k] = rng.pick(NASTY_NUMBERS); break;
    default: obj[k] = [obj[k]]; break;
    }
  }
  return obj;
}

/** Mutations applied to the serialised text: truncation, junk bytes, escapes JS accepts but a
 * strict parser must refuse (\u0000 is refused by Jansson, so is a lone surrogate). */
export function mutateText(rng, text) {
  switch (rng.int(8)) {
  case 0: return text.slice(0, rng.int(text.length + 1));
  case 1: {
    const i = rng.int(text.length + 1);
    return text.slice(0, i) + rng.pick(['\\u0000', '\\ud800', '\\udfff\\ud800', '\\uDBFF\\uDFFF', '\\x41', '\\']) + text.slice(i);
  }
  case 2: return text.replace(/"([a-z_]+)":"/, '"$1":"\\u0000');
  case 3: return text.replace(/"([a-z_]+)":"/, '"$1":"\\ud83d');
  case 4: { // duplicate key
    const m = text.match(/^\{"id":\d+,/);
    return m ? m[0] + '"op":"x",' + text.slice(m[0].length) : text + ',';
  }
  case 5: return text + rng.pick([' ', '\n', 'x', '}', '{}', '\u0000']);
  case 6: return rng.pick(['', ' ', 'null', 'true', '[]', '"hello"', '1', '1e999', '-', '{', '{"id":', 'NaN',
    deepNesting(10000), deepNesting(3000, '{')]);
  default: {
    const b = Buffer.from(text);
    for (let i = rng.int(4) + 1; i > 0; i--) if (b.length) b[rng.int(b.length)] = rng.int(256);
    return b.toString('latin1');
  }
  }
}

/** Asserts the documented error object {code, message} (extra fields allowed). */
export function assertErrorObject(e, ctx) {
  assert.ok(e && typeof e === 'object' && !Array.isArray(e), `error is an object: ${ctx}`);
  assert.equal(typeof e.code, 'string', `error.code is a string: ${ctx}`);
  assert.ok(ERROR_CODES.has(e.code), `error.code '${e.code}' is documented: ${ctx}`);
  assert.equal(typeof e.message, 'string', `error.message is a string: ${ctx}`);
  assert.notEqual(e.code, 'internal', `no internal error: ${ctx}`);
}

/** Ticket rows in the database (every state: nothing may disappear). */
export function ticketCount(pg) {
  return Number(pg.psql('SELECT count(*) FROM ticket', 'bb'));
}

/**
 * The after-batch check: process alive, /healthz 200, and one full citizen/clerk cycle
 * (join -> call_next -> accept -> finish) still works. Returns the ticket ids it created.
 */
export async function assertServiceHealthy(stack, { office, login, password, instance = 'fuzz-check' }) {
  const { svc } = stack;
  assert.equal(svc.proc.exitCode, null, `service still running; log:\n${svc.log.slice(-4000)}`);
  assert.equal(svc.proc.signalCode, null, 'service not killed by a signal');
  const h = await svc.http('GET', '/healthz');
  assert.equal(h.status, 200, `healthz: ${JSON.stringify(h.body)}`);
  const c = await svc.internal(instance);
  try {
    const token = await clerkOnline(svc, c, login, password);
    // The office view follows presence changes within a tick; join checks that view.
    await waitOffice(svc, office, (o) => o.status !== 'closed', 5000);
    // Clear out what fuzzing left waiting, so call_next reaches our own ticket.
    const j = await c.call('join', { office, name: 'Check' });
    for (let i = 0; i < 10000; i++) {
      const r = await c.request('call_next', { session: token });
      if (!r.ok) {
        assert.equal(r.error.code, 'no_ticket', `call_next: ${JSON.stringify(r)}`);
        throw new Error(`call_next never reached ticket ${j.ticket.id}`);
      }
      if (r.ticket.id === j.ticket.id) break;
      await c.call('finish', { session: token, ticket: r.ticket.id, outcome: 'no_show' });
    }
    const a = await c.call('accept', { ticket: j.ticket.id });
    assert.equal(a.ticket.state, 'in_consultation');
    await c.call('finish', { session: token, ticket: j.ticket.id, outcome: 'served' });
    return [j.ticket.id];
  } finally {
    await c.close();
  }
}

/**
 * Stops the stack and fails if the service reported a sanitizer finding (ASan/UBSan/LSan builds:
 * BB_QUEUE_BIN from a `-Db_sanitize=address,undefined` build dir). BB_FUZZ_LOG_DIR keeps the log.
 */
export async function stopAndCheckLog(stack, name) {
  if (!stack) return;
  await stack.stop();
  const log = stack.svc.log;
  if (process.env.BB_FUZZ_LOG_DIR) fs.writeFileSync(path.join(process.env.BB_FUZZ_LOG_DIR, `${name}.log`), log);
  const m = log.match(/(ERROR: (Address|Leak)Sanitizer|runtime error:|SUMMARY: \w+Sanitizer)[^\n]*/);
  assert.equal(m, null, `sanitizer report in the service log: ${m?.[0]}\n${log.slice(log.indexOf(m?.[0] ?? ''), 6000)}`);
}

export { sleep };
