// media-lib.mjs: what the media tests share: coloured fake cameras, the page server, Chromium
// with fake devices, and a consultation between two browsers through the plugin.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { until } from './stack.mjs';

const sourceRoot = process.env.BB_SOURCE_ROOT || path.resolve(import.meta.dirname, '../..');
export const netnsAddr = process.env.BB_NETNS_ADDR;
const CHROMIUM = process.env.BB_CHROMIUM || '/usr/bin/chromium';

// A YUV4MPEG2 clip of one solid colour (BT.601 limited range), looped by Chromium's fake camera.
export function writeY4m(file, [y, u, v], w = 320, h = 240, frames = 10, fps = 15) {
  const header = Buffer.from(`YUV4MPEG2 W${w} H${h} F${fps}:1 Ip A1:1 C420jpeg\n`);
  const frame = Buffer.concat([
    Buffer.from('FRAME\n'),
    Buffer.alloc(w * h, y), Buffer.alloc((w / 2) * (h / 2), u), Buffer.alloc((w / 2) * (h / 2), v),
  ]);
  fs.writeFileSync(file, Buffer.concat([header, ...Array(frames).fill(frame)]));
}
export const RED = [81, 90, 240];
export const BLUE = [41, 240, 110];
export const GREEN = [145, 54, 34];

// Serves the test page, janus.js (Debian's, matching Janus 1.1.2) and webrtc-adapter.
export function startPageServer() {
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

export async function launch(y4m) {
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

export const near = (c, [r, g, b]) => c && Math.abs(c.r - r) < 60 && Math.abs(c.g - g) < 60 && Math.abs(c.b - b) < 60;


// Opens one side (citizen or clerk) in its own Chromium with its own colour; returns the page.
export async function openSide(base, dir, role, browsers) {
  const browser = await launch(path.join(dir, `${role}.y4m`));
  browsers.push(browser);
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(`# ${role} page error: ${e.message}`));
  await page.goto(`${base}&role=${role}`);
  await page.waitForFunction(() => window.bb && window.bb.state === 'attached', null, { timeout: 15000 });
  return page;
}

export const bb = (page, fn, arg) => page.evaluate(fn, arg);

// Citizen joins, clerk logs in and calls next; resolves once both are in consultation.
export async function startConsultation(stack, citizen, clerk) {
  const permit = await stack.queue.permit(stack.queue.office);
  await bb(citizen, ([office, p]) => window.bb.join(office, p), [stack.queue.office, permit]);
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
}

// Waits until a side has decoded more than `after` video frames (and audio); returns its stats.
export async function mediaFlows(page, name, after = 0) {
  return until(async () => {
    const s = await bb(page, () => window.bb.stats());
    return s && s.framesDecoded > after && s.audioSamples > 0 && s.packetsSent > 0 ? s : null;
  }, { timeoutMs: 30000, what: `${name} media` });
}
