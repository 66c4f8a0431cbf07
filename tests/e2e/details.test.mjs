// The details citizens and clerks meet every day, in real browsers on the real stack: Janus is
// found without any override (the queue service names it, as scripts/start sets it up); the
// widget takes neither the focus nor the page's scroll position on load (360×400) and after a
// reload; offices go by name in the citizen's language; the next opening says "heute"/"morgen"
// in German and English; Escape closes the "leave?" question; the appointment's check-in link
// opens the check-in; the console reflows at 320 px (login, queue with long names, in a call).
// axe-core checks every state.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './helpers/stack.mjs';
import { launchParty } from './helpers/browser.mjs';
import { step, watchParties, shot, assertAccessible, until, focused, widgetUrl, widgetView, consoleUrl, waitForMedia, chooseLanguage } from './helpers/flows.mjs';
import { cli } from '../lib/queue.mjs';

const RED = [210, 40, 40];
const BLUE = [40, 70, 210];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

// A whole-hour zone where it is 11:xx now, so "later today" and "tomorrow morning" are both
// unambiguous for the next hours whenever the test runs (Etc/GMT-3 is UTC+3).
const offset = 11 - new Date().getUTCHours();
const ZONE = offset === 0 ? 'Etc/GMT' : offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
const localNow = new Date(Date.now() + offset * 3600e3);
const inThreeDays = new Date(localNow.getTime() + 3 * 86400e3);
const OFFICES = [
  // id order a, b, c, kfz; German order Amt kfz, Ärztlicher Dienst, Bauamt, Zulassungsstelle;
  // English order Building authority, Medical service, Office kfz, Vehicle registration
  { id: 'aaa', de: 'Zulassungsstelle', en: 'Vehicle registration', hours: 'daily 16:00-17:00' },
  { id: 'bbb', de: 'Ärztlicher Dienst', en: 'Medical service', hours: 'daily 06:00-07:00' },
  { id: 'ccc', de: 'Bauamt', en: 'Building authority', hours: `${DAYS[inThreeDays.getUTCDay()]} 09:00-10:00` },
];
const LONG_NAME = 'Maximiliane Friederike Schwarzenberger-Hohenlohe-Langenburg';
const LONG_CONCERN = 'Kraftfahrzeugzulassungsbescheinigungsumschreibung wegen Wohnsitzwechsels';

let stack, citizen, clerk;

before(async () => {
  stack = await startStack({
    name: 'details',
    offices: OFFICES.map(({ id, hours }) => ({ id, hours, timezone: ZONE, served: false }))
  });
  for (const o of OFFICES) {
    const r = cli(stack.queue.url, ['office', 'edit', '--id', o.id, '--name-de', o.de, '--name-en', o.en]);
    assert.equal(r.status, 0, r.stderr);
  }
  await until(async () => (await stack.svc.http('GET', '/api/v1/offices/bbb')).body.name?.de === 'Ärztlicher Dienst',
    { what: 'the service has the new names' });
  citizen = await launchParty(stack.dir, 'citizen', RED, { width: 360, height: 400 });
  clerk = await launchParty(stack.dir, 'clerk', BLUE, { width: 320, height: 640 });
  for (const p of [citizen, clerk]) {
    p.sockets = [];
    p.page.on('websocket', (ws) => p.sockets.push(ws.url()));
  }
  watchParties(citizen, clerk);
});

after(async () => {
  for (const p of [citizen, clerk]) if (p) await p.browser.close().catch(() => {});
  if (stack) await stack.stop();
});

// Where the page is scrolled to and what has the focus (through the shadow root).
function pageState(page) {
  return page.evaluate(() => {
    const host = document.activeElement;
    const inner = host && host.shadowRoot ? host.shadowRoot.activeElement : null;
    return { scrollY: window.scrollY, active: host ? host.tagName.toLowerCase() : null, inner: inner ? inner.tagName.toLowerCase() : null };
  });
}

// The page is no wider than the window: nothing needs horizontal scrolling (WCAG 1.4.10).
async function assertReflows(page, state) {
  const m = await page.evaluate(() => {
    const name = (el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className}`;
    const all = [...document.querySelectorAll('body *')];
    return {
      scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
      wide: all.filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5).slice(0, 5).map(name),
      // nor may a part of the page (a table) need scrolling sideways
      scrollers: all.filter((el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth).map(name)
    };
  });
  assert.equal(m.client, 320, `${state}: the window is 320 px wide`);
  assert.ok(m.scroll <= m.client, `${state}: page ${m.scroll} px wide at ${m.client} px; too wide: ${m.wide.join(', ')}`);
  assert.deepEqual(m.scrollers, [], `${state}: parts that scroll sideways`);
}

function officeNames(page) {
  return page.locator('bb-offices li.office h3').allTextContents();
}

function nextOpening(page, name) {
  return page.locator('li.office', { has: page.getByRole('heading', { name, exact: true }) }).locator('.facts li', { hasText: /^(Nächste Öffnung|Next opening)/ }).textContent();
}

step('page load at 360×400: the widget takes neither the focus nor the scroll position', async () => {
  const page = citizen.page;
  await page.goto(widgetUrl(stack));
  await page.getByText('Live aktualisiert').waitFor({ timeout: 15000 });
  await page.locator('li.office', { hasText: 'Bauamt' }).locator('button.slot').first().waitFor({ timeout: 15000 });
  assert.deepEqual(await pageState(page), { scrollY: 0, active: 'body', inner: null });
  await shot(page, '50-load-360x400');
  await assertAccessible(page, 'office list on load at 360×400');
});

step('offices go by name in the citizen\'s language, not by id', async () => {
  const page = citizen.page;
  assert.deepEqual(await officeNames(page), ['Amt kfz', 'Ärztlicher Dienst', 'Bauamt', 'Zulassungsstelle']);
  await chooseLanguage(page, 'English');
  await page.getByRole('heading', { name: 'Building authority' }).waitFor();
  assert.deepEqual(await officeNames(page), ['Building authority', 'Medical service', 'Office kfz', 'Vehicle registration']);
});

step('the next opening says today and tomorrow, other days by weekday and date, in both languages', async () => {
  const page = citizen.page;
  const day = (locale) => new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', timeZone: ZONE })
    .format(new Date(Date.now() + 3 * 86400e3));
  const weekdayEn = day('en-GB');
  const weekdayDe = day('de-DE');
  assert.equal(await nextOpening(page, 'Vehicle registration'), 'Next opening: today at 16:00');
  assert.equal(await nextOpening(page, 'Medical service'), 'Next opening: tomorrow at 06:00');
  assert.equal(await nextOpening(page, 'Building authority'), `Next opening: ${weekdayEn} at 09:00`);
  await assertAccessible(page, 'office list in English with next openings');
  await chooseLanguage(page, 'Deutsch');
  await page.getByRole('heading', { name: 'Zulassungsstelle' }).waitFor();
  assert.equal(await nextOpening(page, 'Zulassungsstelle'), 'Nächste Öffnung: heute um 16:00 Uhr');
  assert.equal(await nextOpening(page, 'Ärztlicher Dienst'), 'Nächste Öffnung: morgen um 06:00 Uhr');
  assert.equal(await nextOpening(page, 'Bauamt'), `Nächste Öffnung: ${weekdayDe} um 09:00 Uhr`);
  await shot(page, '51-next-openings');
});

step('console at 320 px: the login reflows; Janus is found without ?janus=', async () => {
  const page = clerk.page;
  await page.goto(consoleUrl(stack));
  await page.getByLabel('Benutzername').waitFor();
  await assertReflows(page, 'console login');
  await assertAccessible(page, 'console login at 320 px');
  await page.getByLabel('Benutzername').fill(stack.clerk.login);
  await page.getByLabel('Passwort').fill(stack.clerk.password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('button', { name: 'Nächste Person aufrufen' }).waitFor({ timeout: 20000 });
  // the queue service named the Janus it runs next to (GET /api/v1/config), on a port that is not 8188
  assert.ok(clerk.sockets.includes(stack.janusUrl), `console's Janus: ${clerk.sockets}`);
  assert.doesNotMatch(stack.janusUrl, /:8188\//);
  await assertReflows(page, 'console idle');
  await assertAccessible(page, 'console idle at 320 px');
});

step('a citizen waits; Escape closes the "leave?" question and the focus returns to the leave button', async () => {
  const page = citizen.page;
  await page.locator('li.office', { hasText: 'Amt kfz' }).getByText('Geöffnet').waitFor({ timeout: 15000 });
  await page.getByRole('button', { name: 'Warteraum betreten – Amt kfz' }).click();
  await page.getByText('Alles bereit.').waitFor({ timeout: 15000 });
  await page.getByLabel('Ihr Name (freiwillig)').fill(LONG_NAME);
  await page.getByLabel('Ihr Anliegen (freiwillig)').fill(LONG_CONCERN);
  await page.getByRole('button', { name: 'Jetzt Warteraum betreten' }).click();
  await page.getByText('Sie sind als Nächste/r dran.').waitFor({ timeout: 20000 });
  assert.ok(citizen.sockets.includes(stack.janusUrl), `widget's Janus: ${citizen.sockets}`);

  await page.getByRole('button', { name: 'Warteraum verlassen' }).click();
  const question = page.getByRole('group', { name: 'Wirklich gehen? Ihre Wartenummer verfällt dann.' });
  await question.waitFor();
  assert.equal((await focused(page)).text, 'Ja, Warteraum verlassen');
  await assertAccessible(page, 'waiting room: leave? question open');
  await page.keyboard.press('Escape');
  await question.waitFor({ state: 'hidden' });
  assert.equal((await focused(page)).text, 'Warteraum verlassen');
  assert.equal(await widgetView(page), 'waiting', 'still waiting');
  await shot(page, '52-leave-question-closed');
  await assertAccessible(page, 'waiting room after Escape');
});

// (A reload would restore the scroll position the citizen had; opening the page anew must not scroll.)
step('opening the page again keeps the ticket without taking the focus or scrolling', async () => {
  const page = citizen.page;
  await page.goto('about:blank');
  await page.goto(widgetUrl(stack));
  await page.getByText('Sie sind als Nächste/r dran.').waitFor({ timeout: 20000 });
  assert.deepEqual(await pageState(page), { scrollY: 0, active: 'body', inner: null });
});

step('console at 320 px with a long name and concern in the queue, then in the call', async () => {
  const page = clerk.page;
  await page.locator('#queue-panel').getByText(LONG_NAME).waitFor({ timeout: 15000 });
  await assertReflows(page, 'console with a waiting citizen');
  await shot(page, '53-console-320-queue');
  await assertAccessible(page, 'console queue at 320 px');
  await page.getByRole('button', { name: 'Nächste Person aufrufen' }).click();
  await page.getByRole('heading', { name: /^Im Gespräch mit KFZ-/ }).waitFor({ timeout: 20000 });
  await waitForMedia(page, 'clerk');
  await waitForMedia(citizen.page, 'citizen');
  await assertReflows(page, 'console in a call');
  await shot(page, '54-console-320-call');
  await assertAccessible(page, 'console in a call at 320 px');
  await page.getByRole('button', { name: 'Abschließen' }).click();
  await page.locator('#console-status', { hasText: 'Abgeschlossen.' }).waitFor({ timeout: 10000 });
  await citizen.page.getByRole('heading', { name: 'Vielen Dank!' }).waitFor({ timeout: 15000 });
});

step('the check-in link of an appointment opens the check-in with the code, and takes the code out of the address', async () => {
  const slots = await stack.svc.http('GET', '/api/v1/offices/kfz/slots');
  assert.ok(slots.body.slots.length > 0, 'kfz offers a slot');
  const booked = await stack.svc.http('POST', '/api/v1/appointments', { body: { office: 'kfz', start: slots.body.slots.at(-1).start, name: 'Link Nutzerin' } });
  assert.equal(booked.status, 201, JSON.stringify(booked.body));
  const page = citizen.page;
  await page.goto('about:blank');   // a new page load, not a jump within the page
  await page.goto(`${stack.httpUrl}/#checkin=${booked.body.code}`);
  await page.getByRole('heading', { name: 'Check-in mit Termin-Code' }).waitFor({ timeout: 15000 });
  assert.equal(await page.getByLabel('Termin-Code').inputValue(), booked.body.code);
  // looked up at once: the slot is later, so check-in is not open yet and cancelling is offered
  await page.getByText(/^Der Check-in ist ab .+ um \d\d:\d\d Uhr möglich\./).waitFor({ timeout: 15000 });
  assert.equal((await focused(page)).text, 'Termin absagen', 'following the link is the citizen\'s act: the focus is on the next step');
  assert.equal(await page.evaluate(() => location.href), `${stack.httpUrl}/`, 'the code is gone from the address');
  await shot(page, '55-checkin-link');
  await assertAccessible(page, 'check-in from the appointment link');
  assert.deepEqual([...citizen.errors, ...clerk.errors], []);
});
