// relay-cpu.mjs: Janus CPU per relayed RTP packet, our plugin vs. the stock videocall plugin in the same Janus (on demand).
// Usage: tests/lib/netns-run node tests/bench/plugin/relay-cpu.mjs [seconds=20] [rounds=2]
// Two headless Chromiums call each other once through janus.plugin.buergerbuero and once through
// janus.plugin.videocall, alternating; for each phase the Janus process's CPU time (utime+stime)
// is divided by the RTP packets both browsers received. Prints the ratio (target <= 1.05).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startStack, sleep, until } from '../../plugin/stack.mjs';

const seconds = Number(process.argv[2] || 20);
const rounds = Number(process.argv[3] || 2);
const sourceRoot = process.env.BB_SOURCE_ROOT || path.resolve(import.meta.dirname, '../../..');
if (!process.env.BB_NETNS_ADDR) {
  console.error('run inside tests/lib/netns-run (Janus ICE needs a non-loopback interface)');
  process.exit(77);
}
const ticks = 100;   // USER_HZ: clock ticks per second of /proc/<pid>/stat on Linux
function cpuSeconds(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / ticks;   // utime, stime (fields 14, 15)
}

function pageServer() {
  const routes = {
    '/janus.js': '/usr/share/javascript/janus-gateway/janus.js',
    '/adapter.js': path.join(sourceRoot, 'node_modules/webrtc-adapter/out/adapter.js'),
    '/pages/consult.html': path.join(sourceRoot, 'tests/plugin/pages/consult.html'),
    '/pages/consult.js': path.join(sourceRoot, 'tests/plugin/pages/consult.js'),
    '/bench/videocall.html': path.join(sourceRoot, 'tests/bench/plugin/pages/videocall.html'),
    '/bench/videocall.js': path.join(sourceRoot, 'tests/bench/plugin/pages/videocall.js'),
  };
  const srv = http.createServer((req, res) => {
    const f = routes[new URL(req.url, 'http://x').pathname];
    if (!f) return res.writeHead(404).end();
    res.writeHead(200, { 'content-type': f.endsWith('.html') ? 'text/html' : 'text/javascript' }).end(fs.readFileSync(f));
  });
  return new Promise((r) => srv.listen(0, '127.0.0.1', () => r(srv)));
}

const stack = await startStack('bench-relay', { janus: { natInterface: process.env.BB_NETNS_ADDR, withVideocall: true } });
const srv = await pageServer();
const base = `http://127.0.0.1:${srv.address().port}`;
const ws = encodeURIComponent(stack.janus.wsUrl);
const browsers = [];
const args = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
  '--autoplay-policy=no-user-gesture-required'];
async function page() {
  const b = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args });
  browsers.push(b);
  return b.newPage();
}

async function measure(pages, statsFn) {
  const packets = async () => (await Promise.all(pages.map((p) => p.evaluate(statsFn)))).reduce((a, s) => a + (s?.packetsReceived || 0), 0);
  await sleep(5000);   // warm-up: bitrate ramps up
  const c0 = cpuSeconds(stack.janus.proc.pid), p0 = await packets();
  await sleep(seconds * 1000);
  const c1 = cpuSeconds(stack.janus.proc.pid), p1 = await packets();
  return { cpu: c1 - c0, packets: p1 - p0 };
}

async function ours() {
  const [citizen, clerk] = [await page(), await page()];
  await citizen.goto(`${base}/pages/consult.html?role=citizen&ws=${ws}`);
  await clerk.goto(`${base}/pages/consult.html?role=clerk&ws=${ws}`);
  for (const p of [citizen, clerk]) await p.waitForFunction(() => window.bb?.state === 'attached');
  await citizen.evaluate((o) => window.bb.join(o), stack.queue.office);
  await clerk.evaluate((t) => window.bb.login(t), await stack.queue.clerkToken());
  await clerk.waitForFunction(() => window.bb.events.includes('logged_in'));
  await clerk.evaluate(() => window.bb.callNext());
  for (const p of [citizen, clerk]) await p.waitForFunction(() => window.bb.state === 'in_consultation', null, { timeout: 20000 });
  const r = await measure([citizen, clerk], () => window.bb.stats());
  await clerk.evaluate(() => window.bb.hangup());
  await clerk.evaluate(() => window.bb.handle.send({ message: { request: 'finish', outcome: 'served' } }));
  await citizen.context().browser().close();
  await clerk.context().browser().close();
  return r;
}

async function videocall(round) {
  const [a, b] = [await page(), await page()];
  for (const p of [a, b]) {
    await p.goto(`${base}/bench/videocall.html?ws=${ws}`);
    await p.waitForFunction(() => window.vc?.state === 'attached');
  }
  await a.evaluate((n) => window.vc.register(n), `a${round}`);
  await b.evaluate((n) => window.vc.register(n), `b${round}`);
  await until(async () => (await b.evaluate(() => window.vc.events.includes('registered'))) && a.evaluate(() => window.vc.events.includes('registered')));
  await a.evaluate((n) => window.vc.call(n), `b${round}`);
  await a.waitForFunction(() => window.vc.state === 'in_call', null, { timeout: 20000 });
  const r = await measure([a, b], () => window.vc.stats());
  await a.evaluate(() => window.vc.hangup());
  await a.context().browser().close();
  await b.context().browser().close();
  return r;
}

try {
  const totals = { ours: { cpu: 0, packets: 0 }, videocall: { cpu: 0, packets: 0 } };
  for (let i = 0; i < rounds; i++) {
    for (const [name, fn] of [['ours', ours], ['videocall', videocall]]) {
      const r = await fn(i);
      totals[name].cpu += r.cpu;
      totals[name].packets += r.packets;
      console.log(`round ${i + 1} ${name}: ${r.cpu.toFixed(2)} s CPU for ${r.packets} packets = ${(1e6 * r.cpu / r.packets).toFixed(2)} us/packet`);
    }
  }
  const per = (t) => t.cpu / t.packets;
  console.log(`buergerbuero: ${(1e6 * per(totals.ours)).toFixed(2)} us/packet, videocall: ${(1e6 * per(totals.videocall)).toFixed(2)} us/packet`);
  console.log(`ratio buergerbuero/videocall: ${(per(totals.ours) / per(totals.videocall)).toFixed(3)} (target <= 1.05)`);
} finally {
  for (const b of browsers) await b.close().catch(() => {});
  srv.close();
  await stack.stop();
}
