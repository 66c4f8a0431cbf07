// queue_callback.test.mjs: "leave and be called back" on the service side (docs/operations.md
// "Callback by e-mail"): a waiting citizen leaves an e-mail address and goes away; the ticket
// outlives the grace period; exactly one "almost your turn" mail arrives (aiosmtpd) when the
// position is reached, in the ticket's language, with a link whose token resumes the ticket; a
// turn that comes while the citizen is away holds the place ("your turn now"), then hands the
// ticket on (expire_reason callback); "5 more minutes" once; the address is erased with the
// ticket (SQL); per-ticket and per-client limits stop an anonymous script mailing in bulk.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack, clerkOnline, sleep, waitOffice } from '../lib/queue.mjs';
import { MailSink } from '../lib/smtp.mjs';

const PAGE = 'http://127.0.0.1:8080/buergerbuero';
const NOTIFY = 2;     // callback_notify_position
const SNOOZE = 2;     // callback_snooze_places
const BURST = 30;     // callback_burst: address changes one client address may make at once

let stack, svc, plugin, token, smtp;
let callbackPosts = 0;   // every POST /callback of this file: the client bucket counts them all

const sql = (q) => stack.pg.psql(q, 'bb');
const setAddress = (resumeToken, email) => {
  callbackPosts++;
  return svc.http('POST', '/api/v1/tickets/callback', { body: { resume_token: resumeToken, email } });
};
const snooze = (resumeToken) => svc.http('POST', '/api/v1/tickets/snooze', { body: { resume_token: resumeToken } });
const join = async (name, lang = 'de') => {
  const r = await plugin.call('join', { office: 'kfz', name, lang });
  return { id: r.ticket.id, number: r.ticket.number, resume: r.resume_token };
};

const mails = (to) => smtp.all().filter((m) => !to || m.to === to);
const waitMails = (to, n) => smtp.wait((m) => m.to === to, n, `mails to ${to}`);

async function waitSql(q, want, timeoutMs = 15000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = sql(q);
    if (v === want) return;
    if (Date.now() > until) throw new Error(`${q}: ${v}, expected ${want}`);
    await sleep(100);
  }
}

const linkToken = (mail) => {
  const m = new RegExp(`${PAGE.replace(/[.?]/g, '\\$&')}\\?office=kfz&resume=([0-9a-f]{64})`).exec(mail.text);
  assert.ok(m, `the mail links to the page with a resume token: ${mail.text}`);
  return m[1];
};

/** Empties the office: every active ticket leaves (between tests). */
async function clearOffice() {
  const ids = sql("SELECT string_agg(id::text, ',') FROM ticket WHERE state IN ('waiting', 'called', 'in_consultation')");
  for (const id of ids ? ids.split(',') : []) {
    const r = await plugin.request('leave', { ticket: Number(id) });
    if (!r.ok) {
      await plugin.request('accept', { ticket: Number(id) });
      await plugin.request('finish', { session: token, ticket: Number(id), outcome: 'served' });
    }
  }
}

before(async () => {
  smtp = await MailSink.start();
  stack = await startStack({
    offices: [{ id: 'kfz', prefix: 'KFZ', grace: 5 }],
    clerks: [{ login: 'mueller', offices: ['kfz'] }],
    env: { BB_SMTP_URL: smtp.url, BB_SMTP_FROM: 'wartezimmer@landkreis.example',
      BB_CHECKIN_URL: PAGE, BB_CALLBACK_NOTIFY_POSITION: String(NOTIFY), BB_CALLBACK_SNOOZE_PLACES: String(SNOOZE),
      BB_CALLBACK_HOLD_S: '600', BB_CALLBACK_BURST: String(BURST), BB_CALLBACK_REFILL_S: '3600' },
  });
  svc = stack.svc;
  plugin = await svc.internal('janus-callback');
  token = await clerkOnline(svc, plugin, 'mueller', stack.passwords.mueller);
  await waitOffice(svc, 'kfz', (o) => o.status === 'open');
});

after(async () => {
  await plugin?.close();
  await stack?.stop();
  smtp?.stop();
});

test('the client configuration says that and how callbacks are offered', async () => {
  const r = await svc.http('GET', '/api/v1/config');
  assert.deepEqual(r.body.callback, { notify_position: NOTIFY, snooze_places: SNOOZE, hold_s: 600 });
});

test('address on a waiting ticket: kept past the grace period, one "almost" mail at the position, the link resumes', async () => {
  const ahead = [];
  for (let i = 0; i < 4; i++) ahead.push(await join(`Vorne ${i}`));
  const me = await join('Erika', 'en');
  const other = await join('Ohne Adresse');

  // wrong input: no address, a wrong token, a ticket that is not waiting
  assert.equal((await setAddress(me.resume, 'not-an-address')).body.error.code, 'bad_request');
  assert.equal((await setAddress('f'.repeat(64), 'erika@example.org')).body.error.code, 'invalid_token');
  const set = await setAddress(me.resume, 'erika@example.org');
  assert.equal(set.status, 200, JSON.stringify(set.body));
  assert.deepEqual(set.body, { number: me.number, email_set: true, changes_left: 2 });
  assert.equal(sql(`SELECT callback_email FROM ticket WHERE id = ${me.id}`), 'erika@example.org');

  // both citizens close their pages; long past the grace period only the one without address expires
  await plugin.call('detach', { ticket: me.id });
  await plugin.call('detach', { ticket: other.id });
  // Erika's comes first in the janitor's order: when the other one has expired, hers was looked at
  sql(`UPDATE ticket SET detached_at = now() - interval '2 hours' WHERE id = ${me.id}`);
  sql(`UPDATE ticket SET detached_at = now() - interval '1 hour' WHERE id = ${other.id}`);
  await waitSql(`SELECT state || '/' || expire_reason FROM ticket WHERE id = ${other.id}`, 'expired/grace');
  assert.equal(sql(`SELECT state FROM ticket WHERE id = ${me.id}`), 'waiting');
  assert.equal(mails('erika@example.org').length, 0, 'four ahead: no mail yet');

  // the queue moves: two served, so two are ahead (callback_notify_position)
  for (const t of ahead.slice(0, 2)) {
    const called = await plugin.call('call_next', { session: token });
    assert.equal(called.ticket.id, t.id);
    await plugin.call('accept', { ticket: t.id });
    await plugin.call('finish', { session: token, ticket: t.id, outcome: 'served' });
  }
  const [almost] = await waitMails('erika@example.org', 1);
  assert.equal(almost.subject, `Almost your turn: ${me.number}, Office kfz`, 'in the ticket\'s language');
  assert.match(almost.text, /2 ahead of you/);
  assert.match(almost.text, /erased as soon as the ticket ends/);
  assert.equal(almost.from, 'wartezimmer@landkreis.example');
  const link = linkToken(almost);
  assert.notEqual(link, me.resume);
  assert.equal(sql(`SELECT callback_token_hash = encode(sha256('${link}'), 'hex') FROM ticket WHERE id = ${me.id}`), 't',
    'only the hash of the link token is stored');

  // the link resumes the ticket in "another browser" (a new join with the token); then again
  const back = await plugin.call('join', { office: 'kfz', resume_token: link });
  assert.equal(back.ticket.id, me.id);
  assert.equal(back.ticket.position, 2);
  await plugin.call('detach', { ticket: me.id });
  const again = await plugin.call('join', { office: 'kfz', resume_token: link });
  assert.equal(again.ticket.id, me.id, 'the link works for as long as the ticket waits');

  // exactly one "almost" mail: another citizen's mail comes after more changes, Erika's count stays 1
  const late = await join('Spät');
  assert.equal((await setAddress(late.resume, 'spaet@example.org')).status, 200);
  await plugin.call('leave', { ticket: ahead[2].id });
  await plugin.call('leave', { ticket: ahead[3].id });
  await plugin.call('leave', { ticket: me.id });
  await waitMails('spaet@example.org', 1);
  assert.equal(mails('erika@example.org').length, 1);
  assert.equal(sql(`SELECT coalesce(callback_email, 'erased') || '/' || (callback_token_hash IS NULL) FROM ticket WHERE id = ${me.id}`),
    'erased/true', 'the address leaves with the ticket (cancelled)');
  assert.equal((await plugin.request('join', { office: 'kfz', resume_token: link })).error.code, 'invalid_token');
  assert.ok(!svc.log.includes('erika@example.org'), 'the address is never logged');
  await clearOffice();
});

test('away when the turn comes: the place is held ("your turn now"), then the ticket is handed on', async () => {
  const away = await join('Weg', 'de');
  const next = await join('Da');
  assert.equal((await setAddress(away.resume, 'weg@example.org')).status, 200);
  await waitMails('weg@example.org', 1);   // first in line: "almost" at once
  await plugin.call('detach', { ticket: away.id });

  // the clerk's queue shows that the citizen is away and comes back by the link (not the address)
  const queued = async () => (await plugin.call('queue', { session: token })).offices[0].tickets.find((x) => x.id === away.id);
  assert.deepEqual((await queued()).callback, { turn_at: null });
  assert.ok(!JSON.stringify(await plugin.call('queue', { session: token })).includes('weg@example.org'));

  // the clerk calls: the away citizen is passed over, the next one is served meanwhile
  const called = await plugin.call('call_next', { session: token });
  assert.equal(called.ticket.id, next.id);
  assert.match((await queued()).callback.turn_at, /^\d{4}-\d\d-\d\dT/, 'held since the call');
  const both = await waitMails('weg@example.org', 2);
  const turn = both.find((m) => m.subject.startsWith('Sie sind jetzt dran'));
  assert.ok(turn, JSON.stringify(both.map((m) => m.subject)));
  assert.equal(turn.subject, `Sie sind jetzt dran: ${away.number}, Amt kfz`);
  assert.match(turn.text, /10 Minuten/);
  assert.equal(linkToken(both[0]), linkToken(both[1]), 'both mails carry the same link');
  assert.equal(sql(`SELECT state FROM ticket WHERE id = ${away.id}`), 'waiting', 'held at the front');

  // the hold ends (set back in time instead of waiting callback_hold_s): handed on
  const expired = plugin.waitFor((m) => m.event === 'expired' && m.ticket === away.id, 15000, 'expired event');
  sql(`UPDATE ticket SET callback_turn_at = now() - interval '1 hour' WHERE id = ${away.id}`);
  assert.equal((await expired).reason, 'callback');
  assert.equal(sql(`SELECT state || '/' || expire_reason || '/' || (callback_email IS NULL) FROM ticket WHERE id = ${away.id}`),
    'expired/callback/true');
  // and the office's statistics count it apart from lost connections and closing time
  const day = sql(`SELECT day::text FROM ticket WHERE id = ${away.id}`);
  const stats = await svc.http('GET', `/api/v1/admin/stats?from=${day}&to=${day}&office=kfz`,
    { headers: { authorization: `Bearer ${token}` } });
  assert.equal(stats.status, 200, JSON.stringify(stats.body));
  assert.equal(stats.body.rows.find((d) => d.office === 'kfz').expired_callback, 1, JSON.stringify(stats.body));
  await clearOffice();
});

test('back within the hold: resumed by the link, called, consultation done, address gone', async () => {
  const away = await join('Zurück', 'tr');
  const next = await join('Dazwischen');
  const after = await join('Danach');
  assert.equal((await setAddress(away.resume, 'zurueck@example.org')).status, 200);
  const [almost] = await waitMails('zurueck@example.org', 1);   // the only one so far
  assert.match(almost.subject, /^Sıranız yaklaşıyor/);
  await plugin.call('detach', { ticket: away.id });
  assert.equal((await plugin.call('call_next', { session: token })).ticket.id, next.id);
  await waitMails('zurueck@example.org', 2);
  const back = await plugin.call('join', { office: 'kfz', resume_token: linkToken(almost) });
  assert.equal(back.ticket.id, away.id);
  assert.equal(back.ticket.position, 0, 'the place was held');
  await plugin.call('accept', { ticket: next.id });
  await plugin.call('finish', { session: token, ticket: next.id, outcome: 'served' });
  assert.equal((await plugin.call('call_next', { session: token })).ticket.id, away.id);
  await plugin.call('accept', { ticket: away.id });
  assert.equal(sql(`SELECT callback_email FROM ticket WHERE id = ${away.id}`), 'zurueck@example.org');
  await plugin.call('finish', { session: token, ticket: away.id, outcome: 'served' });
  assert.equal(sql(`SELECT state || '/' || (callback_email IS NULL) || '/' || (callback_token_hash IS NULL) FROM ticket WHERE id = ${away.id}`),
    'done/true/true');
  assert.equal(sql("SELECT count(*) FROM ticket WHERE callback_email = 'zurueck@example.org'"), '0');
  assert.equal(mails('zurueck@example.org').length, 2);
  await plugin.call('leave', { ticket: after.id });
});

test('"5 more minutes": only near the front, moves back, once per ticket', async () => {
  const t = [];
  for (let i = 0; i < 6; i++) t.push(await join(`S${i}`));
  const tooFar = await snooze(t[4].resume);
  assert.equal(tooFar.status, 409);
  assert.equal(tooFar.body.error.code, 'too_early', 'four ahead, more than callback_notify_position');
  const r = await snooze(t[1].resume);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body, { number: t[1].number, position: 1 + SNOOZE, moved: SNOOZE });
  const order = sql("SELECT string_agg(id::text, ',' ORDER BY priority DESC, arrived_at, id) FROM ticket WHERE state = 'waiting'");
  assert.deepEqual(order.split(',').map(Number), [t[0], t[2], t[3], t[1], t[4], t[5]].map((x) => x.id));
  const twice = await snooze(t[1].resume);
  assert.equal(twice.status, 409);
  assert.equal(twice.body.error.code, 'snooze_used');
  // at the end of the queue it moves as far as there are tickets behind
  await plugin.call('leave', { ticket: t[0].id });
  await plugin.call('leave', { ticket: t[2].id });
  await plugin.call('leave', { ticket: t[3].id });
  const last = await snooze(t[4].resume);
  assert.deepEqual(last.body, { number: t[4].number, position: 2, moved: 1 });
  assert.equal((await snooze('0'.repeat(64))).body.error.code, 'invalid_token');
  await clearOffice();
});

test('flooding: the address of a ticket changes at most 3 times, and a client address is rate-limited', async () => {
  const t = await join('Flut');
  for (const [i, email] of ['a@example.org', 'b@example.org', ''].entries()) {
    const r = await setAddress(t.resume, email);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.changes_left, 2 - i);
  }
  assert.equal(sql(`SELECT callback_email IS NULL FROM ticket WHERE id = ${t.id}`), 't', 'empty removes the address');
  const fourth = await setAddress(t.resume, 'c@example.org');
  assert.equal(fourth.status, 409);
  assert.equal(fourth.body.error.code, 'callback_changes');

  // a script with many tickets: the client bucket stops it after callback_burst requests in all
  const tickets = [];
  for (let i = 0; i < 8; i++) tickets.push(await join(`Skript ${i}`));
  let limited = null;
  for (let i = 0; callbackPosts < BURST + 5 && !limited; i++) {
    const r = await setAddress(tickets[i % tickets.length].resume, `opfer${i}@example.org`);
    if (r.status === 429) limited = { r, at: callbackPosts };
  }
  assert.ok(limited, 'rate limited');
  assert.equal(limited.at, BURST + 1, 'the first request over the burst is refused');
  assert.equal(limited.r.body.error.code, 'rate_limited');
  assert.ok(Number(limited.r.headers.get('retry-after')) > 0);
  await clearOffice();
  assert.equal(sql('SELECT count(*) FROM ticket WHERE callback_email IS NOT NULL'), '0', 'no address outlives its ticket');
});
