// audit.mjs: the end of every fault test - what the clients were told against what PostgreSQL
// holds. Each count in the result must be zero (assert.deepEqual against auditZero()), so a
// failure names what was lost, doubled or left stuck.

/** Records what clients were told, filled by the load loops of a fault test. */
export class Ledger {
  constructor() {
    this.joined = [];     // ticket ids whose join was confirmed
    this.called = [];     // ticket ids a clerk was given by a confirmed call_next
    this.finished = [];   // ticket ids whose finish was confirmed
    this.booked = [];     // { name, start } of confirmed bookings (names are unique per test)
    this.refused = 0;     // requests answered with an error or not at all (the fault was felt)
    this.internal = [];   // requests answered "internal": a database fault must not look like a bug
  }
}

function rows(psql, q) {
  return psql(q).split('\n').filter(Boolean).map((l) => l.split('|'));
}

/**
 * psql: (query) => text of psql -At output for the service's database.
 * Returns counts that must all be zero, plus `held` (tickets still called or in consultation,
 * to be ended by the test) and `unconfirmed` (called without a confirmed answer).
 */
export function auditDb(psql, ledger, { office }) {
  const tickets = new Map(rows(psql, `SELECT id, state FROM ticket WHERE office_id = '${office}'`)
    .map(([id, state]) => [Number(id), state]));
  const dup = (list) => list.length - new Set(list).size;
  const called = new Set(ledger.called);
  const result = {
    joins_lost: ledger.joined.filter((id) => !tickets.has(id)).length,
    joins_confirmed_twice: dup(ledger.joined),
    calls_confirmed_twice: dup(ledger.called),
    // a ticket whose call was confirmed went back to waiting: someone else may get it too
    calls_lost: ledger.called.filter((id) => tickets.get(id) === 'waiting').length,
    finishes_lost: ledger.finished.filter((id) => tickets.get(id) !== 'done').length,
    numbers_doubled: Number(psql(`SELECT count(*) - count(DISTINCT (issued_office_id, day, number)) FROM ticket`)),
    bookings_lost: 0,
    bookings_doubled: 0,
    slots_miscounted: Number(psql(`SELECT count(*) FROM appointment_slot s WHERE s.booked <> (SELECT count(*)
      FROM appointment a WHERE a.office_id = s.office_id AND a.start_at = s.start_at AND a.state <> 'cancelled')`)),
    slots_overbooked: Number(psql('SELECT count(*) FROM appointment_slot WHERE booked > capacity')),
    // a clerk marked busy although none of their tickets is held
    clerks_stuck_busy: Number(psql(`SELECT count(*) FROM clerk_presence p WHERE p.state = 'busy' AND NOT EXISTS
      (SELECT 1 FROM ticket t WHERE t.clerk_id = p.clerk_id AND t.state IN ('called', 'in_consultation'))`)),
  };
  const names = new Map(rows(psql, `SELECT name, count(*) FROM appointment WHERE state = 'booked' GROUP BY name`)
    .map(([n, c]) => [n, Number(c)]));
  for (const b of ledger.booked) {
    const n = names.get(b.name) ?? 0;
    if (n === 0) result.bookings_lost++;
    if (n > 1) result.bookings_doubled++;
  }
  const extra = {
    held: [...tickets].filter(([, s]) => s === 'called' || s === 'in_consultation').map(([id]) => id),
    unconfirmed: [...tickets].filter(([id, s]) => (s === 'called' || s === 'in_consultation') && !called.has(id))
      .map(([id]) => id),
    waiting: [...tickets].filter(([, s]) => s === 'waiting').length,
  };
  return { counts: result, ...extra };
}

/** The counts of a clean audit. */
export function auditZero() {
  return {
    joins_lost: 0, joins_confirmed_twice: 0, calls_confirmed_twice: 0, calls_lost: 0, finishes_lost: 0,
    numbers_doubled: 0, bookings_lost: 0, bookings_doubled: 0, slots_miscounted: 0, slots_overbooked: 0,
    clerks_stuck_busy: 0,
  };
}
