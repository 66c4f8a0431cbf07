// queue_robustness.test.mjs: malformed, oversized and unauthenticated requests on REST, the live
// WebSocket and the internal WebSocket get clear errors, and the service stays up.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import WebSocket from 'ws';
import { startStack, InternalClient, SECRET } from '../lib/queue.mjs';

let stack, svc;

before(async () => {
  stack = await startStack({ offices: [{ id: 'kfz' }], clerks: [{ login: 'mueller', offices: ['kfz'] }] });
  svc = stack.svc;
});

after(async () => {
  await stack?.stop();
});

async function assertHealthy() {
  const h = await svc.http('GET', '/healthz');
  assert.equal(h.status, 200);
}

// Sends raw bytes over TCP and returns whatever the server answers before closing.
function rawHttp(port, text) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let out = '';
    s.on('data', (d) => { out += d.toString(); });
    s.on('close', () => resolve(out));
    s.on('error', () => resolve(out));
    s.write(text);
    setTimeout(() => s.end(), 1500);
  });
}

test('REST: unknown path, wrong method, bad JSON, missing and wrong fields', async () => {
  const nf = await svc.http('GET', '/api/v1/nothing/here');
  assert.equal(nf.status, 404);
  assert.equal(nf.body.error.code, 'not_found');
  const wm = await svc.http('DELETE', '/api/v1/offices');
  assert.equal(wm.status, 405);
  assert.equal(wm.body.error.code, 'method_not_allowed');
  const bad = await svc.http('POST', '/api/v1/clerk/login', { raw: '{"login": "mueller", ', headers: { 'content-type': 'application/json' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, 'bad_request');
  const arr = await svc.http('POST', '/api/v1/clerk/login', { raw: '[1,2]' });
  assert.equal(arr.status, 400);
  const missing = await svc.http('POST', '/api/v1/clerk/login', { body: { login: 'mueller' } });
  assert.equal(missing.status, 400);
  assert.match(missing.body.error.message, /password/);
  const wrongType = await svc.http('POST', '/api/v1/clerk/login', { body: { login: 42, password: 'x' } });
  assert.equal(wrongType.status, 400);
  assert.match(wrongType.body.error.message, /login/);
  const long = await svc.http('POST', '/api/v1/clerk/login', { body: { login: 'mueller', password: 'x'.repeat(300) } });
  assert.equal(long.status, 413);
  assert.equal(long.body.error.code, 'too_large');
  const empty = await svc.http('POST', '/api/v1/clerk/login');
  assert.equal(empty.status, 400);
  await assertHealthy();
});

test('REST: oversized body and headers', async () => {
  const big = await svc.http('POST', '/api/v1/clerk/login', { raw: JSON.stringify({ login: 'x', password: 'y'.repeat(20000) }) });
  assert.equal(big.status, 413);
  assert.equal(big.body.error.code, 'too_large');
  // a body larger than announced limits, sent chunked (no Content-Length)
  const chunk = 'a'.repeat(9000);
  const chunked = await rawHttp(svc.httpPort, 'POST /api/v1/clerk/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n' +
    `${(9000).toString(16)}\r\n${chunk}\r\n${(9000).toString(16)}\r\n${chunk}\r\n0\r\n\r\n`);
  // lws either answers with an error or drops the connection; never a success
  assert.doesNotMatch(chunked, /^HTTP\/1\.1 200/);
  const hugeHeader = await rawHttp(svc.httpPort, `GET /api/v1/offices HTTP/1.1\r\nHost: x\r\nX-Big: ${'h'.repeat(20000)}\r\n\r\n`);
  assert.doesNotMatch(hugeHeader, /^HTTP\/1\.1 200/);
  const garbage = await rawHttp(svc.httpPort, '\x00\x01\x02 garbage\r\n\r\n');
  assert.doesNotMatch(garbage, /^HTTP\/1\.1 200/);
  await assertHealthy();
});

test('internal: request before hello is refused and the connection closed', async () => {
  const c = await InternalClient.connect(svc.internalPort);
  const r = await c.request('join', { office: 'kfz' });
  assert.equal(r.error.code, 'unauthorized');
  assert.ok(await c.closed);
});

test('internal: wrong secret closes after the error', async () => {
  const c = await InternalClient.connect(svc.internalPort);
  const r = await c.request('hello', { secret: 'wrong-secret-wrong-secret', instance: 'x' });
  assert.equal(r.error.code, 'unauthorized');
  await c.closed;
});

test('internal: malformed messages get clear errors on a live connection', async () => {
  const c = await svc.internal('janus-robust');
  c.sendRaw('this is not json');
  const notJson = await c.waitFor((m) => m.ok === false && m.id === null && m.error.code === 'bad_request');
  assert.ok(notJson);
  c.sendRaw('{"op":"join","office":"kfz"}');
  await c.waitFor((m) => m.ok === false && /id/.test(m.error.message));
  const unknown = await c.request('fly_to_the_moon');
  assert.equal(unknown.error.code, 'unknown_op');
  const wrongType = await c.request('leave', { ticket: 'abc' });
  assert.equal(wrongType.error.code, 'bad_request');
  assert.match(wrongType.error.message, /ticket/);
  const tooLong = await c.request('join', { office: 'kfz', name: 'n'.repeat(81) });
  assert.equal(tooLong.error.code, 'too_large');
  const missing = await c.request('join', {});
  assert.equal(missing.error.code, 'bad_request');
  for (const op of ['leave', 'detach', 'accept']) {
    const zero = await c.request(op, { ticket: 0 });   // ids are positive (catalogue, as in the plugin)
    assert.equal(zero.error.code, 'bad_request', op);
    const huge = await c.request(op, { ticket: 9007199254740991 });
    assert.equal(huge.error.code, 'not_found', op);
  }
  const negative = await c.request('leave', { ticket: -1 });
  assert.equal(negative.error.code, 'bad_request');
  const noOffice = await c.request('join', { office: 'nope' });
  assert.equal(noOffice.error.code, 'not_found');
  // fields are checked against the catalogue before the session is looked up
  const badOutcome = await c.request('finish', { session: 'x', ticket: 1, outcome: 'great' });
  assert.equal(badOutcome.error.code, 'bad_request');
  assert.equal(badOutcome.error.field, 'outcome');
  const stranger = await c.request('finish', { session: 'x', ticket: 1, outcome: 'served' });
  assert.equal(stranger.error.code, 'unauthorized');
  const control = await c.request('join', { office: 'kfz', name: 'Olena\u0007' });
  assert.equal(control.error.code, 'invalid_text');
  assert.equal(control.error.field, 'name');
  const ukrainian = await c.request('join', { office: 'kfz', name: 'Ї'.repeat(81) });
  assert.equal(ukrainian.error.code, 'too_large');
  assert.equal(ukrainian.error.max_chars, 80);
  const again = await c.request('hello', { secret: SECRET, instance: 'again' });
  assert.equal(again.error.code, 'bad_request');
  const ok = await c.call('heartbeat', { sessions: [] });
  assert.equal(ok.ok, true, 'the connection is still usable');
  await c.close();
  await assertHealthy();
});

test('internal: a message over 64 KiB is refused and the connection closed', async () => {
  const c = await svc.internal('janus-big');
  c.sendRaw(JSON.stringify({ id: 9, op: 'join', office: 'kfz', name: 'x'.repeat(70000) }));
  const err = await c.waitFor((m) => m.ok === false && m.error.code === 'too_large');
  assert.ok(err);
  await c.closed;
  await assertHealthy();
});

test('internal: wrong path is refused', async () => {
  await assert.rejects(InternalClient.connect(svc.internalPort, '/other'));
  await assertHealthy();
});

test('live: a frame over 1 KiB closes the connection; small ones are ignored', async () => {
  const live = await svc.live();
  await live.waitFor((m) => m.type === 'snapshot');
  live.ws.send('hello');
  live.ws.send('x'.repeat(5000));
  await live.closed;
  const ws = new WebSocket(`ws://127.0.0.1:${svc.httpPort}/api/v1/not-live`);
  await new Promise((resolve) => { ws.on('error', resolve); ws.on('close', resolve); });
  await assertHealthy();
});
