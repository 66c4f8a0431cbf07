// heartbeat.test.mjs: the plugin keeps a logged-in clerk present by heartbeat; without it the clerk would time out.
import test from 'node:test';
import assert from 'node:assert/strict';
import { waitOffice } from '../lib/queue.mjs';
import { JanusClient } from '../lib/janus.mjs';
import { startStack, sleep } from './stack.mjs';

test('clerk presence survives the presence timeout while the handle lives, then lapses', { timeout: 120000 }, async (t) => {
  // presence times out after 3 s in the service; the plugin beats every second
  const stack = await startStack('heartbeat', { env: { BB_PRESENCE_TIMEOUT_S: '3' }, janus: { pluginSettings: 'heartbeat_s = 1' } });
  t.after(() => stack.stop());
  if (stack.queue.external) return t.skip('needs the harness queue service');
  const svc = stack.queue.svc;
  const client = await JanusClient.connect(stack.janus.wsUrl);
  await client.createSession();
  const k = await client.attach();
  // wait until the plugin has the queue service
  for (let i = 0; i < 100 && (await k.request({ request: 'login', token: await stack.queue.clerkToken() })).data.buergerbuero !== 'logged_in'; i++) await sleep(100);
  assert.equal((await k.request({ request: 'presence', state: 'available' })).data.buergerbuero, 'presence');
  await waitOffice(svc, stack.queue.office, (o) => o.status === 'open');
  await sleep(7000);   // more than twice the presence timeout
  const office = await svc.http('GET', `/api/v1/offices/${stack.queue.office}`);
  assert.equal(office.body.status, 'open', 'heartbeat kept the clerk present');
  // the handle goes away: no more heartbeats, the clerk lapses and the office closes
  await k.detach();
  await waitOffice(svc, stack.queue.office, (o) => o.status !== 'open', 20000);
  await client.destroy();
  client.close();
});
