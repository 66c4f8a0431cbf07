// citizen_lang.test.mjs: the citizen's language (protocol/values.json citizen_lang) travels with
// the ticket and the appointment: stored at join and booking, in the ticket the clerk sees, taken
// over at check-in and when a ticket becomes an appointment, and used for the mails (through a
// local SMTP sink, aiosmtpd) and the .ics; an unknown language is refused naming the field, no
// language means German.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, clerkOnline, sleep, waitOffice } from '../lib/queue.mjs';
import { MailSink, parseIcs } from '../lib/smtp.mjs';

let stack, svc, plugin, token, smtp;

const sql = (q) => stack.pg.psql(q, 'bb');
const book = (body) => svc.http('POST', '/api/v1/appointments', { body });

async function freeSlots(office, days = 2) {
  const r = await svc.http('GET', `/api/v1/offices/${office}/slots?days=${days}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body.slots;
}

/** Waits for the mail to `rcpt` (the Maildir holds every mail of this file's tests). */
const mailTo = (rcpt) => smtp.wait((x) => x.rcpt === rcpt, 1, `mail to ${rcpt}`);

before(async () => {
  smtp = await MailSink.start();
  stack = await startStack({
    offices: [{ id: 'fs', prefix: 'FS' }],
    clerks: [{ login: 'mueller', offices: ['fs'] }],
    env: { BB_SMTP_URL: smtp.url, BB_SMTP_FROM: 'termine@landkreis.example',
      BB_CHECKIN_URL: 'http://127.0.0.1:8080/' },
  });
  svc = stack.svc;
  sql(`INSERT INTO appointment_policy (office_id, slot_min, capacity, horizon_days, lead_s, share_permille) VALUES
       ('fs', 5, 5, 366, 0, 1000)`);
  plugin = await svc.internal('janus-lang');
  token = await clerkOnline(svc, plugin, 'mueller', stack.passwords.mueller);
  await waitOffice(svc, 'fs', (o) => o.status === 'open');
});

after(async () => {
  await plugin?.close();
  await stack?.stop();
  smtp?.stop();
});

test('join: the language is stored and shown in the ticket the clerk sees; none is null; unknown is refused', async () => {
  const tr = await plugin.request('join', { office: 'fs', name: 'Ayşe', lang: 'tr' });
  assert.ok(tr.ok, JSON.stringify(tr));
  assert.equal(tr.ticket.lang, 'tr');
  assert.equal(sql(`SELECT lang FROM ticket WHERE id = ${tr.ticket.id}`), 'tr');
  const none = await plugin.request('join', { office: 'fs', name: 'Erika' });
  assert.ok(none.ok, JSON.stringify(none));
  assert.equal(none.ticket.lang, null);
  const q = await plugin.call('queue', { session: token });
  const tickets = q.offices.find((o) => o.office === 'fs').tickets;
  assert.equal(tickets.find((t) => t.id === tr.ticket.id).lang, 'tr', 'office_queue tickets carry lang');
  assert.equal(tickets.find((t) => t.id === none.ticket.id).lang, null);
  const bad = await plugin.request('join', { office: 'fs', name: 'X', lang: 'xx' });
  assert.equal(bad.error.code, 'bad_request', JSON.stringify(bad));
  assert.match(bad.error.message, /lang/);
  for (const t of [tr, none]) assert.ok((await plugin.request('leave', { ticket: t.ticket.id })).ok);
});

test('book with lang=tr: Turkish confirmation mail (UTF-8, encoded subject) and .ics', async () => {
  const slots = await freeSlots('fs');
  const a = await book({ office: 'fs', start: slots[0].start, name: 'Ayşe Yılmaz', contact: 'ayse@example.org', lang: 'tr' });
  assert.equal(a.status, 201, JSON.stringify(a.body));
  assert.equal(a.body.lang, 'tr');
  assert.equal(sql(`SELECT lang FROM appointment WHERE name = 'Ayşe Yılmaz'`), 'tr');
  const [m] = await mailTo('ayse@example.org');
  assert.match(m.subject_raw, /^=\?UTF-8\?B\?/, 'the subject holds "ı": encoded');
  assert.equal(m.subject, `Randevu onayı: Amt fs, ${a.body.local_date} ${a.body.local_time}`);
  assert.ok(m.header_ascii, 'the header section is 7-bit ASCII');
  assert.deepEqual(m.defects, []);
  assert.equal(m.parts.find((p) => p.type === 'text/plain').charset, 'utf-8');
  assert.match(m.text, /^Merhaba Ayşe Yılmaz,\n\nRandevunuz alındı: Amt fs, /);
  assert.match(m.text, new RegExp(`Onay kodu: ${a.body.code}\n`));
  assert.match(m.text, /Bu mesaj şu adrese gönderildi: ayse@example\.org/);
  assert.doesNotMatch(m.text, /Termin|Bestätigung|appointment/, 'Turkish only');
  const ev = m.calendar.events[0];
  assert.equal(ev.summary, 'Görüntülü randevu: Amt fs');
  assert.equal(ev.location, 'Çevrimiçi (görüntülü) – Amt fs');
  assert.match(ev.description, new RegExp(`^Görüntülü randevu: Amt fs\\. .*\nOnay kodu: ${a.body.code}\n`));
  // the .ics fetched later is in the same language, folded at 75 octets without splitting letters
  const ics = await svc.http('GET', a.body.ics_url);
  assert.equal(ics.status, 200);
  assert.ok(ics.body.split('\r\n').every((l) => Buffer.byteLength(l) <= 75), 'folded at 75 octets');
  assert.equal(parseIcs(ics.body).events[0].summary, 'Görüntülü randevu: Amt fs');
  // cancellation in Turkish too
  assert.equal((await svc.http('DELETE', `/api/v1/appointments/${a.body.code}`)).status, 200);
  const until = Date.now() + 15000;
  let cancel;
  while (!(cancel = (await mailTo('ayse@example.org')).find((x) => x.calendar?.method === 'CANCEL')) && Date.now() < until)
    await sleep(200);
  assert.ok(cancel, 'cancellation mail');
  assert.match(cancel.subject, /^Randevu iptal edildi: Amt fs, /);
});

test('book: English uses the office\'s English name; no lang is German; an unknown lang is refused naming the field', async () => {
  const slots = await freeSlots('fs');
  const en = await book({ office: 'fs', start: slots[1].start, name: 'Ann', contact: 'ann@example.org', lang: 'en' });
  assert.equal(en.status, 201, JSON.stringify(en.body));
  const [me] = await mailTo('ann@example.org');
  assert.match(me.subject, /^Appointment confirmed: Office fs, /);
  assert.equal(me.calendar.events[0].summary, 'Video appointment: Office fs');
  const de = await book({ office: 'fs', start: slots[2].start, name: 'Dora', contact: 'dora@example.org' });
  assert.equal(de.status, 201, JSON.stringify(de.body));
  assert.equal(de.body.lang, null);
  const [md] = await mailTo('dora@example.org');
  assert.match(md.subject, /^Terminbestätigung: Amt fs, /);
  assert.match(md.text, /^Guten Tag Dora,\n\nIhr Termin bei Amt fs am /);
  assert.equal(md.calendar.events[0].summary, 'Video-Termin: Amt fs');
  const bad = await book({ office: 'fs', start: slots[3].start, name: 'X', lang: 'klingon' });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'bad_request');
  assert.match(bad.body.error.message, /lang/);
});

test('check-in takes the appointment\'s language; a ticket turned into an appointment keeps its own', async () => {
  const slots = await freeSlots('fs');
  const a = await book({ office: 'fs', start: slots[0].start, name: 'Oksana', lang: 'uk' });
  assert.equal(a.status, 201, JSON.stringify(a.body));
  const c = await plugin.request('join', { office: 'fs', appointment: a.body.code, lang: 'de' });
  assert.ok(c.ok, JSON.stringify(c));
  assert.equal(c.ticket.lang, 'uk', 'the appointment\'s language wins');
  assert.ok((await plugin.request('leave', { ticket: c.ticket.id })).ok);
  const w = await plugin.request('join', { office: 'fs', name: 'Dmitri', lang: 'ru' });
  assert.ok(w.ok, JSON.stringify(w));
  const b = await book({ office: 'fs', start: slots[1].start, resume_token: w.resume_token });
  assert.equal(b.status, 201, JSON.stringify(b.body));
  assert.equal(b.body.lang, 'ru', 'the ticket\'s language');
});
