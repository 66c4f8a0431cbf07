// queue_pg_faults.test.mjs: PostgreSQL faults under load. Two service instances take joins,
// clerk cycles (call_next, accept, finish) and bookings while every database connection is
// killed (pg_terminate_backend) again and again, and while PostgreSQL is restarted. Each test
// ends with the audit (tests/lib/audit.mjs): nothing a client was told is lost or doubled, no
// slot is overbooked, and whatever is still held can be ended, so nothing stays stuck.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, QueueService, clerkOnline, waitOffice, sleep } from '../lib/queue.mjs';
import { Ledger, auditDb, auditZero } from '../lib/audit.mjs';
import { citizens, clerk, bookings } from '../lib/load.mjs';

const OFFICE = 'kfz';
let stack, a, b;
const sql = (q) => stack.pg.psql(q, 'bb');

before(async () => {
  stack = await startStack({
    offices: [{ id: OFFICE, prefix: 'KFZ', capacity: 5000 }],
    clerks: [{ login: 'c1', offices: [OFFICE] }, { login: 'c2', offices: [OFFICE] }],
  });
  sql(`INSERT INTO appointment_policy (office_id, slot_min, capacity, horizon_days, lead_s, share_permille)
       VALUES ('${OFFICE}', 20, 2, 366, 0, 1000)`);
  a = stack.svc;
  b = await new QueueService(stack.url, { BB_PRESENCE_TIMEOUT_S: '300' }).start();
});

after(async () => {
  await b?.stop();
  await stack?.stop();
});

/** Runs the load on both instances while fault() runs; returns the ledger and the clients. */
let runs = 0;
async function underLoad(fault) {
  runs++;
  const clerkA = await a.internal('clerk-a');
  const clerkB = await b.internal('clerk-b');
  const citA = await a.internal('cit-a');
  const citB = await b.internal('cit-b');
  const t1 = await clerkOnline(a, clerkA, 'c1', stack.passwords.c1);
  const t2 = await clerkOnline(b, clerkB, 'c2', stack.passwords.c2);
  await waitOffice(a, OFFICE, (o) => o.status === 'open');
  const slots = (await a.http('GET', `/api/v1/offices/${OFFICE}/slots?from=2027-03-01&days=3`)).body.slots;
  assert.ok(slots.length > 50);
  const ledger = new Ledger();
  for (const c of [clerkA, clerkB, citA, citB]) c.ledger = ledger;
  const flag = { stop: false };
  const loops = [
    citizens(citA, OFFICE, ledger, flag), citizens(citB, OFFICE, ledger, flag),
    clerk(clerkA, citA, t1, ledger, flag), clerk(clerkB, citB, t2, ledger, flag),
    bookings(a, OFFICE, slots, ledger, flag, `a${runs}`), bookings(b, OFFICE, slots, ledger, flag, `b${runs}`),
  ];
  // the fault comes once the load runs (however slow the machine is)
  const started = Date.now() + 60000;
  while (Date.now() < started && (ledger.joined.length < 20 || ledger.finished.length < 3 || ledger.booked.length < 3)) await sleep(100);
  const before_ = { joined: ledger.joined.length, finished: ledger.finished.length, booked: ledger.booked.length };
  assert.ok(before_.joined >= 20 && before_.finished >= 3 && before_.booked >= 3, `load runs: ${JSON.stringify(before_)}`);
  const refusedBefore = ledger.refused;
  await fault();
  ledger.felt = ledger.refused - refusedBefore;
  // the load goes on after the fault: both instances serve again without a restart
  const mark = { joined: ledger.joined.length, finished: ledger.finished.length, booked: ledger.booked.length };
  const until = Date.now() + 60000;
  while (Date.now() < until && (ledger.joined.length < mark.joined + 20 || ledger.finished.length < mark.finished + 4
    || ledger.booked.length < mark.booked + 4)) await sleep(200);
  flag.stop = true;
  await Promise.all(loops);
  assert.ok(ledger.joined.length >= mark.joined + 20 && ledger.finished.length >= mark.finished + 4
    && ledger.booked.length >= mark.booked + 4,
    `service again after the fault: ${JSON.stringify({ mark, now: { joined: ledger.joined.length, finished: ledger.finished.length, booked: ledger.booked.length } })}`);
  return { ledger, clients: { clerkA, clerkB, citA, citB }, tokens: { t1, t2 } };
}

/** Audit, then end what is still held and serve everyone left: nothing stays stuck. */
async function auditAndDrain(t, { ledger, clients, tokens }, faults) {
  const audit = auditDb(sql, ledger, { office: OFFICE });
  t.diagnostic(`confirmed: ${ledger.joined.length} joins, ${ledger.called.length} calls, ${ledger.finished.length} finished, ` +
    `${ledger.booked.length} bookings, ${ledger.felt} refused during the fault; held ${audit.held.length}, unconfirmed ${audit.unconfirmed.length}, waiting ${audit.waiting}`);
  assert.deepEqual(audit.counts, auditZero(), `audit: ${JSON.stringify(audit)}`);
  // A call committed just before its answer was lost is held without the clerk knowing: at most
  // one per clerk and fault. It ends like any other call (the clerk finishes it as no-show).
  const unconfirmed = audit.unconfirmed.filter((id) => audit.held.includes(id));
  assert.ok(unconfirmed.length <= 2 * faults, `unconfirmed held calls: ${unconfirmed.length}`);
  for (const id of audit.held) {
    const owner = Number(sql(`SELECT clerk_id FROM ticket WHERE id = ${id}`));
    const c1 = Number(sql(`SELECT id FROM clerk WHERE login = 'c1'`));
    const [client, token] = owner === c1 ? [clients.clerkA, tokens.t1] : [clients.clerkB, tokens.t2];
    const r = await client.request('finish', { session: token, ticket: id, outcome: 'no_show' });
    assert.ok(r.ok, `held ticket ${id} can be ended: ${JSON.stringify(r.error)}`);
  }
  sql("UPDATE ticket SET detached_at = NULL WHERE state = 'waiting'");
  for (;;) {
    const r = await clients.clerkB.request('call_next', { session: tokens.t2 });
    if (!r.ok) { assert.equal(r.error.code, 'no_ticket'); break; }
    await clients.citB.call('accept', { ticket: r.ticket.id });
    await clients.clerkB.call('finish', { session: tokens.t2, ticket: r.ticket.id, outcome: 'served' });
  }
  assert.equal(sql(`SELECT count(*) FROM ticket WHERE state IN ('waiting', 'called', 'in_consultation')`), '0');
  assert.equal(sql(`SELECT count(*) FROM clerk_presence WHERE state = 'busy'`), '0', 'no clerk left busy');
  for (const c of Object.values(clients)) await c.close();
  // the next test starts from an empty office
  sql(`UPDATE appointment SET state = 'cancelled', cancelled_at = now() WHERE state = 'booked'`);
  sql('UPDATE appointment_slot SET booked = 0');
}

test('pg_terminate_backend of every statement in flight for 3 s under load: the audit is clean', async (t) => {
  let killed = 0;
  const run = await underLoad(async () => {
    // Idle connections are noticed before use and replaced quietly; the fault that matters hits
    // a statement or transaction in flight. PostgreSQL itself watches for 3 s, every millisecond.
    killed = Number((await stack.pg.psqlAsync(`CREATE TEMP TABLE k (n int); INSERT INTO k VALUES (0);
      DO $$ DECLARE stop timestamptz := clock_timestamp() + interval '3 s'; BEGIN
        WHILE clock_timestamp() < stop LOOP
          PERFORM pg_stat_clear_snapshot();   -- else the activity view stays as first read
          UPDATE k SET n = n + (SELECT count(*) FROM (SELECT pid FROM pg_stat_activity
            WHERE datname = 'bb' AND pid <> pg_backend_pid() AND backend_type = 'client backend'
            AND state IN ('active', 'idle in transaction') OFFSET 0) x WHERE pg_terminate_backend(x.pid));
          PERFORM pg_sleep(0.001);
        END LOOP; END $$;
      SELECT n FROM k;`, 'bb')).split('\n').pop());
  });
  t.diagnostic(`statements or transactions cut: ${killed}`);
  assert.ok(killed >= 5, `connections cut in flight: ${killed}`);
  await auditAndDrain(t, run, killed);
  for (const s of [a, b]) assert.equal(s.proc.exitCode, null, 'the services kept running');
});

test('PostgreSQL restarted under load: the audit is clean', async (t) => {
  const run = await underLoad(async () => {
    stack.pg.pgStop();
    await sleep(1500);
    stack.pg.pgStart();
  });
  await auditAndDrain(t, run, 1);
  for (const s of [a, b]) assert.equal(s.proc.exitCode, null, 'the services kept running');
});
