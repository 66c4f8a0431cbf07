// rawhttp.mjs: sends arbitrary bytes as an HTTP request over TCP and parses whatever comes back,
// so the fuzzer can send what fetch() refuses to (bad framing, huge headers, junk methods).
import net from 'node:net';

/**
 * Sends `request` (string or Buffer) to 127.0.0.1:port and resolves with
 * {closed: true} when the server closed without a response, {timeout: true} when nothing came
 * within timeoutMs, or {status, headers (lower-case keys), body (Buffer), truncated (closed before
 * the whole body came), raw}.
 * With head the response has no body. With halfClose the write side is closed after sending (the server then sees EOF).
 */
export function rawRequest(port, request, { timeoutMs = 4000, halfClose = false, head = false } = {}) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    const chunks = [];
    let done = false;
    const finish = (v) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      resolve(v);
    };
    const timer = setTimeout(() => finish(parse(Buffer.concat(chunks), true) ?? { timeout: true }), timeoutMs);
    s.on('connect', () => {
      s.write(request);
      if (halfClose) s.end();
    });
    s.on('data', (d) => {
      chunks.push(d);
      const r = parse(Buffer.concat(chunks), false);
      if (r && r.complete) finish(r);
    });
    s.on('error', () => finish(parse(Buffer.concat(chunks), true) ?? { closed: true }));
    s.on('close', () => finish(parse(Buffer.concat(chunks), true) ?? { closed: true }));
  });

  // Parses one response; null when incomplete (or nothing at all when `final`).
  function parse(buf, final) {
    const end = buf.indexOf('\r\n\r\n');
    if (end < 0) {
      if (!final) return null;
      return buf.length ? { garbage: buf.toString('latin1').slice(0, 300) } : null;
    }
    const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
    const m = lines[0].match(/^HTTP\/1\.[01] (\d{3})/);
    if (!m) return { garbage: lines[0].slice(0, 300) };
    const headers = {};
    for (const line of lines.slice(1)) {
      const i = line.indexOf(':');
      if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
    }
    const status = Number(m[1]);
    let body = buf.subarray(end + 4);
    let complete = final;
    if (head) {
      complete = true;   // HEAD: no body whatever Content-Length says
    } else if (headers['content-length'] !== undefined) {
      const n = Number(headers['content-length']);
      if (body.length >= n) {
        body = body.subarray(0, n);
        complete = true;
      }
    } else if (status === 204 || status === 304 || status === 101) {
      complete = true;
    }
    const truncated = headers['content-length'] !== undefined && !head && body.length < Number(headers['content-length']);
    return { status, headers, body, complete, truncated, raw: lines[0] };
  }
}
