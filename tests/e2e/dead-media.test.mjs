// Dead media while the PeerConnections stay up: the citizen's RTP and RTCP stop reaching Janus
// (dropped in the test's network namespace; STUN and DTLS pass, so ICE stays connected on both
// sides), the plugin reports the citizen's media `stalled`, the clerk sees the notice and uses
// "Neu verbinden" with the keyboard (an ICE-restart renegotiation; the widget follows with its own
// restart), `flowing` clears the notices once the packets pass again. Then once more, and the
// clerk uses "Gespräch beenden" and finishes.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFaultParties, stopFaultParties, ownNotice, citizenStalled } from './helpers/fault-parties.mjs';
import { inboundStats } from './helpers/media-stats.mjs';
import { janusTraffic } from './helpers/janus-traffic.mjs';
import { cut, janusMediaPort } from './helpers/netcut.mjs';
import {
  step, shot, assertAccessible, until, focused, tabTo, widgetUrl, clerkLogin, waitForMedia
} from './helpers/flows.mjs';

let stack, clerk, citizen, restore = null;

before(async () => {
  ({ stack, clerk, citizen } = await startFaultParties('dead-media'));
});

after(async () => {
  await stopFaultParties({ stack, clerk, citizen, restore });
});

const widgetNotice = () => citizen.page.locator('bb-offices .media-notice');
const consoleNotice = () => clerk.page.locator('#media-notice');

async function frames(page) {
  const s = await inboundStats(page);
  return s && s.video ? s.video.framesDecoded : 0;
}

async function mediaFlowsBothWays() {
  const before = { citizen: await frames(citizen.page), clerk: await frames(clerk.page) };
  await until(async () => (await frames(citizen.page)) > before.citizen + 30, { timeout: 30000, what: 'citizen decoding new frames' });
  await until(async () => (await frames(clerk.page)) > before.clerk + 30, { timeout: 30000, what: 'clerk decoding new frames' });
}

// The citizen's RTP/RTCP to Janus is dropped; ICE (STUN) and DTLS still pass.
async function stopCitizenMedia() {
  const port = await janusMediaPort(citizen.page);
  assert.ok(port, 'the citizen has a selected candidate pair');
  restore = cut({ rtpTo: [port] });
  await consoleNotice().filter({ hasText: citizenStalled }).waitFor({ timeout: 20000 });
  await widgetNotice().filter({ hasText: ownNotice }).waitFor({ timeout: 20000 });
  const ice = await citizen.page.evaluate(() => (window.__bbPcs || []).filter((p) => p.connectionState !== 'closed').map((p) => p.iceConnectionState));
  assert.deepEqual(ice, ['connected'], 'the citizen\'s PeerConnection stays up');
}

function resumeCitizenMedia() {
  restore();
  restore = null;
}

step('a consultation with two-way media', async () => {
  await clerkLogin(clerk.page, stack, stack.clerk.login, stack.clerk.password);
  await citizen.page.goto(widgetUrl(stack));
  await citizen.page.getByRole('button', { name: `Warteraum betreten – ${stack.office.name}` }).click();
  await citizen.page.getByText('Alles bereit.').waitFor({ timeout: 15000 });
  await citizen.page.getByRole('button', { name: 'Jetzt Warteraum betreten' }).click();
  await citizen.page.locator('.ticket-number', { hasText: /-/ }).waitFor({ timeout: 20000 });
  await clerk.page.getByRole('button', { name: 'Nächste Person aufrufen' }).click();
  await waitForMedia(citizen.page, 'citizen');
  await waitForMedia(clerk.page, 'clerk');
});

step('the citizen\'s media stops arriving: both see a notice, the clerk reconnects by keyboard, the notices go when it flows', async () => {
  assert.equal(await clerk.page.locator('#media-actions').isHidden(), true, 'no reconnect buttons while the media flows');
  await stopCitizenMedia();
  await shot(clerk.page, '55-console-dead-media');
  await shot(citizen.page, '56-citizen-dead-media');
  await assertAccessible(clerk.page, 'console: citizen media stalled');
  await assertAccessible(citizen.page, 'widget: own media stalled');

  const sentBefore = (await janusTraffic(clerk.page)).length;
  await tabTo(clerk.page, (f) => f.text === 'Neu verbinden', '"Neu verbinden"');
  await clerk.page.keyboard.press('Enter');
  await clerk.page.locator('#media-reconnect-state', { hasText: 'Neu verbunden. Sobald Bild und Ton wieder ankommen, verschwindet dieser Hinweis.' })
    .waitFor({ timeout: 15000 });
  // an ICE-restart renegotiation: the clerk's offer went out, the citizen's answer came back
  const clerkSide = (await janusTraffic(clerk.page)).slice(sentBefore);
  assert.ok(clerkSide.some((m) => m.dir === 'out' && m.request === 'renegotiate' && m.jsep === 'offer'), 'renegotiate with an offer');
  assert.ok(clerkSide.some((m) => m.dir === 'in' && m.event === 'renegotiated' && m.jsep === 'answer'), 'renegotiated with an answer');
  await shot(clerk.page, '57-console-reconnect-sent');
  await assertAccessible(clerk.page, 'console: reconnect sent');
  assert.match(await consoleNotice().textContent(), citizenStalled, 'still stalled while the packets are dropped');

  resumeCitizenMedia();
  await until(async () => (await consoleNotice().textContent()) === '', { what: 'console notice gone' });
  await until(async () => (await widgetNotice().textContent()) === '', { what: 'widget notice gone' });
  assert.equal(await clerk.page.locator('#media-actions').isHidden(), true, 'the buttons are gone');
  // the focused button went away: the keyboard user is on the call's heading, not on <body>
  assert.equal((await focused(clerk.page)).id, 'call-h');
  await mediaFlowsBothWays();
  assert.deepEqual([...clerk.errors, ...citizen.errors], []);
});

step('stalled again: "Gespräch beenden" ends the media, the clerk finishes, nothing is left in consultation', async () => {
  await stopCitizenMedia();
  await tabTo(clerk.page, (f) => f.text === 'Gespräch beenden', '"Gespräch beenden"');
  await clerk.page.keyboard.press('Enter');
  await clerk.page.locator('#console-status', { hasText: 'Sie haben aufgelegt. Bitte schließen Sie ab' }).waitFor({ timeout: 20000 });
  assert.equal((await focused(clerk.page)).id, 'finish', 'focus on "Abschließen"');
  assert.equal(await clerk.page.locator('#media-actions').isHidden(), true);
  await citizen.page.getByRole('heading', { name: 'Vielen Dank!' }).waitFor({ timeout: 20000 });
  resumeCitizenMedia();
  await shot(clerk.page, '58-console-ended-after-dead-media');
  await assertAccessible(clerk.page, 'console: wrap-up after dead media');
  await clerk.page.keyboard.press('Enter');
  await clerk.page.locator('#console-status', { hasText: 'Abgeschlossen.' }).waitFor({ timeout: 20000 });
  assert.equal(stack.sql("SELECT count(*) FROM ticket WHERE state = 'in_consultation'"), '0');
  assert.equal(stack.sql("SELECT state FROM ticket ORDER BY id DESC LIMIT 1"), 'done');
  assert.deepEqual([...clerk.errors, ...citizen.errors], []);
});
