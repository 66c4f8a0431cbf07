// The administration pages in a real browser, as a county admin uses them: sign in through the
// console, follow "Verwaltung", create an office and a clerk with the keyboard, see a refused
// value named at its field, close an office for a while and see the citizen's widget say so with
// the admin's message, read the audit log; axe-core at zero violations in every state and no
// horizontal scrolling of the page at 320 px.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './helpers/stack.mjs';
import { launchParty } from './helpers/browser.mjs';
import { step, watchParties, shot, assertAccessible, until, focused, tabTo, widgetUrl, clerkLogin } from './helpers/flows.mjs';
import { addClerk } from '../lib/queue.mjs';

let stack, admin, citizen, password;

before(async () => {
  stack = await startStack({ name: 'admin' });
  password = addClerk(stack.queue.url, 'chefin', { name: 'Frau Chefin', role: 'admin' });
  admin = await launchParty(stack.dir, 'admin', [40, 70, 210], { width: 1280 });
  citizen = await launchParty(stack.dir, 'citizen', [210, 40, 40]);
  watchParties(admin, citizen);
});

after(async () => {
  for (const p of [admin, citizen]) if (p) await p.browser.close().catch(() => {});
  if (stack) await stack.stop();
});

const page = () => admin.page;

step('an admin signs in at the console and finds the administration', async () => {
  await clerkLogin(page(), stack, 'chefin', password);
  await page().getByRole('link', { name: 'Verwaltung' }).click();
  await page().getByRole('heading', { name: 'Ämter', level: 2 }).waitFor();
  await page().getByRole('row', { name: /Amt kfz/ }).waitFor();
  await assertAccessible(page(), 'admin offices list');
});

step('a plain clerk is refused', async () => {
  const ctx = await admin.browser.newContext();
  const p = await ctx.newPage();
  await clerkLogin(p, stack, stack.clerk.login, stack.clerk.password);
  await p.goto(`${stack.httpUrl}/console/admin.html`);
  await p.getByText('Die Verwaltung ist nur für Administratorinnen und Administratoren.').waitFor();
  await ctx.close();
});

step('create an office with the keyboard only', async () => {
  await page().locator('#app').focus();
  await tabTo(page(), (f) => f.text === 'Neues Amt anlegen', '"Neues Amt anlegen"');
  await page().keyboard.press('Enter');
  await page().getByRole('heading', { name: 'Neues Amt anlegen' }).waitFor();
  await assertAccessible(page(), 'admin office form');
  const type = async (id, text) => {
    await tabTo(page(), (f) => f.id === id, id);
    await page().keyboard.press('Control+A');
    await page().keyboard.type(text);
  };
  await type('ao-id', 'buergeramt');
  await type('ao-name_de', 'Bürgeramt Süd');
  await type('ao-name_en', 'Citizens office south');
  await type('ao-ticket_prefix', 'ba');   // lower case: the server refuses it and names the field
  await type('ao-sort_order', '-1');
  await type('ao-hours', 'daily 00:00-24:00');
  await tabTo(page(), (f) => f.text === 'Anlegen', 'Anlegen');
  await page().keyboard.press('Enter');
  const alert = page().locator('#ao-error');
  await until(async () => /Präfix der Wartenummern/.test(await alert.textContent()), { what: 'the refused prefix named' });
  const f = await focused(page());
  assert.equal(f.id, 'ao-ticket_prefix', 'focus on the field that was refused');
  assert.equal(await page().locator('#ao-ticket_prefix').getAttribute('aria-invalid'), 'true');
  await assertAccessible(page(), 'admin office form with an error');
  await page().keyboard.press('Control+A');
  await page().keyboard.type('BA');
  await page().keyboard.press('Enter');   // submits the form from the field
  await page().getByRole('row', { name: /Bürgeramt Süd/ }).waitFor();
  assert.equal(stack.sql("SELECT ticket_prefix || ' ' || sort_order FROM office WHERE id = 'buergeramt'"), 'BA -1');
  assert.equal((await focused(page())).id, 'ao-edit-buergeramt', 'focus back on the new office');
});

step('close kfz for a while: the citizen sees closed with the message', async () => {
  await page().locator('#ao-edit-kfz').click();
  const tomorrow = new Date(Date.now() + 86400e3);
  const p = (n) => String(n).padStart(2, '0');
  const local = `${tomorrow.getFullYear()}-${p(tomorrow.getMonth() + 1)}-${p(tomorrow.getDate())}T${p(tomorrow.getHours())}:${p(tomorrow.getMinutes())}`;
  await page().getByLabel('Geschlossen bis').fill(local);
  await page().getByLabel('Hinweis für Bürgerinnen und Bürger (Deutsch)').fill('Wegen eines Wasserschadens geschlossen.');
  await page().getByRole('button', { name: 'Speichern' }).click();
  await page().getByRole('row', { name: /Amt kfz.*geschlossen bis/ }).waitFor();
  await citizen.page.goto(widgetUrl(stack));
  const card = citizen.page.locator('bb-offices').locator('li.office', { hasText: 'Amt kfz' });
  await card.getByText('Vorübergehend geschlossen.').waitFor({ timeout: 15000 });
  await card.getByText('Wegen eines Wasserschadens geschlossen.').waitFor();
  await shot(citizen.page, 'admin-closure-citizen');
  // the order the admin gave: Bürgeramt (-1) before Amt kfz (0) although "Amt" sorts first
  const names = await citizen.page.locator('bb-offices').locator('li.office h3').allTextContents();
  assert.deepEqual(names, ['Bürgeramt Süd', 'Amt kfz']);
});

step('create a supervisor; the password is shown once and works', async () => {
  await page().getByRole('link', { name: 'Mitarbeitende' }).click();
  await page().getByRole('button', { name: 'Neue Person anlegen' }).click();
  await page().getByLabel('Benutzername').fill('yilmaz');
  await page().getByLabel('Name (sehen Bürgerinnen und Bürger)').fill('Ayşe Yılmaz');
  await page().getByLabel('Rolle').selectOption('supervisor');
  await page().getByLabel('Bürgeramt Süd').check();
  await assertAccessible(page(), 'admin clerk form');
  await page().getByRole('button', { name: 'Anlegen' }).click();
  const box = page().locator('#ac-password');
  await box.waitFor();
  assert.equal((await focused(page())).id, 'ac-password', 'focus on the one-time password');
  const pw = (await box.locator('code').textContent()).trim();
  assert.equal(pw.length, 16);
  const r = await stack.svc.http('POST', '/api/v1/clerk/login', { body: { login: 'yilmaz', password: pw } });
  assert.equal(r.status, 200);
  assert.equal(r.body.clerk.role, 'supervisor');
  assert.deepEqual(r.body.clerk.offices, ['buergeramt']);
  await page().getByRole('row', { name: /yilmaz/ }).waitFor();
  await assertAccessible(page(), 'admin clerks list with password');
});

step('the audit log shows who did what', async () => {
  await page().getByRole('link', { name: 'Protokoll' }).click();
  await page().getByRole('heading', { name: 'Protokoll' }).waitFor();
  await page().getByRole('row', { name: /chefin Konto angelegt yilmaz/ }).waitFor();
  const rows = await page().locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent).join(' | ')));
  assert.ok(rows.some((x) => /chefin \| Amt angelegt \| buergeramt/.test(x)), rows.join('\n'));
  assert.ok(rows.some((x) => /chefin \| Amt geändert \| kfz \| .*Wasserschaden/.test(x)), rows.join('\n'));
  assert.ok(!rows.some((x) => x.includes(stack.clerk.password)), 'no password in the log');
  assert.ok(rows.some((x) => /cli:\S+ \| Konto angelegt \| mueller/.test(x)), 'operator commands appear as cli:<user>');
  await page().getByLabel('Aktion').selectOption('clerk.create');
  await page().getByLabel('Wer (Benutzername)').fill('chefin');
  await page().getByRole('button', { name: 'Anzeigen' }).click();
  await until(async () => (await page().locator('tbody tr').count()) === 1, { what: 'one clerk.create entry of chefin' });
  await assertAccessible(page(), 'admin audit log');
});

step('at 320 px the pages do not scroll sideways', async () => {
  await page().setViewportSize({ width: 320, height: 640 });
  for (const section of ['offices', 'clerks', 'audit']) {
    await page().goto(`${stack.httpUrl}/console/admin.html#${section}`);
    await page().locator('h2').first().waitFor();
    await page().waitForLoadState('networkidle');
    const width = await page().evaluate(() => document.documentElement.scrollWidth);
    // on failure: the elements that stick out, to know what to fix
    const wide = width <= 320 ? [] : await page().evaluate(() => [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > 321).slice(0, 8)
      .map((e) => `${e.tagName.toLowerCase()}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}px`));
    assert.ok(width <= 320, `${section}: page is ${width} px wide: ${wide.join(', ')}`);
    await shot(page(), `admin-320-${section}`);
  }
  await page().locator('#ao-edit-kfz').waitFor().catch(() => {});
  assert.deepEqual(admin.errors, [], 'no script errors');
});
