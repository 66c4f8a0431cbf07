// The consultation's data-channel message format: real-time text, chat messages and file chunks.
//
// Every message is one JSON text: {"t":"rtt","text"} (the sender's current unfinished line, sent at
// every keystroke), {"t":"msg","text"} (a finished line), {"t":"file","id","name","type","size",
// "seq","data"} (base64 chunk; seq counts from 0; the file is complete when the decoded bytes reach
// size). Limits: text ≤ 2000 chars, file ≤ 5 MiB, name ≤ 200 chars, chunk ≤ 12 KiB decoded.

export const LIMITS = { text: 2000, fileBytes: 5 * 1024 * 1024, name: 200, chunk: 12 * 1024 };

export function encodeRtt(text) {
  return JSON.stringify({ t: 'rtt', text: String(text).slice(0, LIMITS.text) });
}

export function encodeMessage(text) {
  return JSON.stringify({ t: 'msg', text: String(text).slice(0, LIMITS.text) });
}

function toBase64(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i += 1) s += String.fromCharCode(bytes[i]);
  return btoa(s);
}

function fromBase64(b64) {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i += 1) out[i] = s.charCodeAt(i);
  return out;
}

// Why: large files must not block the channel; yield between chunks and report progress.
export async function sendFile(file, send, onProgress) {
  if (file.size > LIMITS.fileBytes) throw new Error('too_large');
  const id = Math.random().toString(36).slice(2, 10);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const name = String(file.name || 'file').slice(0, LIMITS.name);
  const type = String(file.type || 'application/octet-stream').slice(0, 100);
  let seq = 0;
  for (let off = 0; off < bytes.length || seq === 0; off += LIMITS.chunk) {
    const chunk = bytes.subarray(off, off + LIMITS.chunk);
    await send(JSON.stringify({ t: 'file', id, name, type, size: bytes.length, seq, data: toBase64(chunk) }));
    seq += 1;
    onProgress(Math.min(100, Math.round(((off + chunk.length) / Math.max(1, bytes.length)) * 100)));
    await new Promise((r) => setTimeout(r, 0));
    if (bytes.length === 0) break;
  }
}

// Why: incoming data is untrusted; validate every field and bound memory before assembling a file.
export class Receiver {
  constructor({ onRtt, onMessage, onFile }) {
    this.cb = { onRtt, onMessage, onFile };
    this.files = new Map();
  }

  handle(raw) {
    if (typeof raw !== 'string' || raw.length > 64 * 1024) return;
    let m;
    try { m = JSON.parse(raw); } catch { return; }
    if (!m || typeof m !== 'object') return;
    const handlers = { rtt: () => this.rtt(m), msg: () => this.msg(m), file: () => this.file(m) };
    if (handlers[m.t]) handlers[m.t]();
  }

  rtt(m) {
    if (typeof m.text === 'string') this.cb.onRtt(m.text.slice(0, LIMITS.text));
  }

  msg(m) {
    if (typeof m.text === 'string' && m.text.trim()) this.cb.onMessage(m.text.slice(0, LIMITS.text));
  }

  file(m) {
    const ok = typeof m.id === 'string' && m.id.length <= 32 && typeof m.name === 'string' &&
      Number.isInteger(m.size) && m.size >= 0 && m.size <= LIMITS.fileBytes &&
      Number.isInteger(m.seq) && m.seq >= 0 && typeof m.data === 'string';
    if (!ok) return;
    let f = this.files.get(m.id);
    if (!f) {
      if (m.seq !== 0 || this.files.size >= 4) return;
      f = { name: m.name.slice(0, LIMITS.name), type: String(m.type || '').slice(0, 100), size: m.size, parts: [], got: 0, next: 0 };
      this.files.set(m.id, f);
    }
    if (m.seq !== f.next) { this.files.delete(m.id); return; }
    let chunk;
    try { chunk = fromBase64(m.data); } catch { this.files.delete(m.id); return; }
    if (chunk.length > LIMITS.chunk || f.got + chunk.length > f.size) { this.files.delete(m.id); return; }
    f.parts.push(chunk);
    f.got += chunk.length;
    f.next += 1;
    if (f.got === f.size) {
      this.files.delete(m.id);
      const safeType = /^(image\/(png|jpeg|gif|webp)|application\/pdf|text\/plain)$/.test(f.type) ? f.type : 'application/octet-stream';
      this.cb.onFile({ name: f.name, size: f.size, blob: new Blob(f.parts, { type: safeType }) });
    }
  }
}
