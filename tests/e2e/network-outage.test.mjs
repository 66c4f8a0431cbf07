// A citizen's network is gone during a consultation: media and signalling (the test cuts that
// browser's packets to and from Janus in its network namespace, tests/e2e/helpers/netcut.mjs).
// No restart can reach Janus, so the widget's own budget decides: it ends its side of the call and
// says so while still offline. Each outage lasts until what it is about has happened, never a
// fixed time.
// - The clerk sees the citizen's media stalled, ends the consultation and sends the citizen back
//   to the waiting room while the citizen is still offline. Back online the citizen is in the
//   waiting room (through the queued events or by resuming the ticket, whichever comes first) and
//   the next call works with media both ways.
// - Once more with a clerk who does nothing: the console gets a clean end with a reason by itself
//   (Janus gives up the citizen's PeerConnection or session); the outage lasts until Janus's
//   session timeout ended the citizen's session; back online the citizen resumes the ticket at
//   the front of the waiting room, the console is set free (`recovered`), the next call works.
// No ticket is left in consultation.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startFaultParties, stopFaultParties, ownNotice, citizenStalled } from './helpers/fault-parties.mjs';
import { inboundStats } from './helpers/media-stats.mjs';
import { janusTraffic } from './helpers/janus-traffic.mjs';
import { cut, janusMediaPort, signallingPorts } from './helpers/netcut.mjs';
import {
  step, shot, assertAccessible, until, widgetUrl, clerkLogin, waitForMedia, widgetView
} from './helpers/flows.mjs';

// generous: a notice comes ~2–5 s after the cut, the widget gives up ~30 s after it (ice-recovery.js)
const SHOWN_MS = 20000;
const GIVE_UP_MS = 90000;
let stack, clerk, citizen, restore = null, number = '';

before(async () => {
  ({ stack, clerk, citizen } = await startFaultParties('network-outage'));
});

after(async () => {
  await stopFaultParties({ stack, clerk, citizen, restore });
});

const callNext = () => clerk.page.getByRole('button', { name: 'Nächste Person aufrufen' });

async function frames(page) {
  const s = await inboundStats(page);
  return s && s.video ? s.video.framesDecoded : 0;
}

// back through the queued events (`requeued`) or by resuming the ticket on a new session
const backInWaitingRoom = /^(Sie sind wieder im Warteraum, auf Platz 1\.|Wieder verbunden – Sie haben Ihren Platz behalten\.)$/;
const outage = { from: 0, to: 0 };
const pageClock = () => citizen.page.evaluate(() => performance.now());
const ticketState = () => stack.sql(`SELECT state FROM ticket WHERE number = '${number}'`);

step('a consultation with two-way media', async () => {
  await clerkLogin(clerk.page, stack, stack.clerk.login, stack.clerk.password);
  await citizen.page.goto(widgetUrl(stack));
  await citizen.page.getByRole('button', { name: `Warteraum betreten – ${stack.office.name}` }).click();
  await citizen.page.getByText('Alles bereit.').waitFor({ timeout: 15000 });
  await citizen.page.getByRole('button', { name: 'Jetzt Warteraum betreten' }).click();
  number = (await citizen.page.locator('.ticket-number', { hasText: /-/ }).textContent({ timeout: 20000 })).trim();
  await callNext().click();
  await waitForMedia(citizen.page, 'citizen');
  await waitForMedia(clerk.page, 'clerk');
});

// Cuts the citizen's media and signalling; the widget's notice, the console's notice, then the
// widget giving up its side while still offline. Returns the page clock at the cut.
async function offlineUntilGivenUp() {
  const mediaPort = await janusMediaPort(citizen.page);
  const wsPorts = signallingPorts(citizen, stack.janus.wsPort);
  assert.ok(mediaPort, 'the citizen has a selected candidate pair');
  assert.equal(wsPorts.length, 1, `one WebSocket of the citizen to Janus: ${wsPorts}`);
  restore = cut({ udpPorts: [mediaPort], tcpPorts: wsPorts });
  const from = await pageClock();
  await citizen.page.locator('bb-offices .media-notice', { hasText: ownNotice }).waitFor({ timeout: SHOWN_MS });
  await clerk.page.locator('#media-notice').filter({ hasText: citizenStalled }).waitFor({ timeout: SHOWN_MS });
  // the widget's restarts cannot reach Janus; after its attempts it ends its side and says so
  await citizen.page.getByText('Die Verbindung ist abgebrochen.').waitFor({ timeout: GIVE_UP_MS });
  await citizen.page.getByText('Bitte lassen Sie diese Seite noch geöffnet', { exact: false }).waitFor();
  return from;
}

function online() {
  restore();
  restore = null;
}

step('offline: the widget gives up by itself, the clerk ends the consultation and sends the citizen back', async () => {
  outage.from = await offlineUntilGivenUp();
  await shot(citizen.page, '59-citizen-gave-up-offline');
  await assertAccessible(citizen.page, 'widget: gave up while offline');
  // the clerk still sees the stalled media and ends the consultation there
  assert.match(await clerk.page.locator('#media-notice').textContent(), citizenStalled);
  await clerk.page.getByRole('button', { name: 'Gespräch beenden' }).click();
  await clerk.page.locator('#console-status', { hasText: 'Sie haben aufgelegt. Bitte schließen Sie ab' }).waitFor({ timeout: 10000 });
  await clerk.page.getByRole('button', { name: 'Zurück in den Warteraum' }).click();
  // (the console's status line may already say that the citizen arrived in the waiting room)
  await until(() => ticketState() === 'waiting', { what: 'the ticket back in the waiting room' });
  await clerk.page.locator('#queue-panel').getByText(number).waitFor({ timeout: 20000 });
  assert.equal(stack.sql("SELECT count(*) FROM ticket WHERE state = 'in_consultation'"), '0');
  // all this while the citizen was offline; now the network is back
  online();
  outage.to = await pageClock();
});

// What the citizen sent during the outage waits in TCP until its retransmission backoff lets it
// through (seconds after the network is back); Janus may have timed the session out meanwhile
// (then janus.js hears `timeout`, and the widget resumes the ticket on a new session). Settled:
// Janus answered the last message of the outage, or the ticket was resumed after a timeout.
async function citizenSettled() {
  const log = await janusTraffic(citizen.page);
  const sent = log.filter((m) => m.dir === 'out' && m.tx && m.t >= outage.from && m.t <= outage.to);
  const last = sent[sent.length - 1];
  const timeouts = log.filter((m) => m.dir === 'in' && m.janus === 'timeout' && m.t >= outage.from);
  if (timeouts.length) {
    const after = timeouts[timeouts.length - 1].t;
    return log.some((m) => m.dir === 'in' && m.event === 'joined' && m.t > after);
  }
  return !last || log.some((m) => m.dir === 'in' && m.tx === last.tx);
}

step('back online: the citizen is in the waiting room with the same ticket; the next call works both ways', async () => {
  await until(citizenSettled, { timeout: 120000, what: 'the citizen\'s signalling to settle after the outage' });
  await citizen.page.locator('bb-offices .notice', { hasText: backInWaitingRoom }).waitFor({ timeout: 30000 });
  assert.equal(await widgetView(citizen.page), 'waiting');
  await citizen.page.locator('.ticket-number', { hasText: number }).waitFor();
  await shot(citizen.page, '60-citizen-back-in-waiting-room');
  await assertAccessible(citizen.page, 'widget: back in the waiting room after the outage');
  await clerk.page.locator('#queue-panel').getByText(number).waitFor({ timeout: 15000 });
  await callNext().click();
  await waitForMedia(citizen.page, 'citizen');
  await waitForMedia(clerk.page, 'clerk');
  const before = await frames(clerk.page);
  await until(async () => (await frames(clerk.page)) > before + 30, { timeout: 30000, what: 'clerk decoding new frames' });
  assert.deepEqual([...clerk.errors, ...citizen.errors], []);
});

// The console's end of the media without the clerk: Janus's ICE gave up on the citizen's
// PeerConnection (`closed`) or its session timeout ended the citizen's handle (`citizen_gone`).
const endedByItself = /^(Die Verbindung ist abgebrochen\.|Die Bürgerin \/ der Bürger ist nicht mehr verbunden\.) Bitte schließen Sie ab/;
const janusSessions = async () => {
  const res = await stack.janus.admin({ janus: 'list_sessions' });
  assert.equal(res.janus, 'success', JSON.stringify(res));
  return res.sessions.length;
};

step('offline again, the clerk does nothing: Janus ends the silent session and the console ends by itself; back online the citizen resumes at the front, the clerk is set free, the next call works', async () => {
  await offlineUntilGivenUp();
  assert.equal(await clerk.page.locator('#media-actions').isHidden(), false, 'the clerk still has "Neu verbinden" and "Gespräch beenden"');
  // Janus notices that the citizen's PeerConnection is dead (`closed`) or ends the silent session
  // (`citizen_gone`), whichever first; the plugin tells the clerk, who keeps the ticket
  await clerk.page.locator('#console-status').filter({ hasText: endedByItself }).waitFor({ timeout: 120000 });
  assert.equal(await clerk.page.locator('#media-actions').isHidden(), true, 'no reconnect buttons after the end');
  assert.equal(await clerk.page.locator('#media-notice').textContent(), '');
  assert.equal(ticketState(), 'in_consultation');
  await shot(clerk.page, '63-console-ended-during-outage');
  await assertAccessible(clerk.page, 'console: the citizen\'s side ended during the outage');
  // the outage lasts until Janus's session timeout (60 s without a keepalive) ended the
  // citizen's session: only the clerk's is left
  await until(async () => (await janusSessions()) === 1, { timeout: 120000, what: 'Janus ending the citizen\'s session' });
  online();

  // the widget hears that its Janus session is gone and resumes the ticket on a new one; the
  // queue service puts it back at the front (`recovered`) and the plugin sets the clerk free
  await citizen.page.locator('bb-offices .notice', { hasText: backInWaitingRoom }).waitFor({ timeout: 180000 });
  await citizen.page.locator('.ticket-number', { hasText: number }).waitFor();
  await until(() => ticketState() === 'waiting', { what: 'the ticket back in the waiting room' });
  await clerk.page.locator('#call-panel').waitFor({ state: 'detached', timeout: 30000 });
  await clerk.page.locator('#queue-panel').getByText(number).waitFor({ timeout: 20000 });
  await shot(clerk.page, '64-console-free-after-resume');
  await assertAccessible(clerk.page, 'console: set free after the citizen resumed');
  await callNext().click();
  await waitForMedia(citizen.page, 'citizen');
  await waitForMedia(clerk.page, 'clerk');
  await clerk.page.getByRole('button', { name: 'Abschließen' }).click();
  await citizen.page.getByRole('heading', { name: 'Vielen Dank!' }).waitFor({ timeout: 20000 });
  assert.equal(ticketState(), 'done');
  assert.equal(stack.sql("SELECT count(*) FROM ticket WHERE state = 'in_consultation'"), '0');
  assert.deepEqual([...clerk.errors, ...citizen.errors], []);
});
