// fd-limit.test.mjs: 1,500 Janus sessions against a Janus whose file-descriptor limit is 1,024, in
// the worst configuration (no event_loops: one thread and one wakeup descriptor per handle).
// Janus must stay alive, refuse new handles cleanly, and a consultation in progress must keep
// its media. Run through tests/lib/netns-run (real media needs the namespace).
import test from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { JanusClient, PLUGIN } from '../lib/janus.mjs';
import { startStack, tmpDir, until } from './stack.mjs';
import { writeY4m, RED, BLUE, startPageServer, netnsAddr, openSide, bb, startConsultation, mediaFlows } from './media-lib.mjs';

const SESSIONS = 1500;
const CONNECTIONS = 10;

test('a flood of sessions at a 1,024 descriptor limit: Janus lives, handles are refused, media goes on', {
  skip: netnsAddr ? false : 'needs tests/lib/netns-run (root, network namespace)',
  timeout: 240000,
}, async (t) => {
  const dir = tmpDir('bb-fdlimit-');
  writeY4m(path.join(dir, 'citizen.y4m'), RED);
  writeY4m(path.join(dir, 'clerk.y4m'), BLUE);
  process.env.BB_JANUS_EVENT_LOOPS = '0';   // thread per handle: the configuration that used to abort
  const stack = await startStack('fdlimit', {
    janus: { natInterface: netnsAddr, prefix: ['prlimit', '--nofile=1024:1024', '--'] },
  });
  const pages = await startPageServer();
  const browsers = [];
  const clients = [];
  t.after(async () => {
    for (const c of clients) c.close();
    for (const b of browsers) await b.close().catch(() => {});
    pages.close();
    await stack.stop();
  });
  const stats = async () => (await stack.janus.admin({ janus: 'message_plugin', plugin: PLUGIN,
    request: { request: 'stats' } })).response;
  await until(async () => (await stats())?.queue_service?.available, { what: 'plugin connected' });
  const max = (await stats()).max_handles;
  t.diagnostic(`plugin max_handles at a 1,024 descriptor limit: ${max}`);
  assert.ok(max > 0 && max < 1024 / 2, `max_handles ${max} leaves room for descriptors`);

  const base = `http://127.0.0.1:${pages.address().port}/pages/consult.html?ws=${encodeURIComponent(stack.janus.wsUrl)}`;
  const citizen = await openSide(base, dir, 'citizen', browsers);
  const clerk = await openSide(base, dir, 'clerk', browsers);
  await startConsultation(stack, citizen, clerk);
  const before = await mediaFlows(clerk, 'clerk');

  // the flood: sessions over a few WebSocket connections, one handle each
  for (let i = 0; i < CONNECTIONS; i++) clients.push(await JanusClient.connect(stack.janus.wsUrl));
  let attached = 0, refused = 0, other = 0;
  const one = async (client) => {
    const s = await client.send({ janus: 'create' });
    try {
      await client.send({ janus: 'attach', plugin: PLUGIN, session_id: s.data.id });
      attached++;
    } catch (e) {
      if (e.janus && e.janus.janus === 'error') refused++;
      else other++;
    }
  };
  for (let i = 0; i < SESSIONS; i += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, k) => one(clients[(i + k) % CONNECTIONS])));
  }
  t.diagnostic(`sessions ${SESSIONS}: handles attached ${attached}, refused ${refused}, other ${other}`);
  assert.equal(other, 0);
  assert.ok(refused > 0, 'handles beyond max_handles are refused');
  assert.ok(attached <= max, 'never more handles than max_handles');
  assert.equal(stack.janus.exited(), null, 'Janus is alive');
  const info = await clients[0].send({ janus: 'info' });
  assert.ok(info.plugins[PLUGIN]);
  assert.ok((await stats()).handles_refused >= refused);

  // the consultation kept its media both ways
  await mediaFlows(clerk, 'clerk after the flood', before.framesDecoded + 30);
  await mediaFlows(citizen, 'citizen after the flood');
  assert.deepEqual(await bb(citizen, () => window.bb.errors), []);

  // once the flood is gone, new handles are welcome again
  for (const c of clients) c.close();
  clients.length = 0;
  const fresh = await JanusClient.connect(stack.janus.wsUrl);
  clients.push(fresh);
  await fresh.createSession();
  await until(async () => {
    try { await fresh.attach(); return true; } catch { return false; }
  }, { timeoutMs: 60000, everyMs: 1000, what: 'attach works again after the flood left' });
});
