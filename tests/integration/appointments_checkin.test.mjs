// appointments_checkin.test.mjs: check-in through the internal `join` (ordering against
// interleaved walk-ins; too early, too late, wrong, cancelled codes), offers of free slots when a
// join is refused (full, closed) or a ticket expires at closing, turning a ticket into an
// appointment, the clerk's list and no-show, confirmation/cancel/reminder mails through a local
// SMTP sink (aiosmtpd) with the .ics checked by a real iCalendar parser, and retention.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { startStack, clerkOnline, sleep, waitOffice } from '../lib/queue.mjs';
import { MailSink } from '../lib/smtp.mjs';

const CHECKIN_PAGE = 'http://127.0.0.1:8080/';
let stack, svc, plugin, token, smtp;

const sql = (q) => stack.pg.psql(q, 'bb');
const book = (body) => svc.http('POST', '/api/v1/appointments', { body });

/** The next free slots of an office from today (UTC date is fine: the office is 24/7). */
async function freeSlots(office, days = 2) {
  const r = await svc.http('GET', `/api/v1/offices/${office}/slots?days=${days}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.slots;
}

const mails = () => smtp.all();
const waitMails = (n) => smtp.wait(() => true, n, 'mails');

/** An appointment written straight into the database (e.g. one whose slot is long past). */
function insertAppointment(office, startSql, code, name = 'Direkt') {
  const hash = createHash('sha256').update(code).digest('hex');
  sql(`INSERT INTO appointment_slot (office_id, start_at, capacity, booked) VALUES ('${office}', ${startSql}, 5, 1)
       ON CONFLICT (office_id, start_at) DO UPDATE SET booked = appointment_slot.booked + 1`);
  return sql(`INSERT INTO appointment (office_id, start_at, end_at, code_hash, name, erase_after)
       VALUES ('${office}', ${startSql}, ${startSql} + interval '5 min', '${hash}', '${name}', now() + interval '1 day')
       RETURNING id`);
}

before(async () => {
  smtp = await MailSink.start();
  stack = await startStack({
    offices: [
      { id: 'kfz', prefix: 'KFZ' },
      { id: 'fs', prefix: 'FS' },
      { id: 'small', prefix: 'SML', capacity: 1 },
      // Open now; the janitor test closes it under a waiting ticket (reason closing).
      { id: 'late', prefix: 'LAT', timezone: 'UTC', hours: 'daily 00:00-24:00' },
    ],
    clerks: [{ login: 'mueller', offices: ['kfz', 'fs', 'small', 'late'] }],
    env: { BB_SMTP_URL: smtp.url, BB_SMTP_FROM: 'termine@landkreis.example', BB_REMINDER_BEFORE_S: '3600',
      BB_CHECKIN_URL: CHECKIN_PAGE },
  });
  svc = stack.svc;
  sql(`INSERT INTO appointment_policy (office_id, slot_min, capacity, horizon_days, lead_s, share_permille) VALUES
       ('kfz', 5, 5, 366, 0, 1000), ('fs', 20, 2, 366, 0, 500), ('small', 20, 1, 366, 0, 1000), ('late', 60, 1, 366, 0, 1000)`);
  plugin = await svc.internal('janus-appt');
  token = await clerkOnline(svc, plugin, 'mueller', stack.passwords.mueller);
  for (const id of ['kfz', 'fs', 'small']) await waitOffice(svc, id, (o) => o.status === 'open');
});

after(async () => {
  await plugin?.close();
  await stack?.stop();
  smtp?.stop();
});

test('appointment holders go ahead of walk-ins, among themselves by slot time; walk-ins stay FIFO', async () => {
  const slots = await freeSlots('kfz');
  const a1 = (await book({ office: 'kfz', start: slots[0].start, name: 'Anna Früh', concern: 'Pass' })).body;
  const a2 = (await book({ office: 'kfz', start: slots[1].start, name: 'Bernd Später' })).body;
  const join = (args) => plugin.request('join', { office: 'kfz', ...args });
  const w1 = await join({ name: 'Walk 1' });
  const c2 = await join({ appointment: a2.code.toLowerCase() });
  const w2 = await join({ name: 'Walk 2' });
  const c1 = await join({ appointment: a1.code });
  const w3 = await join({ name: 'Walk 3' });
  for (const r of [w1, c2, w2, c1, w3]) assert.ok(r.ok, JSON.stringify(r));
  assert.equal(c1.ticket.priority, 50);
  assert.equal(c1.ticket.name, 'Anna Früh', 'the ticket takes the appointment name');
  assert.equal(c1.ticket.concern, 'Pass');
  assert.equal(c1.ticket.position, 0, 'the earlier slot is first although it checked in later');
  assert.equal(w3.ticket.position, 4);
  const q = await plugin.call('queue', { session: token });
  const kfz = q.offices.find((o) => o.office === 'kfz');
  const order = kfz.tickets.filter((t) => t.state === 'waiting').map((t) => t.id);
  assert.deepEqual(order, [c1.ticket.id, c2.ticket.id, w1.ticket.id, w2.ticket.id, w3.ticket.id]);
  const listed = kfz.appointments.filter((a) => a.ticket === c1.ticket.id || a.ticket === c2.ticket.id);
  assert.equal(listed.length, 2);
  assert.ok(listed.every((a) => a.state === 'checked_in'));
  assert.equal((await svc.http('GET', `/api/v1/appointments/${a1.code}`)).body.state, 'checked_in');
  const called = await plugin.call('call_next', { session: token });
  assert.equal(called.ticket.id, c1.ticket.id);
  // A second check-in with the same code is refused (the ticket's resume token is the way back).
  const again = await join({ appointment: a1.code });
  assert.equal(again.ok, false);
  assert.equal(again.error.code, 'invalid_code');
  // Cancelling is no longer possible once checked in.
  assert.equal((await svc.http('DELETE', `/api/v1/appointments/${a2.code}`)).body.error.code, 'illegal_transition');
});

test('too early, too late, wrong, foreign and cancelled codes get clear errors', async () => {
  const join = (appointment, office = 'kfz') => plugin.request('join', { office, appointment });
  const slots = await freeSlots('kfz');
  const later = slots.find((s) => Date.parse(s.start) > Date.now() + 20 * 60e3);
  const early = (await book({ office: 'kfz', start: later.start, name: 'Zu Früh' })).body;
  const r1 = await join(early.code);
  assert.equal(r1.ok, false);
  assert.equal(r1.error.code, 'too_early');
  assert.equal(r1.error.checkin_from, early.checkin_from);
  assert.equal(r1.error.checkin_from, new Date(Date.parse(later.start) - 900e3).toISOString().replace('.000', ''));

  insertAppointment('kfz', `date_trunc('minute', now()) - interval '30 min'`, 'TTTT-LLLL', 'Zu Spät');
  const r2 = await join('TTTT-LLLL');
  assert.equal(r2.error.code, 'too_late');
  assert.match(r2.error.message, /book a new appointment/);

  assert.equal((await join('2345-6789')).error.code, 'invalid_code');
  assert.equal((await join('not a code')).error.code, 'invalid_code');
  assert.equal((await join(early.code, 'fs')).error.code, 'invalid_code', 'code of another office');

  const cancelled = (await book({ office: 'kfz', start: slots[2].start, name: 'Storno' })).body;
  assert.equal((await svc.http('DELETE', `/api/v1/appointments/${cancelled.code}`)).status, 200);
  const r3 = await join(cancelled.code);
  assert.equal(r3.error.code, 'cancelled');
  // None of these drew a ticket.
  assert.equal(sql(`SELECT count(*) FROM ticket WHERE name IN ('Zu Früh', 'Zu Spät', 'Storno')`), '0');
});

test('clerks mark no-shows of started appointments only, in their offices', async () => {
  const id = insertAppointment('kfz', `date_trunc('minute', now()) - interval '10 min'`, 'NNNN-SSSS', 'Nicht Da');
  const r = await plugin.call('appointment_no_show', { session: token, appointment: Number(id) });
  assert.equal(r.appointment.state, 'no_show');
  assert.equal(r.appointment.name, 'Nicht Da');
  const twice = await plugin.request('appointment_no_show', { session: token, appointment: Number(id) });
  assert.equal(twice.error.code, 'illegal_transition');
  const slots = await freeSlots('kfz');
  const future = (await book({ office: 'kfz', start: slots.at(-1).start, name: 'Zukunft' })).body;
  const fid = sql(`SELECT id FROM appointment WHERE name = 'Zukunft'`);
  const early = await plugin.request('appointment_no_show', { session: token, appointment: Number(fid) });
  assert.equal(early.error.code, 'illegal_transition');
  assert.equal((await plugin.request('appointment_no_show', { session: token, appointment: 999999 })).error.code, 'not_found');
  assert.equal((await plugin.request('appointment_no_show', { session: 'nope', appointment: 1 })).error.code, 'unauthorized');
  assert.equal((await plugin.request('join', { office: 'kfz', appointment: 'NNNN-SSSS' })).error.code, 'too_late');
  assert.equal((await svc.http('GET', `/api/v1/appointments/${future.code}`)).body.state, 'booked');
});

test('refused joins (full, closed) offer the next free slots; a ticket becomes an appointment', async () => {
  const first = await plugin.call('join', { office: 'small', name: 'Erste', concern: 'Gewerbe anmelden' });
  const full = await plugin.request('join', { office: 'small', name: 'Zweite' });
  assert.equal(full.ok, false, JSON.stringify(full));
  assert.equal(full.error.code, 'full');
  assert.equal(full.error.slots.length, 5);
  for (const s of full.error.slots) {
    assert.deepEqual(Object.keys(s).sort(), ['end', 'local_date', 'local_time', 'remaining', 'start']);
    assert.ok(Date.parse(s.start) >= Date.now() - 1000);
  }
  // The citizen in the waiting room takes an appointment instead, keeping the concern.
  const r = await book({ office: 'small', start: full.error.slots[0].start, resume_token: first.resume_token });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  assert.equal(r.body.name, 'Erste');
  assert.equal(r.body.concern, 'Gewerbe anmelden');
  assert.equal(sql(`SELECT state FROM ticket WHERE id = ${first.ticket.id}`), 'cancelled', 'left the waiting room');
  assert.equal(sql(`SELECT from_ticket_id FROM appointment WHERE name = 'Erste'`), String(first.ticket.id));
  // The taken slot is no longer offered.
  const again = await plugin.call('join', { office: 'small', name: 'Dritte' });
  const full2 = await plugin.request('join', { office: 'small', name: 'Vierte' });
  assert.notEqual(full2.error.slots[0].start, full.error.slots[0].start);
  // An appointment holder has a reserved place: checking in works although the room is full.
  insertAppointment('small', `date_trunc('minute', now())`, 'FFFF-UUUU', 'Reserviert');
  const holder = await plugin.request('join', { office: 'small', appointment: 'FFFF-UUUU' });
  assert.equal(holder.ok, true, JSON.stringify(holder));
  assert.equal(holder.ticket.position, 0);
  await plugin.call('leave', { ticket: holder.ticket.id });
  await plugin.call('leave', { ticket: again.ticket.id });

  // Closed (no clerk serves 'fs' now): the refusal carries next_opening and slots.
  await plugin.call('presence', { session: token, state: 'paused' });
  await plugin.call('presence', { session: token, state: 'offline' });
  await waitOffice(svc, 'fs', (o) => o.status === 'closed');
  const closed = await plugin.request('join', { office: 'fs', name: 'Geschlossen' });
  assert.equal(closed.error.code, 'closed');
  assert.ok(Array.isArray(closed.error.slots) && closed.error.slots.length === 5);
  assert.ok('next_opening' in closed.error);
  await plugin.call('presence', { session: token, state: 'available' });
});

test('mails: confirmation and cancellation with the .ics, through a local SMTP sink', async () => {
  const slots = await freeSlots('fs', 3);
  const start = slots.at(-1).start;
  const a = await book({ office: 'fs', start, name: 'Mia Mail', contact: 'mia@example.org', concern: 'Führerschein' });
  assert.equal(a.status, 201);
  const [m] = await waitMails(1);
  assert.equal(m.to, 'mia@example.org');
  assert.match(m.subject, /Terminbestätigung/);
  assert.match(m.text, new RegExp(a.body.code));
  assert.equal(m.calendar.method, 'PUBLISH');
  const ev = m.calendar.events[0];
  assert.equal(ev.tzid, 'Europe/Berlin');
  assert.equal(ev.utc, start);
  assert.equal(ev.local, `${a.body.local_date}T${a.body.local_time}:00`);
  assert.equal(ev.url, `${CHECKIN_PAGE}#checkin=${a.body.code}`, 'the attached calendar entry links to check-in');
  assert.equal(ev.location, 'Online (Video) – Amt fs');
  assert.equal((await svc.http('DELETE', `/api/v1/appointments/${a.body.code}`)).status, 200);
  const all = await waitMails(2);
  const cancel = all.find((x) => x.calendar?.method === 'CANCEL');
  assert.ok(cancel, 'cancellation mail');
  assert.equal(cancel.calendar.events[0].uid, ev.uid);
  assert.equal(cancel.calendar.events[0].status, 'CANCELLED');
  // A phone contact gets no mail and the booking works all the same.
  assert.equal((await book({ office: 'fs', start: slots.at(-2).start, name: 'Tel', contact: '0851 / 397-0' })).status, 201);
});

/** Waits for a mail matching pred (the Maildir holds every mail of this file's tests). */
const waitMail = async (pred, what) => (await smtp.wait(pred, 1, `mail ${what}`))[0];

test('mails: a Cyrillic name and an umlaut domain arrive as correct MIME with encoded headers', async () => {
  const slots = await freeSlots('fs', 3);
  const name = 'Эрика Петрова-Müller';
  const a = await book({ office: 'fs', start: slots.at(-3).start, name, contact: 'erika@müller-bau.de', concern: 'Führerschein' });
  assert.equal(a.status, 201, JSON.stringify(a.body));
  const m = await waitMail((x) => x.rcpt === 'erika@xn--mller-bau-q9a.de', 'to the umlaut domain');
  // Envelope and header: the domain's IDNA ASCII form; the name as RFC 2047 encoded-words.
  assert.equal(m.mail_from, 'termine@landkreis.example');
  assert.equal(m.to, 'erika@xn--mller-bau-q9a.de');
  assert.equal(m.to_name, name);
  assert.match(m.to_raw, /^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=(\s+=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=)*\s+<erika@xn--mller-bau-q9a\.de>$/);
  assert.match(m.subject_raw, /^=\?UTF-8\?B\?/, 'the subject holds "ä": encoded');
  assert.match(m.subject, /^Terminbestätigung: /, 'no lang: German');
  assert.ok(m.header_ascii, 'the header section is 7-bit ASCII');
  assert.deepEqual(m.defects, [], 'no MIME defects');
  assert.equal(m.mime_version, '1.0');
  assert.match(m.date, /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
  // multipart/mixed: the text (quoted-printable, UTF-8), then the calendar file as an attachment.
  assert.deepEqual(m.parts.map((p) => p.type), ['multipart/mixed', 'text/plain', 'text/calendar']);
  const [, text, cal] = m.parts;
  assert.deepEqual([text.charset, text.cte, text.disposition], ['utf-8', 'quoted-printable', null]);
  assert.deepEqual([cal.charset, cal.cte, cal.disposition, cal.filename, cal.method], ['utf-8', 'base64', 'attachment', 'termin.ics', 'PUBLISH']);
  // The text greets the citizen by name and shows the address as they typed it.
  assert.ok(m.text.startsWith(`Guten Tag ${name},\n`), m.text);
  assert.match(m.text, new RegExp(a.body.code));
  assert.ok(m.text.includes('Diese Nachricht ging an: erika@müller-bau.de'), m.text);
  assert.equal(m.calendar.events[0].utc, slots.at(-3).start);
  // Stored as typed.
  assert.equal(sql(`SELECT contact FROM appointment WHERE name = '${name}'`), 'erika@müller-bau.de');
  // Addresses that cannot be sent to are refused at booking.
  for (const contact of ['erika@☃.net', 'эрика@example.org', 'erika@müller..de']) {
    const r = await book({ office: 'fs', start: slots.at(-3).start, name: 'X', contact });
    assert.equal(r.status, 400, contact);
    assert.match(r.body.error.message, /contact/);
  }
});

test('janitor: reminder mail, retention of personal fields, closing expiry offers slots', { timeout: 200e3 }, async () => {
  // Reminder: booked yesterday (simulated) for a slot within reminder_before_s (1 h).
  const slots = await freeSlots('kfz');
  const soon = slots.find((s) => Date.parse(s.start) > Date.now() + 30 * 60e3);
  const r = await book({ office: 'kfz', start: soon.start, name: 'Rita Reminder', contact: 'rita@example.org' });
  assert.equal(r.status, 201);
  sql(`UPDATE appointment SET created_at = now() - interval '1 day' WHERE name = 'Rita Reminder'`);
  // Retention: erase_after is end + appointment_retention_s (default 1 day); make one due.
  assert.equal(sql(`SELECT extract(epoch FROM erase_after - end_at)::int FROM appointment WHERE name = 'Rita Reminder'`), '86400');
  const old = insertAppointment('kfz', `date_trunc('minute', now()) - interval '2 days'`, 'RRRR-EEEE', 'Alt Daten');
  sql(`UPDATE appointment SET contact = 'alt@example.org', concern = 'alt', erase_after = now() - interval '1 s' WHERE id = ${old}`);
  // Closing: today becomes a closing day under a waiting ticket and the services reload.
  await waitOffice(svc, 'late', (o) => o.status === 'open');
  const waiting = await plugin.call('join', { office: 'late', name: 'Bis Schluss' });
  sql(`INSERT INTO office_day (office_id, day) VALUES ('late', (now() AT TIME ZONE 'UTC')::date);
       SELECT pg_notify('bb_config', 'reload')`);
  const until = Date.now() + 170e3;
  let reminded = false, erased = false, expired = false;
  while (Date.now() < until && !(reminded && erased && expired)) {
    await sleep(1000);
    reminded ||= mails().some((m) => /Erinnerung/.test(m.subject));   // Maildir order is arbitrary
    erased ||= sql(`SELECT coalesce(name, '') || coalesce(contact, '') || coalesce(concern, '') FROM appointment WHERE id = ${old}`) === '';
    expired ||= plugin.events.items.some((e) => e.event === 'expired' && e.ticket === waiting.ticket.id);
  }
  assert.ok(erased, 'personal fields erased after retention');
  assert.equal(sql(`SELECT state FROM appointment WHERE id = ${old}`), 'booked', 'the row itself stays');
  assert.ok(reminded, `reminder mail sent; ${sql(`SELECT reminder_sent_at, created_at, start_at, now() FROM appointment WHERE name = 'Rita Reminder'`)}; ${svc.log.split('\n').filter((l) => /mail|appointments|janitor/.test(l)).join('\n')}`);
  const rem = mails().find((m) => /Erinnerung/.test(m.subject));
  assert.equal(rem.to, 'rita@example.org');
  assert.equal(rem.calendar.events[0].utc, soon.start);
  // the code is stored only hashed: the reminder's calendar entry links to the page without it
  assert.equal(rem.calendar.events[0].url, CHECKIN_PAGE);
  assert.match(rem.calendar.events[0].description, /Bestätigungscode: \(siehe Bestätigung\)/);
  assert.notEqual(sql(`SELECT reminder_sent_at FROM appointment WHERE name = 'Rita Reminder'`), '');
  assert.ok(expired, 'waiting ticket expired at closing');
  const ev = plugin.events.items.find((e) => e.event === 'expired' && e.ticket === waiting.ticket.id);
  assert.equal(ev.reason, 'closing');
  assert.ok(ev.slots.length > 0 && ev.slots.length <= 5, JSON.stringify(ev));
});
