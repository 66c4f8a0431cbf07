// citizens.mjs: load harness (on demand; a reduced size runs in CI as a smoke test): N waiting
// citizens on one node, each as a browser holds it — its own WebSocket, Janus session and plugin
// handle — all in one office, against the real Janus with our plugin, the real queue service and
// PostgreSQL. Measures, all in (Janus core + plugin + queue service):
//   - join -> `joined` latency, p50/p99 over the last tenth of the joins (the office nearly full)
//   - resident memory per waiting citizen (RSS of Janus and the service before the first
//     WebSocket and after the last join)
//   - a call of the head -> the last citizen's `position` event (every citizen moved up by one)
// and prints them with issue 11's targets. With --check it only asserts that nothing was lost
// (every join answered, every citizen told its new place) and prints the figures: CI runs that,
// never judging time.
//
//   node tests/bench/load/citizens.mjs [--citizens 2000] [--concurrency 50] [--check]
import fs from 'node:fs';
import { JanusClient, SLOW } from '../../lib/janus.mjs';
import { startStack, sleep, until } from '../../plugin/stack.mjs';

const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(`--${name}`); return i >= 0 ? Number(args[i + 1]) : dflt; };
const N = opt('citizens', 2000);
const CONCURRENCY = opt('concurrency', 50);
const CHECK = args.includes('--check');

const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
const fail = (msg) => { console.error(`FAIL: ${msg}`); process.exitCode = 1; };

const stack = await startStack('bench-load', { capacity: N + 10, grace: 3600 });
const citizens = [];
try {
  const janusPid = stack.janus.proc.pid;
  const queuePid = stack.queue.svc.proc.pid;
  await sleep(1000);
  const before = { janus: rssKiB(janusPid), queue: rssKiB(queuePid) };

  // one WebSocket, session and handle per citizen, joined in waves of CONCURRENCY
  const latencies = [];
  for (let i = 0; i < N; i += CONCURRENCY) {
    const wave = Array.from({ length: Math.min(CONCURRENCY, N - i) }, async (_, k) => {
      const c = await JanusClient.connect(stack.janus.wsUrl);
      await c.createSession();
      const h = await c.attach();
      const t0 = process.hrtime.bigint();
      const r = await h.request({ request: 'join', office: stack.queue.office, name: `Person ${i + k}`, concern: 'x'.repeat(100) });
      const us = Number(process.hrtime.bigint() - t0) / 1000;
      if (r.data.buergerbuero !== 'joined') throw new Error(`join ${i + k}: ${JSON.stringify(r.data)}`);
      citizens.push({ client: c, handle: h, position: r.data.ticket.position, number: r.data.ticket.number });
      if (i + k >= N - N / 10) latencies.push(us);
    });
    await Promise.all(wave);
  }
  await sleep(3000);   // positions settle
  const after = { janus: rssKiB(janusPid), queue: rssKiB(queuePid) };

  // each citizen's place as the plugin last told it (a join's answer can be one too small when
  // an earlier-arrived join commits later; the next `position` event corrects it)
  for (const c of citizens) {
    const told = c.handle.events.filter((e) => e.plugindata?.data?.buergerbuero === 'position');
    if (told.length) c.position = told.at(-1).plugindata.data.position;
  }
  // the head leaves the queue (a clerk's call in effect): every other citizen moves up by one
  const last = citizens.reduce((a, b) => (a.position > b.position ? a : b));
  const head = citizens.reduce((a, b) => (a.position < b.position ? a : b));
  for (const c of citizens) c.handle.events.length = 0;
  const t0 = process.hrtime.bigint();
  const left = await head.handle.request({ request: 'leave' });
  if (left.data.buergerbuero !== 'left') throw new Error(`leave: ${JSON.stringify(left.data)}`);
  const toldNew = (c) => c.handle.events.some((e) => e.plugindata?.data?.buergerbuero === 'position' &&
    e.plugindata.data.position === c.position - 1);
  await until(() => toldNew(last), { timeoutMs: 30000 * SLOW, everyMs: 2, what: 'the last citizen told its new position' });
  const moveMs = Number(process.hrtime.bigint() - t0) / 1e6;
  // nothing lost: every remaining citizen heard its new place
  let told = 0;
  await until(async () => {
    told = citizens.filter((c) => c !== head && toldNew(c)).length;
    return told === N - 1;
  }, { timeoutMs: 60000 * SLOW, what: 'every citizen told its new position' }).catch(() => {});
  if (told !== N - 1) {
    fail(`${N - 1 - told} citizens not told their new position`);
    for (const c of citizens) {
      if (c === head || toldNew(c)) continue;
      console.error(`  ticket ${c.number} expected ${c.position - 1}; got ${JSON.stringify(c.handle.events.map((e) => e.plugindata?.data))}`);
    }
  }

  const perCitizen = ((after.janus - before.janus) + (after.queue - before.queue)) / N;
  console.log(`citizens: ${N} (one WebSocket, session and handle each), joins in waves of ${CONCURRENCY}`);
  console.log(`join -> joined, last tenth: p50 ${(quantile(latencies, 0.5) / 1000).toFixed(1)} ms, p99 ${(quantile(latencies, 0.99) / 1000).toFixed(1)} ms (target at 10,000: p99 <= 50 ms)`);
  console.log(`RSS janus ${before.janus} -> ${after.janus} KiB, queue service ${before.queue} -> ${after.queue} KiB`);
  console.log(`memory per waiting citizen, all in: ${perCitizen.toFixed(1)} KiB (target <= 12 KiB)`);
  console.log(`head leaves -> last citizen's new position: ${moveMs.toFixed(1)} ms; ${told} of ${N - 1} told`);
  if (CHECK && told === N - 1) console.log('check: nothing lost');
} finally {
  for (const c of citizens) c.client.close();
  await stack.stop();
}
