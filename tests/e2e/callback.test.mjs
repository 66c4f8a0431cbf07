// "Leave and be called back" in real browsers (docs/web-client.md "Callback by e-mail"): a citizen
// waits, leaves an e-mail address and closes the page; the clerk serves the people ahead; the
// "almost your turn" mail arrives in a local SMTP server (aiosmtpd); its link, opened in a fresh
// browser (no stored state), resumes the ticket; the clerk calls from the console and the
// consultation starts with media; afterwards the address is gone from the database.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './helpers/stack.mjs';
import { launchParty } from './helpers/browser.mjs';
import { clerkOnline, waitOffice } from '../lib/queue.mjs';
import { MailSink } from '../lib/smtp.mjs';
import {
  step, watchParties, shot, assertAccessible, until, widgetUrl, widget, clerkLogin, waitForMedia, chooseLanguage
} from './helpers/flows.mjs';

const ADDRESS = 'erika.mustermann@example.org';

let stack, smtp, setup, token, citizen, returner, clerk;
let ticketId, number, ahead = [], link;

const mails = () => smtp.all()
  .filter((m) => m.to === ADDRESS);

/** One of the people ahead, served by the clerk over the internal API (no browser needed). */
async function serve(t) {
  const called = await setup.call('call_next', { session: token });
  assert.equal(called.ticket.id, t.ticket.id);
  await setup.call('accept', { ticket: t.ticket.id });
  await setup.call('finish', { session: token, ticket: t.ticket.id, outcome: 'served' });
}

before(async () => {
  smtp = await MailSink.start();
  stack = await startStack({
    name: 'callback',
    // a short grace period: the ticket must outlive it while its citizen is away
    office: { grace: 5 },
    env: { BB_SMTP_URL: smtp.url, BB_SMTP_FROM: 'wartezimmer@landkreis.example',
      BB_CHECKIN_URL: '{http_base}/', BB_CALLBACK_NOTIFY_POSITION: '1', BB_CALLBACK_HOLD_S: '600' }
  });
  setup = await stack.svc.internal('e2e-others');
  token = await clerkOnline(stack.svc, setup, 'mueller', stack.clerk.password);
  await waitOffice(stack.svc, 'kfz', (o) => o.status === 'open');
  citizen = await launchParty(stack.dir, 'citizen', [200, 60, 60]);
  watchParties(citizen);
});

after(async () => {
  for (const p of [citizen, returner, clerk]) if (p) await p.browser.close().catch(() => {});
  await setup?.close().catch(() => {});
  if (stack) await stack.stop();
  smtp?.stop();
});

step('a citizen waits behind two others, leaves an e-mail address and closes the page', async () => {
  for (const name of ['Vorne 1', 'Vorne 2']) ahead.push(await setup.call('join', { office: 'kfz', name }));
  const page = citizen.page;
  await page.goto(widgetUrl(stack));
  await page.getByRole('button', { name: `Warteraum betreten – ${stack.office.name}` }).click();
  await page.getByText('Alles bereit.').waitFor({ timeout: 15000 });
  await page.getByRole('button', { name: 'Jetzt Warteraum betreten' }).click();
  await page.getByText('Vor Ihnen: 2 – Sie sind auf Platz 3.').waitFor({ timeout: 20000 });
  number = (await page.locator('.ticket-number').textContent()).trim();
  ticketId = stack.sql(`SELECT id FROM ticket WHERE number = '${number}'`);

  // keyboard: the disclosure opens with Enter, the address is typed, Enter sends the form
  const summary = widget(page).getByText('Per E-Mail benachrichtigen');
  await summary.focus();
  await page.keyboard.press('Enter');
  await page.getByText(/nutzen wir nur für diese Wartenummer und löschen sie mit ihr/).waitFor();
  await page.getByLabel('Ihre E-Mail-Adresse').fill('keine-adresse');
  await page.keyboard.press('Enter');
  await page.getByText('An diese Adresse können wir nicht schreiben. Bitte prüfen Sie sie.').waitFor({ timeout: 10000 });
  await assertAccessible(page, 'callback form with an error');
  await page.getByLabel('Ihre E-Mail-Adresse').fill(ADDRESS);
  await page.keyboard.press('Enter');
  await page.getByRole('status').getByText(`Wir schreiben an ${ADDRESS}, sobald Sie auf Platz 2 sind. Sie können diese Seite jetzt schließen.`)
    .waitFor({ timeout: 10000 });
  await shot(page, 'callback-10-address-set');
  await assertAccessible(page, 'waiting room with a callback address');
  assert.equal(stack.sql(`SELECT callback_email FROM ticket WHERE id = ${ticketId}`), ADDRESS);
  await citizen.browser.close();
  // gone from Janus: the ticket is detached; far past the grace period it still waits
  await until(() => stack.sql(`SELECT detached_at IS NOT NULL FROM ticket WHERE id = ${ticketId}`) === 't',
    { what: 'ticket detached' });
  stack.sql(`UPDATE ticket SET detached_at = now() - interval '1 hour' WHERE id = ${ticketId}`);
  assert.deepEqual(citizen.errors, []);
});

step('the clerk sees the citizen away; the first one is served: the "almost your turn" mail arrives with a link', async () => {
  clerk = await launchParty(stack.dir, 'clerk', [60, 200, 60], { width: 1280 });
  watchParties(clerk);
  await clerkLogin(clerk.page, stack, stack.clerk.login, stack.clerk.password);
  const row = clerk.page.locator('#queue-panel tr', { hasText: number });
  await row.getByText('unterwegs – kommt per E-Mail-Link zurück').waitFor({ timeout: 15000 });
  await shot(clerk.page, 'callback-15-console-away');
  await assertAccessible(clerk.page, 'console with a citizen away');
  await serve(ahead[0]);
  const [mail] = await until(() => { const m = mails(); return m.length ? m : null; }, { timeout: 20000, what: 'the mail' });
  assert.equal(mail.subject, `Bald sind Sie dran: ${number}, Amt kfz`);
  assert.match(mail.text, /noch 1 vor Ihnen/);
  const m = new RegExp(`(${stack.httpUrl.replace(/[.]/g, '\\.')}/\\?office=kfz&resume=[0-9a-f]{64})`).exec(mail.text);
  assert.ok(m, `a link to the widget page: ${mail.text}`);
  link = m[1];
  assert.equal(stack.sql(`SELECT state FROM ticket WHERE id = ${ticketId}`), 'waiting', 'kept past the grace period');
});

step('the link opened in a fresh browser resumes the ticket', async () => {
  returner = await launchParty(stack.dir, 'returner', [200, 60, 60]);
  watchParties(returner);
  const page = returner.page;
  await page.goto(link);
  await page.getByText('Willkommen zurück – Sie haben Ihren Platz behalten.').waitFor({ timeout: 20000 });
  await page.getByRole('heading', { name: 'Warteraum: Amt kfz' }).waitFor({ timeout: 10000 });
  assert.equal((await page.locator('.ticket-number').textContent()).trim(), number);
  await page.getByText('Vor Ihnen: 1 – Sie sind auf Platz 2.').waitFor({ timeout: 15000 });
  assert.ok(!page.url().includes('resume='), 'the token is taken out of the address');
  await shot(page, 'callback-20-resumed');
  await assertAccessible(page, 'waiting room resumed from the mail');
  // right to left: the callback texts exist in Arabic and pass axe-core there too
  await chooseLanguage(page, 'العربية');
  await widget(page).getByText('أبلغني عبر البريد الإلكتروني').click();
  await page.getByLabel('عنوان بريدكم الإلكتروني').waitFor();
  await page.getByRole('button', { name: 'أحتاج إلى 5 دقائق أخرى' }).waitFor();
  await shot(page, 'callback-21-arabic');
  await assertAccessible(page, 'callback form in Arabic (rtl)');
  await chooseLanguage(page, 'Deutsch');
});

step('near the front, "5 more minutes" is used once; the clerk serves the other, then calls: the consultation starts', async () => {
  const page = returner.page;
  // nobody is behind: the ticket keeps its place, the citizen is told where it is, once
  await page.getByRole('button', { name: 'Ich brauche noch 5 Minuten' }).click({ timeout: 10000 });
  await page.getByRole('status').getByText('Kein Problem – Sie sind jetzt auf Platz 2.').waitFor({ timeout: 10000 });
  await page.getByRole('button', { name: 'Ich brauche noch 5 Minuten' }).waitFor({ state: 'hidden' });
  assert.equal(stack.sql(`SELECT snoozed_at IS NOT NULL FROM ticket WHERE id = ${ticketId}`), 't');
  await assertAccessible(page, 'waiting room after "5 more minutes"');
  await serve(ahead[1]);
  await page.getByText('Sie sind als Nächste/r dran.').waitFor({ timeout: 15000 });
  await clerk.page.locator('#queue-panel tr', { hasText: number }).getByText(/^unterwegs/).waitFor({ state: 'detached', timeout: 15000 });
  await clerk.page.getByRole('button', { name: 'Nächste Person aufrufen' }).click();
  await page.getByRole('heading', { name: /^Gespräch mit / }).waitFor({ timeout: 20000 });
  await waitForMedia(page, 'citizen');
  await waitForMedia(clerk.page, 'clerk');
  assert.equal(stack.sql(`SELECT state FROM ticket WHERE id = ${ticketId}`), 'in_consultation');
  await shot(page, 'callback-30-consultation');
});

step('the clerk finishes: the address is gone from the database', async () => {
  await clerk.page.getByRole('button', { name: 'Abschließen' }).click();
  await returner.page.getByRole('heading', { name: 'Vielen Dank!' }).waitFor({ timeout: 15000 });
  assert.equal(stack.sql(`SELECT state || '/' || (callback_email IS NULL) || '/' || (callback_token_hash IS NULL) FROM ticket WHERE id = ${ticketId}`),
    'done/true/true');
  assert.equal(stack.sql(`SELECT count(*) FROM ticket WHERE callback_email IS NOT NULL`), '0');
  assert.equal(mails().length, 1, 'exactly one mail');
  assert.ok(!stack.svc.log.includes(ADDRESS), 'the address is never logged');
  assert.deepEqual([...returner.errors, ...clerk.errors], []);
});
