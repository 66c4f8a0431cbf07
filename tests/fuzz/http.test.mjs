// http.test.mjs: fuzzes the public HTTP listener (docs/rest-api.md) of a real running
// buergerbuero-queue over raw TCP: random methods, paths, query strings, headers and bodies, bad
// framing, oversized headers/bodies, path traversal against the static folders, /api/v1/live
// misuse. Seeded (BB_FUZZ_SEED) and bounded; after each batch the service must be healthy.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { startStack } from '../lib/queue.mjs';
import { rawRequest } from './lib/rawhttp.mjs';
import { RawWs } from './lib/rawws.mjs';
import {
  Rng, assertErrorObject, assertServiceHealthy, stopAndCheckLog, mutateObject, mutateText, seedFrom, ticketCount,
} from './lib/fuzzlib.mjs';

const SEED = seedFrom(0x4777);
const BATCHES = 3;
const CASES_PER_BATCH = 200;
const OFFICE = 'kfz';
const CLERK = 'fuzzclerk';
const SECRET_MARK = 'TOP-SECRET-OUTSIDE-STATIC';

let stack;
let staticDir;
let port;
let checkTickets = 0;

before(async () => {
  // A static folder with a file next to it that must never be served.
  staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bb-fuzz-static-'));
  for (const sub of ['demo', 'console', 'widget', 'vendor']) {
    fs.mkdirSync(path.join(staticDir, sub));
    fs.writeFileSync(path.join(staticDir, sub, 'index.html'), `<!doctype html><title>${sub}</title>`);
  }
  fs.writeFileSync(path.join(staticDir, 'secret.txt'), SECRET_MARK);
  fs.writeFileSync(path.join(path.dirname(staticDir), 'bb-fuzz-secret.txt'), SECRET_MARK);
  stack = await startStack({
    offices: [{ id: OFFICE, capacity: 100000 }],
    clerks: [{ login: CLERK, offices: [OFFICE] }],
    env: { BB_STATIC_DIR: staticDir },
  });
  port = stack.svc.httpPort;
  test.diagnostic?.(`seed ${SEED}`);
});

after(async () => {
  await stopAndCheckLog(stack, 'http');
  if (staticDir) fs.rmSync(staticDir, { recursive: true, force: true });
  fs.rmSync(path.join(os.tmpdir(), 'bb-fuzz-secret.txt'), { force: true });
});

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'TRACE', 'CONNECT', 'FOO', 'get', 'G ET', ''];
const PATHS = ['/api/v1/offices', '/api/v1/offices/kfz', '/api/v1/offices/nope', '/api/v1/offices/kfz/slots',
  '/api/v1/clerk/login', '/api/v1/clerk/logout', '/api/v1/clerk/me', '/api/v1/appointments',
  '/api/v1/appointments/K7QM-3XPA', '/api/v1/appointments/K7QM-3XPA.ics', '/api/v1/live', '/healthz', '/metrics',
  '/', '/console/', '/widget/', '/vendor/', '/index.html', '/api', '/api/', '/api/v1', '/api/v2/offices',
  '/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/console/../../secret.txt', '/console/%2e%2e/secret.txt',
  '/console/..%2fsecret.txt', '/..%2f..%2fbb-fuzz-secret.txt', '/%2e%2e/bb-fuzz-secret.txt', '/../secret.txt',
  '/widget/%00', '/api/v1/offices/%00', '/api/v1/offices/%', '/api/v1/offices/%zz', '/api/v1/offices/%ff%fe',
  '//', '///api/v1/offices', '/api//v1/offices', '/api/v1/offices/kfz/', '/api/v1/offices/' + 'x'.repeat(65),
  '/api/v1/offices/' + 'x'.repeat(600), '/' + 'a/'.repeat(300), '/healthz?x', '*', 'http://127.0.0.1/healthz',
  '/api/v1/offices/k%C3%A4', '/api/v1/offices/\u00e4', '/console/index.html%00.js'];
const KNOWN_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD', 'get'];
const QUERIES = ['', '?', '?from=2026-01-01&days=7', '?days=-1', '?days=99999999999999999999', '?from=%', '?a=%00',
  '?' + 'q='.repeat(500), '?from=2026-13-45', '?days=1e9', '?x=\u00ff', '?from&days'];
const HEADER_JUNK = [
  'Authorization: Bearer ' + 'A'.repeat(43), 'Authorization: Bearer ' + 'A'.repeat(300), 'Authorization: Basic Zm9vOmJhcg==',
  'Authorization: Bearer', 'Content-Type: text/plain', 'Content-Type: application/json; charset=latin1',
  'X-Forwarded-For: 1.2.3.4', 'Cookie: ' + 'c=1; '.repeat(100), 'Accept: */*', 'Expect: 100-continue',
  'Connection: upgrade', 'Upgrade: websocket', 'Range: bytes=0-1', 'Range: bytes=99999999-',
  'If-Modified-Since: garbage', 'Host: ', 'Host: evil.example', 'X-Long: ' + 'h'.repeat(3000),
  // names lws 4.1.6 misparses (proper prefixes of names it knows; api/http_guard.h)
  'X-A: 1', 'Co: x', 'Get: 1', 'Content-: 5', 'X-Forwarded-F: 1.2.3.4',
];
const BODIES = [
  '', '{}', '[]', 'null', '{"login":"fuzzclerk","password":"wrong"}', '{"login":1,"password":2}',
  '{"login":"' + 'l'.repeat(65) + '","password":"x"}', '{"login":"a","password":"' + 'p'.repeat(257) + '"}',
  '{"login":"a\\u0000b","password":"x"}', '{"login":"\\ud800","password":"x"}',
  '{"office":"kfz","start":"2026-11-26T07:00:00Z","name":"Erika"}', '{"office":"kfz","start":"garbage","name":1}',
  '{"office":"kfz","start":"2026-11-26T07:00:00Z","name":"' + 'n'.repeat(81) + '"}', '{"login":"a","login":"b","password":"x"}',
  '[' .repeat(5000), 'x'.repeat(16384), 'y'.repeat(16385), '\u0000\u0001\u0002',
];

/** One random request as raw text: {text, method, path, head}. */
function randomRequest(rng) {
  const method = rng.pick(METHODS);
  const p = rng.pick(PATHS) + rng.pick(QUERIES);
  const headers = ['Host: 127.0.0.1'];
  for (let i = rng.int(3); i > 0; i--) headers.push(rng.pick(HEADER_JUNK));
  let body = rng.pick(BODIES);
  if (rng.chance(0.3)) {
    try { body = JSON.stringify(mutateObject(rng, JSON.parse(body || '{}'), { keepId: false })); } catch { /* not an object */ }
  }
  if (rng.chance(0.2)) body = mutateText(rng, body);
  const framing = rng.int(8);
  const bytes = Buffer.byteLength(body);
  if (framing === 0) {                                    // chunked (well-formed)
    headers.push('Transfer-Encoding: chunked');
    body = (bytes ? bytes.toString(16) + '\r\n' + body + '\r\n' : '') + '0\r\n\r\n';
  } else if (framing === 1) {                             // chunked junk
    headers.push('Transfer-Encoding: chunked');
    body = rng.pick(['zz\r\nabc\r\n0\r\n\r\n', 'ffffffffffffffff\r\nx\r\n', '5\r\nabcdefgh\r\n0\r\n\r\n', '-1\r\n\r\n', body]);
  } else if (framing === 2) {                             // bad Content-Length
    headers.push('Content-Length: ' + rng.pick(['-1', 'abc', '99999999999999999999999', '1e3', ' 5', '0x10', '16385',
      String(bytes + 3), String(Math.max(0, bytes - 3)), '5, 5']));
  } else if (framing === 3) {                             // two Content-Lengths
    headers.push(`Content-Length: ${bytes}`, `Content-Length: ${bytes + 1}`);
  } else if (framing === 4) {                             // no framing at all
    body = '';
  } else {
    headers.push(`Content-Length: ${bytes}`);
    if (body && rng.chance(0.5)) headers.push('Content-Type: application/json');
  }
  const broken = rng.chance(0.05);
  const line = broken ? rng.pick(['GET /', 'GET / HTTP/9.9', 'GET / HTTP/1.1 extra', '\u0000\u0001 / HTTP/1.1', ' / HTTP/1.1'])
    : `${method} ${p} HTTP/1.1`;
  return { text: `${line}\r\n${headers.join('\r\n')}\r\n\r\n${body}`, method, path: p, head: method === 'HEAD', lwsLevel: broken };
}

/** Checks a response against the rules: no 5xx, JSON errors on API paths, nothing leaked. */
function checkResponse(r, req, ctx) {
  if (r.truncated && req.halfClose) return;   // lws closes on the client's EOF, maybe mid-response
  assert.ok(!r.truncated, `response body complete: ${ctx}`);
  if (r.closed || r.timeout || r.garbage !== undefined) {
    // Refusing a broken request by closing is allowed; the server must not send junk.
    assert.equal(r.garbage, undefined, `no junk instead of a status line: ${ctx}: ${r.garbage}`);
    return;
  }
  assert.ok(r.status >= 100 && r.status <= 599, `status: ${ctx}`);
  assert.ok(r.status < 500, `no 5xx (got ${r.status}): ${ctx} body ${r.body?.toString().slice(0, 200)}`);
  const text = r.body ? r.body.toString('utf8') : '';
  assert.ok(!text.includes(SECRET_MARK), `file outside static_dir served: ${ctx}`);
  assert.ok(!text.includes('root:x:0:0'), `/etc/passwd served: ${ctx}`);
  const ctype = r.headers['content-type'] || '';
  const apiPath = /^\/(api|healthz|metrics)(\/|\?|$)/.test(req.path);
  // Requests lws itself cannot take (unknown method, broken request line, malformed
  // percent-encoding) never reach our router: lws refuses them with its own HTML 4xx
  // (documented in docs/rest-api.md).
  const lwsLevel = req.lwsLevel || !KNOWN_METHODS.includes(req.method ?? 'GET') || /%(?![0-9a-fA-F]{2})/.test(req.path);
  if (apiPath && !req.head && !lwsLevel && r.status >= 400) {
    assert.match(ctype, /application\/json/, `API errors are JSON (${r.status}): ${ctx}`);
  }
  if (/application\/json/.test(ctype) && !req.head && r.status !== 204) {
    let o;
    assert.doesNotThrow(() => { o = JSON.parse(text); }, `JSON body parses: ${ctx}: ${text.slice(0, 200)}`);
    if (r.status >= 400) {
      assert.ok(o && typeof o === 'object' && o.error, `error shape: ${ctx}: ${text.slice(0, 200)}`);
      assertErrorObject(o.error, ctx);
    }
  }
}

async function batchCheck(label) {
  const ids = await assertServiceHealthy(stack, { office: OFFICE, login: CLERK, password: stack.passwords[CLERK] });
  checkTickets += ids.length;
  assert.equal(ticketCount(stack.pg), checkTickets, `${label}: no tickets appear or vanish`);
}

test('random requests over raw TCP', async () => {
  const rng = new Rng(SEED);
  for (let b = 0; b < BATCHES; b++) {
    for (let i = 0; i < CASES_PER_BATCH; i++) {
      const req = randomRequest(rng);
      req.halfClose = rng.chance(0.3);
      const r = await rawRequest(port, req.text, { head: req.head, halfClose: req.halfClose, timeoutMs: 700 });
      checkResponse(r, req, `seed ${SEED} batch ${b} case ${i}: ${JSON.stringify(req.text.slice(0, 300))}`);
    }
    await batchCheck(`batch ${b}`);
  }
});

test('path traversal against static files', async () => {
  const paths = ['/../../etc/passwd', '/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '/console/../../../etc/passwd',
    '/console/%2e%2e%2f%2e%2e%2fsecret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/..\\secret.txt',
    '/console/..%5c..%5csecret.txt', '/%252e%252e/secret.txt', '/console/....//secret.txt', '/./../secret.txt',
    '/widget/%2e%2e/%2e%2e/bb-fuzz-secret.txt', '/vendor/..;/secret.txt', '/.%2e/secret.txt', '/console/%c0%ae%c0%ae/secret.txt'];
  for (const p of paths) {
    const r = await rawRequest(port, `GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`);
    checkResponse(r, { path: p }, `traversal ${p}`);
  }
  const ok = await rawRequest(port, 'GET /console/ HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.equal(ok.status, 200, 'static files still served');
  await batchCheck('traversal');
});

test('oversized headers and bodies, slow and broken framing', async () => {
  const big = (n) => `GET /api/v1/offices HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(n)}\r\n\r\n`;
  for (const n of [7000, 8192, 9000, 64000, 1 << 20]) {
    const r = await rawRequest(port, big(n), { timeoutMs: 3000 });
    checkResponse(r, { path: '/api/v1/offices' }, `header ${n}`);
    if (n >= 9000) assert.ok(r.closed || r.status >= 400, `header of ${n} bytes refused`);
  }
  for (let n = 0; n < 200; n++) {    // many headers
    if (n % 50) continue;
    const hs = Array.from({ length: 40 * (n + 1) }, (_, i) => `X-H${i}: v`).join('\r\n');
    checkResponse(await rawRequest(port, `GET /healthz HTTP/1.1\r\n${hs}\r\n\r\n`, { timeoutMs: 3000 }), { path: '/healthz' }, `${n} headers`);
  }
  const body = (n) => `POST /api/v1/clerk/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${n}\r\n\r\n${'{'.repeat(n)}`;
  const at = await rawRequest(port, body(16384));
  assert.equal(at.status, 400, 'a 16 KiB body is read and refused as bad JSON');
  const over = await rawRequest(port, body(16385));
  assert.equal(over.status, 413, 'a body over 16 KiB is 413');
  const huge = await rawRequest(port, `POST /api/v1/clerk/login HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n`);
  assert.equal(huge.status, 413);
  // Chunked body over the limit: no Content-Length to refuse early, must still be 413.
  const chunk = 'c'.repeat(4000);
  let chunked = 'POST /api/v1/clerk/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n';
  for (let i = 0; i < 6; i++) chunked += `${chunk.length.toString(16)}\r\n${chunk}\r\n`;
  const ch = await rawRequest(port, chunked + '0\r\n\r\n', { timeoutMs: 3000 });
  checkResponse(ch, { path: '/api/v1/clerk/login' }, 'chunked over limit');
  assert.equal(ch.status, 400, 'chunked body refused');
  const good = '{"login":"fuzzclerk","password":"wrong"}';
  const cg = await rawRequest(port, 'POST /api/v1/clerk/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n'
    + `${good.length.toString(16)}\r\n${good}\r\n0\r\n\r\n`);
  assert.equal(cg.status, 400, 'chunked bodies are refused at once (lws 4.1 cannot read them), not left hanging');
  // Body shorter than Content-Length, then EOF; and a body that never comes (server times out).
  checkResponse(await rawRequest(port, body(100).slice(0, -50), { halfClose: true }), { path: '/api/v1/clerk/login' }, 'short body');
  // Pipelined requests in one packet (regression: the second response's headers used to replace
  // the first body): every response complete and in order.
  const three = 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/offices/nope HTTP/1.1\r\nHost: x\r\n\r\n'
    + 'GET /api/v1/offices HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n';
  const all = await new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.write(three));
    const got = [];
    sock.on('data', (d) => got.push(d));
    sock.on('close', () => resolve(Buffer.concat(got).toString()));
    setTimeout(() => sock.destroy(), 3000);
  });
  const parts = all.split(/(?=HTTP\/1\.1 \d{3})/);
  assert.deepEqual(parts.map((x) => x.slice(9, 12)), ['200', '404', '200'], `pipelined: ${all.slice(0, 500)}`);
  assert.ok(parts[0].endsWith('{"status":"ok"}'), 'first body complete before the second response');
  assert.ok(parts[1].includes('"not_found"'));
  // Unread chunked body and a pipelined request behind it: one clean 400, then the close.
  const ch2 = await rawRequest(port, 'POST /api/v1/clerk/login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n'
    + '2\r\n{}\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\n\r\n');
  assert.equal(ch2.status, 400);
  assert.equal(JSON.parse(ch2.body.toString()).error.code, 'bad_request');
  await batchCheck('sizes');
});

test('header lines lws 4.1.6 cannot parse and ambiguous Content-Length are answered at once', async () => {
  // Proper prefixes of names lws knows: the guard rewrites them; the request is answered as if
  // the header were any unknown one (before: no answer until lws's 10 s header timeout).
  for (const name of ['X-A', 'Co', 'Get', 'Hos', 'Content-', 'X-Forwarded-F', 'Sec-WebSocket', 'Accept-']) {
    const r = await rawRequest(port, `GET /healthz HTTP/1.1\r\nHost: x\r\n${name}: 1\r\n\r\n`, { timeoutMs: 2000 });
    assert.equal(r.status, 200, `${name}: ${JSON.stringify(r)}`);
  }
  // A header after such a name is not swallowed: here Content-Length, so the body is read.
  const body = '{"login":"nobody","password":"x"}';
  const login = await rawRequest(port, `POST /api/v1/clerk/login HTTP/1.1\r\nHost: x\r\nCo: 1\r\n`
    + `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`, { timeoutMs: 3000 });
  assert.equal(login.status, 401, JSON.stringify(login));
  // Pipelined, each with such a header: both answered, in order.
  const two = await new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.write('GET /healthz HTTP/1.1\r\nX-A: 1\r\n\r\n'
      + 'GET /api/v1/offices/nope HTTP/1.1\r\nCo: 2\r\nConnection: close\r\n\r\n'));
    const got = [];
    sock.on('data', (d) => got.push(d));
    sock.on('close', () => resolve(Buffer.concat(got).toString()));
    setTimeout(() => sock.destroy(), 3000);
  });
  assert.deepEqual(two.split(/(?=HTTP\/1\.1 \d{3})/).map((x) => x.slice(9, 12)), ['200', '404'], two.slice(0, 300));
  // A header line without a name or without a colon: 400 and closed at once (lws would wait).
  for (const line of [': x', 'NoColon', 'X-A']) {
    const r = await rawRequest(port, `GET /healthz HTTP/1.1\r\nHost: x\r\n${line}\r\n\r\n`, { timeoutMs: 2000 });
    assert.equal(r.status, 400, `${line}: ${JSON.stringify(r)}`);
    assert.equal(r.headers.connection, 'close');
    assert.equal(JSON.parse(r.body.toString()).error.code, 'bad_request');
  }
  // Such a name split over two writes: answered at once either way (rewritten when it arrives in
  // one read, else 400); the pause only makes two reads likely, nothing waits for it.
  const split = await new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1', () => {
      sock.setNoDelay(true);
      sock.write('GET /healthz HTTP/1.1\r\nHost: x\r\nX-');
      setTimeout(() => sock.write('A: 1\r\nConnection: close\r\n\r\n'), 100);
    });
    const got = [];
    sock.on('data', (d) => got.push(d));
    sock.on('close', () => resolve(Buffer.concat(got).toString()));
    setTimeout(() => sock.destroy(), 3000);
  });
  assert.match(split, /^HTTP\/1\.1 (200|400) /, split.slice(0, 200));
  // Content-Length: one header, decimal digits; anything else is 400 and the connection closes.
  for (const cl of [[`${body.length}`, `${body.length}`], [`${body.length}`, `${body.length + 1}`],
    [`${body.length}, ${body.length}`], ['-1'], [`+${body.length}`], ['abc'], ['']]) {
    const head = cl.map((v) => `Content-Length: ${v}`).join('\r\n');
    const r = await rawRequest(port, `POST /api/v1/clerk/login HTTP/1.1\r\nHost: x\r\n${head}\r\n\r\n${body}`, { timeoutMs: 2000 });
    assert.equal(r.status, 400, `${JSON.stringify(cl)}: ${JSON.stringify(r)}`);
    assert.equal(r.headers.connection, 'close');
    assert.match(JSON.parse(r.body.toString()).error.message, /Content-Length/);
  }
  // Transfer-Encoding with Content-Length (either order): which one ends the body is in doubt, 400.
  for (const head of [`Transfer-Encoding: chunked\r\nContent-Length: ${body.length}`,
    `Content-Length: ${body.length}\r\nTransfer-Encoding: chunked`]) {
    const r = await rawRequest(port, `POST /api/v1/clerk/login HTTP/1.1\r\nHost: x\r\n${head}\r\n\r\n${body}`, { timeoutMs: 2000 });
    assert.equal(r.status, 400, `${head}: ${JSON.stringify(r)}`);
    assert.equal(r.headers.connection, 'close');
  }
  const m = await stack.svc.http('GET', '/metrics');
  assert.ok(Number(m.body.match(/^bb_http_header_guard_total\{action="rewritten"\} (\d+)$/m)[1]) >= 8);
  await batchCheck('header guard');
});

test('/api/v1/live misuse', async () => {
  // Upgrades on other paths and with a wrong subprotocol are refused; the listener survives.
  for (const p of ['/api/v1/offices', '/internal/v1', '/api/v1/live/x', '/']) {
    await assert.rejects(RawWs.open(port, p, null), `upgrade refused on ${p}`);
  }
  await assert.rejects(RawWs.open(port, '/api/v1/live', 'bb-internal'), 'wrong subprotocol refused');
  // Frames: small ones ignored, over 1 KiB closed; binary and fragments too.
  const c = await RawWs.open(port, '/api/v1/live', 'bb-live');
  for (let i = 0; i < 50; i++) c.send('x'.repeat(i * 20));
  c.send(Buffer.alloc(500, 7), { binary: true });
  c.send('a'.repeat(600), { fin: false });
  c.send('b'.repeat(600), { fin: true });
  c.send('z'.repeat(5000));
  const snap = await c.next();
  assert.equal(snap.type, 'snapshot');
  for (let r = await c.next(5000); r !== null; r = await c.next(5000)) { /* drain until closed */ }
  assert.ok(c.isClosed, 'closed after a frame over 1 KiB');
  // Raw upgrade junk.
  for (const key of ['', 'short', '!!!!', 'A'.repeat(200)]) {
    const r = await rawRequest(port, `GET /api/v1/live HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
      + `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: ${key ? 13 : 99}\r\n\r\n`, { timeoutMs: 2000 });
    checkResponse(r, { path: '/api/v1/live' }, `upgrade key ${key.slice(0, 10)}`);
  }
  // Many clients that connect and vanish without a close handshake.
  for (let i = 0; i < 100; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/live`);
    await new Promise((resolve) => { ws.once('open', resolve); ws.once('error', resolve); });
    ws.terminate();
  }
  // A live client that never reads while offices change must not hurt the service.
  const slow = await RawWs.open(port, '/api/v1/live', null);
  slow.ws._socket.pause();
  await batchCheck('live');
  slow.ws.terminate();
  // Closing a citizen's live connection is logged with the client's network, not the address.
  assert.match(stack.svc.log, /live closing connection peer=127\.0\.0\.0 /);
  assert.doesNotMatch(stack.svc.log, /live closing connection peer=127\.0\.0\.1/);
});
