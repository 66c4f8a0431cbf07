#!/usr/bin/env node
// bench.mjs: ticket cycle (join -> call_next -> accept -> finish) through the queue service's
// internal API vs. pgbench running the same SQL (cycle.pgbench.sql) with the same concurrency
// against the same database in the same run. Prints both rates and the ratio (target >= 0.8x).
// Usage: node tests/bench/queue/bench.mjs [--clients 4] [--seconds 10] [--instances 1] [--prepared]
// (on demand; not in meson test). Each service instance uses one database connection (the
// service is single-threaded by design); --instances 2 shows horizontal scaling on one database.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startPg } from '../../lib/pg.mjs';
import { QueueService, addClerk, addOffice, migrate } from '../../lib/queue.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const CLIENTS = arg('clients', 4);
const INSTANCES = arg('instances', 1);
const ROUNDS = arg('rounds', 3);          // alternating service/pgbench rounds; medians are reported
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];   // service processes on the same database (clients spread over them)
const SECONDS = arg('seconds', 10);
// pgbench protocol: 'extended' (parse + plan per statement, default) or with --prepared 'prepared'
// (parse once per connection, like the service, which prepares its statements per connection).
const MODE = process.argv.includes('--prepared') ? 'prepared' : 'extended';
const PGBENCH = path.join(process.env.BB_PG_BIN || '/usr/lib/postgresql/15/bin', 'pgbench');

async function serviceRun(svcs, clerks) {
  const workers = [];
  let cycles = 0;
  let stop = false;
  for (let i = 0; i < CLIENTS; i++) {
    const { login, password } = clerks[i % clerks.length];
    const svc = svcs[i % svcs.length];
    const c = await svc.internal(`bench-${i}`);
    const token = await svc.login(login, password);
    await c.call('presence', { session: token, state: 'available' });
    workers.push({ c, token });
  }
  await new Promise((r) => setTimeout(r, 500));   // office status follows presence
  const t0 = process.hrtime.bigint();
  setTimeout(() => { stop = true; }, SECONDS * 1000);
  await Promise.all(workers.map(async ({ c, token }) => {
    while (!stop) {
      await c.call('join', { office: 'bench' });
      const r = await c.request('call_next', { session: token });
      if (!r.ok) continue;   // no_ticket: another clerk took the last one meanwhile
      await c.call('accept', { ticket: r.ticket.id });
      await c.call('finish', { session: token, ticket: r.ticket.id, outcome: 'served' });
      cycles++;
    }
  }));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  for (const w of workers) await w.c.close();
  return cycles / secs;
}

function pgbenchRun(pg, url, clerks, clients = CLIENTS) {
  const script = path.join(import.meta.dirname, 'cycle.pgbench.sql');
  const r = spawnSync(PGBENCH, ['-n', '-M', MODE, '-c', String(clients), '-j', String(clients), '-T', String(SECONDS),
    '-D', `clerks=${clerks}`, '-f', script, url], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pgbench failed: ${r.stderr}\n${r.stdout}`);
  const m = r.stdout.match(/tps = ([\d.]+) \(without initial connection time\)/);
  if (!m) throw new Error(`cannot read pgbench output:\n${r.stdout}`);
  return Number(m[1]);
}

const { pg, url } = await startPg();
try {
  migrate(url);
  addOffice(url, { id: 'bench', prefix: 'B', capacity: 100000 });
  const clerks = [];
  for (let i = 1; i <= CLIENTS; i++) {
    const login = `bench${i}`;
    clerks.push({ login, password: addClerk(url, login, { offices: ['bench'] }) });
  }
  const svcs = [];
  const service = [];
  const sql = [];
  const sql1 = [];
  try {
    for (let i = 0; i < INSTANCES; i++) {
      // BB_DB_POOL_SIZE from our environment (e.g. 1 for the single-connection design) reaches the service.
      const pool = process.env.BB_DB_POOL_SIZE ? { BB_DB_POOL_SIZE: process.env.BB_DB_POOL_SIZE } : {};
      svcs.push(await new QueueService(url, { BB_LOG_LEVEL: 'warn', BB_PRESENCE_TIMEOUT_S: '3600', ...pool }).start());
    }
    // Alternate so that background load on the machine hits both sides alike.
    for (let r = 0; r < ROUNDS; r++) {
      service.push(await serviceRun(svcs, clerks));
      sql.push(pgbenchRun(pg, url, CLIENTS));
      // The service runs its SQL on one connection per instance (single-threaded design), so
      // pgbench with one client shows the serial ceiling of one connection.
      sql1.push(pgbenchRun(pg, url, CLIENTS, 1));
    }
  } finally {
    for (const x of svcs) await x.stop();
  }
  const sv = median(service), pb = median(sql), p1 = median(sql1);
  console.log(`clients ${CLIENTS}, ${SECONDS} s per run, ${ROUNDS} alternating rounds (medians), same database`);
  console.log(`service (internal API, ${INSTANCES} instance(s)): ${sv.toFixed(1)} cycles/s  [${service.map((x) => x.toFixed(0)).join(', ')}]`);
  console.log(`pgbench -M ${MODE} (same SQL, ${CLIENTS} clients):  ${pb.toFixed(1)} cycles/s  [${sql.map((x) => x.toFixed(0)).join(', ')}]`);
  console.log(`ratio service/pgbench:  ${(sv / pb).toFixed(2)}x (target >= 0.80x)`);
  console.log(`pgbench, 1 client:      ${p1.toFixed(1)} cycles/s (serial ceiling of one connection; ` +
    `service reaches ${(sv / p1).toFixed(2)}x of it)`);
} finally {
  pg.destroy();
}
