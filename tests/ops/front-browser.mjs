// front-browser.mjs: headless Chromium for the tests through the production web front: the
// front's host name (and the county's) resolve to the namespace's 127.0.0.1, its self-signed
// certificate is accepted (TLS itself is checked in web-front.test.mjs), a fake camera of one
// colour, and pages that record CSP violations, page errors and the WebSockets they open.
import assert from 'node:assert/strict';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../e2e/helpers/browser.mjs';
import { writeClip } from '../e2e/helpers/y4m.mjs';
import { HOST, COUNTY_ORIGIN } from './web-front.mjs';

/** Launches the browser for `front` (startWebFront); returns { browser, context, openPage }. */
export async function launchFrontBrowser(front, { rgb = [40, 70, 210], name = 'camera' } = {}) {
  const clip = writeClip(path.join(front.dir, `${name}.y4m`), rgb);
  const browser = await chromium.launch({
    executablePath: process.env.BB_CHROMIUM || '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, `--use-file-for-fake-video-capture=${clip}`,
      `--host-resolver-rules=MAP ${HOST} 127.0.0.1, MAP ${new URL(COUNTY_ORIGIN).hostname} 127.0.0.1`],
  });
  // German, as in a German county: the demo start page lets the widget follow the browser's languages
  const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport: { width: 1024, height: 900 }, locale: 'de-DE' });
  await context.grantPermissions(['camera', 'microphone']);
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`);
    }, true);
  });
  // A page that records CSP violations (event and console), page errors and its WebSockets.
  async function openPage() {
    const page = await context.newPage();
    Object.assign(page, { sockets: [], violations: [], errors: [] });
    page.on('console', (m) => {
      if (/Content.Security.Policy|CSP violation/i.test(m.text())) page.violations.push(m.text());
    });
    page.on('pageerror', (e) => page.errors.push(e.message));
    page.on('websocket', (ws) => page.sockets.push(ws.url()));
    return page;
  }
  return { browser, context, openPage };
}

/** No CSP violation and no script error happened on the page. */
export function assertClean(page, what) {
  assert.deepEqual(page.violations, [], `${what}: CSP violations`);
  assert.deepEqual(page.errors, [], `${what}: page errors`);
}
