// interpreter.test.mjs: the interpreter as third participant through the plugin: three headless
// Chromiums (citizen red, clerk blue, interpreter green) in a private network namespace, three
// PeerConnections, each decoding both others; the invitation; the interpreter's role checks;
// leaving (the 1:1 goes on) and rejoining; the clerk's hang-up ends all three.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { JanusClient, fakeOffer } from '../lib/janus.mjs';
import { startStack, tmpDir, until } from './stack.mjs';
import { writeY4m, RED, BLUE, GREEN, startPageServer, near, netnsAddr, openSide, bb, startConsultation } from './media-lib.mjs';

const RGB = { red: [255, 0, 0], blue: [0, 0, 255], green: [0, 255, 0] };

// Waits until `page` shows `colour` on its receiving pair `pair` (0 or 1).
async function sees(page, pair, colour, what) {
  return until(async () => {
    const c = await bb(page, (p) => window.bb.remoteColour(p), pair);
    return near(c, RGB[colour]) ? c : null;
  }, { timeoutMs: 30000, what });
}

// Waits until pair `pair` of `page` decoded more video frames than `after` and got audio.
async function flows(page, pair, after, what) {
  return until(async () => {
    const s = await bb(page, (p) => window.bb.stats(p), pair);
    return s && s.framesDecoded > after && s.audioSamples > 0 ? s : null;
  }, { timeoutMs: 30000, what });
}

// Sends a chat line from `from` until each of `to` has it (the data channel opens a moment
// after the media).
async function chatReaches(from, to, text) {
  await until(async () => {
    await bb(from, (t) => window.bb.sendChat(t), text);
    for (const p of to)
      if (!(await bb(p, (t) => window.bb.chat.includes(t), text))) return false;
    return true;
  }, { timeoutMs: 20000, everyMs: 1000, what: `chat "${text}"` });
}

async function request(page, message) {
  return bb(page, (m) => new Promise((resolve) => {
    const seen = window.bb.lastEvents.length;
    window.bb.handle.send({ message: m, success: () => {}, error: (e) => resolve({ error: String(e) }) });
    const wait = () => {
      const ev = window.bb.lastEvents.slice(seen);
      const hit = ev.find((e) => e.request === m.request);
      if (hit) resolve(hit); else setTimeout(wait, 50);
    };
    wait();
  }), message);
}

test('interpreter joins a consultation: three PeerConnections, each sees and hears the two others', {
  skip: netnsAddr ? false : 'needs tests/lib/netns-run (root, network namespace)',
  timeout: 180000,
}, async (t) => {
  const dir = tmpDir('bb-interp-');
  writeY4m(path.join(dir, 'citizen.y4m'), RED);
  writeY4m(path.join(dir, 'clerk.y4m'), BLUE);
  writeY4m(path.join(dir, 'interpreter.y4m'), GREEN);
  const stack = await startStack('interpreter', { janus: { natInterface: netnsAddr } });
  const pages = await startPageServer();
  const browsers = [];
  t.after(async () => {
    for (const b of browsers) await b.close().catch(() => {});
    pages.close();
    await stack.stop();
  });
  const base = `http://127.0.0.1:${pages.address().port}/pages/consult.html?ws=${encodeURIComponent(stack.janus.wsUrl)}`;
  const citizen = await openSide(base, dir, 'citizen', browsers);
  const clerk = await openSide(base, dir, 'clerk', browsers);
  const interpreter = await openSide(base, dir, 'interpreter', browsers);

  await startConsultation(stack, citizen, clerk);
  await sees(citizen, 0, 'blue', 'citizen sees the clerk');
  await sees(clerk, 0, 'red', 'clerk sees the citizen');

  // a wrong invitation: refused, and the interpreter's half-built PeerConnection is closed
  await bb(interpreter, () => window.bb.interpret('not-an-invitation-0123456789abcdef'));
  await interpreter.waitForFunction(() => window.bb.events.includes('error'), null, { timeout: 15000 });
  assert.equal(await bb(interpreter, () => window.bb.lastEvents.find((e) => e.buergerbuero === 'error').error_code), 4729);
  await interpreter.waitForFunction(() => window.bb.cleanedUp >= 1, null, { timeout: 15000 });
  await bb(interpreter, () => { window.bb.errors = []; });

  // the clerk invites; the invitation takes the interpreter in
  const invited = await request(clerk, { request: 'invite_interpreter' });
  assert.equal(invited.buergerbuero, 'interpreter_invited', JSON.stringify(invited));
  assert.match(invited.invite, /^[A-Za-z0-9_-]{32}$/);
  await bb(interpreter, (inv) => window.bb.interpret(inv), invited.invite);
  await interpreter.waitForFunction(() => window.bb.events.includes('interpreting'), null, { timeout: 15000 });
  for (const p of [clerk, citizen])
    await p.waitForFunction(() => window.bb.interpreter.includes('joined'), null, { timeout: 15000 });

  // each sees both others, each by its own colour, and hears them
  await sees(citizen, 1, 'green', 'citizen sees the interpreter (pair 1)');
  await sees(clerk, 1, 'green', 'clerk sees the interpreter (pair 1)');
  await sees(interpreter, 0, 'blue', 'interpreter sees the clerk (pair 0)');
  await sees(interpreter, 1, 'red', 'interpreter sees the citizen (pair 1)');
  await sees(citizen, 0, 'blue', 'citizen still sees the clerk');
  await sees(clerk, 0, 'red', 'clerk still sees the citizen');
  for (const [name, page] of [['citizen', citizen], ['clerk', clerk], ['interpreter', interpreter]])
    for (const pair of [0, 1])
      await flows(page, pair, 0, `${name} decodes pair ${pair}`);
  const big = await bb(citizen, () => window.bb.stats(1));
  t.diagnostic(`interpreter's video at the citizen: ${big.width}x${big.height} at ${big.fps} fps`);

  // chat reaches the two others, from each of the three
  for (const p of [citizen, clerk, interpreter])
    await p.waitForFunction(() => window.bb.dataOpen, null, { timeout: 20000 });
  await chatReaches(citizen, [clerk, interpreter], 'Guten Tag vom Bürger');
  await chatReaches(clerk, [citizen, interpreter], 'Willkommen, Frau Dolmetscherin');
  await chatReaches(interpreter, [citizen, clerk], 'Ich übersetze');

  // role checks: an interpreter cannot call, finish, see the queue or log in; a used invitation
  // takes nobody else in
  for (const [message, code] of [
    [{ request: 'call_next' }, 4705], [{ request: 'finish', outcome: 'served' }, 4705],
    [{ request: 'queue' }, 4705], [{ request: 'invite_interpreter' }, 4705],
    [{ request: 'login', token: 'x'.repeat(20) }, 4705], [{ request: 'leave' }, 4705],
  ]) {
    const r = await request(interpreter, message);
    assert.equal(r.buergerbuero, 'error', JSON.stringify(r));
    assert.equal(r.error_code, code, JSON.stringify(r));
  }
  await bb(interpreter, () => { window.bb.errors = []; });
  const client = await JanusClient.connect(stack.janus.wsUrl);
  try {
    await client.createSession();
    const other = await client.attach();
    const again = await other.request({ request: 'interpret', invite: invited.invite }, fakeOffer());
    assert.equal(again.data.error_code, 4729, JSON.stringify(again.data));
  } finally {
    await client.destroy().catch(() => {});
    client.close();
  }

  // the interpreter leaves: clerk and citizen hear so and go on 1:1
  await bb(interpreter, () => window.bb.hangup());
  await interpreter.waitForFunction(() => window.bb.state === 'hungup:self', null, { timeout: 15000 });
  for (const p of [clerk, citizen])
    await p.waitForFunction(() => window.bb.interpreter.includes('left:interpreter'), null, { timeout: 15000 });
  const before = await bb(citizen, () => window.bb.stats(0));
  await flows(citizen, 0, before.framesDecoded + 30, 'citizen keeps decoding the clerk after the interpreter left');
  const clerkBefore = await bb(clerk, () => window.bb.stats(0));
  await flows(clerk, 0, clerkBefore.framesDecoded + 30, 'clerk keeps decoding the citizen after the interpreter left');
  await chatReaches(citizen, [clerk], 'Weiter zu zweit');

  // a new invitation brings the interpreter back on a new PeerConnection
  await interpreter.waitForFunction(() => window.bb.cleanedUp >= 2, null, { timeout: 15000 });
  const second = await request(clerk, { request: 'invite_interpreter' });
  assert.equal(second.buergerbuero, 'interpreter_invited', JSON.stringify(second));
  assert.notEqual(second.invite, invited.invite);
  await bb(interpreter, (inv) => window.bb.interpret(inv), second.invite);
  await interpreter.waitForFunction(() => window.bb.events.filter((e) => e === 'interpreting').length === 2, null, { timeout: 15000 });
  await sees(citizen, 1, 'green', 'citizen sees the interpreter again');
  await sees(interpreter, 1, 'red', 'interpreter sees the citizen again');
  await sees(interpreter, 0, 'blue', 'interpreter sees the clerk again');

  // the clerk ends: all three see the end
  await bb(clerk, () => window.bb.hangup());
  await clerk.waitForFunction(() => window.bb.state === 'hungup:self', null, { timeout: 15000 });
  await citizen.waitForFunction(() => window.bb.state === 'hungup:clerk', null, { timeout: 15000 });
  await interpreter.waitForFunction(() => window.bb.state === 'hungup:clerk', null, { timeout: 15000 });
  const stats = (await stack.janus.admin({ janus: 'message_plugin', plugin: 'janus.plugin.buergerbuero',
    request: { request: 'stats' } })).response;
  assert.equal(stats.consultations_with_interpreter, 1, JSON.stringify(stats));
  for (const [name, p] of [['citizen', citizen], ['clerk', clerk], ['interpreter', interpreter]])
    assert.deepEqual(await bb(p, () => window.bb.errors), [], `${name} saw no errors`);
  assert.equal(stack.janus.exited(), null, 'Janus still running');
});
