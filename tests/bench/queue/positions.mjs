// positions.mjs (benchmark, on demand): how fast a call reaches the waiting room, against
// PostgreSQL's own NOTIFY -> LISTEN round trip measured in the same run on the same database.
//
// One office with --waiting tickets. A clerk connection on instance A calls the next ticket;
// the time until a plugin connection on instance B (--instances 2, default) or on A (1) has
// heard the new position of every citizen it holds (all of them moved up by one: `positions`
// events, at most positions_frame entries each) is one sample: the path the last affected
// citizen's new position takes up to the plugin (commit, NOTIFY, LISTEN, recompute, send).
// The baseline is notify_rtt.c (libpq, poll() on the LISTEN socket). Phases alternate
// (baseline, service, service, baseline, ...) for --rounds rounds; medians of p50/p99 and the
// spread over rounds are printed with the target of issue 11: p99 <= 2 x baseline p99 + 20 ms.
//
//   node tests/bench/queue/positions.mjs [--waiting 1000] [--calls 100] [--rounds 4] [--instances 2]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack, QueueService, clerkOnline } from '../../lib/queue.mjs';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) =>
  (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const WAITING = Number(args.waiting ?? 1000);
const CALLS = Number(args.calls ?? 100);
const ROUNDS = Number(args.rounds ?? 4);
const INSTANCES = Number(args.instances ?? 2);

function quantile(xs, q) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}
const median = (xs) => quantile(xs, 0.5);
const ms = (us) => (us / 1000).toFixed(2);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-bench-pos-'));
const rttBin = path.join(tmp, 'notify_rtt');
execFileSync('cc', ['-O2', '-o', rttBin, path.join(import.meta.dirname, 'notify_rtt.c'),
  ...execFileSync('pkg-config', ['--cflags', '--libs', 'libpq'], { encoding: 'utf8' }).trim().split(/\s+/)]);

const stack = await startStack({
  offices: [{ id: 'kfz', prefix: 'KFZ', capacity: 100000 }],
  clerks: [{ login: 'c1', offices: ['kfz'] }],
});
const a = stack.svc;
const b = INSTANCES > 1 ? await new QueueService(stack.url, { BB_PRESENCE_TIMEOUT_S: '300' }).start() : a;
const clerk = await a.internal('bench-clerk');
const citizens = await b.internal('bench-citizens');
const token = await clerkOnline(a, clerk, 'c1', stack.passwords.c1);

// Keeps the office at WAITING tickets: tops it up before each service phase.
async function fill() {
  const have = Number(stack.pg.psql("SELECT count(*) FROM ticket WHERE state = 'waiting'", 'bb'));
  for (let i = have; i < WAITING; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, WAITING - i) }, () => citizens.call('join', { office: 'kfz' })));
  }
  // the last join's office_queue must be in before the first sample
  await citizens.waitFor((e) => e.event === 'office_queue' && e.office === 'kfz' && e.waiting === WAITING, 30000, 'filled');
}

async function servicePhase() {
  await fill();
  const samples = [];
  let waiting = WAITING;
  for (let i = 0; i < CALLS; i++) {
    citizens.events.clear();
    const t0 = process.hrtime.bigint();
    const r = await clerk.call('call_next', { session: token });
    waiting--;
    let told = 0;   // positions entries since the call; every waiting citizen moved
    await citizens.waitFor((e) => {
      if (e.event === 'positions' && e.office === 'kfz') told += e.positions.length;
      return told >= waiting;
    }, 10000, 'every position told');
    samples.push(Number(process.hrtime.bigint() - t0) / 1000);
    await clerk.call('finish', { session: token, ticket: r.ticket.id, outcome: 'no_show' });
  }
  return samples;
}

function baselinePhase() {
  const out = execFileSync(rttBin, [stack.pg.url('bb'), String(CALLS)], { encoding: 'utf8' });
  return out.trim().split('\n').map(Number);
}

const rows = { service: [], baseline: [] };
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 === 0 ? ['baseline', 'service'] : ['service', 'baseline'];
  for (const phase of order) {
    const s = phase === 'service' ? await servicePhase() : baselinePhase();
    rows[phase].push({ p50: quantile(s, 0.5), p99: quantile(s, 0.99) });
    console.log(`round ${r + 1} ${phase.padEnd(8)} p50 ${ms(quantile(s, 0.5))} ms  p99 ${ms(quantile(s, 0.99))} ms`);
  }
}
const sum = (k, q) => rows[k].map((x) => x[q]);
const target = 2 * median(sum('baseline', 'p99')) + 20000;
console.log(`\n${WAITING} waiting, ${CALLS} calls per round, ${ROUNDS} rounds, ${INSTANCES} instance(s)`);
for (const k of ['baseline', 'service']) {
  console.log(`${k.padEnd(8)} p50 median ${ms(median(sum(k, 'p50')))} ms (spread ${ms(Math.min(...sum(k, 'p50')))}–${ms(Math.max(...sum(k, 'p50')))}), ` +
    `p99 median ${ms(median(sum(k, 'p99')))} ms (spread ${ms(Math.min(...sum(k, 'p99')))}–${ms(Math.max(...sum(k, 'p99')))})`);
}
console.log(`target: service p99 <= 2 x baseline p99 + 20 ms = ${ms(target)} ms -> ${median(sum('service', 'p99')) <= target ? 'met' : 'NOT met'}`);

await clerk.close();
await citizens.close();
if (b !== a) await b.stop();
await stack.stop();
fs.rmSync(tmp, { recursive: true, force: true });
