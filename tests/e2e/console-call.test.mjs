// The real console calls in a real browser: "call next" on an empty queue says nobody is waiting,
// and the next click, once someone waits, starts a consultation with two-way media at once (the
// console waits for Janus's hangup of the refused offer instead of polling). Then the same right
// after a consultation ended: finish, and call the next person at once.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './helpers/stack.mjs';
import { launchParty } from './helpers/browser.mjs';
import { videoColour } from './helpers/media-stats.mjs';
import { janusTraffic } from './helpers/janus-traffic.mjs';
import {
  step, watchParties, shot, assertAccessible, until, focusedText, widgetUrl, consoleUrl, widgetView, clerkLogin, waitForMedia, near, setHidden
} from './helpers/flows.mjs';
import { translator, CITIZEN_LANGUAGES } from '../../web-client/widget/i18n/index.js';

const BLUE = [40, 70, 210];
const RED = [210, 40, 40];
const GREEN = [40, 170, 60];
let stack, clerk, citizen, second;

before(async () => {
  stack = await startStack({ name: 'console-call' });
  clerk = await launchParty(stack.dir, 'clerk', BLUE, { width: 1280 });
  citizen = await launchParty(stack.dir, 'citizen', RED);
  second = await launchParty(stack.dir, 'second', GREEN);
  watchParties(clerk, citizen, second);
});

after(async () => {
  for (const p of [clerk, citizen, second]) if (p) await p.browser.close().catch(() => {});
  if (stack) await stack.stop();
});

// Up to the device check, so that joining is one click away.
async function readyToJoin(page, name) {
  await page.goto(widgetUrl(stack));
  await page.getByRole('button', { name: `Warteraum betreten – ${stack.office.name}` }).click();
  await page.getByText('Alles bereit.').waitFor({ timeout: 15000 });
  await page.getByLabel('Ihr Name (freiwillig)').fill(name);
}

async function join(page) {
  await page.getByRole('button', { name: 'Jetzt Warteraum betreten' }).click();
  await page.locator('.ticket-number', { hasText: /-/ }).waitFor({ timeout: 20000 });
}

// Both sides decode the other's camera: the citizen sees blue, the clerk the citizen's colour.
async function assertTwoWayMedia(party, colour) {
  await party.page.getByRole('heading', { name: /^Gespräch mit / }).waitFor({ timeout: 20000 });
  await waitForMedia(party.page, party.name);
  await waitForMedia(clerk.page, 'clerk');
  await until(async () => near(await videoColour(party.page, 'video.remote', 'bb-offices'), BLUE),
    { what: `${party.name} seeing the clerk (blue)` });
  await until(async () => near(await videoColour(clerk.page, '#citizen-video'), colour),
    { what: `clerk seeing ${party.name}` });
}

// The clerk's offers (call_next with a JSEP) and Janus's own hangups, in the order they happened.
async function offersAndHangups() {
  return (await janusTraffic(clerk.page)).filter((m) => (m.dir === 'out' && m.janus === 'message' && m.jsep === 'offer') ||
    (m.dir === 'in' && m.janus === 'hangup'));
}

const callNext = () => clerk.page.getByRole('button', { name: 'Nächste Person aufrufen' });

step('call next on an empty queue: the clerk reads that nobody is waiting, focus stays on the button', async () => {
  await clerk.page.goto(consoleUrl(stack));
  await clerk.page.getByLabel('Benutzername').waitFor();
  await assertAccessible(clerk.page, 'console login');
  await clerkLogin(clerk.page, stack, stack.clerk.login, stack.clerk.password);
  await readyToJoin(citizen.page, 'Erika');
  await callNext().click();
  await clerk.page.locator('#console-status', { hasText: 'Niemand wartet gerade.' }).waitFor({ timeout: 15000 });
  assert.equal(await clerk.page.locator('#call-panel').count(), 0, 'no call panel without a citizen');
  // at once again (Janus may still be closing the refused offer's PeerConnection): the same answer
  await clerk.page.locator('#console-status').evaluate((el) => { el.textContent = ''; });
  await callNext().click();
  await clerk.page.locator('#console-status', { hasText: 'Niemand wartet gerade.' }).waitFor({ timeout: 15000 });
  await until(async () => (await focusedText(clerk.page)) === 'Nächste Person aufrufen', { what: 'focus back on "call next"' });
  await shot(clerk.page, '30-console-nobody-waiting');
  await assertAccessible(clerk.page, 'console: nobody waiting');
});

// Janus closes the refused offer's PeerConnection within about a second: the citizen joins and the
// clerk calls as fast as they can, so the second offer is made while that close may still run.
step('a citizen arrives; the next click starts the consultation with two-way media', async () => {
  await join(citizen.page);
  await clerk.page.locator('#queue-panel').getByText('Erika').waitFor({ timeout: 15000 });
  await callNext().click();
  await assertTwoWayMedia(citizen, RED);
  await clerk.page.getByRole('heading', { name: /^Im Gespräch mit KFZ-/ }).waitFor();
  // the second offer went out only after Janus's hangup of the refused one
  const seen = await offersAndHangups();
  assert.deepEqual(seen.map((m) => m.janus), ['message', 'hangup', 'message', 'hangup', 'message'], JSON.stringify(seen));
  await shot(clerk.page, '31-console-in-call-after-empty-queue');
  await assertAccessible(clerk.page, 'console in call after an empty queue');
});

step('right after finishing, the next click calls the next citizen with two-way media', async () => {
  await readyToJoin(second.page, 'Zweite Person');
  await join(second.page);
  await clerk.page.locator('#queue-panel').getByText('Zweite Person').waitFor({ timeout: 15000 });
  await clerk.page.getByRole('button', { name: 'Abschließen' }).click();
  await clerk.page.locator('#console-status', { hasText: 'Abgeschlossen.' }).waitFor({ timeout: 10000 });
  await callNext().click();
  await assertTwoWayMedia(second, GREEN);
  await citizen.page.getByRole('heading', { name: 'Vielen Dank!' }).waitFor({ timeout: 15000 });
  await shot(second.page, '32-second-citizen-in-call');
});

step('a call the citizen has not answered yet is withdrawn: the citizen keeps the place, the next call works', async () => {
  await clerk.page.getByRole('button', { name: 'Abschließen' }).click();
  await clerk.page.locator('#console-status', { hasText: 'Abgeschlossen.' }).waitFor({ timeout: 10000 });
  await readyToJoin(citizen.page, 'Erika');
  await join(citizen.page);
  await clerk.page.locator('#queue-panel').getByText('Erika').waitFor({ timeout: 15000 });
  await setHidden(citizen.page, true);
  await callNext().click();
  await citizen.page.getByText('Sie sind dran! Bitte kehren Sie zu diesem Fenster zurück.').waitFor({ timeout: 15000 });
  await clerk.page.getByRole('button', { name: 'Auflegen' }).click();
  await clerk.page.locator('#console-status', { hasText: /^Aufruf zurückgenommen\. KFZ-\d+ behält den Platz im Warteraum\.$/ })
    .waitFor({ timeout: 10000 });
  await citizen.page.getByText('Der Aufruf wurde zurückgenommen. Sie behalten Ihren Platz: Platz 1.').waitFor({ timeout: 10000 });
  assert.equal(await citizen.page.locator('.alert-box').textContent(), '', 'the "your turn" alert is gone');
  await shot(citizen.page, '33-call-withdrawn');
  await assertAccessible(citizen.page, 'waiting room after a withdrawn call');
  // back in the tab: nothing starts by itself, the withdrawn offer is forgotten
  await setHidden(citizen.page, false);
  assert.equal(await widgetView(citizen.page), 'waiting');
  await callNext().click();
  await assertTwoWayMedia(citizen, RED);
  // the citizen answered the new call only after Janus's hangup of the withdrawn call's PeerConnection
  const order = (await janusTraffic(citizen.page)).filter((m) => (m.dir === 'in' && (m.janus === 'hangup' || m.event === 'called')) ||
    (m.dir === 'out' && m.request === 'accept')).map((m) => m.janus === 'hangup' ? 'janus-hangup' : m.event || m.request);
  assert.deepEqual(order, ['called', 'janus-hangup', 'called', 'accept'], JSON.stringify(order));
});

step('a citizen in Turkish: the clerk sees TR (Türkçe) next to the ticket in the queue and in the call panel', async () => {
  const tr = translator('tr', CITIZEN_LANGUAGES);
  const page = second.page;
  await page.goto(widgetUrl(stack, 'lang=tr'));
  await page.locator('bb-offices').locator('li.office button.primary').first().click();
  await page.getByText(tr('device.ok')).waitFor({ timeout: 15000 });
  await page.locator('bb-offices').getByLabel(tr('device.name'), { exact: true }).fill('Ayşe');
  await page.locator('bb-offices').getByRole('button', { name: tr('device.enter'), exact: true }).click();
  await page.locator('.ticket-number', { hasText: /-/ }).waitFor({ timeout: 20000 });
  const row = clerk.page.locator('#queue-panel tr', { hasText: 'Ayşe' });
  const badge = row.locator('.citizen-lang');
  await badge.waitFor({ timeout: 15000 });
  assert.equal(await badge.getAttribute('title'), 'Türkçe');
  assert.equal(await badge.locator('[aria-hidden="true"]').textContent(), 'TR', 'the abbreviation is seen, not read');
  assert.equal(await badge.locator('.sr-only').textContent(), 'Sprache: Türkçe', 'the full name for screen readers');
  assert.equal(await clerk.page.locator('#queue-panel .citizen-lang').count(), 1, 'German tickets show no language');
  await shot(clerk.page, '34-console-citizen-language');
  await assertAccessible(clerk.page, 'console queue with a Turkish citizen');
  // the call panel says it too
  await clerk.page.getByRole('button', { name: 'Abschließen' }).click();
  await clerk.page.locator('#console-status', { hasText: 'Abgeschlossen.' }).waitFor({ timeout: 10000 });
  await callNext().click();
  await clerk.page.locator('#call-panel .citizen-lang', { hasText: 'TR' }).waitFor({ timeout: 15000 });
  // the Turkish widget takes the call as the German one does (the next step finishes it)
  await waitForMedia(second.page, second.name);
  await waitForMedia(clerk.page, 'clerk');
  assert.equal(stack.sql("SELECT lang FROM ticket WHERE name = 'Ayşe'"), 'tr');
});

step('finishing with nobody left: call next says nobody is waiting again; no page errors', async () => {
  await clerk.page.getByRole('button', { name: 'Abschließen' }).click();
  await clerk.page.locator('#console-status', { hasText: 'Abgeschlossen.' }).waitFor({ timeout: 10000 });
  await callNext().click();
  await clerk.page.locator('#console-status', { hasText: 'Niemand wartet gerade.' }).waitFor({ timeout: 15000 });
  assert.deepEqual([...clerk.errors, ...citizen.errors, ...second.errors], []);
});
