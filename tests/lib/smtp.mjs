// smtp.mjs: a real local SMTP server for the tests that send mail (aiosmtpd from Debian's
// python3-aiosmtpd, storing every mail in a Maildir), and the mails read back parsed by
// tests/integration/appointments_ical.py (headers decoded, calendar parts parsed).
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './pg.mjs';

/** Debian's interpreter: python3-aiosmtpd and python3-icalendar are installed for it. */
export const PYTHON = '/usr/bin/python3';
const TOOL = path.join(import.meta.dirname, '..', 'integration', 'appointments_ical.py');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** An .ics text parsed into {events: [...]} by the same tool. */
export function parseIcs(text) {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bb-ics-')), 'a.ics');
  fs.writeFileSync(f, text);
  return JSON.parse(execFileSync(PYTHON, [TOOL, 'ics', f], { encoding: 'utf8' }));
}

export class MailSink {
  /** Starts aiosmtpd on a free 127.0.0.1 port, its Maildir in `dir` (default: a new temp
   * folder), and returns once it accepts connections. */
  static async start(dir) {
    const sink = new MailSink();
    sink.port = await freePort();
    sink.maildir = dir ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bb-mail-')), 'Maildir');
    sink.proc = spawn(PYTHON, ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${sink.port}`,
      '-c', 'aiosmtpd.handlers.Mailbox', sink.maildir], { stdio: 'ignore' });
    const until = Date.now() + 15000;
    while (!(await sink.#accepts())) {
      if (sink.proc.exitCode !== null || Date.now() > until) throw new Error('aiosmtpd did not start');
      await sleep(50);
    }
    return sink;
  }

  #accepts() {
    return new Promise((resolve) => {
      const s = net.connect(this.port, '127.0.0.1');
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
  }

  /** The service's smtp_url. */
  get url() { return `smtp://127.0.0.1:${this.port}`; }

  /** Every mail so far, parsed (Maildir order is arbitrary). */
  all() {
    if (!fs.existsSync(this.maildir)) return [];
    return JSON.parse(execFileSync(PYTHON, [TOOL, 'maildir', this.maildir], { encoding: 'utf8' }));
  }

  /** Waits until at least n mails satisfy pred and returns those. */
  async wait(pred, n = 1, what = 'mail', timeoutMs = 15000) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const all = this.all();
      const m = all.filter(pred);
      if (m.length >= n) return m;
      if (Date.now() > until) {
        throw new Error(`expected ${n} ${what}, have ${m.length} of ${JSON.stringify(all.map((x) => x.rcpt ?? x.to))}`);
      }
      await sleep(200);
    }
  }

  stop() { this.proc?.kill('SIGTERM'); }
}
