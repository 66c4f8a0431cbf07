// memory.mjs: memory each waiting citizen costs in the plugin (Janus RSS) and in the queue service (on demand).
// Usage: node tests/bench/plugin/memory.mjs [citizens=300]   (BB_PLUGIN_SO, BB_QUEUE_BIN as in meson)
// Attaches N handles first (Janus's own per-handle cost), then lets all of them join: the RSS
// growth during the joins is what waiting citizens cost in the plugin; the queue service's RSS
// growth is measured over the same joins.
import fs from 'node:fs';
import { JanusClient } from '../../lib/janus.mjs';
import { startStack, sleep } from '../../plugin/stack.mjs';

const N = Number(process.argv[2] || 300);
const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

const stack = await startStack('bench-memory', { capacity: N + 10, grace: 3600 });
try {
  const janusPid = stack.janus.proc.pid;
  const queuePid = stack.queue.svc.proc.pid;
  const clients = [];
  for (let i = 0; i < Math.ceil(N / 50); i++) {
    const c = await JanusClient.connect(stack.janus.wsUrl);
    await c.createSession();
    clients.push(c);
  }
  const handles = [];
  for (let i = 0; i < N; i++) handles.push(await clients[i % clients.length].attach());
  await sleep(1000);
  const janusBefore = rssKiB(janusPid);
  const queueBefore = rssKiB(queuePid);
  for (let i = 0; i < N; i += 20) {
    const batch = handles.slice(i, i + 20).map((h) => h.request({ request: 'join', office: stack.queue.office, name: 'Bench Person', concern: 'x'.repeat(100) }));
    for (const r of await Promise.all(batch)) if (r.data.buergerbuero !== 'joined') throw new Error(JSON.stringify(r.data));
  }
  await sleep(2000);   // let position updates settle
  const janusAfter = rssKiB(janusPid);
  const queueAfter = rssKiB(queuePid);
  const plugin = ((janusAfter - janusBefore) * 1024) / N;
  const queue = ((queueAfter - queueBefore) * 1024) / N;
  console.log(`citizens: ${N}`);
  console.log(`janus RSS: ${janusBefore} KiB with ${N} idle handles -> ${janusAfter} KiB with ${N} waiting citizens`);
  console.log(`queue service RSS: ${queueBefore} KiB -> ${queueAfter} KiB`);
  console.log(`per waiting citizen: plugin ${(plugin / 1024).toFixed(2)} KiB, queue service ${(queue / 1024).toFixed(2)} KiB, together ${((plugin + queue) / 1024).toFixed(2)} KiB (target <= 16 KiB)`);
  for (const c of clients) { await c.destroy(); c.close(); }
} finally {
  await stack.stop();
}
