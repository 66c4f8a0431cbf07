// queue_login.test.mjs: clerk logins that cannot stall the service or lock a clerk out
// (store/login.h): password checks on a bounded pool of hash workers (a flood beyond its queue is
// refused at once with 429 + Retry-After, memory and queue stay bounded, public GETs are answered
// meanwhile), limits per (login, address), per address and per login, with client addresses from
// X-Forwarded-For through trusted_proxies. No timed assertions: every check waits for the event it
// means.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from '../lib/queue.mjs';

const HASH_QUEUE = 4;
let stack, svc;

before(async () => {
  stack = await startStack({
    offices: [{ id: 'kfz' }],
    clerks: [{ login: 'mueller', offices: ['kfz'] }, { login: 'schmidt', offices: ['kfz'] }],
    env: { BB_TRUSTED_PROXIES: '127.0.0.1', BB_LOGIN_HASH_THREADS: '1', BB_LOGIN_HASH_QUEUE: String(HASH_QUEUE) },
  });
  svc = stack.svc;
});

after(async () => {
  await stack?.stop();
});

/** A login attempt from client address `addr` (the service trusts the loopback proxy). */
const login = (name, password, addr) => svc.http('POST', '/api/v1/clerk/login',
  { body: { login: name, password }, headers: { 'x-forwarded-for': addr } });

/** Runs the async functions with at most `n` at a time (the pool's queue stays below its bound). */
async function limited(n, jobs) {
  const results = [];
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]();
    }
  }));
  return results;
}

async function metrics() {
  const r = await svc.http('GET', '/metrics');
  assert.equal(r.status, 200);
  const value = (name) => Number(r.body.match(new RegExp(`^${name.replace(/[{}"]/g, '\\$&')} (\\d+)$`, 'm'))?.[1]);
  return value;
}

test('a stranger hammering mueller from 40 addresses cannot stop mueller at his own address', async () => {
  const strangers = Array.from({ length: 40 }, (_, i) => `203.0.113.${i + 1}`);
  const jobs = strangers.flatMap((addr) => Array.from({ length: 5 }, (_, k) => () => login('mueller', `guess-${addr}-${k}`, addr)));
  const answers = await limited(HASH_QUEUE, jobs);
  for (const r of answers) {
    assert.ok(r.status === 401 || r.status === 429, `${r.status} ${JSON.stringify(r.body)}`);
    if (r.status === 429) assert.ok(Number(r.headers.get('retry-after')) >= 1);
  }
  // After 20 failures across all addresses the login is slowed (its bucket gains one failure per
  // 30 s): a new address is blocked after its first failure or so, long before its own 5 free ones.
  const fresh = '203.0.113.200';
  let blocked;
  for (let i = 0; i < 3 && !blocked; i++) {
    const r = await login('mueller', `fresh-guess-${i}`, fresh);
    if (r.status === 429) blocked = r;
    else assert.equal(r.status, 401);
  }
  assert.ok(blocked, 'a slowed login blocks a new address at once');
  assert.equal(blocked.body.error.code, 'rate_limited');
  assert.ok(Number(blocked.headers.get('retry-after')) >= 60, 'a slowed login blocks the pair for long');
  // The last strangers guessed while it was slowed: blocked now, even with the right password.
  const again = await login('mueller', stack.passwords.mueller, strangers.at(-1));
  assert.equal(again.status, 429);
  // mueller at his own address is not: the right password logs him in, while slowed.
  const ok = await login('mueller', stack.passwords.mueller, '192.0.2.10');
  assert.equal(ok.status, 200, JSON.stringify(ok.body));
  assert.equal(ok.body.clerk.login, 'mueller');
  // ... also from an address nobody used before.
  assert.equal((await login('mueller', stack.passwords.mueller, '192.0.2.11')).status, 200);
  // Another clerk is not affected at all.
  assert.equal((await login('schmidt', 'typo', '192.0.2.20')).status, 401);
  assert.equal((await login('schmidt', stack.passwords.schmidt, '192.0.2.20')).status, 200);
  // Unknown logins get the same answers as wrong passwords.
  const unknown = await login('nobody', 'x', '192.0.2.30');
  const wrong = await login('schmidt', 'x', '192.0.2.31');
  assert.equal(unknown.status, 401);
  assert.deepEqual(unknown.body, wrong.body);
});

test('one address failing on many logins is limited across logins', async () => {
  const addr = '198.51.100.9';
  let refused;
  for (let i = 0; i < 40 && !refused; i++) {
    const r = await login(`user${i}`, 'x', addr);
    if (r.status === 429) refused = r;
    else assert.equal(r.status, 401);
  }
  assert.ok(refused, 'a 429 after about 20 failures on different logins');
  assert.match(refused.body.error.message, /too many failed logins/);
  // Other addresses are not affected.
  assert.equal((await login('mueller', stack.passwords.mueller, '198.51.100.10')).status, 200);
});

test('an IPv6 /64 is one address: changing the host part does not escape the limit', async () => {
  let refused;
  for (let i = 1; i <= 40 && !refused; i++) {
    const r = await login(`v6user${i}`, 'x', `2001:db8:5:6::${i.toString(16)}`);
    if (r.status === 429) refused = r;
    else assert.equal(r.status, 401);
  }
  assert.ok(refused, 'a 429 after about 20 failures from one /64');
  assert.match(refused.body.error.message, /too many failed logins/);
  // Another /64 is another address.
  assert.equal((await login('schmidt', stack.passwords.schmidt, '2001:db8:5:7::1')).status, 200);
});

test('a flood beyond the hash queue is refused at once; queue and memory stay bounded; GETs answered', async () => {
  const rss = async () => (await metrics())('process_resident_memory_bytes');
  const waiting = async () => (await metrics())('bb_login_checks{state="waiting"}');
  assert.equal((await metrics())('bb_login_checks{state="max_waiting"}'), HASH_QUEUE);
  let n = 0;
  const flood = () => Promise.all(Array.from({ length: 60 }, () => {
    n++;
    return login(`flood${n}`, 'x', `10.${n >> 16 & 255}.${n >> 8 & 255}.${n & 255}`);
  }));
  const rssAfter = [];
  for (let round = 0; round < 3; round++) {
    const inFlight = flood();
    // While the flood is in flight: public GETs are answered, the queue never exceeds its bound.
    const gets = await Promise.all(Array.from({ length: 10 }, () => svc.http('GET', '/api/v1/offices')));
    for (const g of gets) assert.equal(g.status, 200);
    assert.ok(await waiting() <= HASH_QUEUE);
    const answers = await inFlight;
    const busy = answers.filter((r) => r.status === 429);
    assert.ok(busy.length > 0, 'some logins found every worker busy');
    for (const r of busy) {
      assert.equal(r.body.error.code, 'rate_limited');
      assert.match(r.body.error.message, /too many logins at once/);
      assert.equal(r.headers.get('retry-after'), '1');
    }
    for (const r of answers) assert.ok(r.status === 401 || r.status === 429, String(r.status));
    assert.ok(answers.some((r) => r.status === 401), 'the checks that got a worker were answered');
    rssAfter.push(await rss());
  }
  assert.equal(await waiting(), 0);
  // Bounded: further floods do not grow the process (one argon2 buffer per worker at most).
  assert.ok(rssAfter[2] <= rssAfter[0] + 16 * 1024 * 1024, `resident memory ${rssAfter.join(', ')}`);
  const m = await metrics();
  assert.ok(m('bb_logins_total{result="busy"}') > 0);
  assert.equal((await svc.http('GET', '/healthz')).status, 200);
});

test('log lines carry the client network, never the address', () => {
  assert.match(svc.log, /login failed net=203\.0\.113\.0/);
  assert.match(svc.log, /login clerk=\d+ net=192\.0\.2\.0/);
  assert.match(svc.log, /login failed net=2001:db8:5::/);
  assert.doesNotMatch(svc.log, /2001:db8:5:6::/);
  for (const addr of ['203.0.113.7', '192.0.2.10', '198.51.100.9', '10.0.0.5']) {
    assert.ok(!new RegExp(`${addr.replaceAll('.', '\\.')}(?![0-9])`).test(svc.log), `${addr} not logged`);
  }
});
