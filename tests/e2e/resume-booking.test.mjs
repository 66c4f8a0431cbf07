// Keeping and losing the place (reload, Janus restart, grace period) and appointments (booking at
// a closed office with code and .ics; check-in with the code goes ahead of walk-ins) in browsers.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './helpers/stack.mjs';
import { launchParty } from './helpers/browser.mjs';
import { startJanus } from '../lib/janus.mjs';
import { clerkOnline, waitOffice, SECRET } from '../lib/queue.mjs';
import { step, watchParties, shot, assertAccessible, widgetUrl, widgetView, clerkLogin } from './helpers/flows.mjs';

let stack, walkIn, holder, booked;

before(async () => {
  stack = await startStack({
    name: 'resume',
    // fs: short grace period; abh: nobody serves it, so it stays closed and offers appointments
    offices: [{ id: 'fs', prefix: 'FS', grace: 5 }, { id: 'abh', prefix: 'ABH', served: false }],
    // check-in opens a day ahead, so a slot two hours away (the default lead time) can check in now
    env: { BB_CHECKIN_BEFORE_S: '86400' }
  });
  const setup = await stack.svc.internal('e2e-setup');
  await clerkOnline(stack.svc, setup, 'mueller', stack.clerk.password);
  await setup.close();
  await waitOffice(stack.svc, 'kfz', (o) => o.status === 'open');
  walkIn = await launchParty(stack.dir, 'walkin', [200, 60, 60]);
  holder = await launchParty(stack.dir, 'holder', [60, 60, 200]);
  watchParties(walkIn, holder);
});

after(async () => {
  for (const p of [walkIn, holder]) if (p) await p.browser.close().catch(() => {});
  if (stack) await stack.stop();
});

async function join(page, officeName) {
  await page.getByRole('button', { name: `Warteraum betreten – ${officeName}` }).click();
  await page.getByText('Alles bereit.').waitFor({ timeout: 15000 });
  await page.getByRole('button', { name: 'Jetzt Warteraum betreten' }).click();
  await page.locator('.ticket-number', { hasText: /-/ }).waitFor({ timeout: 20000 });
  return (await page.locator('.ticket-number').textContent()).trim();
}

step('a reload keeps the ticket and the citizen is told so', async () => {
  const page = walkIn.page;
  await page.goto(widgetUrl(stack));
  const number = await join(page, 'Amt kfz');
  await page.getByText('Sie sind als Nächste/r dran.').waitFor({ timeout: 15000 });
  await page.reload();
  await page.getByText('Willkommen zurück – Sie haben Ihren Platz behalten.').waitFor({ timeout: 20000 });
  assert.equal((await page.locator('.ticket-number').textContent()).trim(), number);
  await page.getByText('Sie sind als Nächste/r dran.').waitFor({ timeout: 15000 });
  await shot(page, '20-reload-resumed');
});

step('a network drop (Janus restarts) reconnects and keeps the place', async () => {
  const page = walkIn.page;
  const number = (await page.locator('.ticket-number').textContent()).trim();
  const port = stack.janus.wsPort;
  await stack.janus.stop();
  await page.getByText('Verbindung unterbrochen. Wir verbinden Sie neu – Ihr Platz bleibt erhalten.').waitFor({ timeout: 20000 });
  await shot(page, '21-reconnecting');
  stack.janus = await startJanus(`${stack.dir}/janus2`, {
    wsPort: port, queueUrl: `ws://127.0.0.1:${stack.svc.internalPort}/internal/v1`, secret: SECRET,
    natInterface: process.env.BB_NETNS_ADDR
  });
  await page.getByText('Wieder verbunden – Sie haben Ihren Platz behalten.').waitFor({ timeout: 30000 });
  assert.equal((await page.locator('.ticket-number').textContent()).trim(), number);
  await page.getByText('Sie sind als Nächste/r dran.').waitFor({ timeout: 15000 });
  await shot(page, '22-reconnected');
});

step('a citizen gone longer than the grace period loses the ticket', async () => {
  const page = holder.page;
  await page.goto(widgetUrl(stack));
  await join(page, 'Amt fs');
  await page.goto('about:blank');
  await new Promise((r) => setTimeout(r, 10000)); // grace 5 s plus the janitor's interval
  await page.goto(widgetUrl(stack));
  await page.getByText('Ihre Wartenummer ist leider verfallen.').waitFor({ timeout: 20000 });
  assert.equal(await widgetView(page), 'offices');
  await shot(page, '23-expired');
});

step('a closed office offers slots inline; booking gives a code and an .ics', async () => {
  const page = holder.page;
  const card = page.locator('li.office', { hasText: 'Amt abh' });
  await card.getByText('Geschlossen').waitFor({ timeout: 15000 });
  const slot = card.locator('button.slot').first();
  await slot.waitFor({ timeout: 15000 });
  await shot(page, '24-closed-with-slots');
  await assertAccessible(page, 'office list with inline slots');
  await slot.click();
  await page.getByRole('heading', { name: 'Termin buchen: Amt abh' }).waitFor();
  await page.locator('.slot-choice input:checked').waitFor({ state: 'attached', timeout: 15000 });
  await assertAccessible(page, 'booking form');
  await page.getByLabel('Ihr Name').fill('Erika Mustermann');
  await page.getByLabel('Ihr Anliegen (freiwillig)').fill('Aufenthaltstitel verlängern');
  await page.getByRole('button', { name: 'Termin verbindlich buchen' }).click();
  await page.getByRole('heading', { name: 'Ihr Video-Termin ist gebucht' }).waitFor({ timeout: 15000 });
  const code = (await page.locator('.code').textContent()).trim();
  assert.match(code, /^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
  // a video appointment, and when check-in opens (15 minutes before, per the service's default)
  await page.getByText('Das Gespräch findet per Video statt – Sie müssen nicht ins Amt kommen.').waitFor();
  await page.getByText(/^Der Check-in im Warteraum öffnet .+ um \d\d:\d\d Uhr und ist bis \d\d:\d\d Uhr möglich\.$/).waitFor();
  const ics = await page.getByRole('link', { name: 'Termin in den Kalender übernehmen (.ics)' }).evaluate(async (a) => (await fetch(a.href)).text());
  assert.match(ics, /^BEGIN:VCALENDAR/);
  assert.match(ics, new RegExp(code.replace('-', '-?')));
  assert.match(ics, /\r\nSUMMARY:Video-Termin/);
  assert.match(ics, /\r\nLOCATION:Online \(Video\) – Amt abh\r\n/);
  await shot(page, '25-booked');
  await assertAccessible(page, 'booking confirmation');
});

step('checking in with a code puts the appointment ahead of the walk-in', async () => {
  // book the next free kfz slot over REST (the booking UI was shown above)
  const slots = await stack.svc.http('GET', '/api/v1/offices/kfz/slots');
  assert.equal(slots.status, 200);
  assert.ok(slots.body.slots.length > 0, 'kfz offers a slot');
  booked = await stack.svc.http('POST', '/api/v1/appointments', {
    body: { office: 'kfz', start: slots.body.slots[0].start, name: 'Termin Kunde' }
  });
  assert.ok(booked.status === 200 || booked.status === 201, JSON.stringify(booked.body));
  const page = holder.page;
  await page.goto(widgetUrl(stack));
  await page.getByRole('button', { name: 'Ich habe einen Termin' }).click();
  await page.getByLabel('Termin-Code').fill(booked.body.code.toLowerCase().replace('-', ' '));
  await assertAccessible(page, 'check-in');
  await page.getByRole('button', { name: 'Weiter zum Check-in' }).first().click();
  await page.locator('.checkin-result').getByRole('button', { name: 'Weiter zum Check-in' }).click();
  await page.getByText(/Check-in mit Termin-Code/).waitFor();
  await page.getByText('Alles bereit.').waitFor({ timeout: 15000 });
  await page.getByRole('button', { name: 'Jetzt Warteraum betreten' }).click();
  await page.getByText('Sie sind als Nächste/r dran.').waitFor({ timeout: 20000 });
  // the walk-in who came earlier moves back to place 2, live
  await walkIn.page.getByText('Vor Ihnen: 1 – Sie sind auf Platz 2.').waitFor({ timeout: 15000 });
  await shot(page, '26-checked-in-first');
  await shot(walkIn.page, '27-walkin-second');
  assert.deepEqual([...walkIn.errors, ...holder.errors], []);
});

step("the clerk console lists today's appointments", async () => {
  const clerk = await launchParty(stack.dir, 'clerk', [60, 200, 60], { width: 1280 });
  watchParties(clerk);
  try {
    await clerkLogin(clerk.page, stack, stack.clerk.login, stack.clerk.password);
    const panel = clerk.page.locator('#appointments-panel');
    const todayBerlin = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin' }).format(new Date());
    if (booked.body.local_date === todayBerlin) await panel.getByText('Termin Kunde').waitFor({ timeout: 10000 });
    else await panel.getByText('Heute keine Termine.').waitFor({ timeout: 10000 }); // slot is tomorrow
    await shot(clerk.page, '28-console-appointments');
    await assertAccessible(clerk.page, 'console with appointments');
  } finally {
    await clerk.browser.close();
  }
});
