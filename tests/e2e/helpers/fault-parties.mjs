// The setting of the e2e tests that cut a browser's network during a consultation (dead-media,
// network-drop, network-outage): a stack whose plugin reports a side without packets after 2 s,
// a clerk (blue camera, wide window) and a citizen (red camera), and the German notices they
// check. Cleaning up restores the network first, then closes browsers and stack.
import { startStack } from './stack.mjs';
import { launchParty } from './browser.mjs';
import { requireNetcutTools } from './netcut.mjs';
import { watchParties } from './flows.mjs';

export const BLUE = [40, 70, 210];
export const RED = [210, 40, 40];
export const ownNotice = 'Ihre Verbindung ist unterbrochen. Bitte bleiben Sie auf dieser Seite – wir versuchen es weiter.';
export const citizenStalled = /^Die Verbindung zu Ihrem Gegenüber ist unterbrochen: Von KFZ-\d+ kommen kein Bild und kein Ton an\./;

/** Starts stack, clerk and citizen for the test `name`; returns { stack, clerk, citizen }. */
export async function startFaultParties(name) {
  requireNetcutTools();
  const stack = await startStack({ name, pluginSettings: 'media_timeout_s = 2' });
  const clerk = await launchParty(stack.dir, 'clerk', BLUE, { width: 1280 });
  const citizen = await launchParty(stack.dir, 'citizen', RED);
  watchParties(clerk, citizen);
  return { stack, clerk, citizen };
}

/** Undoes a cut still in place (restore), closes the browsers, stops the stack. */
export async function stopFaultParties({ stack, clerk, citizen, restore }) {
  if (restore) restore();
  for (const p of [clerk, citizen]) if (p) await p.browser.close().catch(() => {});
  if (stack) await stack.stop();
}
