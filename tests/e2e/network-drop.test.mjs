// A browser's network drops during a consultation with real media (tests/e2e/helpers/netcut.mjs
// cuts exactly that browser's packets to and from Janus inside the test's network namespace).
// Every cut lasts until what it is about has happened (a notice shown, a restart sent), never a
// fixed time.
// - The citizen loses media and signalling: both see a notice, the widget asks for an ICE restart;
//   back online the restart goes through the plugin, media flows both ways, the notices go.
// - The same for the clerk: the console restarts ICE with a renegotiation the citizen answers.
// - The citizen's media stays cut (signalling works): the widget's restarts find no path, it
//   gives up, both get a clear end; the clerk sends the citizen back to the waiting room and calls
//   again (nothing half-built is left), finishes, and no ticket is left `in_consultation`.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFaultParties, stopFaultParties, BLUE, RED, ownNotice, citizenStalled } from './helpers/fault-parties.mjs';
import { inboundStats, videoColour } from './helpers/media-stats.mjs';
import { janusTraffic } from './helpers/janus-traffic.mjs';
import { cut, janusMediaPort, signallingPorts } from './helpers/netcut.mjs';
import {
  step, shot, assertAccessible, until, widgetUrl, clerkLogin, waitForMedia, near, widgetView
} from './helpers/flows.mjs';

// generous: a notice comes ~2–5 s after a cut, the widget gives up ~30 s after it (ice-recovery.js)
const SHOWN_MS = 20000;
const GIVE_UP_MS = 90000;
let stack, clerk, citizen, restore = null;

before(async () => {
  ({ stack, clerk, citizen } = await startFaultParties('network-drop'));
});

after(async () => {
  await stopFaultParties({ stack, clerk, citizen, restore });
});

const peerNotice = 'Die Verbindung zu Ihrem Gegenüber ist unterbrochen. Bitte bleiben Sie im Gespräch – Bild und Ton kommen zurück, sobald die Verbindung wieder steht.';
const clerkOwn = 'Ihre Verbindung ist unterbrochen: Ihr Bild und Ihr Ton kommen nicht an. Wir versuchen es weiter.';
const widgetNotice = (page) => page.locator('bb-offices .media-notice');
const consoleNotice = (page) => page.locator('#media-notice');

async function frames(page) {
  const s = await inboundStats(page);
  return s && s.video ? s.video.framesDecoded : 0;
}

// Both decode the other's camera, and keep decoding new frames.
async function assertTwoWayMedia(citizenFramesBefore = 0, clerkFramesBefore = 0) {
  await waitForMedia(citizen.page, 'citizen');
  await waitForMedia(clerk.page, 'clerk');
  await until(async () => (await frames(citizen.page)) > citizenFramesBefore + 30, { timeout: 30000, what: 'citizen decoding new frames' });
  await until(async () => (await frames(clerk.page)) > clerkFramesBefore + 30, { timeout: 30000, what: 'clerk decoding new frames' });
  await until(async () => near(await videoColour(citizen.page, 'video.remote', 'bb-offices'), BLUE), { what: 'citizen seeing the clerk (blue)' });
  await until(async () => near(await videoColour(clerk.page, '#citizen-video'), RED), { what: 'clerk seeing the citizen (red)' });
}

async function framesNow() {
  return { citizen: await frames(citizen.page), clerk: await frames(clerk.page) };
}

// Cuts one party's media and signalling to Janus.
async function cutOff(party) {
  const mediaPort = await janusMediaPort(party.page);
  const wsPorts = signallingPorts(party, stack.janus.wsPort);
  assert.ok(mediaPort, `the ${party.name} has a selected candidate pair`);
  assert.equal(wsPorts.length, 1, `one WebSocket of the ${party.name} to Janus: ${wsPorts}`);
  restore = cut({ udpPorts: [mediaPort], tcpPorts: wsPorts });
}

function reconnect() {
  restore();
  restore = null;
}

// What the page sent or received since `from` (an index into its recorded Janus traffic).
async function trafficSince(page, from) {
  return (await janusTraffic(page)).slice(from);
}

async function notesGone() {
  await until(async () => (await consoleNotice(clerk.page).textContent()) === '', { what: 'console notice gone' });
  await until(async () => (await widgetNotice(citizen.page).textContent()) === '', { what: 'widget notice gone' });
  assert.equal(await clerk.page.locator('#media-actions').isHidden(), true, 'no reconnect buttons once the media flows');
  await clerk.page.getByText('Die Verbindung ist wieder da.').waitFor({ timeout: SHOWN_MS });
  await citizen.page.getByText('Die Verbindung ist wieder da.').waitFor({ timeout: SHOWN_MS });
}

async function joinAndCall() {
  await citizen.page.goto(widgetUrl(stack));
  await citizen.page.getByRole('button', { name: `Warteraum betreten – ${stack.office.name}` }).click();
  await citizen.page.getByText('Alles bereit.').waitFor({ timeout: 15000 });
  await citizen.page.getByLabel('Ihr Name (freiwillig)').fill('Erika');
  await citizen.page.getByRole('button', { name: 'Jetzt Warteraum betreten' }).click();
  await citizen.page.locator('.ticket-number', { hasText: /-/ }).waitFor({ timeout: 20000 });
  await clerk.page.locator('#queue-panel').getByText('Erika').waitFor({ timeout: 15000 });
  await clerk.page.getByRole('button', { name: 'Nächste Person aufrufen' }).click();
  await citizen.page.getByRole('heading', { name: /^Gespräch mit / }).waitFor({ timeout: 20000 });
  await assertTwoWayMedia();
}

step('a consultation with two-way media', async () => {
  await clerkLogin(clerk.page, stack, stack.clerk.login, stack.clerk.password);
  await joinAndCall();
});

step('the citizen is cut off from Janus until the widget asks for an ICE restart: both see a notice; back online the restart completes, media flows both ways, the notices go', async () => {
  const before = await framesNow();
  const from = (await janusTraffic(citizen.page)).length;
  await cutOff(citizen);
  // the clerk hears it from the plugin (no packets for 2 s), the citizen from its own ICE state
  await consoleNotice(clerk.page).filter({ hasText: citizenStalled }).waitFor({ timeout: SHOWN_MS });
  await clerk.page.getByRole('button', { name: 'Neu verbinden' }).waitFor({ timeout: SHOWN_MS });
  await clerk.page.getByRole('button', { name: 'Gespräch beenden' }).waitFor({ timeout: SHOWN_MS });
  await widgetNotice(citizen.page).filter({ hasText: ownNotice }).waitFor({ timeout: SHOWN_MS });
  await shot(citizen.page, '50-citizen-own-connection-interrupted');
  await shot(clerk.page, '51-console-citizen-stalled');
  // the request waits in the browser's TCP connection while the network is down
  await until(async () => (await trafficSince(citizen.page, from)).some((m) => m.dir === 'out' && m.request === 'restart'),
    { timeout: SHOWN_MS, what: 'the widget asking for an ICE restart' });
  reconnect();

  // the restart went through the plugin: its ICE-restart offer, our answer (`accept`), `restarted`
  await until(async () => {
    const log = await trafficSince(citizen.page, from);
    const offer = log.findIndex((m) => m.dir === 'in' && m.request === 'restart' && m.event === 'renegotiate' && m.jsep === 'offer');
    return offer >= 0 && log.slice(offer).some((m) => m.dir === 'in' && m.event === 'restarted');
  }, { timeout: 60000, what: 'the ICE restart answered through the plugin' });
  await assertTwoWayMedia(before.citizen, before.clerk);
  await notesGone();
  await shot(clerk.page, '52-console-media-back');
  await assertAccessible(clerk.page, 'console: media back');
  await assertAccessible(citizen.page, 'widget: media back');
  // the plugin said so to the clerk: the citizen's media stalled, then flowed again
  const media = (await janusTraffic(clerk.page)).filter((m) => m.event === 'media').length;
  assert.ok(media >= 2, `media events at the clerk: ${media}`);
  assert.equal(await widgetView(citizen.page), 'call');
  assert.deepEqual([...clerk.errors, ...citizen.errors], []);
});

step('the clerk is cut off until the console restarts ICE: the console renegotiates through the plugin, the widget answers, media flows again', async () => {
  const before = await framesNow();
  const from = { clerk: (await janusTraffic(clerk.page)).length, citizen: (await janusTraffic(citizen.page)).length };
  await cutOff(clerk);
  await consoleNotice(clerk.page).filter({ hasText: clerkOwn }).waitFor({ timeout: SHOWN_MS });
  await widgetNotice(citizen.page).filter({ hasText: peerNotice }).waitFor({ timeout: SHOWN_MS });
  await shot(clerk.page, '61-console-own-connection-interrupted');
  await shot(citizen.page, '62-citizen-clerk-interrupted');
  await assertAccessible(citizen.page, 'widget: the clerk\'s media stalled');
  await until(async () => (await trafficSince(clerk.page, from.clerk)).some((m) => m.dir === 'out' && m.request === 'renegotiate' && m.jsep === 'offer'),
    { timeout: SHOWN_MS, what: 'the console sending an ICE-restart offer' });
  reconnect();

  await until(async () => (await trafficSince(clerk.page, from.clerk)).some((m) => m.dir === 'in' && m.event === 'renegotiated' && m.jsep === 'answer'),
    { timeout: 60000, what: 'the citizen\'s answer to the clerk\'s ICE restart' });
  const citizenSide = await trafficSince(citizen.page, from.citizen);
  assert.ok(citizenSide.some((m) => m.dir === 'in' && m.event === 'renegotiate' && m.jsep === 'offer'), 'the widget got the offer');
  assert.ok(citizenSide.some((m) => m.dir === 'out' && m.request === 'accept' && m.jsep === 'answer'), 'the widget answered it');
  await assertTwoWayMedia(before.citizen, before.clerk);
  await notesGone();
  await assertAccessible(clerk.page, 'console: own media back');
  assert.equal(await widgetView(citizen.page), 'call');
  assert.deepEqual([...clerk.errors, ...citizen.errors], []);
});

step('the citizen\'s media stays cut: the widget gives up after its restarts, both get a clear end; back to the waiting room and called again', async () => {
  const mediaPort = await janusMediaPort(citizen.page);
  const from = (await janusTraffic(citizen.page)).length;
  restore = cut({ udpPorts: [mediaPort] });
  await widgetNotice(citizen.page).filter({ hasText: ownNotice }).waitFor({ timeout: SHOWN_MS });
  await assertAccessible(citizen.page, 'widget: own connection interrupted');
  await assertAccessible(clerk.page, 'console: citizen stalled');
  // the citizen's restarts go through signalling but find no path: the widget ends its media
  await citizen.page.getByText('Die Verbindung ist abgebrochen.').waitFor({ timeout: GIVE_UP_MS });
  await citizen.page.getByText('Bitte lassen Sie diese Seite noch geöffnet', { exact: false }).waitFor();
  await clerk.page.locator('#console-status', { hasText: 'Die Verbindung ist abgebrochen. Bitte schließen Sie ab' }).waitFor({ timeout: SHOWN_MS });
  const restarts = (await trafficSince(citizen.page, from)).filter((m) => m.dir === 'out' && m.request === 'restart').length;
  assert.ok(restarts >= 1, `the widget restarted ICE (${restarts})`);
  await shot(citizen.page, '53-citizen-connection-lost');
  await shot(clerk.page, '54-console-connection-lost');
  await assertAccessible(citizen.page, 'widget: connection lost');
  await assertAccessible(clerk.page, 'console: connection lost');
  assert.equal(await clerk.page.locator('#media-actions').isHidden(), true, 'no reconnect buttons after the end');
  assert.equal(stack.sql("SELECT state FROM ticket WHERE number LIKE 'KFZ-%' ORDER BY id DESC LIMIT 1"), 'in_consultation',
    'the clerk still holds the ticket for the wrap-up');
  // all this happened while the network was down; now it is back
  reconnect();

  // the clerk sends the citizen back: the place is kept, the next call works with media both ways
  await clerk.page.getByRole('button', { name: 'Zurück in den Warteraum' }).click();
  await citizen.page.locator('.ticket-number', { hasText: /-/ }).waitFor({ timeout: 15000 });
  assert.equal(await widgetView(citizen.page), 'waiting');
  assert.equal(stack.sql("SELECT count(*) FROM ticket WHERE state = 'in_consultation'"), '0');
  await clerk.page.getByRole('button', { name: 'Nächste Person aufrufen' }).click();
  await citizen.page.getByRole('heading', { name: /^Gespräch mit / }).waitFor({ timeout: 20000 });
  await assertTwoWayMedia(0, 0);
  await clerk.page.getByRole('button', { name: 'Abschließen' }).click();
  await citizen.page.getByRole('heading', { name: 'Vielen Dank!' }).waitFor({ timeout: 15000 });
  assert.equal(stack.sql("SELECT count(*) FROM ticket WHERE state = 'in_consultation'"), '0');
  assert.deepEqual([...clerk.errors, ...citizen.errors], []);
});
