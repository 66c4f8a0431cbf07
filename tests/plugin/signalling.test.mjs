// signalling.test.mjs: every plugin request against real Janus + queue service + PostgreSQL (Janus WS API, synthetic SDP).
import test from 'node:test';
import assert from 'node:assert/strict';
import { JanusClient, fakeOffer, fakeAnswer, PLUGIN, SLOW } from '../lib/janus.mjs';
import { startStack, sleep, until } from './stack.mjs';

let stack;
let client;

test.before(async () => {
  // synthetic SDP never carries media: a short media_timeout_s lets the dead-media test run fast
  stack = await startStack('signalling', { janus: { pluginSettings: 'media_timeout_s = 2' } });
  client = await JanusClient.connect(stack.janus.wsUrl);
  await client.createSession();
  await until(() => queueUp(), { timeoutMs: 15000 * SLOW, what: 'plugin connected to the queue service' });
});

test.after(async () => {
  await client?.destroy();
  client?.close();
  await sleep(500);   // let the plugin finish the handles the session destroy ended
  const exit = await stack?.stop();
  // a clean exit (no crash, no signal) after everything the suite threw at the plugin
  assert.equal(exit?.signal ?? null, null, 'Janus exited cleanly');
});

async function stats() {
  const r = await stack.janus.admin({ janus: 'message_plugin', plugin: PLUGIN, request: { request: 'stats' } });
  return r.response;
}
async function queueUp() {
  return (await stats())?.queue_service?.available === true;
}

async function citizen(fields = {}) {
  const h = await client.attach();
  const r = await h.request({ request: 'join', office: stack.queue.office, ...fields });
  assert.equal(r.data.buergerbuero, 'joined', JSON.stringify(r.data));
  h.ticket = r.data.ticket;
  h.resumeToken = r.data.resume_token;
  return h;
}

async function clerk() {
  const h = await client.attach();
  const r = await h.request({ request: 'login', token: await stack.queue.clerkToken() });
  assert.equal(r.data.buergerbuero, 'logged_in', JSON.stringify(r.data));
  const p = await h.request({ request: 'presence', state: 'available' });
  assert.equal(p.data.buergerbuero, 'presence', JSON.stringify(p.data));
  return h;
}

function assertError(r, code, request) {
  assert.equal(r.data.buergerbuero, 'error', JSON.stringify(r.data));
  assert.equal(r.data.error_code, code, JSON.stringify(r.data));
  if (request) assert.equal(r.data.request, request);
}

// The clerk calls the next citizen and the citizen accepts; returns the clerk's `calling` ticket.
async function consult(c, k) {
  const calling = await k.request({ request: 'call_next' }, fakeOffer());
  assert.equal(calling.data.buergerbuero, 'calling', JSON.stringify(calling.data));
  const called = await c.event('called');
  assert.equal(called.jsep?.type, 'offer');
  c.offerSdp = called.jsep.sdp;
  assert.ok(called.data.clerk);
  const acc = await c.request({ request: 'accept' }, fakeAnswer(called.jsep.sdp));
  assert.equal(acc.data.buergerbuero, 'accepted', JSON.stringify(acc.data));
  const accepted = await k.event('accepted');
  assert.equal(accepted.jsep?.type, 'answer');
  await c.event('consultation');
  await k.event('consultation');
  return calling.data.ticket;
}

async function cleanup(...handles) {
  for (const h of handles) await h.detach().catch(() => {});
}

test('citizen join, position, leave', async () => {
  const a = await citizen({ name: 'Erika', concern: 'Ummeldung' });
  assert.match(a.ticket.number, /\S/);
  assert.equal(a.ticket.office, stack.queue.office);
  assert.equal(typeof a.ticket.position, 'number');
  assert.ok(a.resumeToken);
  const again = await a.request({ request: 'join', office: stack.queue.office });
  assertError(again, 4706, 'join');
  // a new ticket needs a join permit (the widget fetches one right before joining)
  const b = await client.attach();
  assertError(await b.request({ request: 'join', office: stack.queue.office, permit: undefined }), 4726, 'join');
  assertError(await b.request({ request: 'join', office: stack.queue.office, permit: 'not-a-permit' }), 4726, 'join');
  await cleanup(b);
  const left = await a.request({ request: 'leave' });
  assert.equal(left.data.buergerbuero, 'left');
  assertError(await a.request({ request: 'leave' }), 4706);
  await cleanup(a);
});

test('full consultation: call_next, accept, renegotiate, hangup, finish', async () => {
  const c = await citizen({ name: 'Max' });
  const k = await clerk();
  const q = await k.request({ request: 'queue' });
  assert.equal(q.data.buergerbuero, 'queue');
  assert.ok(Array.isArray(q.data.offices));
  const ticket = await consult(c, k);
  assert.equal(ticket.number, c.ticket.number);
  // screen sharing: the clerk renegotiates, the citizen answers through accept
  const reneg = k.request({ request: 'renegotiate' }, fakeOffer());
  reneg.catch(() => {});
  const offer = await c.event('renegotiate');
  assert.equal(offer.jsep?.type, 'offer');
  const ans = await c.request({ request: 'accept' }, fakeAnswer(offer.jsep.sdp));
  assert.equal(ans.data.buergerbuero, 'renegotiated');
  const renegotiated = await reneg;   // the answer to the clerk's renegotiate request
  assert.equal(renegotiated.data.buergerbuero, 'renegotiated');
  assert.equal(renegotiated.jsep?.type, 'answer');
  // a network drop on the citizen's side: ICE restart of the citizen's PeerConnection only
  const restart = await c.request({ request: 'restart' });
  assert.equal(restart.data.buergerbuero, 'renegotiate', JSON.stringify(restart.data));
  assert.equal(restart.jsep?.type, 'offer');
  const ufrag = (sdp) => /a=ice-ufrag:(\S+)/.exec(sdp)[1];
  assert.notEqual(ufrag(restart.jsep.sdp), ufrag(c.offerSdp), 'fresh ICE credentials');
  const restarted = await c.request({ request: 'accept' }, fakeAnswer(restart.jsep.sdp));
  assert.equal(restarted.data.buergerbuero, 'restarted', JSON.stringify(restarted.data));
  assert.equal(k.has('renegotiated'), false);
  // the citizen hangs up; the clerk hears it and finishes
  const hung = await c.request({ request: 'hangup' });
  assert.equal(hung.data.buergerbuero, 'hungup');
  assert.equal((await k.event('hangup')).data.reason, 'citizen');
  const fin = await k.request({ request: 'finish', outcome: 'served' });
  assert.equal(fin.data.buergerbuero, 'finished', JSON.stringify(fin.data));
  assert.equal((await c.event('finished')).data.outcome, 'served');
  // both PeerConnections were closed by the plugin: Janus reports the hangup to each
  await c.next((e) => e.janus === 'hangup');
  await k.next((e) => e.janus === 'hangup');
  await cleanup(c, k);
});

test('a renegotiation the citizen never answers is refused when the consultation ends', async () => {
  const c = await citizen();
  const k = await clerk();
  await consult(c, k);
  const reneg = k.request({ request: 'renegotiate' }, fakeOffer());
  await c.event('renegotiate');
  assert.equal((await c.request({ request: 'hangup' })).data.buergerbuero, 'hungup');
  const answer = await reneg;
  assertError(answer, 4706, 'renegotiate');
  await k.request({ request: 'finish', outcome: 'served' });
  await c.next((e) => e.janus === 'hangup');
  await k.next((e) => e.janus === 'hangup');
  await cleanup(c, k);
});

test('a refused request carrying an offer during a consultation leaves the PeerConnection alone', async () => {
  const c = await citizen();
  const k = await clerk();
  await consult(c, k);
  // the offer renegotiates the clerk's running PeerConnection; refusing the request must not close
  // it (the consultation would go on without media; found by tests/fuzz/fuzz_plugin.c)
  const r = await k.request({ request: 'queue' }, fakeOffer());
  assertError(r, 4701, 'queue');
  assert.equal(r.data.pc_closed, undefined, JSON.stringify(r.data));
  await sleep(2000 * SLOW);   // Janus's close would have arrived within about a second
  assert.equal(k.events.some((e) => e.janus === 'hangup'), false, 'the clerk\'s PeerConnection was closed');
  assert.equal(c.has('hangup'), false);
  assert.equal((await k.request({ request: 'hangup' })).data.buergerbuero, 'hungup');
  await k.request({ request: 'finish', outcome: 'served' });
  await c.next((e) => e.janus === 'hangup');
  await k.next((e) => e.janus === 'hangup');
  await cleanup(c, k);
});

test('dead media: a side that sends nothing is reported to both as stalled', async () => {
  const c = await citizen();
  const k = await clerk();
  await consult(c, k);
  // synthetic SDP: no packet ever arrives, so both sides stall after media_timeout_s
  for (const h of [c, k]) {
    const seen = new Set();
    while (seen.size < 2) {
      const m = await h.event('media', 15000);
      assert.equal(m.data.state, 'stalled', JSON.stringify(m.data));
      assert.ok(m.data.seconds >= 2, JSON.stringify(m.data));
      seen.add(m.data.side);
    }
    assert.deepEqual([...seen].sort(), ['citizen', 'clerk']);
  }
  assert.equal((await k.request({ request: 'hangup' })).data.buergerbuero, 'hungup');
  await k.request({ request: 'finish', outcome: 'served' });
  await c.next((e) => e.janus === 'hangup');
  await k.next((e) => e.janus === 'hangup');
  await cleanup(c, k);
});

test('a citizen back on a new handle while the clerk wraps up keeps the ticket; the clerk hears recovered', async () => {
  const c = await citizen();
  const k = await clerk();
  await consult(c, k);
  // the citizen's handle goes away in the consultation (e.g. Janus's session timeout during an
  // outage): the media ends, the clerk keeps the ticket for the wrap-up
  await c.detach();
  // (Janus closes the handle's PeerConnection before it destroys the handle)
  assert.ok(['closed', 'citizen_gone'].includes((await k.event('hangup')).data.reason));
  // back online, the citizen resumes the ticket: the queue service recovers it, and the clerk,
  // who was wrapping up, hears that it is no longer theirs
  const b = await client.attach();
  try {
    const r = await b.request({ request: 'join', office: stack.queue.office, resume_token: c.resumeToken });
    assert.equal(r.data.buergerbuero, 'joined', JSON.stringify(r.data));
    assert.equal(r.data.resumed, true, JSON.stringify(r.data));
    assert.equal(r.data.ticket.number, c.ticket.number);
    assert.equal((await k.event('hangup')).data.reason, 'recovered');
    assert.equal((await k.request({ request: 'finish', outcome: 'served' })).data.buergerbuero, 'error');
  } finally {
    // a waiting ticket left behind would be the next test's call_next
    await b.request({ request: 'leave' }).catch(() => {});
    await cleanup(b, k);
  }
});

test('clerk hangup, requeue and transfer put the citizen back', async () => {
  const c = await citizen();
  const k = await clerk();
  await consult(c, k);
  assert.equal((await k.request({ request: 'hangup' })).data.buergerbuero, 'hungup');
  assert.equal((await c.event('hangup')).data.reason, 'clerk');
  // A new offer needs Janus to have closed the old PeerConnections (else the core answers 490;
  // slow under valgrind): wait for Janus's own hangup on both handles.
  await c.next((e) => e.janus === 'hangup');
  await k.next((e) => e.janus === 'hangup');
  const rq = await k.request({ request: 'requeue' });
  assert.equal(rq.data.buergerbuero, 'requeued', JSON.stringify(rq.data));
  assert.equal(typeof (await c.event('requeued')).data.position, 'number');
  // call again and transfer to the other office
  await consult(c, k);
  const tr = await k.request({ request: 'transfer', office: stack.queue.otherOffice });
  assert.equal(tr.data.buergerbuero, 'transferred', JSON.stringify(tr.data));
  const moved = await c.event('transferred');
  assert.equal(moved.data.office, stack.queue.otherOffice);
  assert.equal((await c.request({ request: 'leave' })).data.buergerbuero, 'left');
  await cleanup(c, k);
});

test('call a ticket by id; clerk withdraws the call', async () => {
  const c = await citizen();
  const k = await clerk();
  const q = await k.request({ request: 'queue' });
  const all = q.data.offices.flatMap((o) => o.tickets || []);
  const mine = all.find((t) => t.number === c.ticket.number);
  assert.ok(mine, 'the citizen is in the clerk queue snapshot');
  const calling = await k.request({ request: 'call', ticket: mine.id }, fakeOffer());
  assert.equal(calling.data.buergerbuero, 'calling', JSON.stringify(calling.data));
  await c.event('called');
  assert.equal((await k.request({ request: 'hangup' })).data.buergerbuero, 'hungup');
  assert.equal((await c.event('hangup')).data.reason, 'withdrawn');
  assert.equal((await c.event('requeued')).data.reason, 'withdrawn');
  assert.equal((await c.request({ request: 'leave' })).data.buergerbuero, 'left');
  await cleanup(c, k);
});

test('a refused call closes its offer at once, and the next call works', async () => {
  const k = await clerk();
  // nobody is waiting: the plugin refuses and closes the PeerConnection Janus built from the offer
  const none = await k.request({ request: 'call_next' }, fakeOffer());
  assertError(none, 4712, 'call_next');
  assert.equal(none.data.pc_closed, true, JSON.stringify(none.data));
  // Janus confirms with its own hangup for the handle; after it, a new offer is welcome
  await k.next((e) => e.janus === 'hangup');
  const c = await citizen({ name: 'Nach dem Fehler' });
  await consult(c, k);
  assert.equal((await k.request({ request: 'finish', outcome: 'served' })).data.buergerbuero, 'finished');
  await c.event('finished');
  // the same right after a consultation ended: wait for Janus's hangup, then call again
  await k.next((e) => e.janus === 'hangup');
  const again = await k.request({ request: 'call_next' }, fakeOffer());
  assertError(again, 4712, 'call_next');
  await cleanup(c, k);
});

test('answers name their request; unsolicited events do not', async () => {
  const c = await citizen();
  const k = await clerk();
  const q = await k.request({ request: 'queue' });
  assert.equal(q.data.request, 'queue');
  await c.request({ request: 'leave' });
  const update = await k.event('queue');   // the unsolicited queue update after the leave
  assert.equal(update.data.request, undefined, JSON.stringify(update.data));
  const j = await c.request({ request: 'join', office: stack.queue.office });
  assert.equal(j.data.request, 'join');
  await c.request({ request: 'leave' });
  await cleanup(c, k);
});

test('concurrent requests of one handle each get their own answer', async () => {
  const k = await clerk();
  // handled one at a time; each answer names its request and answers its transaction
  const answers = await Promise.all([
    k.request({ request: 'presence', state: 'paused' }),
    k.request({ request: 'queue' }),
    k.request({ request: 'presence', state: 'available' }),
    k.request({ request: 'queue' }),
  ]);
  assert.deepEqual(answers.map((a) => a.data.request), ['presence', 'queue', 'presence', 'queue']);
  assert.deepEqual(answers.map((a) => a.data.buergerbuero), ['presence', 'queue', 'presence', 'queue']);
  await cleanup(k);
});

test('a handle flooding requests is refused beyond its backlog, others are served', async () => {
  const k = await clerk();
  const flood = await Promise.all(Array.from({ length: 60 }, () => k.request({ request: 'queue' })));
  const limited = flood.filter((a) => a.data.error_code === 4720);
  assert.ok(limited.length > 0, 'some requests were refused');
  assert.ok(limited.every((a) => a.data.retry_after_s >= 1));
  assert.equal(flood.filter((a) => a.data.buergerbuero === 'queue').length + limited.length, 60);
  const c = await citizen();   // another handle is served meanwhile
  await c.request({ request: 'leave' });
  await cleanup(c, k);
});

test('texts are limited in characters: Cyrillic, Arabic, Turkish and emoji at the limit', async () => {
  const exact = (s, n) => [...s.repeat(n)].slice(0, n).join('');
  const names = [exact('Олександра Шевченко ', 80), exact('فاطمة الزهراء ', 80), exact('Çağrı Gümüşsoy ', 80), exact('👩‍🔬', 80)];
  for (const name of names) {
    const h = await client.attach();
    const r = await h.request({ request: 'join', office: stack.queue.office, name, concern: exact('Прошу допомогти.\n', 500) });
    assert.equal(r.data.buergerbuero, 'joined', JSON.stringify(r.data).slice(0, 300));
    await h.request({ request: 'leave' });
    const over = await h.request({ request: 'join', office: stack.queue.office, name: name + 'x' });
    assertError(over, 4703, 'join');
    assert.equal(over.data.field, 'name');
    assert.equal(over.data.max_chars, 80);
    await cleanup(h);
  }
  const h = await client.attach();
  const ctl = await h.request({ request: 'join', office: stack.queue.office, name: 'Erika\u001b[2J' });
  assertError(ctl, 4721, 'join');
  assert.equal(ctl.data.field, 'name');
  const nl = await h.request({ request: 'join', office: stack.queue.office, name: 'Erika\nMuster' });
  assertError(nl, 4721, 'join');
  await cleanup(h);
});

test('broadcast reaches citizens waiting in that office', async () => {
  const c = await citizen();
  const k = await clerk();
  const r = await k.request({ request: 'broadcast', office: stack.queue.office, text: 'Bitte 10 Minuten Geduld' });
  assert.equal(r.data.buergerbuero, 'broadcasted', JSON.stringify(r.data));
  const b = await c.event('broadcast');
  assert.equal(b.data.text, 'Bitte 10 Minuten Geduld');
  assertError(await k.request({ request: 'broadcast', office: 'not-mine', text: 'x' }), 4705);
  assertError(await k.request({ request: 'broadcast', office: stack.queue.office, text: 'ü'.repeat(281) }), 4703);
  await c.request({ request: 'leave' });
  await cleanup(c, k);
});

test('clerk sees arrivals and live queue updates', async () => {
  const k = await clerk();
  await k.request({ request: 'queue' });
  const c = await citizen();
  const arrival = await k.event('arrival');
  assert.equal(arrival.data.office, stack.queue.office);
  await k.event('queue');
  await c.request({ request: 'leave' });
  await cleanup(c, k);
});

test('role checks: citizens cannot send clerk requests, clerks cannot join', async () => {
  const h = await client.attach();
  for (const request of ['presence', 'queue', 'call_next', 'call', 'finish', 'transfer', 'requeue', 'broadcast', 'renegotiate']) {
    const r = await h.request({ request, state: 'available', ticket: 1, outcome: 'served', office: 'x', text: 'x' });
    assertError(r, 4705, request);
  }
  assertError(await h.request({ request: 'login', token: 'wrong-token' }), 4704, 'login');
  const k = await clerk();
  assertError(await k.request({ request: 'join', office: stack.queue.office }), 4705, 'join');
  assertError(await k.request({ request: 'restart' }), 4705, 'restart');
  assertError(await k.request({ request: 'leave' }), 4705, 'leave');
  assertError(await h.request({ request: 'restart' }), 4706, 'restart');
  assertError(await k.request({ request: 'finish', outcome: 'served' }), 4706);
  assertError(await k.request({ request: 'presence', state: 'dancing' }), 4701);
  // appointment_no_show: clerks only, a positive id, forwarded to the queue service
  assertError(await h.request({ request: 'appointment_no_show', appointment: 1 }), 4705, 'appointment_no_show');
  assertError(await k.request({ request: 'appointment_no_show' }), 4701, 'appointment_no_show');
  assertError(await k.request({ request: 'appointment_no_show', appointment: 0 }), 4701, 'appointment_no_show');
  assertError(await k.request({ request: 'appointment_no_show', appointment: '12' }), 4701, 'appointment_no_show');
  assertError(await k.request({ request: 'appointment_no_show', appointment: 999999 }), 4711, 'appointment_no_show');
  await cleanup(h, k);
});

// The synthetic offer with a second, receive-only audio+video pair (mids 3, 4) for a third
// participant, as the console and the interpreter page offer it.
function twoPairOffer() {
  const offer = fakeOffer();
  const [head, audio, video, data] = offer.sdp.split(/(?=m=)/);
  const common = audio.split('\r\n').filter((l) => /^a=(ice-|fingerprint|setup)/.test(l));
  const extra = (kind, mid, pt, map) => [`m=${kind} 9 UDP/TLS/RTP/SAVPF ${pt}`, 'c=IN IP4 0.0.0.0', 'a=rtcp:9 IN IP4 0.0.0.0',
    ...common, `a=mid:${mid}`, 'a=recvonly', 'a=rtcp-mux', `a=rtpmap:${pt} ${map}`, ''].join('\r\n');
  const sdp = head.replace('a=group:BUNDLE 0 1 2', 'a=group:BUNDLE 0 1 2 3 4') + audio + video + data +
    extra('audio', 3, 111, 'opus/48000/2') + extra('video', 4, 96, 'VP8/90000');
  return { type: 'offer', sdp };
}
// The direction of the m-line with this mid.
const direction = (sdp, mid) => {
  const section = sdp.split(/(?=m=)/).find((s) => s.includes(`a=mid:${mid}\r\n`));
  return section && (section.match(/a=(sendrecv|sendonly|recvonly|inactive)/) || [])[1];
};

test('interpreter: invitation, joining, role refusals, dead media, leaving and back', async () => {
  const c = await citizen();
  const k = await clerk();
  assertError(await k.request({ request: 'invite_interpreter' }), 4706, 'invite_interpreter');
  const calling = await k.request({ request: 'call_next' }, twoPairOffer());
  assert.equal(calling.data.buergerbuero, 'calling', JSON.stringify(calling.data));
  assert.equal(calling.data.ticket.needs_interpreter, false);
  const called = await c.event('called');
  // pair 1 is "Janus sends" in the offer to the citizen
  assert.equal(direction(called.jsep.sdp, 3), 'sendonly');
  assert.equal(direction(called.jsep.sdp, 4), 'sendonly');
  assert.equal(direction(called.jsep.sdp, 1), 'sendrecv');
  const answer = fakeAnswer(called.jsep.sdp);
  answer.sdp = answer.sdp.split(/(?=m=)/).map((s) => (/a=mid:[34]\r\n/.test(s) ? s.replace('a=sendrecv', 'a=recvonly') : s)).join('');
  assert.equal((await c.request({ request: 'accept' }, answer)).data.buergerbuero, 'accepted');
  const accepted = await k.event('accepted');
  assert.equal(direction(accepted.jsep.sdp, 4), 'sendonly', 'and in the answer to the clerk');
  await c.event('consultation');
  await k.event('consultation');

  const inv = await k.request({ request: 'invite_interpreter' });
  assert.equal(inv.data.buergerbuero, 'interpreter_invited', JSON.stringify(inv.data));
  assert.match(inv.data.invite, /^[A-Za-z0-9_-]{32}$/);
  // a wrong invitation: refused, its PeerConnection closed
  const i = await client.attach();
  const wrong = await i.request({ request: 'interpret', invite: 'x'.repeat(32) }, twoPairOffer());
  assertError(wrong, 4729, 'interpret');
  assert.equal(wrong.data.pc_closed, true);
  await i.next((e) => e.janus === 'hangup');
  // an offer without a second pair cannot take part
  assertError(await i.request({ request: 'interpret', invite: inv.data.invite }, fakeOffer()), 4701, 'interpret');
  await i.next((e) => e.janus === 'hangup');
  assertError(await k.request({ request: 'interpret', invite: inv.data.invite }, twoPairOffer()), 4705, 'interpret');
  // the invitation survived the refusals: it takes the interpreter in, once
  const joined = await i.request({ request: 'interpret', invite: inv.data.invite }, twoPairOffer());
  assert.equal(joined.data.buergerbuero, 'interpreting', JSON.stringify(joined.data));
  assert.equal(joined.data.ticket, calling.data.ticket.number);
  assert.equal(joined.jsep.type, 'answer');
  assert.equal(direction(joined.jsep.sdp, 1), 'sendrecv');
  assert.equal(direction(joined.jsep.sdp, 4), 'sendonly');
  assert.match(joined.jsep.sdp, /a=rtpmap:96 VP8\/90000/);
  for (const h of [k, c]) assert.equal((await h.event('interpreter')).data.state, 'joined');
  const other = await client.attach();
  assertError(await other.request({ request: 'interpret', invite: inv.data.invite }, twoPairOffer()), 4729, 'interpret');
  await other.next((e) => e.janus === 'hangup');
  assertError(await k.request({ request: 'invite_interpreter' }), 4706, 'invite_interpreter');

  // the interpreter is neither clerk nor citizen
  for (const request of ['call_next', 'call', 'finish', 'queue', 'queue_page', 'presence', 'transfer', 'requeue',
    'broadcast', 'invite_interpreter', 'renegotiate', 'join', 'accept', 'leave', 'restart', 'login']) {
    const r = await i.request({ request, state: 'available', ticket: 1, outcome: 'served', office: 'x', text: 'x', token: 'x'.repeat(20) });
    assertError(r, 4705, request);
  }
  assertError(await i.request({ request: 'interpret', invite: inv.data.invite }, twoPairOffer()), 4706, 'interpret');

  // synthetic SDP: nothing arrives from the interpreter either, and all three hear so
  for (const h of [k, c, i]) {
    for (;;) {
      const m = await h.event('media', 15000);
      if (m.data.side === 'interpreter') { assert.equal(m.data.state, 'stalled'); break; }
    }
  }
  const s1 = await stats();
  assert.equal(s1.consultations_with_interpreter, 1, JSON.stringify(s1));

  // the interpreter leaves: clerk and citizen go on; a new invitation brings one back
  assert.equal((await i.request({ request: 'hangup' })).data.buergerbuero, 'hungup');
  for (const h of [k, c]) {
    const left = await h.event('interpreter');
    assert.deepEqual([left.data.state, left.data.reason], ['left', 'interpreter']);
  }
  await i.next((e) => e.janus === 'hangup');
  const again = await k.request({ request: 'invite_interpreter' });
  assert.notEqual(again.data.invite, inv.data.invite);
  const back = await i.request({ request: 'interpret', invite: again.data.invite }, twoPairOffer());
  assert.equal(back.data.buergerbuero, 'interpreting', JSON.stringify(back.data));
  for (const h of [k, c]) assert.equal((await h.event('interpreter')).data.state, 'joined');

  // the clerk ends the media: the interpreter hears it too; the invitation is gone with it
  const pending = await k.request({ request: 'invite_interpreter' });
  assertError(pending, 4706, 'invite_interpreter');
  assert.equal((await k.request({ request: 'hangup' })).data.buergerbuero, 'hungup');
  assert.equal((await c.event('hangup')).data.reason, 'clerk');
  assert.equal((await i.event('hangup')).data.reason, 'clerk');
  await k.request({ request: 'finish', outcome: 'served' });
  await cleanup(c, k, i, other);
});

// The interpreter's page goes away: clerk and citizen go on 1:1.
test('interpreter gone: its handle detaches, clerk and citizen hear interpreter_gone', async () => {
  const c = await citizen();
  const k = await clerk();
  await k.request({ request: 'call_next' }, twoPairOffer());
  const called = await c.event('called');
  await c.request({ request: 'accept' }, fakeAnswer(called.jsep.sdp));
  await k.event('consultation');
  const inv = await k.request({ request: 'invite_interpreter' });
  const i = await client.attach();
  assert.equal((await i.request({ request: 'interpret', invite: inv.data.invite }, twoPairOffer())).data.buergerbuero, 'interpreting');
  for (const h of [k, c]) assert.equal((await h.event('interpreter')).data.state, 'joined');
  await i.detach();
  for (const h of [k, c]) {
    const left = await h.event('interpreter');
    assert.deepEqual([left.data.state, left.data.reason], ['left', 'interpreter_gone']);
  }
  assert.equal((await k.request({ request: 'hangup' })).data.buergerbuero, 'hungup');
  await k.request({ request: 'finish', outcome: 'served' });
  await cleanup(c, k);
});

test('resume token: a new handle takes over the ticket and its place', async () => {
  const a = await citizen();
  const b = await client.attach();
  const r = await b.request({ request: 'join', office: stack.queue.office, resume_token: a.resumeToken });
  assert.equal(r.data.buergerbuero, 'joined', JSON.stringify(r.data));
  assert.equal(r.data.resumed, true);
  assert.equal(r.data.ticket.number, a.ticket.number);
  assert.notEqual(r.data.resume_token, a.resumeToken);
  await a.event('taken_over');
  assertError(await a.request({ request: 'leave' }), 4706);
  // a handle that disappears while waiting keeps the ticket for the grace period
  await b.detach();
  await sleep(300);
  const c = await client.attach();
  const r2 = await c.request({ request: 'join', office: stack.queue.office, resume_token: r.data.resume_token });
  assert.equal(r2.data.buergerbuero, 'joined', JSON.stringify(r2.data));
  assert.equal(r2.data.ticket.number, a.ticket.number);
  assertError(await c.request({ request: 'join', office: stack.queue.office, resume_token: 'bogus-token' }), 4706);
  const d = await client.attach();
  assertError(await d.request({ request: 'join', office: stack.queue.office, resume_token: 'bogus-token' }), 4710);
  await c.request({ request: 'leave' });
  await cleanup(a, c, d);
});

test('malformed requests get errors and never hurt Janus', async () => {
  const h = await client.attach();
  const cases = [
    [{ request: 'no_such_request' }, 4702],
    [{ request: 'x'.repeat(5000) }, 4702],
    [{ request: 42 }, 4701],
    [{}, 4701],
    [{ request: 'join' }, 4701],
    [{ request: 'join', office: 7 }, 4701],
    [{ request: 'join', office: '' }, 4701],
    [{ request: 'join', office: ['kfz'] }, 4701],
    [{ request: 'join', office: 'kfz', name: { a: 1 } }, 4701],
    [{ request: 'join', office: 'kfz', name: 'n'.repeat(81) }, 4703],
    [{ request: 'join', office: 'kfz', concern: 'c'.repeat(100000) }, 4703],
    [{ request: 'join', office: 'o'.repeat(1000000) }, 4703],
    [{ request: 'login' }, 4701],
    [{ request: 'login', token: null }, 4701],
    [{ request: 'login', token: 't'.repeat(300) }, 4703],
    [{ request: 'accept' }, 4715],
    [{ request: 'hangup' }, 4706],
  ];
  for (const [body, code] of cases) {
    const r = await h.request(body);
    assertError(r, code);
  }
  // a JSEP of the wrong type
  assertError(await h.request({ request: 'accept' }, fakeOffer()), 4715);
  // the office must exist
  assertError(await h.request({ request: 'join', office: 'no-such-office' }), 4711);
  // deeply nested JSON is refused by Janus or by us, never a crash
  let deep = 'x';
  for (let i = 0; i < 500; i++) deep = [deep];
  await h.request({ request: 'join', office: 'kfz', name: deep }).catch(() => {});
  // Janus is still alive and the plugin still works
  const info = await client.send({ janus: 'info' });
  assert.ok(info.plugins[PLUGIN]);
  const ok = await h.request({ request: 'join', office: stack.queue.office });
  assert.equal(ok.data.buergerbuero, 'joined');
  await h.request({ request: 'leave' });
  await cleanup(h);
});

test('admin API: stats and query_session show no personal data', async () => {
  const c = await citizen({ name: 'Geheim Name', concern: 'Geheimes Anliegen' });
  const s = await stats();
  assert.equal(s.buergerbuero, 'stats');
  assert.ok(s.sessions >= 1);
  const info = await stack.janus.admin({ janus: 'handle_info', session_id: client.sessionId, handle_id: c.id });
  const ps = info.info.plugin_specific;
  assert.equal(ps.role, 'citizen');
  assert.equal(ps.state, 'waiting');
  assert.equal(ps.ticket, c.ticket.number);
  assert.doesNotMatch(JSON.stringify(info), /Geheim/);
  assert.doesNotMatch(stack.janus.log(), /Geheim/);
  await c.request({ request: 'leave' });
  await cleanup(c);
});

test('no-show: a called citizen who never answers', { timeout: 60000 * SLOW }, async (t) => {
  if (stack.queue.external) return t.skip('needs the harness queue service (short no-show timeout)');
  const c = await citizen();
  const k = await clerk();
  const calling = await k.request({ request: 'call_next' }, fakeOffer());
  assert.equal(calling.data.buergerbuero, 'calling');
  await c.event('called');
  const ns = await k.event('no_show', 45000);
  assert.equal(ns.data.ticket, calling.data.ticket.id);
  await c.event('no_show', 5000);
  // a late answer is refused: by the Janus core (the PeerConnection was closed) or by us
  const late = await c.request({ request: 'accept' }, fakeAnswer(fakeOffer().sdp)).catch((e) => e);
  if (late instanceof Error) assert.ok(late.janus, String(late));
  else assertError(late, 4706);
  // the clerk is free again
  assertError(await k.request({ request: 'hangup' }), 4706);
  await cleanup(c, k);
});

test('queue service restart: citizens keep tickets and get positions again', { timeout: 90000 * SLOW }, async (t) => {
  if (!stack.queue.restart) return t.skip('needs the harness queue service (restart)');
  const a = await citizen();
  const b = await citizen();
  const k = await clerk();
  await stack.queue.stopService();
  await a.event('queue_unavailable', 15000);
  await b.event('queue_unavailable', 15000);
  await k.event('queue_unavailable', 15000);
  const x = await client.attach();
  assertError(await x.request({ request: 'join', office: stack.queue.office }), 4707);
  await stack.queue.restart();
  await a.event('queue_available', 30000);
  await b.event('queue_available', 30000);
  await until(() => queueUp(), { timeoutMs: 30000 * SLOW, what: 'reconnect' });
  // b is still in the queue: a leaves, b moves up and hears its new position
  assert.equal((await a.request({ request: 'leave' })).data.buergerbuero, 'left');
  const pos = await b.event('position', 15000);
  assert.equal(typeof pos.data.position, 'number');
  assert.equal((await b.request({ request: 'leave' })).data.buergerbuero, 'left');
  await cleanup(a, b, k, x);
});
