// protocol_db.test.mjs: the database checks the same value lists as the protocol catalogue
// (protocol/values.json): every CHECK constraint that lists the states, presences, outcomes,
// reasons and roles allows exactly the catalogue's values. Migrations are never edited after
// merge, so a list that grows in the catalogue needs a new migration, and this test says so.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { startPg } from '../lib/pg.mjs';
import { migrate } from '../lib/queue.mjs';

const root = process.env.BB_SOURCE_ROOT || path.resolve(import.meta.dirname, '../..');
const lists = Object.fromEntries(JSON.parse(fs.readFileSync(path.join(root, 'protocol/values.json'), 'utf8'))
  .lists.map((l) => [l.name, l.values.map((v) => v.name)]));

// table.column -> catalogue list
const COLUMNS = {
  'ticket.state': 'ticket_state',
  'ticket.outcome': 'outcome',
  'ticket.expire_reason': 'expire_reason',
  'clerk_presence.state': 'presence',
  'clerk.role': 'clerk_role',
  'clerk.auth': 'clerk_auth',
  'appointment.state': 'appointment_state',
  'ticket.lang': 'citizen_lang',
  'appointment.lang': 'citizen_lang',
};

let db, pg;
before(async () => {
  ({ pg, url: db } = await startPg());
  migrate(db);
});
after(() => pg?.destroy());

test('every CHECK list of a value column equals the catalogue list', () => {
  for (const [col, list] of Object.entries(COLUMNS)) {
    const [table, column] = col.split('.');
    const defs = pg.psql(`SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c
      JOIN pg_class t ON t.oid = c.conrelid WHERE t.relname = '${table}' AND c.contype = 'c'
      AND pg_get_constraintdef(c.oid) ~ '\\m${column}\\M' AND pg_get_constraintdef(c.oid) ~ 'ARRAY'`, 'bb')
      .split('\n').filter(Boolean);
    assert.equal(defs.length, 1, `one list constraint on ${col}: ${defs.join(' | ')}`);
    const values = [...defs[0].matchAll(/'([^']*)'::text/g)].map((m) => m[1]);
    assert.deepEqual([...values].sort(), [...lists[list]].sort(), `${col} allows the catalogue's ${list}`);
  }
});

test('the transition trigger allows exactly the catalogue transitions between different states', () => {
  const fn = pg.psql("SELECT prosrc FROM pg_proc WHERE proname = 'ticket_check_transition'", 'bb');
  const pairs = new Set([...fn.matchAll(/\('(\w+)', '(\w+)'\)/g)].map((m) => `${m[1]}>${m[2]}`));
  const events = JSON.parse(fs.readFileSync(path.join(root, 'protocol/values.json'), 'utf8'))
    .lists.find((l) => l.name === 'ticket_event').values;
  const want = new Set(events.flatMap((e) => e.from.filter((f) => f !== e.to).map((f) => `${f}>${e.to}`)));
  assert.deepEqual([...pairs].sort(), [...want].sort());
});
