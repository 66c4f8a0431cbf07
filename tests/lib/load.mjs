// load.mjs: the load the database fault tests run on two queue-service instances while
// PostgreSQL is hurt (queue_pg_faults, queue_pg_failover): citizens joining, clerks calling,
// citizens accepting, clerks finishing, bookings. What clients were told goes into a Ledger
// (tests/lib/audit.mjs) for the audit; requests the fault refused are counted, answers "internal"
// are listed (a fault must look like "unavailable" to clients, never like a bug).
import { sleep } from './queue.mjs';

// A request that may meet the fault: its answer, or null when the client saw no answer in time.
export async function attempt(client, op, args) {
  try {
    const r = await client.request(op, args, 8000);
    if (!r.ok && client.ledger && r.error.code === 'unavailable') client.ledger.refused++;
    if (!r.ok && client.ledger && r.error.code === 'internal') client.ledger.internal.push(`${op}: ${r.error.message}`);
    return r;
  } catch {
    if (client.ledger) client.ledger.refused++;
    return null;
  }
}

// Citizens joining office until stopped; every confirmed ticket goes into the ledger.
export async function citizens(client, office, ledger, flag) {
  while (!flag.stop) {
    const r = await attempt(client, 'join', { office });
    if (r?.ok) ledger.joined.push(r.ticket.id);
    else await sleep(20);
  }
}

// Retries a step of the clerk cycle while the database is away. A step answered with another
// error was decided (for instance committed just before the answer was lost): the audit judges.
export async function step(client, op, args, flag, tries = 400) {
  for (let i = 0; i < tries; i++) {
    const r = await attempt(client, op, args);
    if (r?.ok) return true;
    if (r && r.error.code !== 'unavailable') return false;
    if (flag.stop && i > 100) return false;
    await sleep(50);
  }
  return false;
}

// One clerk: call the next citizen, the citizen accepts, the clerk finishes as served.
export async function clerk(client, citizenClient, token, ledger, flag) {
  while (!flag.stop) {
    const r = await attempt(client, 'call_next', { session: token });
    if (!r?.ok) { await sleep(20); continue; }
    const id = r.ticket.id;
    ledger.called.push(id);
    if (!await step(citizenClient, 'accept', { ticket: id }, flag)) continue;
    if (await step(client, 'finish', { session: token, ticket: id, outcome: 'served' }, flag)) ledger.finished.push(id);
  }
}

// Bookings on the office's slots, each with a name of its own (tag makes them unique).
export async function bookings(svc, office, slots, ledger, flag, tag) {
  for (let i = 0; !flag.stop; i++) {
    const slot = slots[i % slots.length];
    const name = `Load ${tag} ${i}`;
    let r;
    try {
      r = await svc.http('POST', '/api/v1/appointments', { body: { office, start: slot.start, name } });
    } catch {
      r = null;
    }
    if (r?.status === 201) ledger.booked.push({ name, start: slot.start });
    else if (!r || r.status >= 500) ledger.refused++;
    if (r?.status === 500) ledger.internal.push(`booking: ${JSON.stringify(r.body)}`);
    await sleep(15);
  }
}
