// media.test.mjs: real WebRTC through the plugin: two headless Chromiums (citizen, clerk) in a private network namespace.
// Run through tests/lib/netns-run (meson does): Janus's ICE skips loopback, and tests must never
// use the host's interfaces, so everything (queue stack, Janus, browsers, page server) runs inside.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startStack, tmpDir, until } from './stack.mjs';

const sourceRoot = process.env.BB_SOURCE_ROOT || path.resolve(import.meta.dirname, '../..');
const netnsAddr = process.env.BB_NETNS_ADDR;
const CHROMIUM = process.env.BB_CHROMIUM || '/usr/bin/chromium';

// A YUV4MPEG2 clip of one solid colour (BT.601 limited range), looped by Chromium's fake camera.
function writeY4m(file, [y, u, v], w = 320, h = 240, frames = 10) {
  const header = Buffer.from(`YUV4MPEG2 W${w} H${h} F15:1 Ip A1:1 C420jpeg\n`);
  const frame = Buffer.concat([
    Buffer.from('FRAME\n'),
    Buffer.alloc(w * h, y), Buffer.alloc((w / 2) * (h / 2), u), Buffer.alloc((w / 2) * (h / 2), v),
  ]);
  fs.writeFileSync(file, Buffer.concat([header, ...Array(frames).fill(frame)]));
}
const RED = [81, 90, 240];
const BLUE = [41, 240, 110];

// Serves the test page, janus.js (Debian's, matching Janus 1.1.2) and webrtc-adapter.
function startPageServer() {
  const routes = {
    '/janus.js': '/usr/share/javascript/janus-gateway/janus.js',
    '/adapter.js': path.join(sourceRoot, 'node_modules/webrtc-adapter/out/adapter.js'),
    '/pages/consult.html': path.join(sourceRoot, 'tests/plugin/pages/consult.html'),
    '/pages/consult.js': path.join(sourceRoot, 'tests/plugin/pages/consult.js'),
  };
  const server = http.createServer((req, res) => {
    const file = routes[new URL(req.url, 'http://x').pathname];
    if (!file) { res.writeHead(404).end(); return; }
    const type = file.endsWith('.html') ? 'text/html' : 'text/javascript';
    res.writeHead(200, { 'content-type': `${type}; charset=utf-8` }).end(fs.readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function launch(y4m) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      '--autoplay-policy=no-user-gesture-required',
      `--use-file-for-fake-video-capture=${y4m}`],
  });
}

const near = (c, [r, g, b]) => c && Math.abs(c.r - r) < 60 && Math.abs(c.g - g) < 60 && Math.abs(c.b - b) < 60;

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
  const open = async (role) => {
    const browser = await launch(path.join(dir, `${role}.y4m`));
    browsers.push(browser);
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error(`# ${role} page error: ${e.message}`));
    await page.goto(`${base}&role=${role}`);
    await page.waitForFunction(() => window.bb && window.bb.state === 'attached', null, { timeout: 15000 });
    return page;
  };
  const citizen = await open('citizen');
  const clerk = await open('clerk');
  const bb = (page, fn, arg) => page.evaluate(fn, arg);

  await bb(citizen, (office) => window.bb.join(office), stack.queue.office);
  await citizen.waitForFunction(() => window.bb.events.includes('joined'), null, { timeout: 15000 });
  const token = await stack.queue.clerkToken();
  await bb(clerk, (tok) => window.bb.login(tok), token);
  await clerk.waitForFunction(() => window.bb.events.includes('logged_in'), null, { timeout: 15000 });
  await bb(clerk, () => window.bb.handle.send({ message: { request: 'presence', state: 'available' } }));
  await clerk.waitForFunction(() => window.bb.events.includes('presence'), null, { timeout: 15000 });
  await bb(clerk, () => window.bb.callNext());
  await clerk.waitForFunction(() => window.bb.events.includes('calling'), null, { timeout: 15000 });
  await citizen.waitForFunction(() => window.bb.events.includes('called'), null, { timeout: 15000 });
  for (const p of [citizen, clerk])
    await p.waitForFunction(() => window.bb.state === 'in_consultation', null, { timeout: 20000 });

  // media both ways: frames decoded, audio samples, packets
  for (const [name, page] of [['citizen', citizen], ['clerk', clerk]]) {
    const stats = await until(async () => {
      const s = await bb(page, () => window.bb.stats());
      return s && s.framesDecoded > 0 && s.audioSamples > 0 && s.packetsSent > 0 ? s : null;
    }, { timeoutMs: 30000, what: `${name} media` });
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
  await bb(citizen, (office) => window.bb.join(office), stack.queue.office);
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
