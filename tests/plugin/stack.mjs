// stack.mjs: the real stack for plugin tests: PostgreSQL + queue service (tests/lib) + Janus with our plugin.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startJanus, setPermitSource } from '../lib/janus.mjs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Waits until fn() returns a truthy value (polling); returns it.
export async function until(fn, { timeoutMs = 15000, everyMs = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await fn();
    if (last) return last;
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
}

export function tmpDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// Starts the queue service through the queue engineer's harness (tests/lib/queue.mjs) with one
// open office and one clerk serving it. Returns { queueUrl, secret, office, clerkToken(), stop(),
// restart() }. External mode (BB_TEST_QUEUE_URL, BB_TEST_QUEUE_SECRET, BB_TEST_CLERK_TOKEN,
// BB_TEST_OFFICE) uses a stack that is already running instead.
export async function startQueue(opts = {}) {
  if (process.env.BB_TEST_QUEUE_URL) {
    return {
      external: true,
      queueUrl: process.env.BB_TEST_QUEUE_URL,
      secret: process.env.BB_TEST_QUEUE_SECRET,
      office: process.env.BB_TEST_OFFICE || 'kfz',
      otherOffice: process.env.BB_TEST_OTHER_OFFICE || 'fs',
      clerkToken: async () => process.env.BB_TEST_CLERK_TOKEN,
      stop: async () => {},
      stopService: null,
      restart: null,
    };
  }
  const { startQueueStack } = await import('./queue-stack.mjs');
  return startQueueStack(opts);
}

// Starts the queue stack and a Janus pointing at it.
export async function startStack(name, opts = {}) {
  const queue = await startQueue(opts);
  if (queue.permit) setPermitSource((office) => queue.permit(office));
  const dir = tmpDir(`bb-${name}-`);
  let janus;
  try {
    janus = await startJanus(path.join(dir, 'janus'), {
      queueUrl: queue.queueUrl,
      secret: queue.secret,
      ...opts.janus,
    });
  } catch (e) {
    await queue.stop();
    throw e;
  }
  const janusOpts = { queueUrl: queue.queueUrl, secret: queue.secret, ...opts.janus };
  const stack = {
    queue, janus, dir,
    // Kills Janus without warning (SIGKILL), as a crash would.
    async killJanus() {
      stack.janus.proc.kill('SIGKILL');
      return stack.janus.stop();
    },
    // A fresh Janus process (same instance name unless overridden) on new ports.
    async startJanus(more = {}) {
      stack.janus = await startJanus(path.join(dir, `janus-${Date.now()}`), { ...janusOpts, ...more });
      return stack.janus;
    },
    async stop() {
      const res = await stack.janus.stop();
      await queue.stop();
      return res;
    },
  };
  return stack;
}
