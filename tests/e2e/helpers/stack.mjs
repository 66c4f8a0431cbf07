// The real stack for browser tests, built from the shared harnesses: private PostgreSQL and the
// queue service serving web-client/ (tests/lib/queue.mjs), Janus with our plugin (tests/lib/janus.mjs).
// Runs inside the network namespace of tests/lib/netns-run (BB_NETNS_ADDR is Janus's ICE address).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startStack as startQueueStack, SECRET } from '../../lib/queue.mjs';
import { startJanus } from '../../lib/janus.mjs';
import { freePort } from '../../lib/pg.mjs';

const sourceRoot = process.env.BB_SOURCE_ROOT || path.resolve(import.meta.dirname, '../../..');

// Why: media tests must never use host interfaces; without the namespace they cannot run at all.
export function requireNetns() {
  if (!process.env.BB_NETNS_ADDR) {
    throw new Error('e2e tests run inside tests/lib/netns-run (BB_NETNS_ADDR unset); see tests/e2e/meson.build');
  }
}

/**
 * Office `kfz` ("Amt kfz", open around the clock once a clerk is present), clerk `mueller`.
 * opts.office: extra addOffice options for kfz; opts.offices: more offices (`served: false` = no clerk);
 * opts.env: queue service env; opts.pluginSettings: extra plugin settings ("key = value" lines).
 */
export async function startStack({ name = 'e2e', office = {}, offices = [], env = {}, pluginSettings = '' } = {}) {
  requireNetns();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bb-e2e-${name}-`));
  const kfz = { id: 'kfz', prefix: 'KFZ', grace: 60, noShow: 60, ...office };
  // an office with `served: false` gets no clerk, so it stays closed (appointments only)
  const served = ['kfz', ...offices.filter((o) => o.served !== false).map((o) => o.id)];
  const unserved = offices.filter((o) => o.served === false).map((o) => o.id);
  // As scripts/start does: the queue service names the Janus it runs next to (GET
  // /api/v1/config), so widget and console find it on its non-default port without ?janus=.
  const janusPort = await freePort();
  const queue = await startQueueStack({
    offices: [kfz, ...offices.map(({ served: _unused, ...o }) => o)],
    clerks: [{ login: 'mueller', name: 'Frau Müller', offices: served },
      // assigned to the unserved offices but never online: gives their slots a capacity
      ...(unserved.length ? [{ login: 'schmidt', name: 'Herr Schmidt', offices: unserved }] : [])],
    env: { BB_STATIC_DIR: path.join(sourceRoot, 'web-client'), BB_JANUS_URL: `ws://127.0.0.1:${janusPort}/`, ...env }
  });
  let janus;
  try {
    janus = await startJanus(path.join(dir, 'janus'), {
      queueUrl: `ws://127.0.0.1:${queue.svc.internalPort}/internal/v1`,
      secret: SECRET,
      natInterface: process.env.BB_NETNS_ADDR,
      wsPort: janusPort,
      pluginSettings
    });
  } catch (e) {
    await queue.stop();
    throw e;
  }
  return {
    dir, queue, janus,
    svc: queue.svc,
    httpUrl: queue.svc.base,
    janusUrl: `${janus.wsUrl}/`,
    office: { id: 'kfz', name: 'Amt kfz' },
    clerk: { login: 'mueller', password: queue.passwords.mueller, name: 'Frau Müller' },
    // SQL against the queue service's database (audits); psql's unaligned output
    sql: (q) => queue.pg.psql(q, new URL(queue.url).pathname.slice(1)),
    // `this.janus`: a test may have replaced Janus (restart); stop whichever runs now
    async stop() {
      await this.janus.stop().catch(() => {});
      await queue.stop().catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}
