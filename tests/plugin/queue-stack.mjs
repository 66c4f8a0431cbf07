// queue-stack.mjs: the real queue service + PostgreSQL for plugin tests, through tests/lib/queue.mjs.
import { startStack, clerkOnline, waitOffice, SECRET } from '../lib/queue.mjs';

// Offices kfz (short no-show timeout for the no-show test) and fs; clerk mueller serves both.
export async function startQueueStack(opts = {}) {
  const stack = await startStack({
    offices: [{ id: 'kfz', prefix: 'KFZ', noShow: opts.noShow || 5, grace: opts.grace || 60, capacity: opts.capacity || 50 },
      { id: 'fs', prefix: 'FS' }],
    clerks: [{ login: 'mueller', name: 'Frau Müller', offices: ['kfz', 'fs'] }],
    env: opts.env || {},
  });
  const svc = stack.svc;
  // an office is only open while a clerk is present: bring mueller online before anyone joins
  const setup = await svc.internal('plugin-test-setup');
  await clerkOnline(svc, setup, 'mueller', stack.passwords.mueller);
  await setup.close();
  for (const id of ['kfz', 'fs']) await waitOffice(svc, id, (o) => o.status === 'open');
  return {
    external: false,
    queueUrl: `ws://127.0.0.1:${svc.internalPort}/internal/v1`,
    secret: SECRET,
    office: 'kfz',
    otherOffice: 'fs',
    svc,
    // SQL against the service's database (audits); returns psql's unaligned output
    sql: (q) => stack.pg.psql(q, new URL(stack.url).pathname.slice(1)),
    // a join permit, as the widget fetches one before each new ticket
    permit: (office, headers) => svc.permit(office, headers),
    // a fresh clerk session (POST /api/v1/clerk/login), as the console would get it
    clerkToken: () => svc.login('mueller', stack.passwords.mueller),
    // the queue service alone (PostgreSQL stays): for restart tests
    stopService: () => svc.stop(),
    restart: () => svc.start(),
    stop: () => stack.stop(),
  };
}
