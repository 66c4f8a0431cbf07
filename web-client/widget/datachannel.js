// The consultation's data-channel message format: real-time text, chat messages and file chunks.
//
// Every message is one JSON text: {"t":"rtt","text"} (the sender's current unfinished line, sent at
// every keystroke), {"t":"msg","text"} (a finished line), {"t":"file","id","name","type","size",
// "seq","data"} (base64 chunk; seq counts from 0; the file is complete when the decoded bytes reach
// size). Limits from the protocol catalogue (protocol.js): text ≤ LIMITS.chat_text characters, file
// ≤ SIZES.chat_file bytes, name ≤ LIMITS.file_name characters, chunk ≤ SIZES.chat_chunk decoded.
import { LIMITS, SIZES, checkText } from './protocol.js';

const MESSAGE_MAX = 64 * 1024;  // one data-channel message (a base64 chunk plus its fields fits)
const TYPE_MAX = 100;           // a file's MIME type
const FILES_IN_FLIGHT = 4;

// The first n characters (code points, as the limits count), never half an emoji.
export function firstChars(text, n) {
  const s = String(text);
  if (s.length <= n) return s;
  return Array.from(s).slice(0, n).join('');
}

// Real-time text shows the unfinished line as typed; over the limit only its beginning goes out.
export function encodeRtt(text) {
  return JSON.stringify({ t: 'rtt', text: firstChars(text, LIMITS.chat_text) });
}

export function encodeMessage(text) {
  return JSON.stringify({ t: 'msg', text: firstChars(text, LIMITS.chat_text) });
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
  if (file.size > SIZES.chat_file) throw new Error('too_large');
  const id = Math.random().toString(36).slice(2, 10);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const name = firstChars(file.name || 'file', LIMITS.file_name);
  const type = String(file.type || 'application/octet-stream').slice(0, TYPE_MAX);
  let seq = 0;
  for (let off = 0; off < bytes.length || seq === 0; off += SIZES.chat_chunk) {
    const chunk = bytes.subarray(off, off + SIZES.chat_chunk);
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
    if (typeof raw !== 'string' || raw.length > MESSAGE_MAX) return;
    let m;
    try { m = JSON.parse(raw); } catch { return; }
    if (!m || typeof m !== 'object') return;
    const handlers = { rtt: () => this.rtt(m), msg: () => this.msg(m), file: () => this.file(m) };
    if (handlers[m.t]) handlers[m.t]();
  }

  // a text the servers would refuse (too long, control characters) is dropped, not cut
  rtt(m) {
    if (typeof m.text === 'string' && !checkText(m.text, 'chat_text')) this.cb.onRtt(m.text);
  }

  msg(m) {
    if (typeof m.text === 'string' && m.text.trim() && !checkText(m.text, 'chat_text')) this.cb.onMessage(m.text);
  }

  file(m) {
    const ok = typeof m.id === 'string' && m.id.length <= 32 && typeof m.name === 'string' &&
      Number.isInteger(m.size) && m.size >= 0 && m.size <= SIZES.chat_file &&
      Number.isInteger(m.seq) && m.seq >= 0 && typeof m.data === 'string';
    if (!ok) return;
    let f = this.files.get(m.id);
    if (!f) {
      if (m.seq !== 0 || this.files.size >= FILES_IN_FLIGHT) return;
      f = { name: firstChars(m.name, LIMITS.file_name), type: String(m.type || '').slice(0, TYPE_MAX), size: m.size, parts: [], got: 0, next: 0 };
      this.files.set(m.id, f);
    }
    if (m.seq !== f.next) { this.files.delete(m.id); return; }
    let chunk;
    try { chunk = fromBase64(m.data); } catch { this.files.delete(m.id); return; }
    if (chunk.length > SIZES.chat_chunk || f.got + chunk.length > f.size) { this.files.delete(m.id); return; }
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
