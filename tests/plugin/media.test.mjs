// media.test.mjs: real WebRTC through the plugin: two headless Chromiums (citizen, clerk) in a private network namespace.
// Run through tests/lib/netns-run (meson does): Janus's ICE skips loopback, and tests must never
// use the host's interfaces, so everything (queue stack, Janus, browsers, page server) runs inside.
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { startStack, tmpDir, until } from './stack.mjs';
import { writeY4m, RED, BLUE, startPageServer, near, netnsAddr, openSide, bb, startConsultation, mediaFlows } from './media-lib.mjs';

test('citizen and clerk in Chromium: two-way video, audio, chat, hang-up', {
  skip: netnsAddr ? false : 'needs tests/lib/netns-run (root, network namespace)',
  timeout: 120000,
}, async (t) => {
  const dir = tmpDir('bb-media-');
  writeY4m(path.join(dir, 'citizen.y4m'), RED);
  writeY4m(path.join(dir, 'clerk.y4m'), BLUE);
  const stack = await startStack('media', { janus: { natInterface: netnsAddr } });
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

  await startConsultation(stack, citizen, clerk);

  // media both ways: frames decoded, audio samples, packets
  for (const [name, page] of [['citizen', citizen], ['clerk', clerk]]) {
    const stats = await mediaFlows(page, name);
    assert.ok(stats.packetsReceived > 0, `${name} receives packets`);
  }
  // each side sees the other's colour
  const citizenSees = await until(async () => {
    const c = await bb(citizen, () => window.bb.remoteColour());
    return near(c, [0, 0, 255]) ? c : null;
  }, { timeoutMs: 20000, what: 'citizen sees the clerk (blue)' });
  const clerkSees = await until(async () => {
    const c = await bb(clerk, () => window.bb.remoteColour());
    return near(c, [255, 0, 0]) ? c : null;
  }, { timeoutMs: 20000, what: 'clerk sees the citizen (red)' });
  t.diagnostic(`citizen sees ${JSON.stringify(citizenSees)}, clerk sees ${JSON.stringify(clerkSees)}`);

  // data channel chat both ways
  for (const p of [citizen, clerk])
    await p.waitForFunction(() => window.bb.dataOpen, null, { timeout: 20000 });
  await until(async () => {
    await bb(citizen, () => window.bb.sendChat('Guten Tag vom Bürger'));
    return bb(clerk, () => window.bb.chat.includes('Guten Tag vom Bürger'));
  }, { timeoutMs: 15000, everyMs: 1000, what: 'chat citizen -> clerk' });
  await until(async () => {
    await bb(clerk, () => window.bb.sendChat('Hallo, wie kann ich helfen?'));
    return bb(citizen, () => window.bb.chat.includes('Hallo, wie kann ich helfen?'));
  }, { timeoutMs: 15000, everyMs: 1000, what: 'chat clerk -> citizen' });

  // ICE restart on the citizen's side (what janus.js does after a network change): media goes on
  const before = await bb(clerk, () => window.bb.stats());
  await bb(citizen, () => window.bb.restart());
  await citizen.waitForFunction(() => window.bb.events.includes('restarted'), null, { timeout: 15000 });
  await until(async () => {
    const s = await bb(clerk, () => window.bb.stats());
    return s.framesDecoded > before.framesDecoded + 30 ? s : null;
  }, { timeoutMs: 20000, what: 'clerk keeps decoding after the citizen ICE restart' });

  // the clerk hangs up: both sides end
  await bb(clerk, () => window.bb.hangup());
  await clerk.waitForFunction(() => window.bb.state === 'hungup:self', null, { timeout: 15000 });
  await citizen.waitForFunction(() => window.bb.state === 'hungup:clerk', null, { timeout: 15000 });
  await bb(clerk, () => window.bb.handle.send({ message: { request: 'finish', outcome: 'served' } }));
  await citizen.waitForFunction(() => window.bb.events.includes('finished'), null, { timeout: 15000 });
  assert.deepEqual(await bb(citizen, () => window.bb.errors), []);
  assert.deepEqual(await bb(clerk, () => window.bb.errors), []);

  // a second consultation ends because the citizen closes the tab: the clerk is told
  // (a new call on a handle waits until Janus has closed the previous PeerConnection: janus.js
  // reports that with oncleanup)
  for (const p of [citizen, clerk])
    await p.waitForFunction(() => window.bb.cleanedUp >= 1, null, { timeout: 15000 });
  const permit = await stack.queue.permit(stack.queue.office);
  await bb(citizen, ([office, p]) => window.bb.join(office, p), [stack.queue.office, permit]);
  await citizen.waitForFunction(() => window.bb.events.filter((e) => e === 'joined').length === 2, null, { timeout: 15000 });
  await bb(clerk, () => { window.bb.state = 'ready'; return window.bb.callNext(); });
  for (const p of [citizen, clerk])
    await p.waitForFunction(() => window.bb.state === 'in_consultation', null, { timeout: 20000 });
  await citizen.close();
  const ended = await clerk.waitForFunction(() => window.bb.state.startsWith('hungup:') && window.bb.state, null, { timeout: 20000 });
  t.diagnostic(`after the citizen closed the tab the clerk got ${await ended.jsonValue()}`);
  assert.match(await ended.jsonValue(), /^hungup:(closed|citizen_gone)$/);
  assert.equal(stack.janus.exited(), null, 'Janus still running');
});
