// The supervisors' pages in a real browser at 320 px, keyboard only: a supervisor logs in to the
// console, follows the top bar's link to the live overview, sees the waiting count of an office
// change live when a citizen joins (and hears it through the polite status region), refreshes on
// request, then opens the statistics charts of a day with known tickets and finds the SVG charts
// with their text alternatives and the exact numbers in their tables. axe-core checks each page;
// nothing may need horizontal scrolling.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './helpers/stack.mjs';
import { launchParty } from './helpers/browser.mjs';
import { step, watchParties, shot, assertAccessible, until, focused, tabTo, consoleUrl } from './helpers/flows.mjs';
import { addClerk, clerkOnline } from '../lib/queue.mjs';

const BLUE = [40, 70, 210];
let stack, plugin, boss, day, hour;

const sql = (q) => stack.sql(q).trim();

/** Pins a finished or called ticket's times: it arrived at `at`, waited w s, talked c s. */
function pin(id, at, w, c) {
  sql(`UPDATE ticket SET arrived_at = '${at}', called_at = '${at}'::timestamptz + interval '${w} s'` +
    (c === undefined ? '' : `, in_consultation_at = '${at}'::timestamptz + interval '${w} s',
      done_at = '${at}'::timestamptz + interval '${w + c} s'`) + ` WHERE id = ${Number(id)}`);
}

before(async () => {
  stack = await startStack({ name: 'oversight', offices: [{ id: 'fs', prefix: 'FS' }] });
  addClerk(stack.queue.url, 'aufsicht', { name: 'Frau Aufsicht', role: 'supervisor', password: 'password-aufsicht' });
  // A second plugin instance of the test's own drives the tickets (the browser only watches).
  plugin = await stack.svc.internal('janus-oversight');
  const mueller = await clerkOnline(stack.svc, plugin, stack.clerk.login, stack.clerk.password);
  // Today's history of kfz: served twice, one no-show, one left; all arrived in one hour.
  const serve = async (outcome) => {
    const id = (await plugin.call('join', { office: 'kfz' })).ticket.id;
    await plugin.call('call', { session: mueller, ticket: id });
    await plugin.call('accept', { ticket: id });
    await plugin.call('finish', { session: mueller, ticket: id, outcome });
    return id;
  };
  const at = sql(`SELECT date_trunc('hour', now()) - interval '1 hour' + interval '5 min'`);
  pin(await serve('served'), at, 120, 300);
  pin(await serve('served'), at, 240, 600);
  pin(await serve('no_show'), at, 360);
  const gone = (await plugin.call('join', { office: 'kfz' })).ticket.id;
  await plugin.call('leave', { ticket: gone });
  sql(`UPDATE ticket SET arrived_at = '${at}' WHERE id = ${gone}`);
  day = sql('SELECT max(day) FROM ticket');
  hour = Number(sql(`SELECT extract(hour FROM '${at}'::timestamptz AT TIME ZONE 'Europe/Berlin')`));
  boss = await launchParty(stack.dir, 'supervisor', BLUE, { width: 320, height: 720 });
  watchParties(boss);
});

after(async () => {
  await plugin?.close();
  if (boss) await boss.browser.close().catch(() => {});
  if (stack) await stack.stop();
});

// Nothing wider than the 320 px window, and no part that scrolls sideways (WCAG 1.4.10).
async function assertReflows(page, state) {
  const m = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth,
    scrollers: [...document.querySelectorAll('body *')]
      .filter((el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX) && el.scrollWidth > el.clientWidth)
      .map((el) => `${el.tagName.toLowerCase()}#${el.id}.${el.className}`)
  }));
  assert.equal(m.client, 320, state);
  assert.ok(m.scroll <= m.client, `${state}: page ${m.scroll} px wide at ${m.client} px`);
  assert.deepEqual(m.scrollers, [], `${state}: parts that scroll sideways`);
}

const card = (page, name) => page.locator('li.office', { has: page.getByRole('heading', { name, exact: true }) });
const fact = (page, name, key) => card(page, name).locator(`[data-fact="${key}"] dd`);

step('the supervisor logs in; the top bar links to the overview, reached by keyboard', async () => {
  const page = boss.page;
  await page.goto(consoleUrl(stack));
  await page.getByLabel('Benutzername').fill('aufsicht');
  await page.getByLabel('Passwort').fill('password-aufsicht');
  await page.getByLabel('Passwort').press('Enter');
  await page.getByRole('link', { name: 'Live-Überblick' }).waitFor({ timeout: 20000 });
  assert.equal(await page.getByRole('link', { name: 'Statistik-Diagramme' }).count(), 1);
  await page.locator('body').focus();
  await tabTo(page, (f) => f.tag === 'a' && f.text === 'Live-Überblick', 'the overview link');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/console\/overview\.html$/);
  await card(page, 'Amt kfz').waitFor({ timeout: 15000 });
  await until(async () => (await page.locator('#ov-state').textContent()).includes('Aktualisiert sich live.'),
    { what: 'the live connection' });
});

step('overview: every office with its numbers; accessible and reflowing at 320 px', async () => {
  const page = boss.page;
  assert.deepEqual(await page.locator('li.office h3').allTextContents(), ['Amt fs', 'Amt kfz']);
  assert.equal(await fact(page, 'Amt kfz', 'status').textContent(), 'Geöffnet');
  assert.equal(await fact(page, 'Amt kfz', 'waiting').textContent(), '0');
  assert.equal(await fact(page, 'Amt kfz', 'longest').textContent(), 'niemand wartet');
  assert.equal(await fact(page, 'Amt kfz', 'clerks').textContent(), '1 verfügbar, 0 im Gespräch, 0 in Pause');
  assert.equal(await fact(page, 'Amt kfz', 'consultations').textContent(), '2');
  assert.equal(await fact(page, 'Amt kfz', 'no_shows').textContent(), '1');
  assert.equal(await fact(page, 'Amt fs', 'consultations').textContent(), '0');
  await shot(page, '80-overview');
  await assertAccessible(page, 'overview');
  await assertReflows(page, 'overview');
});

step('a citizen joins: the count changes live and is announced once, politely', async () => {
  const page = boss.page;
  assert.equal(await page.locator('#ov-announce').getAttribute('aria-live'), 'polite');
  assert.equal(await page.locator('#ov-announce').textContent(), '', 'nothing said on load');
  await plugin.call('join', { office: 'kfz' });
  await until(async () => (await fact(page, 'Amt kfz', 'waiting').textContent()) === '1', { what: 'kfz: 1 waiting' });
  assert.match(await fact(page, 'Amt kfz', 'longest').textContent(), /^\d+:\d\d \(Min\.:Sek\.\)$/);
  await until(async () => (await page.locator('#ov-announce').textContent()) === 'Amt kfz: 1 Person wartet',
    { what: 'the announcement' });
  await assertAccessible(page, 'overview with someone waiting');
});

step('keyboard: Tab reaches "refresh now"; Enter refreshes and says so', async () => {
  const page = boss.page;
  await page.locator('body').focus();
  await tabTo(page, (f) => f.id === 'ov-refresh', 'the refresh button');
  await page.keyboard.press('Enter');
  await until(async () => (await page.locator('#ov-announce').textContent()) === 'Aktualisiert. Ämter: 2, Wartende insgesamt: 1.',
    { what: 'the refresh announcement' });
  assert.equal((await focused(page)).id, 'ov-refresh', 'the focus stays on the button');
});

step('charts page by keyboard: SVG charts with text alternatives and the day\'s numbers in tables', async () => {
  const page = boss.page;
  await page.locator('body').focus();
  await tabTo(page, (f) => f.tag === 'a' && f.text === 'Statistik-Diagramme', 'the charts link');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/console\/reports\.html$/);
  await page.getByLabel('Amt', { exact: true }).waitFor();
  await page.locator('#rep-status', { hasText: /^Statistik für / }).waitFor({ timeout: 15000 });
  await page.getByLabel('Amt', { exact: true }).selectOption('kfz');
  await page.getByLabel('Von').fill(day);
  await page.getByLabel('Bis').fill(day);
  await tabTo(page, (f) => f.id === 'rep-show', 'the show button');
  await page.keyboard.press('Enter');
  await page.locator('#rep-status', { hasText: `Statistik für Amt kfz vom ${day} bis ${day}.` }).waitFor();

  const images = page.locator('#rep-charts svg[role="img"]');
  assert.equal(await images.count(), 6, 'three charts per day, three per hour');
  for (let i = 0; i < 6; i++) {
    const ids = (await images.nth(i).getAttribute('aria-labelledby')).split(' ');
    assert.equal(ids.length, 2);
    assert.equal(await page.locator(`[id="${ids[0]}"]`).evaluate((el) => el.tagName), 'title');
    assert.equal(await page.locator(`[id="${ids[1]}"]`).evaluate((el) => el.tagName), 'desc');
  }
  const desc = (id) => page.locator(`#chart-${id} desc`).textContent();
  assert.equal(await desc('outcomes-day'), 'Summen: Bedient 2, Nicht erschienen 1, Abgebrochen 1.');
  assert.equal(await page.locator('#chart-outcomes-day svg.plot rect.bar').count(), 3, 'one bar each (one day)');

  // Numbers as tables, opened by keyboard
  await tabTo(page, (f) => f.tag === 'summary', 'the first table disclosure');
  await page.keyboard.press('Enter');
  const label = `${day.slice(8, 10)}.${day.slice(5, 7)}.`;
  const row = (id, head) => page.locator(`#chart-${id} tbody tr`, { has: page.locator('th', { hasText: head }) }).locator('td').allTextContents();
  assert.deepEqual(await row('outcomes-day', label), ['2', '1', '1']);
  // waits 120, 240, 360 s (the no-show was called too); consultations 300, 600 s
  await page.locator('#chart-wait-day summary').click();
  await page.locator('#chart-consult-day summary').click();
  await page.locator('#chart-outcomes-hour summary').click();
  assert.deepEqual(await row('wait-day', label), ['4 Min.', '5,6 Min.']);
  assert.deepEqual(await row('consult-day', label), ['7,5 Min.', '9,5 Min.']);
  assert.deepEqual(await row('outcomes-hour', `${hour} Uhr`), ['2', '1', '1']);
  await shot(page, '81-charts');
  await assertAccessible(page, 'charts with tables open');
  await assertReflows(page, 'charts');
});

step('a plain clerk\'s token gets no overview: the page says it is for supervisors', async () => {
  const page = boss.page;
  const token = await stack.svc.login(stack.clerk.login, stack.clerk.password);
  await page.evaluate((tk) => sessionStorage.setItem('bb-console-token', tk), token);
  await page.goto(`${stack.httpUrl}/console/overview.html`);
  await page.getByText('Diese Seite ist für die Aufsicht und die Verwaltung.').waitFor();
  assert.equal(await page.getByRole('link', { name: 'Live-Überblick' }).count(), 0);
  await assertAccessible(page, 'overview refused');
  assert.deepEqual(boss.errors, [], 'no script errors');
});
