// The citizen's side in every language of the widget (German, English, Turkish, Arabic, Ukrainian,
// Russian) at 360 px: office list → device check → waiting room with a ticket → leaving → booking
// form → booking confirmation → check-in with the code. In each state: no raw catalogue key is
// visible, no German text leaks into another language, the texts of that language are there,
// axe-core finds nothing, and the widget's root says its language and direction (dir="rtl" and
// a mirrored layout for Arabic, the ticket number and the code left to right). Screenshots of the
// Arabic and Turkish flows go to tests/artifacts/e2e/. Then the language follows the browser's
// languages, the citizen's choice in the language chooser wins and outlives a reload, and a
// Ukrainian-speaking citizen is called by a clerk (who sees the language) and completes a
// consultation with two-way media in Ukrainian.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './helpers/stack.mjs';
import { launchParty } from './helpers/browser.mjs';
import { clerkOnline, waitOffice } from '../lib/queue.mjs';
import {
  step, watchParties, shot, assertAccessible, until, widgetUrl, widgetView, chooseLanguage, clerkLogin, waitForMedia
} from './helpers/flows.mjs';
import { translator, CITIZEN_LANGUAGES, CITIZEN_PREFIXES } from '../../web-client/widget/i18n/index.js';

let stack, citizen, browserUk, clerk;
const SCREENSHOTS = new Set(['ar', 'tr']);
// A key shown instead of its text: "office.enter", "err.not_found", …
const RAW_KEY = new RegExp(`(^|[^\\w@.-])(${CITIZEN_PREFIXES.map((p) => p.slice(0, -1).replace('.', '\\.')).join('|')})\\.[A-Za-z_][\\w.]*`);
// German that must not show in another language (the Leichte-Sprache text is German on purpose
// and closed; office names come from the administration in German and English only)
const GERMAN = ['Warteraum', 'Termin', 'Geöffnet', 'Zurück', 'Bitte', 'Zeichen', ' Uhr', 'Wartenummer', 'Ihr Name', 'Anliegen'];

before(async () => {
  stack = await startStack({
    name: 'languages',
    // check-in opens a day ahead, so the slot just booked can be checked in at once
    env: { BB_CHECKIN_BEFORE_S: '86400' }
  });
  const setup = await stack.svc.internal('e2e-setup');
  await clerkOnline(stack.svc, setup, 'mueller', stack.clerk.password);
  await setup.close();
  await waitOffice(stack.svc, 'kfz', (o) => o.status === 'open');
  citizen = await launchParty(stack.dir, 'citizen', [200, 120, 40], { width: 360, height: 780 });
  watchParties(citizen);
});

after(async () => {
  for (const p of [citizen, browserUk, clerk]) if (p) await p.browser.close().catch(() => {});
  if (stack) await stack.stop();
});

// What the widget shows: its visible text and the names given by attributes; its language and direction.
async function widgetState(page) {
  return page.evaluate(() => {
    const root = document.querySelector('bb-offices').shadowRoot;
    const section = root.querySelector('section.bb');
    const names = [...root.querySelectorAll('[aria-label]')].map((e) => e.getAttribute('aria-label'));
    return { text: `${section.innerText}\n${names.join('\n')}`, lang: section.lang, dir: section.dir };
  });
}

// One state of the flow in one language: the expected texts, no raw key, no German elsewhere, axe.
async function check(page, lang, state, expected) {
  const t = translator(lang, CITIZEN_LANGUAGES);
  await until(async () => {
    const { text } = await widgetState(page);
    return expected.every((key) => text.includes(typeof key === 'string' ? t(key) : t(key[0], key[1])));
  }, { what: `${lang} ${state}: ${expected.map((k) => (typeof k === 'string' ? k : k[0])).join(', ')}` });
  const { text, lang: shown, dir } = await widgetState(page);
  assert.equal(shown, lang, `${state}: lang of the widget's root`);
  assert.equal(dir, lang === 'ar' ? 'rtl' : 'ltr', `${state}: dir of the widget's root`);
  const raw = RAW_KEY.exec(text);
  assert.equal(raw, null, `${lang} ${state}: a raw key is shown: ${raw && raw[0]}`);
  if (lang !== 'de') {
    const leaked = GERMAN.filter((word) => text.includes(word));
    assert.deepEqual(leaked, [], `${lang} ${state}: German text in ${lang}:\n${text}`);
  }
  if (SCREENSHOTS.has(lang)) await shot(page, `lang-${lang}-${state}`);
  await assertAccessible(page, `${state} in ${lang}`);
}

const button = (page, lang, key, params) => page.locator('bb-offices')
  .getByRole('button', { name: translator(lang, CITIZEN_LANGUAGES)(key, params), exact: true });

for (const lang of CITIZEN_LANGUAGES) {
  const t = translator(lang, CITIZEN_LANGUAGES);
  let code;

  step(`${lang}: office list, device check and the waiting room with a ticket`, async () => {
    const page = citizen.page;
    await page.goto(widgetUrl(stack, `lang=${lang}`));
    await check(page, lang, '1-offices', ['offices.title', 'offices.listTitle', 'status.open', 'office.book', 'office.checkin']);
    if (lang === 'ar') {
      // the layout mirrors: the status stripe of an office is on the right, where Arabic starts
      const border = await page.locator('li.office').first().evaluate((el) => {
        const s = getComputedStyle(el);
        return [s.borderRightWidth, s.borderLeftWidth];
      });
      assert.deepEqual(border, ['6px', '1px'], 'the office card mirrors in Arabic');
    }
    await page.locator('bb-offices').locator('li.office button.primary').first().click();
    await check(page, lang, '2-device', ['device.title', 'device.ok', 'device.name', 'device.enter']);
    await button(page, lang, 'device.enter').click();
    await page.locator('.ticket-number', { hasText: /-/ }).waitFor({ timeout: 20000 });
    await check(page, lang, '3-waiting', ['wait.ticket', 'wait.position.1', 'wait.keepOpen', 'wait.leave']);
    const number = page.locator('.ticket-number');
    assert.match((await number.textContent()).trim(), /^KFZ-\d+$/);
    assert.equal(await number.getAttribute('dir'), 'ltr', 'the ticket number reads left to right');
    assert.equal(stack.sql('SELECT lang FROM ticket ORDER BY id DESC LIMIT 1'), lang, 'the ticket keeps the language');
    await button(page, lang, 'wait.leave').click();
    await button(page, lang, 'wait.leaveYes').click();
    await until(async () => (await widgetView(page)) === 'offices', { what: 'back at the office list' });
    await check(page, lang, '4-left', ['wait.left', 'status.open']);
  });

  step(`${lang}: booking form, confirmation and check-in with the code`, async () => {
    const page = citizen.page;
    await page.locator('bb-offices').locator('li.office button.secondary').first().click();
    await page.locator('.slot-choice input').first().waitFor({ state: 'attached', timeout: 15000 });
    await check(page, lang, '5-booking', ['book.why.none', 'book.slots', 'book.name', 'book.submit']);
    await page.locator('.slot-choice label').first().click();
    await page.locator('bb-offices').getByLabel(t('book.name'), { exact: true }).fill(lang === 'ar' ? 'ليلى' : 'Erika');
    await button(page, lang, 'book.submit').click();
    await page.locator('.booked .code').waitFor({ timeout: 15000 });
    await check(page, lang, '6-booked', ['book.done', 'book.code', 'book.video', 'book.ics']);
    const codeBox = page.locator('.booked .code bdi');
    code = (await codeBox.textContent()).trim();
    assert.match(code, /^[A-Z0-9-]{6,}$/);
    assert.equal(stack.sql('SELECT lang FROM appointment ORDER BY id DESC LIMIT 1'), lang, 'the booking keeps the language');
    assert.equal(await codeBox.getAttribute('dir'), 'ltr', 'the code reads left to right');
    await button(page, lang, 'book.back').click();
    await page.locator('bb-offices').getByRole('button', { name: t('office.checkin'), exact: true }).click();
    await page.locator('bb-offices').getByLabel(t('checkin.code'), { exact: true }).fill(code);
    await check(page, lang, '7-checkin', ['checkin.title', 'checkin.code', 'checkin.submit']);
    await page.locator('bb-offices').locator('form button.primary').click();
    await page.locator('.checkin-result button.danger').waitFor({ timeout: 15000 });
    await check(page, lang, '8-checkin-found', ['checkin.cancel']);
    // cancelled again, so the next language finds the first slot free and the office list as before
    await page.locator('.checkin-result button.danger').click();
    await check(page, lang, '9-cancelled', ['checkin.cancelledNow']);
  });
}

step('without a lang attribute the widget follows the browser\'s languages', async () => {
  browserUk = await launchParty(stack.dir, 'citizen-uk', [40, 120, 200], { width: 360, height: 780, locale: 'uk-UA' });
  watchParties(browserUk);
  const page = browserUk.page;
  await page.goto(widgetUrl(stack));
  await check(page, 'uk', 'browser-language', ['offices.title', 'status.open']);
});

step('the citizen\'s choice in the language chooser wins and is kept over a reload', async () => {
  const page = browserUk.page;
  const toggle = page.locator('bb-offices').locator('button.lang');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  await toggle.click();
  assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
  // each language named in itself and marked with its language; the current one says so
  const choices = await page.locator('bb-offices').locator('.langs button').evaluateAll((list) =>
    list.map((b) => [b.textContent, b.lang, b.getAttribute('aria-current')]));
  assert.deepEqual(choices, [['Deutsch', 'de', null], ['English', 'en', null], ['Türkçe', 'tr', null],
    ['العربية', 'ar', null], ['Українська', 'uk', 'true'], ['Русский', 'ru', null]]);
  await assertAccessible(page, 'language chooser open');
  await shot(page, 'lang-chooser-open');
  // Escape closes the list and leaves the focus on the button
  await page.keyboard.press('Escape');
  assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
  await chooseLanguage(page, 'العربية');
  await check(page, 'ar', 'chosen', ['offices.title', 'status.open']);
  await page.reload();
  await check(page, 'ar', 'chosen-after-reload', ['offices.title', 'status.open']);
});

step('a Ukrainian-speaking citizen is called, talks with two-way media and is thanked in Ukrainian; the clerk sees the language', async () => {
  const page = browserUk.page;
  await page.goto(widgetUrl(stack));
  await chooseLanguage(page, 'Українська');
  await page.locator('bb-offices').locator('li.office button.primary').first().click();
  await button(page, 'uk', 'device.enter').click();
  await page.locator('.ticket-number', { hasText: /-/ }).waitFor({ timeout: 20000 });
  const number = (await page.locator('.ticket-number').textContent()).trim();
  clerk = await launchParty(stack.dir, 'clerk', [60, 200, 60], { width: 1280 });
  watchParties(clerk);
  await clerkLogin(clerk.page, stack, stack.clerk.login, stack.clerk.password);
  // the clerk's queue names the citizen's language (German console: "Sprache: Українська")
  const row = clerk.page.locator('#queue-panel tr', { hasText: number });
  await row.locator('.citizen-lang[data-lang="uk"]').getByText('Sprache: Українська').waitFor({ timeout: 15000 });
  await clerk.page.getByRole('button', { name: 'Nächste Person aufrufen' }).click();
  await waitForMedia(page, 'the Ukrainian citizen');
  await waitForMedia(clerk.page, 'the clerk');
  await check(page, 'uk', '5-consultation', ['call.self', 'call.hangup']);
  await shot(page, 'lang-uk-consultation');
  await clerk.page.getByRole('button', { name: 'Abschließen' }).click();
  await check(page, 'uk', '6-thanks', ['thanks.title']);
  assert.equal(stack.sql(`SELECT state FROM ticket WHERE number = '${number}' ORDER BY id DESC LIMIT 1`), 'done');
  assert.deepEqual(browserUk.errors, []);
});
