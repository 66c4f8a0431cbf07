// web-embed.test.mjs: headless Chromium through the production web front (nginx, HTTPS/WSS):
// a citizen joins a waiting room from our start page and from a county's own page on another
// origin that embeds the widget with one script tag, one element and the CSP docs/operations.md
// tells counties to add; the clerk console works under its CSP. Nobody tells widget or console
// where Janus is: they ask GET /api/v1/config (default /janus on the API's origin, wss:// on
// HTTPS). No CSP violation is allowed.
import test from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { startWebFront, HOST, COUNTY_ORIGIN } from './web-front.mjs';
import { launchFrontBrowser, assertClean } from './front-browser.mjs';

const sourceRoot = process.env.BB_SOURCE_ROOT || path.resolve(import.meta.dirname, '../..');
const COUNTY_PORT = Number(new URL(COUNTY_ORIGIN).port);
let front, county, browser, context, openPage;

// The sources a county adds to its own CSP, as docs/operations.md gives them (for the example
// host buergerbuero.example.de): the test uses that text, so the docs cannot drift.
function countyCspFromDocs() {
  const doc = fs.readFileSync(path.join(sourceRoot, 'docs/operations.md'), 'utf8');
  const m = /<!-- county-csp -->\s*```[a-z]*\n([^`]+)```/.exec(doc);
  if (!m) throw new Error('docs/operations.md has no <!-- county-csp --> block');
  return m[1].trim().replace(/^Content-Security-Policy:\s*/, '').replace(/\s*\n\s*/g, ' ')
    .replaceAll('buergerbuero.example.de', HOST);
}

// The county's homepage: its own strict policy plus what the docs say to add; the widget's
// snippet exactly as docs show it.
function countyPage() {
  const policy = `${countyCspFromDocs()}; base-uri 'self'; frame-ancestors 'self'`;
  const html = `<!DOCTYPE html>
<html lang="de"><head><meta charset="utf-8"><title>Landkreis Test – Bürgerservice</title>
</head>
<body><main><h1>Bürgerservice</h1>
<script type="module" src="https://${HOST}/widget/bb-widget.js"></script>
<bb-offices api="https://${HOST}/" lang="de"></bb-offices>
</main></body></html>`;
  return { policy, html };
}

test.before(async () => {
  front = await startWebFront('web-embed');
  const { policy, html } = countyPage();
  county = https.createServer({
    cert: fs.readFileSync(path.join(front.dir, 'tls/fullchain.pem')),
    key: fs.readFileSync(path.join(front.dir, 'tls/privkey.pem')),
  }, (req, res) => {
    if (req.url === '/frames') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Frames</title></head><body>
<iframe title="Bürgerbüro" src="https://${HOST}/" width="800" height="600" allow="camera; microphone"></iframe>
<iframe title="Konsole" src="https://${HOST}/console/" width="800" height="300"></iframe></body></html>`);
      return;
    }
    res.writeHead(req.url === '/' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': policy });
    res.end(req.url === '/' ? html : 'not found');
  });
  await new Promise((resolve) => county.listen(COUNTY_PORT, '127.0.0.1', resolve));
  ({ browser, context, openPage } = await launchFrontBrowser(front));
});

test.after(async () => {
  await browser?.close().catch(() => {});
  await new Promise((resolve) => (county ? county.close(resolve) : resolve()));
  await front?.stop();
});

// The citizen's way into the waiting room of office kfz; resolves the ticket number shown.
async function joinWaitingRoom(page) {
  const card = page.locator('li.office', { hasText: 'Amt kfz' });
  await card.getByText('Geöffnet').waitFor({ timeout: 20000 });
  await page.getByRole('button', { name: 'Warteraum betreten – Amt kfz' }).click();
  await page.getByText('Alles bereit.').waitFor({ timeout: 20000 });
  await page.getByRole('button', { name: 'Jetzt Warteraum betreten' }).click();
  const number = page.locator('.ticket-number');
  await number.waitFor({ timeout: 20000 });
  return (await number.textContent()).trim();
}

test('start page: a citizen joins the waiting room through nginx (Janus found at wss://host/janus without any override)', async () => {
  const page = await openPage();
  await page.goto(`https://${HOST}/`);
  assert.equal(await page.evaluate(() => window.isSecureContext), true);
  const ticket = await joinWaitingRoom(page);
  assert.match(ticket, /^KFZ-\d+$/);
  assert.ok(page.sockets.includes(`wss://${HOST}/janus`), `Janus through the front: ${page.sockets}`);
  assert.ok(page.sockets.includes(`wss://${HOST}/api/v1/live`), `live through the front: ${page.sockets}`);
  assertClean(page, 'start page');
});

test('county page on another origin: one script tag and one element, the county\'s CSP from the docs, join works', async () => {
  const page = await openPage();
  const response = await page.goto(`${COUNTY_ORIGIN}/`);
  assert.match(response.headers()['content-security-policy'], new RegExp(`script-src [^;]*https://${HOST}`));
  const ticket = await joinWaitingRoom(page);
  assert.match(ticket, /^KFZ-\d+$/);
  assert.ok(page.sockets.includes(`wss://${HOST}/janus`), `Janus through the front: ${page.sockets}`);
  assertClean(page, 'county page');
});

test('clerk console under its CSP: login through nginx, both waiting citizens listed', async () => {
  const page = await openPage();
  // No ?janus=: the console asks /api/v1/config and finds Janus at wss://host/janus.
  await page.goto(`https://${HOST}/console/`);
  await page.getByLabel('Benutzername').fill('mueller');
  await page.getByLabel('Passwort').fill('password-mueller');   // tests/lib/queue.mjs addClerk's default
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('button', { name: 'Nächste Person aufrufen' }).waitFor({ timeout: 20000 });
  await page.waitForFunction(() => /^\(2\)/.test(document.title), null, { timeout: 20000 });
  assert.ok(page.sockets.includes(`wss://${HOST}/janus`), `Janus through the front: ${page.sockets}`);
  assertClean(page, 'console');
});

test('framing: the county may frame the start page, nobody may frame the console', async () => {
  const page = await openPage();
  // /frames on the county's server has no CSP of its own, so only our frame-ancestors decide
  await page.goto(`${COUNTY_ORIGIN}/frames`);
  const start = page.frame({ url: `https://${HOST}/` });
  await start.locator('bb-offices li.office', { hasText: 'Amt kfz' }).waitFor({ timeout: 20000 });
  const consoleFrame = page.frames().find((f) => f !== page.mainFrame() && f !== start);
  assert.ok(consoleFrame, 'the console iframe exists');
  assert.equal(await consoleFrame.getByLabel('Benutzername').count(), 0, 'the console is not shown in a frame');
  const framing = page.violations.filter((v) => /frame-ancestors/.test(v));
  assert.ok(framing.length >= 1, `Chromium reports the frame-ancestors refusal: ${page.violations}`);
  assert.equal(framing.length, page.violations.length, `no other violation: ${page.violations}`);
  assert.deepEqual(page.errors, []);
});
