// Launches headless Chromium (playwright-core, /usr/bin/chromium) with fake media devices, one
// browser per party so each can have its own fake camera picture.
import { chromium } from 'playwright-core';
import { join } from 'node:path';
import { writeClip } from './y4m.mjs';
import { recordPeerConnections } from './media-stats.mjs';
import { recordJanusTraffic } from './janus-traffic.mjs';

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream', '--autoplay-policy=no-user-gesture-required'
];

// Why: each party gets a solid-colour camera so the test can check it sees the *other* side.
// locale: the browser's language (navigator.languages); German as in a German county, since the
// demo page lets the widget follow the browser's languages.
export async function launchParty(dir, name, rgb, { width = 1024, height = 900, locale = 'de-DE' } = {}) {
  const clip = writeClip(join(dir, `${name}.y4m`), rgb);
  const browser = await chromium.launch({
    executablePath: process.env.BB_CHROMIUM || '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, `--use-file-for-fake-video-capture=${clip}`]
  });
  const context = await browser.newContext({ viewport: { width, height }, locale });
  await context.grantPermissions(['camera', 'microphone', 'notifications']);
  await recordPeerConnections(context);
  await recordJanusTraffic(context);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (process.env.BB_E2E_VERBOSE) console.error(`[${name}] ${m.type()}: ${m.text()}`); });
  return { browser, context, page, errors, name, clip };
}
