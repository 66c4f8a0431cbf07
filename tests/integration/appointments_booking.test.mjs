// appointments_booking.test.mjs: free slots (share rule, both DST changes), booking, look-up,
// cancel, the .ics (a video appointment linking to check-in) parsed back with a real iCalendar
// parser, malformed input, database-enforced
// capacity under 200 concurrent bookings through two service instances, and code-guessing limits.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, QueueService } from '../lib/queue.mjs';
import { parseIcs } from '../lib/smtp.mjs';   // python3-icalendar

const CHECKIN_PAGE = 'https://www.landkreis.example/buergerbuero/';
let stack, svc;

function sql(q) {
  return stack.pg.psql(q, 'bb');
}

async function book(body, s = svc) {
  return s.http('POST', '/api/v1/appointments', { body });
}

before(async () => {
  stack = await startStack({
    offices: [
      { id: 'kfz', prefix: 'KFZ' },                                // open around the clock
      { id: 'bau', prefix: 'BAU', hours: 'mon-fri 08:00-12:00' },  // Europe/Berlin
      { id: 'conc', prefix: 'CON' },
      { id: 'none', prefix: 'NON' },                               // no clerk, no policy
    ],
    env: { BB_CHECKIN_URL: CHECKIN_PAGE },
  });
  svc = stack.svc;
  sql(`INSERT INTO appointment_policy (office_id, slot_min, capacity, horizon_days, lead_s, share_permille) VALUES
       ('kfz', 20, 2, 366, 0, 500), ('bau', 60, 1, 366, 0, 1000), ('conc', 20, 2, 366, 0, 1000)`);
  sql(`INSERT INTO appointment_blocked_day VALUES ('kfz', '2027-01-14')`);
});

after(async () => {
  await stack?.stop();
});

test('slots: every second 20-minute slot of the day, with remaining capacity', async () => {
  const r = await svc.http('GET', '/api/v1/offices/kfz/slots?from=2027-01-13&days=2');
  assert.equal(r.status, 200);
  assert.equal(r.body.office, 'kfz');
  assert.equal(r.body.timezone, 'Europe/Berlin');
  assert.equal(r.body.slot_min, 20);
  // 72 slots a day, half for appointments; 2027-01-14 is blocked.
  assert.equal(r.body.slots.length, 36);
  assert.deepEqual(r.body.slots[0], { start: '2027-01-12T23:00:00Z', end: '2027-01-12T23:20:00Z',
    local_date: '2027-01-13', local_time: '00:00', remaining: 2 });
  assert.equal(r.body.slots[1].local_time, '00:40');
  assert.equal(r.body.slots[35].local_time, '23:20');
  assert.ok(r.body.slots.every((s) => s.local_date === '2027-01-13' && s.remaining === 2));
});

test('slots across the DST changes of 2027 keep the local opening time', async () => {
  // Last Sunday of March 2027 is the 28th: Friday 08:00 CET = 07:00Z, Monday 08:00 CEST = 06:00Z.
  const spring = await svc.http('GET', '/api/v1/offices/bau/slots?from=2027-03-26&days=4');
  assert.equal(spring.status, 200);
  assert.deepEqual(spring.body.slots.map((s) => `${s.local_date} ${s.local_time} ${s.start}`), [
    '2027-03-26 08:00 2027-03-26T07:00:00Z', '2027-03-26 09:00 2027-03-26T08:00:00Z',
    '2027-03-26 10:00 2027-03-26T09:00:00Z', '2027-03-26 11:00 2027-03-26T10:00:00Z',
    '2027-03-29 08:00 2027-03-29T06:00:00Z', '2027-03-29 09:00 2027-03-29T07:00:00Z',
    '2027-03-29 10:00 2027-03-29T08:00:00Z', '2027-03-29 11:00 2027-03-29T09:00:00Z',
  ]);
  // Last Sunday of October 2027 is the 31st: Friday 29th CEST, Monday 1 November CET.
  const autumn = await svc.http('GET', '/api/v1/offices/bau/slots?from=2027-10-29&days=4');
  assert.deepEqual(autumn.body.slots.map((s) => s.start), [
    '2027-10-29T06:00:00Z', '2027-10-29T07:00:00Z', '2027-10-29T08:00:00Z', '2027-10-29T09:00:00Z',
    '2027-11-01T07:00:00Z', '2027-11-01T08:00:00Z', '2027-11-01T09:00:00Z', '2027-11-01T10:00:00Z',
  ]);
  // Around the clock, the spring-forward night has no 02:xx slots.
  const night = await svc.http('GET', '/api/v1/offices/kfz/slots?from=2027-03-28&days=1');
  assert.ok(!night.body.slots.some((s) => s.local_time.startsWith('02:')));
  assert.ok(night.body.slots.some((s) => s.local_time === '03:20' && s.start === '2027-03-28T01:20:00Z'));
});

test('a booking in each DST week: the .ics carries the right local time and zone', async () => {
  for (const [start, local] of [['2027-03-26T07:00:00Z', '2027-03-26T08:00:00'],
    ['2027-03-29T06:00:00Z', '2027-03-29T08:00:00'], ['2027-11-01T07:00:00Z', '2027-11-01T08:00:00']]) {
    const r = await book({ office: 'bau', start, name: 'Jörg Übermaß', concern: 'Bauantrag; Garage, Carport' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    assert.match(r.body.code, /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
    const ics = await svc.http('GET', r.body.ics_url);
    assert.equal(ics.status, 200);
    assert.match(ics.headers.get('content-type'), /^text\/calendar/);
    assert.ok(ics.body.split('\r\n').every((l) => Buffer.byteLength(l) <= 75), 'folded at 75 octets');
    assert.ok(!/[^\r]\n/.test(ics.body), 'CRLF only');
    const cal = parseIcs(ics.body);
    assert.equal(cal.method, 'PUBLISH');
    assert.deepEqual(cal.zones, ['Europe/Berlin']);
    assert.equal(cal.events.length, 1);
    const ev = cal.events[0];
    assert.equal(ev.tzid, 'Europe/Berlin');
    assert.equal(ev.local, local);
    assert.equal(ev.utc, start, 'the VTIMEZONE maps the local time back to the booked instant');
    assert.match(ev.description, new RegExp(r.body.code));
    assert.equal(ev.status, 'CONFIRMED');
    // a video appointment: nobody should set off for the building; the link leads to check-in
    // no `lang` in the booking: German (citizen_lang.test.mjs covers the other languages)
    assert.equal(ev.summary, 'Video-Termin: Amt bau');
    assert.equal(ev.location, 'Online (Video) – Amt bau');
    assert.equal(ev.url, `${CHECKIN_PAGE}#checkin=${r.body.code}`);
    assert.match(ev.description, /^Video-Termin bei Amt bau: Das Gespräch findet per Video statt/);
    assert.match(ev.description, /Check-in im virtuellen Wartezimmer ist von 15 Minuten vor bis 15 Minuten nach Beginn möglich:\n/);
    assert.ok(ev.description.endsWith(`\n${CHECKIN_PAGE}#checkin=${r.body.code}`), ev.description);
    assert.doesNotMatch(ev.description, /Video appointment/, 'one language per calendar entry');
  }
});

test('a slot in the hour that repeats when the clocks go back ends after it starts in the .ics', async () => {
  // 31 October 2027: 02:00-03:00 CEST, then 02:00-03:00 CET again. A slot starting in the first
  // 02:xx and ending in the second must not end before it starts in a calendar.
  const night = (await svc.http('GET', '/api/v1/offices/kfz/slots?from=2027-10-31&days=1')).body.slots;
  const slot = night.find((s) => s.start === '2027-10-31T00:40:00Z') || night.find((s) => s.local_time.startsWith('02:')
    && Date.parse(s.end) > Date.parse('2027-10-31T01:00:00Z'));
  assert.ok(slot, JSON.stringify(night.slice(0, 12)));
  const r = await book({ office: 'kfz', start: slot.start, name: 'Nacht Eule' });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  const ev = parseIcs((await svc.http('GET', r.body.ics_url)).body).events[0];
  assert.equal(ev.utc, slot.start);
  assert.equal(ev.end_utc, slot.end);
  assert.ok(Date.parse(ev.end_utc) > Date.parse(ev.utc), `ends after it starts: ${JSON.stringify(ev)}`);
});

test('book, look up (any spelling), cancel: the place is free again', async () => {
  const slots = (await svc.http('GET', '/api/v1/offices/kfz/slots?from=2027-02-03&days=1')).body.slots;
  const start = slots[3].start;
  const a = await book({ office: 'kfz', start, name: 'Erika Muster', contact: '+49 851 123456', concern: 'Ummeldung' });
  assert.equal(a.status, 201);
  assert.deepEqual(Object.keys(a.body).sort(), ['checkin_from', 'checkin_until', 'code', 'concern', 'end', 'ics_url',
    'lang', 'local_date', 'local_time', 'name', 'office', 'start', 'state', 'timezone']);
  assert.equal(a.body.start, start);
  assert.equal(a.body.checkin_from, new Date(Date.parse(start) - 900e3).toISOString().replace('.000', ''));
  assert.equal(a.body.ics_url, `/api/v1/appointments/${a.body.code}.ics`);
  const b = await book({ office: 'kfz', start, name: 'Max Muster' });
  assert.equal(b.status, 201);
  let after2 = (await svc.http('GET', '/api/v1/offices/kfz/slots?from=2027-02-03&days=1')).body.slots;
  assert.ok(!after2.some((s) => s.start === start), 'a full slot is not offered');
  const c = await book({ office: 'kfz', start, name: 'Dritte Person' });
  assert.equal(c.status, 409);
  assert.equal(c.body.error.code, 'full');
  assert.ok(Array.isArray(c.body.error.slots) && c.body.error.slots.length === 5, 'offers the next free slots');

  const lower = a.body.code.toLowerCase().replace('-', ' ');
  const got = await svc.http('GET', `/api/v1/appointments/${encodeURIComponent(lower)}`);
  assert.equal(got.status, 200);
  assert.equal(got.body.code, a.body.code);
  assert.equal(got.body.state, 'booked');
  assert.equal(got.body.name, 'Erika Muster');
  assert.equal(got.body.contact, undefined, 'contact is never echoed');
  const stored = sql(`SELECT code_hash FROM appointment WHERE name = 'Erika Muster'`);
  assert.match(stored, /^[0-9a-f]{64}$/);
  assert.ok(!sql('SELECT string_agg(code_hash, \',\') FROM appointment').includes(a.body.code));

  const del = await svc.http('DELETE', `/api/v1/appointments/${a.body.code}`);
  assert.equal(del.status, 200);
  assert.equal(del.body.state, 'cancelled');
  const again = await svc.http('DELETE', `/api/v1/appointments/${a.body.code}`);
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'cancelled');
  after2 = (await svc.http('GET', '/api/v1/offices/kfz/slots?from=2027-02-03&days=1')).body.slots;
  assert.equal(after2.find((s) => s.start === start)?.remaining, 1, 'cancelling frees the place');
  const ics = parseIcs((await svc.http('GET', a.body.ics_url)).body);
  assert.equal(ics.method, 'CANCEL');
  assert.equal(ics.events[0].status, 'CANCELLED');
  assert.equal(ics.events[0].sequence, 1);
  assert.equal((await book({ office: 'kfz', start, name: 'Nachrücker' })).status, 201);
});

test('start times: Z, numeric offsets and fractional seconds (RFC 3339) name the same instant', async () => {
  const slots = (await svc.http('GET', '/api/v1/offices/kfz/slots?from=2027-02-04&days=1')).body.slots;
  assert.ok(slots.length >= 4);
  /** The same instant written with another offset (hours, may be negative), RFC 3339 style. */
  const withOffset = (iso, h) => {
    const d = new Date(Date.parse(iso) + h * 3600e3).toISOString().slice(0, 19);
    return `${d}${h < 0 ? '-' : '+'}${String(Math.abs(h)).padStart(2, '0')}:00`;
  };
  const variants = [
    [slots[0].start, withOffset(slots[0].start, 1)],                      // local winter time of the office
    [slots[1].start, withOffset(slots[1].start, -5)],
    [slots[2].start, slots[2].start.replace('Z', '.000Z')],
    [slots[3].start, slots[3].start.toLowerCase()],
  ];
  for (const [canonical, written] of variants) {
    const r = await book({ office: 'kfz', start: written, name: 'Zeitform' });
    assert.equal(r.status, 201, `${written}: ${JSON.stringify(r.body)}`);
    assert.equal(r.body.start, canonical, written);
  }
  const refused = [
    [slots[0].start.replace('Z', '.5Z'), 'not_a_slot'],                   // a valid time, but no slot start
    [withOffset(slots[0].start, 1).replace('+01:00', '+0100'), undefined],
    [withOffset(slots[0].start, 1).replace('+01:00', '+01'), undefined],
    [slots[0].start.replace('Z', ''), undefined],                         // local time
    ['2027-W05-4T07:00:00Z', undefined],                                  // ISO week date
    [slots[0].start.replace('T', ' '), undefined],
  ];
  for (const [written, reason] of refused) {
    const r = await book({ office: 'kfz', start: written, name: 'Zeitform' });
    assert.equal(r.status, 400, written);
    assert.equal(r.body.error.code, 'bad_request');
    assert.equal(r.body.error.reason, reason, written);
    if (!reason) assert.match(r.body.error.message, /start: not an RFC 3339 time/);
  }
});

test('malformed input gets clear errors', async () => {
  const cases = [
    ['GET', '/api/v1/offices/nope/slots', undefined, 404, 'not_found'],
    ['GET', '/api/v1/offices/kfz/slots?from=2027-13-01', undefined, 400, 'bad_request', /from/],
    ['GET', '/api/v1/offices/kfz/slots?from=27-1-1', undefined, 400, 'bad_request', /from/],
    ['GET', '/api/v1/offices/kfz/slots?from=2027-02-30', undefined, 400, 'bad_request', /from/],
    ['GET', '/api/v1/offices/kfz/slots?days=0', undefined, 400, 'bad_request', /days/],
    ['GET', '/api/v1/offices/kfz/slots?days=32', undefined, 400, 'bad_request', /days/],
    ['GET', '/api/v1/offices/kfz/slots?days=3x', undefined, 400, 'bad_request', /days/],
    ['POST', '/api/v1/appointments', { start: '2027-02-03T10:00:00Z', name: 'x' }, 400, 'bad_request', /office/],
    ['POST', '/api/v1/appointments', { office: 'nope', start: '2027-02-03T10:00:00Z', name: 'x' }, 404, 'not_found'],
    ['POST', '/api/v1/appointments', { office: 'kfz', start: 'tomorrow', name: 'x' }, 400, 'bad_request', /start/],
    ['POST', '/api/v1/appointments', { office: 'kfz', start: '2027-02-03T10:00:00', name: 'x' }, 400, 'bad_request', /start/],
    ['POST', '/api/v1/appointments', { office: 'kfz', start: 12, name: 'x' }, 400, 'bad_request', /start/],
    ['POST', '/api/v1/appointments', { office: 'kfz', start: '2020-02-05T10:00:00Z', name: 'x' }, 400, 'bad_request', /past/, 'past'],
    ['POST', '/api/v1/appointments', { office: 'kfz', start: '2027-02-03T10:01:00Z', name: 'x' }, 400, 'bad_request', /slot/, 'not_a_slot'],
    ['POST', '/api/v1/appointments', { office: 'kfz', start: '2027-02-03T10:00:00Z', name: 'x' }, 400, 'bad_request', /slot/, 'not_a_slot'],  // 11:00 local: a walk-in slot
    ['POST', '/api/v1/appointments', { office: 'kfz', start: '2030-02-06T10:00:00Z', name: 'x' }, 400, 'bad_request', /horizon/, 'too_far'],
    ['POST', '/api/v1/appointments', { office: 'kfz', start: '2027-01-14T10:00:00Z', name: 'x' }, 400, 'bad_request', /slot/, 'not_a_slot'],
    ['POST', '/api/v1/appointments', { office: 'kfz', start: '2027-02-03T10:00:00Z' }, 400, 'bad_request', /name/],
    ['POST', '/api/v1/appointments', { office: 'kfz', start: '2027-02-03T10:00:00Z', name: '   ' }, 400, 'bad_request', /name/],
    ['POST', '/api/v1/appointments', { office: 'kfz', start: '2027-02-03T10:00:00Z', name: 'a\u0007b' }, 400, 'invalid_text', /name/],
    ['POST', '/api/v1/appointments', { office: 'kfz', start: '2027-02-03T10:00:00Z', name: 'x', concern: 'Zeile\u001b' }, 400, 'invalid_text', /concern/],
    ['POST', '/api/v1/appointments', { office: 'kfz', start: '2027-02-03T10:00:00Z', name: 'Ї'.repeat(81) }, 413, 'too_large', /name/],
    ['POST', '/api/v1/appointments', { office: 'kfz', start: '2027-02-03T10:00:00Z', name: 'x'.repeat(81) }, 413, 'too_large', /name/],
    ['POST', '/api/v1/appointments', { office: 'kfz', start: '2027-02-03T10:00:00Z', name: 'x', concern: 'c'.repeat(501) }, 413, 'too_large', /concern/],
    ['POST', '/api/v1/appointments', { office: 'kfz', start: '2027-02-03T10:00:00Z', name: 'x', contact: 'x'.repeat(121) }, 413, 'too_large', /contact/],
    ['POST', '/api/v1/appointments', { office: 'kfz', start: '2027-02-03T10:00:00Z', name: 'x', contact: 'not an address' }, 400, 'bad_request', /contact/],
    ['POST', '/api/v1/appointments', { office: 'kfz', start: '2027-02-03T10:00:00Z', name: 'x', contact: 'a@b\r\nBcc: x@y.z' }, 400, 'invalid_text', /contact/],
    ['POST', '/api/v1/appointments', { office: 'kfz', start: '2027-02-03T10:20:00Z', name: 'x', resume_token: 'nope' }, 409, 'invalid_token'],
    ['POST', '/api/v1/appointments', { office: 'none', start: '2027-02-03T10:00:00Z', name: 'x' }, 409, 'conflict', /no appointments/],
    ['POST', '/api/v1/appointments', [1, 2], 400, 'bad_request'],
    ['POST', '/api/v1/appointments', { office: 'kfz', start: '2027-02-03T10:20:00Z', name: 'x', lang: 'xx' }, 400, 'bad_request', /lang/],
    ['POST', '/api/v1/appointments', { office: 'kfz', start: '2027-02-03T10:20:00Z', name: 'x', lang: 'TR' }, 400, 'bad_request', /lang/],
  ];
  for (const [method, p, body, status, code, msg, reason] of cases) {
    const r = await svc.http(method, p, { body });
    assert.equal(r.status, status, `${method} ${p} ${JSON.stringify(body)} -> ${JSON.stringify(r.body)}`);
    assert.equal(r.body.error.code, code, `${p} ${JSON.stringify(body)}`);
    if (msg) assert.match(r.body.error.message, msg);
    if (reason) assert.equal(r.body.error.reason, reason);
  }
  const raw = await svc.http('POST', '/api/v1/appointments', { raw: '{"office":', headers: { 'content-type': 'application/json' } });
  assert.equal(raw.status, 400);
  const huge = await svc.http('POST', '/api/v1/appointments', { raw: JSON.stringify({ office: 'kfz', name: 'x'.repeat(20000) }) });
  assert.equal(huge.status, 413);
  // a malformed and an unknown code look the same to a guesser
  const shape = await svc.http('GET', '/api/v1/appointments/ABC');
  const unknown = await svc.http('GET', '/api/v1/appointments/2222-2222');
  assert.equal(shape.status, 404);
  assert.equal(unknown.status, 404);
  assert.deepEqual(shape.body, unknown.body);
  assert.equal((await svc.http('GET', '/healthz')).status, 200, 'still up');
});

test('200 concurrent bookings on 10 slots of capacity 2 through two instances: exactly 20', async () => {
  const second = await new QueueService(stack.url, { BB_PRESENCE_TIMEOUT_S: '300' }).start();
  try {
    const slots = (await svc.http('GET', '/api/v1/offices/conc/slots?from=2027-02-10&days=1')).body.slots.slice(0, 10);
    assert.equal(slots.length, 10);
    const attempts = [];
    for (let i = 0; i < 200; i++) {
      const s = i % 2 ? second : svc;
      attempts.push(book({ office: 'conc', start: slots[i % 10].start, name: `Person ${i}` }, s));
    }
    const results = await Promise.all(attempts);
    const created = results.filter((r) => r.status === 201);
    const full = results.filter((r) => r.status === 409 && r.body.error.code === 'full');
    assert.equal(created.length, 20);
    assert.equal(full.length, 180);
    assert.equal(new Set(created.map((r) => r.body.code)).size, 20, 'codes are unique');
    assert.equal(sql(`SELECT count(*) FROM appointment WHERE office_id = 'conc'`), '20');
    assert.equal(sql(`SELECT max(n) FROM (SELECT count(*) n FROM appointment WHERE office_id = 'conc' GROUP BY start_at) x`), '2');
    assert.equal(sql(`SELECT count(*) FROM appointment_slot WHERE office_id = 'conc' AND booked = 2`), '10');
    // Cancelling one frees exactly one place, which one of many racing bookings gets.
    const victim = created.find((r) => r.body.start === slots[4].start);
    assert.equal((await svc.http('DELETE', `/api/v1/appointments/${victim.body.code}`)).status, 200);
    const race = await Promise.all(Array.from({ length: 20 }, (_, i) =>
      book({ office: 'conc', start: slots[4].start, name: `Racer ${i}` }, i % 2 ? second : svc)));
    assert.equal(race.filter((r) => r.status === 201).length, 1);
    assert.equal(sql(`SELECT count(*) FROM appointment WHERE office_id = 'conc' AND state = 'booked'`), '20');
  } finally {
    await second.stop();
  }
});

test('guessing codes is rate-limited per client address (Retry-After)', async () => {
  let blocked = null;
  for (let i = 0; i < 12 && !blocked; i++) {
    const r = await svc.http('GET', `/api/v1/appointments/ZZZZ-${'23456789ABCD'[i]}ZZZ`);
    if (r.status === 429) blocked = r;
    else assert.equal(r.status, 404);
  }
  assert.ok(blocked, 'blocked after 10 wrong codes');
  assert.equal(blocked.body.error.code, 'rate_limited');
  const ra = Number(blocked.headers.get('retry-after'));
  assert.ok(ra > 0 && ra <= 900, `Retry-After ${ra}`);
  // While blocked, even a right code is not looked up (no oracle), for GET, .ics and DELETE alike.
  const slots = (await svc.http('GET', '/api/v1/offices/kfz/slots?from=2027-02-17&days=1')).body.slots;
  const ok = await book({ office: 'kfz', start: slots[0].start, name: 'Blocked Person' });
  assert.equal(ok.status, 201, 'booking itself is not limited');
  for (const [m, p] of [['GET', `/api/v1/appointments/${ok.body.code}`], ['GET', ok.body.ics_url],
    ['DELETE', `/api/v1/appointments/${ok.body.code}`]]) {
    assert.equal((await svc.http(m, p)).status, 429, `${m} ${p}`);
  }
});
