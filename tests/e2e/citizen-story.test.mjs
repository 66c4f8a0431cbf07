// The whole story in real browsers: two citizens wait (positions 1 and 2), a clerk is alerted and
// calls, two-way video/audio/chat/file work, the clerk finishes, the second citizen moves up live.
// Citizen 2 uses the keyboard only. axe-core checks every state; screenshots go to tests/artifacts.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './helpers/stack.mjs';
import { launchParty } from './helpers/browser.mjs';
import { inboundStats, videoColour, dataChannels, remoteSdp } from './helpers/media-stats.mjs';
import { janusTraffic } from './helpers/janus-traffic.mjs';
import {
  step, watchParties, shot, assertAccessible, until, tabTo, focusedText, widgetUrl, widgetView, clerkLogin, waitForMedia, near,
  setHidden, chooseLanguage
} from './helpers/flows.mjs';

const RED = [210, 40, 40];
const BLUE = [40, 70, 210];
const GREEN = [40, 170, 60];
let stack, clerk, anna, ben;

before(async () => {
  stack = await startStack({ name: 'story' });
  clerk = await launchParty(stack.dir, 'clerk', BLUE, { width: 1280 });
  anna = await launchParty(stack.dir, 'anna', RED);
  ben = await launchParty(stack.dir, 'ben', GREEN, { width: 360, height: 780 });
  watchParties(clerk, anna, ben);
});

after(async () => {
  for (const p of [clerk, anna, ben]) if (p) await p.browser.close().catch(() => {});
  if (stack) await stack.stop();
});

step('homepage shows the office live: closed without clerks, open after a clerk logs in', async () => {
  const page = anna.page;
  await page.goto(widgetUrl(stack));
  const card = page.locator('li.office', { hasText: stack.office.name });
  await card.waitFor();
  await assert.doesNotReject(card.getByText('Geschlossen').waitFor({ timeout: 15000 }));
  // open 24/7 but nobody online: the card says so in words (closed_reason "no_clerk")
  await card.getByText('Gerade ist niemand im Dienst', { exact: false }).waitFor({ timeout: 15000 });
  await shot(page, '01-offices-closed');
  await assertAccessible(page, 'office list (closed)');

  await clerkLogin(clerk.page, stack, stack.clerk.login, stack.clerk.password);
  await shot(clerk.page, '02-console-idle');
  await assertAccessible(clerk.page, 'console idle');
  await card.getByText('Geöffnet').waitFor({ timeout: 15000 });
  await page.getByText('Live aktualisiert').waitFor();
  await shot(page, '03-offices-open');
  await assertAccessible(page, 'office list (open)');
});

step('the widget switches to English and back with the language chooser', async () => {
  const page = anna.page;
  await chooseLanguage(page, 'English');
  await page.getByRole('heading', { name: 'Virtual citizens\' office' }).waitFor();
  const card = page.locator('li.office', { hasText: 'Office kfz' });
  await card.locator('.status', { hasText: 'Open' }).waitFor({ timeout: 10000 });
  await card.getByRole('button', { name: 'Enter waiting room – Office kfz' }).waitFor();
  assert.equal(await page.locator('bb-offices').getAttribute('lang'), 'en');
  await shot(page, '03b-offices-english');
  await assertAccessible(page, 'office list (English)');
  await chooseLanguage(page, 'Deutsch');
  await page.getByText('Geöffnet').first().waitFor();
});

step('citizen 1 passes the device check and waits at place 1; the clerk is alerted', async () => {
  const page = anna.page;
  await page.getByRole('button', { name: `Warteraum betreten – ${stack.office.name}` }).click();
  await page.getByRole('heading', { name: 'Kamera und Mikrofon prüfen' }).waitFor();
  await page.getByText('Alles bereit.').waitFor({ timeout: 15000 });
  await until(() => page.evaluate(() => {
    const v = document.querySelector('bb-offices').shadowRoot.querySelector('video.preview');
    return v && v.videoWidth >= 320;
  }), { what: 'camera preview' });
  await shot(page, '04-device-check');
  await assertAccessible(page, 'device check');
  await page.getByLabel('Ihr Name (freiwillig)').fill('Anna');
  await page.getByLabel('Ihr Anliegen (freiwillig)').fill('Auto ummelden');
  await page.getByRole('button', { name: 'Jetzt Warteraum betreten' }).click();
  await page.getByText('Sie sind als Nächste/r dran.').waitFor({ timeout: 20000 });
  const number = await page.locator('.ticket-number').textContent();
  assert.match(number, /^[A-Z]+-\d+$/);
  await shot(page, '05-waiting-place-1');
  await assertAccessible(page, 'waiting room');

  await until(async () => (await clerk.page.title()).startsWith('(1)'), { what: 'clerk tab title count (1)' });
  await clerk.page.getByText(`Neu im Warteraum: ${number}`).waitFor({ timeout: 10000 });
  await clerk.page.locator('#queue-panel').getByText('Anna').waitFor();
});

step('citizen 2 joins with the keyboard only at a 360 px wide screen and waits at place 2', async () => {
  const page = ben.page;
  await page.goto(widgetUrl(stack));
  await page.locator('li.office', { hasText: 'Geöffnet' }).first().waitFor({ timeout: 15000 });
  await tabTo(page, (f) => f.text === `Warteraum betreten – ${stack.office.name}`, 'enter button');
  await page.keyboard.press('Enter');
  await page.getByText('Alles bereit.').waitFor({ timeout: 15000 });
  await tabTo(page, (f) => f.text === 'Jetzt Warteraum betreten', 'join button');
  await page.keyboard.press('Enter');
  await page.getByText('Vor Ihnen: 1 – Sie sind auf Platz 2.').waitFor({ timeout: 20000 });
  await page.getByText('Gleich sind Sie dran!').waitFor({ timeout: 10000 });
  await shot(page, '06-waiting-place-2-phone');
  await assertAccessible(page, 'waiting room (360 px)');
  await until(async () => (await clerk.page.title()).startsWith('(2)'), { what: 'clerk tab title count (2)' });
  await shot(clerk.page, '07-console-two-waiting');
});

step('the clerk calls the next citizen: two-way video and audio are decoded', async () => {
  await clerk.page.getByRole('button', { name: 'Nächste Person aufrufen' }).click();
  await anna.page.getByRole('heading', { name: /^Gespräch mit / }).waitFor({ timeout: 20000 });
  const annaStats = await waitForMedia(anna.page, 'citizen');
  const clerkStats = await waitForMedia(clerk.page, 'clerk');
  for (const [who, s] of [['citizen', annaStats], ['clerk', clerkStats]]) {
    assert.ok(s.video.width >= 320 && s.video.height >= 240, `${who} decodes ≥ 320×240, got ${s.video.width}×${s.video.height}`);
    assert.ok(s.opus, `${who} receives Opus audio`);
  }
  // Frame rate needs a few seconds of history before getStats reports it steadily.
  const fps = await until(async () => {
    const a = await inboundStats(anna.page), c = await inboundStats(clerk.page);
    return a.video.fps >= 20 && c.video.fps >= 20 ? [a.video.fps, c.video.fps] : null;
  }, { timeout: 20000, what: 'both sides decoding ≥ 20 fps' });
  assert.ok(fps.every((f) => f >= 20));
  const seenByCitizen = await until(async () => {
    const c = await videoColour(anna.page, 'video.remote', 'bb-offices');
    return near(c, BLUE) ? c : null;
  }, { what: 'citizen seeing the clerk (blue)' });
  const seenByClerk = await until(async () => {
    const c = await videoColour(clerk.page, '#citizen-video');
    return near(c, RED) ? c : null;
  }, { what: 'clerk seeing the citizen (red)' });
  assert.ok(seenByCitizen && seenByClerk);
  // Janus puts its ICE candidates into the SDP it sends (offer to the citizen, answer to the
  // clerk) and trickles none; the citizen got `consultation` before the answer to its `accept`
  for (const [who, page] of [['citizen', anna.page], ['clerk', clerk.page]]) {
    assert.match(await remoteSdp(page), /^a=candidate:/m, `${who}: candidates in Janus's SDP`);
    assert.equal((await janusTraffic(page)).filter((m) => m.dir === 'in' && m.janus === 'trickle').length, 0, `${who}: no trickle from Janus`);
  }
  const order = (await janusTraffic(anna.page)).filter((m) => m.dir === 'in' && ['called', 'consultation', 'accepted'].includes(m.event))
    .map((m) => (m.request ? `${m.event} (answer to ${m.request})` : m.event));
  assert.deepEqual(order, ['called', 'consultation', 'accepted (answer to accept)']);
  await shot(anna.page, '08-citizen-in-call');
  await shot(clerk.page, '09-console-in-call');
  await assertAccessible(anna.page, 'citizen in consultation');
  await assertAccessible(clerk.page, 'console in call');
});

step('real-time text and chat work both ways, and the citizen can send a file', async () => {
  const citizenInput = anna.page.getByLabel('Nachricht schreiben');
  await citizenInput.pressSequentially('Guten Tag', { delay: 30 });
  // Real-time text: the clerk sees the unfinished line before Enter is pressed.
  await clerk.page.locator('.rtt', { hasText: 'Guten Tag' }).waitFor({ timeout: 10000 });
  await citizenInput.press('Enter');
  await clerk.page.locator('.chat-log', { hasText: 'Guten Tag' }).waitFor({ timeout: 10000 });
  const clerkInput = clerk.page.getByLabel('Nachricht schreiben');
  await clerkInput.pressSequentially('Wie kann ich helfen?', { delay: 20 });
  await clerkInput.press('Enter');
  await anna.page.locator('.chat-log', { hasText: 'Wie kann ich helfen?' }).waitFor({ timeout: 10000 });
  const content = Buffer.alloc(40 * 1024, 'x');
  await anna.page.getByLabel('Datei senden').setInputFiles({ name: 'ausweis.txt', mimeType: 'text/plain', buffer: content });
  // each browser opened its own data channel, janus.js's default label; the plugin relays between them
  for (const [who, page] of [['citizen', anna.page], ['clerk', clerk.page]]) {
    const channels = await dataChannels(page);
    assert.deepEqual(channels.map((c) => [c.label, c.state]), [['JanusDataChannel', 'open']], `${who}: ${JSON.stringify(channels)}`);
    assert.ok(channels[0].sent > 0 && channels[0].received > 0, `${who} sent and received on it`);
  }
  const link = clerk.page.getByRole('link', { name: '„ausweis.txt“ herunterladen' });
  await link.waitFor({ timeout: 15000 });
  const size = await link.evaluate(async (a) => (await (await fetch(a.href)).blob()).size);
  assert.equal(size, content.length);
  await shot(clerk.page, '10-console-chat-file');
});

step('the clerk finishes: citizen 1 sees the thank-you page, citizen 2 moves to place 1 live', async () => {
  await clerk.page.getByLabel('Ergebnis').selectOption('served');
  await clerk.page.getByRole('button', { name: 'Abschließen' }).click();
  await clerk.page.getByText('Abgeschlossen.').waitFor({ timeout: 10000 });
  await anna.page.getByRole('heading', { name: 'Vielen Dank!' }).waitFor({ timeout: 15000 });
  await anna.page.getByRole('button', { name: '4 von 5' }).click();
  await anna.page.getByText('Sie wird nicht gespeichert').waitFor();
  await shot(anna.page, '11-thanks');
  await assertAccessible(anna.page, 'thank-you');
  await ben.page.getByText('Sie sind als Nächste/r dran.').waitFor({ timeout: 15000 });
  assert.equal(await widgetView(ben.page), 'waiting');
  await shot(ben.page, '12-citizen2-place-1');
  await until(async () => (await clerk.page.title()).startsWith('(1)'), { what: 'clerk tab title count back to (1)' });
});

step('called while the tab is hidden: alert first, the call starts when the citizen comes back', async () => {
  await setHidden(ben.page, true);
  await clerk.page.getByRole('button', { name: 'Nächste Person aufrufen' }).click();
  await ben.page.getByText('Sie sind dran! Bitte kehren Sie zu diesem Fenster zurück.').waitFor({ timeout: 15000 });
  assert.match(await ben.page.title(), /Sie sind dran!/);
  assert.equal(await widgetView(ben.page), 'waiting');
  await shot(ben.page, '13-called-hidden');
  await setHidden(ben.page, false);
  await ben.page.getByRole('heading', { name: /^Gespräch mit / }).waitFor({ timeout: 15000 });
  await waitForMedia(ben.page, 'citizen 2');
  await waitForMedia(clerk.page, 'clerk with citizen 2');
  await shot(ben.page, '14-citizen2-in-call-phone');
  await assertAccessible(ben.page, 'citizen in consultation (360 px)');
});

step('the clerk sends citizen 2 back to the waiting room and broadcasts; citizen 2 leaves by keyboard', async () => {
  await clerk.page.getByRole('button', { name: 'Zurück in den Warteraum' }).click();
  await clerk.page.locator('#call-panel').waitFor({ state: 'detached', timeout: 10000 });
  await ben.page.getByText('Sie sind wieder im Warteraum, auf Platz 1.').waitFor({ timeout: 15000 });
  await clerk.page.getByLabel('Nachricht (höchstens 280 Zeichen)').fill('Heute etwa 10 Minuten Verspätung.');
  await clerk.page.getByRole('button', { name: 'Nachricht senden' }).click();
  await ben.page.getByText('Heute etwa 10 Minuten Verspätung.').waitFor({ timeout: 10000 });
  await ben.page.getByText('Nachricht von Frau Müller').waitFor();
  await shot(ben.page, '15-requeued-broadcast');
  await assertAccessible(ben.page, 'waiting room with broadcast');
  await tabTo(ben.page, (f) => f.text === 'Warteraum verlassen', 'leave button');
  await ben.page.keyboard.press('Enter');
  // the confirmation takes the focus at once
  await until(async () => (await focusedText(ben.page)) === 'Ja, Warteraum verlassen', { what: 'focus on the confirmation' });
  await ben.page.keyboard.press('Enter');
  await ben.page.getByText('Sie haben den Warteraum verlassen.').waitFor({ timeout: 10000 });
  await until(async () => (await clerk.page.title()) === 'Bürgerbüro – Sachbearbeitung', { what: 'clerk tab title without a count' });
  assert.deepEqual([...anna.errors, ...ben.errors, ...clerk.errors], []);
});
