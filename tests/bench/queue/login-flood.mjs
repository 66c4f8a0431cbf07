#!/usr/bin/env node
// login-flood.mjs: does a login flood slow down the public API? Measures the p95 latency of
// `GET /api/v1/offices` (one keep-alive client, requests back to back) while the service is idle
// and while 40 concurrent clients flood `POST /api/v1/clerk/login` with wrong passwords, each from
// its own client address (X-Forwarded-For through trusted_proxies = 127.0.0.1). Rounds alternate
// the order (idle first, then flood first, ...); prints every round, the median ratio
// flood/idle, its spread and the flood's answers. Target: ratio <= 2.
//
// Usage (on demand; not part of meson test or scripts/test):
//   BB_QUEUE_BIN=build/queue-service/src/buergerbuero-queue \
//     node tests/bench/queue/login-flood.mjs [--rounds 6] [--seconds 5] [--clients 40] [--fixed] [--hammer]
// Addresses: by default a client moves to a fresh address every 5 attempts, so no limit ever stops
// it and the password checks run flat out: the worst case for the service. --fixed: each client
// keeps one address (the limits soon answer it with cheap 429s).
// Pace: by default a client answered 429 waits its Retry-After (1 s when the hash workers are
// busy), as HTTP clients do; 40 clients still keep every hash worker and its queue full.
// --hammer: clients ignore Retry-After and send again at once: then the measurement is about how
// fast the loop turns away ~1,000 refusals a second, and on a small machine the load generator
// itself takes a core.
import { fork } from 'node:child_process';
import { startStack } from '../../lib/queue.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};

// ---- the flood, in its own process so that it does not slow the measuring client ------------
if (process.argv[2] === '--flood-child') {
  const [base, clients, fixed, round, hammer] = [process.argv[3], Number(process.argv[4]), process.argv[5] === '1',
    Number(process.argv[6]), process.argv[7] === '1'];
  let stop = false;
  const counts = {};
  process.on('message', (m) => { if (m === 'stop') stop = true; });
  const worker = async (c) => {
    for (let n = 0; !stop; n++) {
      const a = Math.floor(n / 5);   // a fresh address every 5 attempts (5 different logins each)
      // Each round floods from addresses and logins of its own, so that earlier rounds' blocks do
      // not turn a later round's flood into cheap refusals.
      const addr = fixed ? `${100 + round}.1.${c}.1` : `${100 + round}.${(a >> 8) & 255}.${a & 255}.${c}`;
      try {
        const r = await fetch(`${base}/api/v1/clerk/login`, {
          method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': addr },
          body: JSON.stringify({ login: `flood-${round}-${c}-${n}`, password: `guess-${n}` }),
        });
        await r.arrayBuffer();
        counts[r.status] = (counts[r.status] || 0) + 1;
        const wait = Number(r.headers.get('retry-after'));
        if (r.status === 429 && !hammer && wait > 0)
          await new Promise((res) => setTimeout(res, Math.min(wait, 5) * 1000));
      } catch {
        counts.error = (counts.error || 0) + 1;
      }
    }
  };
  process.send('started');
  await Promise.all(Array.from({ length: clients }, (_, c) => worker(c)));
  process.send({ counts });
  process.exit(0);
}

const ROUNDS = arg('rounds', 6);
const SECONDS = arg('seconds', 5);
const CLIENTS = arg('clients', 40);
const FIXED = process.argv.includes('--fixed');
const HAMMER = process.argv.includes('--hammer');

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const median = (xs) => quantile(xs, 0.5);

/** GET /api/v1/offices back to back for SECONDS; returns latencies in ms. */
async function measure(base) {
  const lat = [];
  const until = Date.now() + SECONDS * 1000;
  while (Date.now() < until) {
    const t = process.hrtime.bigint();
    const r = await fetch(`${base}/api/v1/offices`);
    await r.arrayBuffer();
    if (r.status !== 200) throw new Error(`GET answered ${r.status}`);
    lat.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return lat;
}

async function withFlood(base, round, fn) {
  const child = fork(new URL(import.meta.url).pathname, ['--flood-child', base, String(CLIENTS), FIXED ? '1' : '0', String(round), HAMMER ? '1' : '0']);
  await new Promise((resolve) => child.once('message', resolve));
  await new Promise((r) => setTimeout(r, 500));   // the flood is under way
  const result = await fn();
  const done = new Promise((resolve) => child.on('message', (m) => m.counts && resolve(m.counts)));
  child.send('stop');
  const counts = await done;
  return { result, counts };
}

const stack = await startStack({
  offices: ['kfz', 'fs', 'bau', 'abh', 'demo'].map((id) => ({ id })),
  clerks: [{ login: 'mueller', offices: ['kfz'] }],
  env: { BB_TRUSTED_PROXIES: '127.0.0.1', BB_LOG_LEVEL: 'warn' },
});
const base = stack.svc.base;
try {
  await measure(base);   // warm-up (connections, caches)
  const rows = [];
  for (let r = 0; r < ROUNDS; r++) {
    const floodFirst = r % 2 === 1;
    let idle, flood, counts;
    if (floodFirst) {
      ({ result: flood, counts } = await withFlood(base, r, () => measure(base)));
      idle = await measure(base);
    } else {
      idle = await measure(base);
      ({ result: flood, counts } = await withFlood(base, r, () => measure(base)));
    }
    const row = { order: floodFirst ? 'flood,idle' : 'idle,flood', idle_p95: quantile(idle, 0.95), flood_p95: quantile(flood, 0.95),
      idle_n: idle.length, flood_n: flood.length, logins: counts };
    row.ratio = row.flood_p95 / row.idle_p95;
    rows.push(row);
    console.log(`round ${r + 1}/${ROUNDS} ${row.order}: GET p95 idle ${row.idle_p95.toFixed(2)} ms (n=${row.idle_n}), `
      + `flood ${row.flood_p95.toFixed(2)} ms (n=${row.flood_n}), ratio ${row.ratio.toFixed(2)}x; logins ${JSON.stringify(counts)}`);
  }
  const ratios = rows.map((x) => x.ratio);
  console.log(`\n${ROUNDS} rounds x ${SECONDS} s, ${CLIENTS} flood clients (${FIXED ? 'fixed addresses' : 'rotating addresses'}, `
    + `${HAMMER ? 'ignoring Retry-After' : 'following Retry-After'})`);
  console.log(`GET p95 idle:  median ${median(rows.map((x) => x.idle_p95)).toFixed(2)} ms, `
    + `spread ${Math.min(...rows.map((x) => x.idle_p95)).toFixed(2)}-${Math.max(...rows.map((x) => x.idle_p95)).toFixed(2)} ms`);
  console.log(`GET p95 flood: median ${median(rows.map((x) => x.flood_p95)).toFixed(2)} ms, `
    + `spread ${Math.min(...rows.map((x) => x.flood_p95)).toFixed(2)}-${Math.max(...rows.map((x) => x.flood_p95)).toFixed(2)} ms`);
  console.log(`ratio flood/idle: median ${median(ratios).toFixed(2)}x, spread ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}x `
    + `(target <= 2x): ${median(ratios) <= 2 ? 'met' : 'NOT met'}`);
} finally {
  await stack.stop();
}
