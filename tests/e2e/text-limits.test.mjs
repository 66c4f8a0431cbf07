// Texts at their limit in characters, in the scripts citizens write: Ukrainian (Cyrillic), Arabic,
// Turkish and emoji. Through the widget (join and booking): exactly at the limit is accepted and
// arrives intact (the clerk's console shows the name, the appointment keeps it); one character
// over is refused in the browser, next to the field and with the focus on it, before anything is
// sent. Limits come from protocol.js, texts partly from protocol/text-cases.json.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { startStack } from './helpers/stack.mjs';
import { launchParty } from './helpers/browser.mjs';
import { janusTraffic } from './helpers/janus-traffic.mjs';
import { step, watchParties, shot, assertAccessible, until, focused, widgetUrl, widgetView, clerkLogin, chooseLanguage } from './helpers/flows.mjs';
import { LIMITS, charCount } from '../../web-client/widget/protocol.js';

const sourceRoot = process.env.BB_SOURCE_ROOT || path.resolve(import.meta.dirname, '../..');
const CASES = JSON.parse(readFileSync(path.join(sourceRoot, 'protocol/text-cases.json'), 'utf8')).cases;
const NAME = LIMITS.ticket_name;
const CONCERN = LIMITS.concern;

function caseText(doc) {
  const c = CASES.find((x) => x.doc.startsWith(doc));
  assert.ok(c, `protocol/text-cases.json has "${doc}"`);
  return c.text;
}

// Repeats a phrase up to exactly n characters (code points).
function upTo(phrase, n) {
  const chars = Array.from(phrase.repeat(Math.ceil(n / charCount(phrase))));
  return chars.slice(0, n).join('');
}

const arabicConcernOver = caseText('Arabic concern one over');
const SCRIPTS = [
  {
    script: 'Ukrainian', name: caseText('Ukrainian name at exactly'), nameOver: caseText('Ukrainian name one character over'),
    concern: caseText('Cyrillic concern at exactly'), concernOver: `${caseText('Cyrillic concern at exactly')}я`
  },
  {
    script: 'Arabic', name: caseText('Arabic name at exactly'), nameOver: `${caseText('Arabic name at exactly')}ة`,
    concern: Array.from(arabicConcernOver).slice(0, CONCERN).join(''), concernOver: arabicConcernOver
  },
  {
    script: 'Turkish', name: caseText('Turkish name at exactly'), nameOver: `${caseText('Turkish name at exactly')}ş`,
    concern: upTo('Aracımı yeniden kaydettirmek istiyorum, çünkü taşındım. ', CONCERN),
    concernOver: upTo('Aracımı yeniden kaydettirmek istiyorum, çünkü taşındım. ', CONCERN + 1)
  },
  {
    script: 'emoji', name: caseText('emoji (4 bytes each) at exactly'), nameOver: caseText('emoji one over'),
    concern: upTo('🚗📄🏠', CONCERN), concernOver: upTo('🚗📄🏠', CONCERN + 1)
  }
];

let stack, clerk, citizen;

before(async () => {
  for (const s of SCRIPTS) {
    assert.equal(charCount(s.name), NAME, `${s.script} name at the limit`);
    assert.equal(charCount(s.nameOver), NAME + 1, `${s.script} name one over`);
    assert.equal(charCount(s.concern), CONCERN, `${s.script} concern at the limit`);
    assert.equal(charCount(s.concernOver), CONCERN + 1, `${s.script} concern one over`);
    assert.equal(s.name, s.name.trim());
    assert.equal(s.nameOver, s.nameOver.trim(), `${s.script} name one over ends without a space (the widget trims)`);
    assert.equal(s.concernOver, s.concernOver.trim());
  }
  stack = await startStack({ name: 'limits' });
  clerk = await launchParty(stack.dir, 'clerk', [40, 70, 210], { width: 1280 });
  citizen = await launchParty(stack.dir, 'citizen', [210, 40, 40]);
  watchParties(clerk, citizen);
});

after(async () => {
  for (const p of [clerk, citizen]) if (p) await p.browser.close().catch(() => {});
  if (stack) await stack.stop();
});

const page = () => citizen.page;

async function toDeviceCheck() {
  await page().getByRole('button', { name: `Warteraum betreten – ${stack.office.name}` }).click();
  await page().getByText('Alles bereit.').waitFor({ timeout: 15000 });
}

// The refusal is next to the field (its description), the field is marked invalid and focused.
async function assertRefused(field, message) {
  await until(async () => (await focused(page()))?.id === await field.getAttribute('id'), { what: `focus on the field (${message})` });
  assert.equal(await field.getAttribute('aria-invalid'), 'true');
  const described = await field.evaluate((el) => el.getAttribute('aria-describedby').split(' ')
    .map((id) => el.getRootNode().getElementById(id)?.textContent || '').join(' '));
  assert.ok(described.includes(message), `"${message}" describes the field; got "${described}"`);
}

const joins = async () => (await janusTraffic(page())).filter((m) => m.dir === 'out' && m.request === 'join').length;

step('names and concerns at the limit join the waiting room; the console shows them intact', async () => {
  await clerkLogin(clerk.page, stack, stack.clerk.login, stack.clerk.password);
  await page().goto(widgetUrl(stack));
  for (const s of SCRIPTS) {
    await toDeviceCheck();
    const name = page().getByLabel('Ihr Name (freiwillig)');
    await name.fill(s.name);
    await page().getByLabel('Ihr Anliegen (freiwillig)').fill(s.concern);
    await page().getByText(`${NAME} / ${NAME} Zeichen`, { exact: true }).waitFor();
    await page().getByText(`${CONCERN} / ${CONCERN} Zeichen`, { exact: true }).waitFor();
    if (s.script === 'emoji') await shot(page(), '40-device-name-at-limit-emoji');
    await page().getByRole('button', { name: 'Jetzt Warteraum betreten' }).click();
    await page().locator('.ticket-number', { hasText: /-/ }).waitFor({ timeout: 20000 });
    const names = clerk.page.locator('#queue-panel td.person .name');
    await until(async () => (await names.allTextContents()).includes(s.name), { what: `the console showing the ${s.script} name` });
    const concerns = await clerk.page.locator('#queue-panel td.person .concern').allTextContents();
    assert.ok(concerns.includes(s.concern), `the console shows the ${s.script} concern intact`);
    if (s.script === 'emoji') {
      await shot(clerk.page, '41-console-name-at-limit-emoji');
      await assertAccessible(clerk.page, 'console with names at the limit');
    }
    await page().getByRole('button', { name: 'Warteraum verlassen' }).click();
    await page().getByRole('button', { name: 'Ja, Warteraum verlassen' }).click();
    await page().getByText('Sie haben den Warteraum verlassen.').waitFor({ timeout: 10000 });
    await until(async () => !(await clerk.page.locator('#queue-panel td.person .name').allTextContents()).includes(s.name),
      { what: 'the ticket gone from the console' });
  }
});

step('one character over is refused in the browser, next to the field, before anything is sent', async () => {
  await toDeviceCheck();
  const name = page().getByLabel('Ihr Name (freiwillig)');
  const concern = page().getByLabel('Ihr Anliegen (freiwillig)');
  const before = await joins();
  for (const s of SCRIPTS) {
    await name.fill(s.nameOver);
    await concern.fill(s.concern);
    await page().getByText(`${NAME + 1} / ${NAME} Zeichen – 1 zu viel`).waitFor();
    await page().getByRole('button', { name: 'Jetzt Warteraum betreten' }).click();
    await assertRefused(name, `Ihr Name ist zu lang: höchstens ${NAME} Zeichen.`);
    if (s.script === 'Arabic') {
      await shot(page(), '42-device-name-one-over-arabic');
      await assertAccessible(page(), 'device check with a name one over');
    }
    await name.fill(s.name);
    await concern.fill(s.concernOver);
    await page().getByRole('button', { name: 'Jetzt Warteraum betreten' }).click();
    await assertRefused(concern, `Ihr Anliegen ist zu lang: höchstens ${CONCERN} Zeichen.`);
    // the name's error went away once the name was fine again
    assert.equal(await name.getAttribute('aria-invalid'), null);
  }
  // both over: both refused, each next to its field, the focus on the first
  await name.fill(SCRIPTS[0].nameOver);
  await page().getByRole('button', { name: 'Jetzt Warteraum betreten' }).click();
  await assertRefused(name, `Ihr Name ist zu lang: höchstens ${NAME} Zeichen.`);
  assert.equal(await concern.getAttribute('aria-invalid'), 'true');
  // a control character (a tab pasted into the name) is refused the same way
  await concern.fill('');
  await name.fill('Erika\tMuster');
  await page().getByRole('button', { name: 'Jetzt Warteraum betreten' }).click();
  await assertRefused(name, 'Ihr Name enthält ein unsichtbares Sonderzeichen');
  // in English: the same refusal in the citizen's language
  await chooseLanguage(page(), 'English');
  const nameEn = page().getByLabel('Your name (optional)');
  await nameEn.fill(SCRIPTS[3].nameOver);
  await page().getByText(`${NAME + 1} / ${NAME} characters – 1 too many`).waitFor();
  await page().getByRole('button', { name: 'Enter the waiting room now' }).click();
  await assertRefused(nameEn, `Your name is too long: at most ${NAME} characters.`);
  await assertAccessible(page(), 'device check with a name one over (English)');
  assert.equal(await widgetView(page()), 'device');
  assert.equal(await joins(), before, 'no join was sent');
  await chooseLanguage(page(), 'Deutsch');
  await page().getByRole('button', { name: 'Zurück' }).click();
});

async function openBooking() {
  await page().getByRole('button', { name: `Termin buchen – ${stack.office.name}` }).click();
  await page().getByRole('heading', { name: `Termin buchen: ${stack.office.name}` }).waitFor();
  const slot = page().locator('.slot-choice label').first();
  await slot.waitFor({ timeout: 15000 });
  await slot.click();
}

// An e-mail address of exactly n characters the service accepts (local part ≤ 64).
function email(n) {
  const domain = '.example.de';
  return `${'a'.repeat(64)}@${'b'.repeat(n - 65 - domain.length)}${domain}`;
}

step('booking: names and concerns at the limit are booked intact', async () => {
  for (const s of SCRIPTS) {
    await openBooking();
    await page().getByLabel('Ihr Name').fill(s.name);
    if (s.script === 'Ukrainian') await page().getByLabel('E-Mail oder Telefon').fill(email(LIMITS.contact));
    await page().getByLabel('Ihr Anliegen (freiwillig)').fill(s.concern);
    await page().getByRole('button', { name: 'Termin verbindlich buchen' }).click();
    await page().getByRole('heading', { name: 'Ihr Video-Termin ist gebucht' }).waitFor({ timeout: 15000 });
    const code = (await page().locator('.code').textContent()).trim();
    const got = await stack.svc.http('GET', `/api/v1/appointments/${code}`);
    assert.equal(got.status, 200, JSON.stringify(got.body));
    assert.equal(got.body.name, s.name, `${s.script} name booked intact`);
    assert.equal(got.body.concern, s.concern, `${s.script} concern booked intact`);
    await page().getByRole('button', { name: 'Zur Übersicht' }).click();
  }
});

step('booking: one character over is refused next to its field, the focus on it', async () => {
  await openBooking();
  const name = page().getByLabel('Ihr Name');
  const contact = page().getByLabel('E-Mail oder Telefon');
  const concern = page().getByLabel('Ihr Anliegen (freiwillig)');
  const submit = page().getByRole('button', { name: 'Termin verbindlich buchen' });
  for (const s of SCRIPTS) {
    await name.fill(s.nameOver);
    await concern.fill(s.concern);
    await submit.click();
    await assertRefused(name, `Ihr Name ist zu lang: höchstens ${NAME} Zeichen.`);
    await name.fill(s.name);
    await concern.fill(s.concernOver);
    await submit.click();
    await assertRefused(concern, `Ihr Anliegen ist zu lang: höchstens ${CONCERN} Zeichen.`);
  }
  await concern.fill('');
  await contact.fill(email(LIMITS.contact + 1));
  await submit.click();
  await assertRefused(contact, `Ihre E-Mail-Adresse oder Telefonnummer ist zu lang: höchstens ${LIMITS.contact} Zeichen.`);
  await shot(page(), '43-booking-contact-one-over');
  await assertAccessible(page(), 'booking with a field refused');
  assert.equal(await page().getByRole('heading', { name: 'Ihr Video-Termin ist gebucht' }).count(), 0);
  assert.deepEqual([...citizen.errors, ...clerk.errors], []);
});
