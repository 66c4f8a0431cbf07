// A deaf citizen, a clerk and a sign-language interpreter complete a consultation in three real
// browsers: the clerk invites by one-time link from the console, the interpreter opens it
// (console/interpret.html, no account), each decodes both others' video (each its own colour) and
// audio, the interpreter's picture is pinned large in the widget at ≥ 640×480 and ≥ 25 fps, chat
// reaches all three, the interpreter leaves and the 1:1 goes on, comes back with a new link, and
// the clerk's hang-up ends it for all three.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startStack } from './helpers/stack.mjs';
import { launchParty } from './helpers/browser.mjs';
import { videoColour } from './helpers/media-stats.mjs';
import {
  step, watchParties, shot, assertAccessible, until, widgetUrl, widgetView, clerkLogin, near, widget, tabTo, focused
} from './helpers/flows.mjs';

const BLUE = [40, 70, 210];
const RED = [210, 40, 40];
const GREEN = [40, 170, 60];
let stack, clerk, citizen, interpreter;

before(async () => {
  stack = await startStack({ name: 'interpreter' });
  clerk = await launchParty(stack.dir, 'clerk', BLUE, { width: 1280 });
  citizen = await launchParty(stack.dir, 'citizen', RED);
  interpreter = await launchParty(stack.dir, 'interpreter', GREEN);
  watchParties(clerk, citizen, interpreter);
});

after(async () => {
  for (const p of [clerk, citizen, interpreter]) if (p) await p.browser.close().catch(() => {});
  if (stack) await stack.stop();
});

// Every receiving m-line of the page's live PeerConnection, by mid, in m-line order.
async function pairs(page) {
  return page.evaluate(async () => {
    const pc = (window.__bbPcs || []).filter((p) => p.connectionState !== 'closed').pop();
    if (!pc) return null;
    const byMid = {};
    (await pc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      byMid[s.mid] = s.kind === 'video'
        ? { kind: 'video', frames: s.framesDecoded || 0, width: s.frameWidth || 0, height: s.frameHeight || 0, fps: s.framesPerSecond || 0 }
        : { kind: 'audio', samples: s.totalSamplesReceived || 0 };
    });
    const out = { video: [], audio: [] };
    for (const tr of pc.getTransceivers()) {
      const kind = tr.receiver.track && tr.receiver.track.kind;
      if (kind && byMid[tr.mid]) out[kind].push(byMid[tr.mid]);
      else if (kind) out[kind].push(null);
    }
    return out;
  });
}

// Both pairs decode video and audio, each beyond the given counts.
async function decodesBoth(party, after = { video: [0, 0], audio: [0, 0] }) {
  return until(async () => {
    const p = await pairs(party.page);
    const ok = p && [0, 1].every((i) => p.video[i] && p.video[i].frames > after.video[i] && p.audio[i] && p.audio[i].samples > after.audio[i]);
    return ok ? p : null;
  }, { timeout: 30000, what: `${party.name} decoding video and audio of both others` });
}

const counts = (p) => ({ video: p.video.map((v) => (v ? v.frames : 0)), audio: p.audio.map((a) => (a ? a.samples : 0)) });

async function colour(page, selector, expected, what, shadowHost = null) {
  await until(async () => near(await videoColour(page, selector, shadowHost), expected), { timeout: 30000, what });
}

const callNext = () => clerk.page.getByRole('button', { name: 'Nächste Person aufrufen' });

// Chat from one party (a widget or a console page) until each of the others shows the line.
async function chat(from, to, text) {
  const root = from === citizen ? widget(from.page) : from.page;
  const field = root.getByLabel('Nachricht schreiben');
  await field.fill(text);
  await field.press('Enter');
  for (const p of to) {
    const r = p === citizen ? widget(p.page) : p.page;
    await r.locator('.chat-log li', { hasText: text }).waitFor({ timeout: 15000 });
  }
}

// Keyboard only: Tab to "Dolmetschung einladen", Enter; the link field gets the focus, selected.
async function inviteLink() {
  await clerk.page.locator('#call-h').focus();
  await tabTo(clerk.page, (f) => f.text === 'Dolmetschung einladen', '"Dolmetschung einladen"');
  await clerk.page.keyboard.press('Enter');
  const field = clerk.page.locator('#interpreter-link');
  await until(async () => (await field.inputValue()).includes('#invite='), { what: 'the invitation link' });
  await until(async () => (await focused(clerk.page))?.id === 'interpreter-link', { what: 'focus on the link' });
  return field.inputValue();
}

step('a deaf citizen asks for a sign-language interpreter when joining; the clerk sees it and calls', async () => {
  await clerkLogin(clerk.page, stack, stack.clerk.login, stack.clerk.password);
  await citizen.page.goto(widgetUrl(stack));
  await citizen.page.getByRole('button', { name: `Warteraum betreten – ${stack.office.name}` }).click();
  await citizen.page.getByText('Alles bereit.').waitFor({ timeout: 15000 });
  await citizen.page.getByLabel('Ihr Name (freiwillig)').fill('Erika');
  await widget(citizen.page).getByLabel('Ich benötige eine Gebärdensprachdolmetschung').check();
  await citizen.page.getByRole('button', { name: 'Jetzt Warteraum betreten' }).click();
  await citizen.page.locator('.ticket-number', { hasText: /-/ }).waitFor({ timeout: 20000 });
  await clerk.page.locator('#queue-panel').getByText('Erika').waitFor({ timeout: 15000 });
  const badge = clerk.page.locator('#queue-panel tr', { hasText: 'Erika' }).locator('.needs-interpreter');
  await badge.waitFor({ timeout: 15000 });
  assert.equal(await badge.locator('.sr-only').textContent(), 'braucht eine Gebärdensprachdolmetschung');
  await assertAccessible(clerk.page, 'console queue with a citizen asking for an interpreter');
  await callNext().click();
  await citizen.page.getByRole('heading', { name: /^Gespräch mit / }).waitFor({ timeout: 20000 });
  await colour(citizen.page, 'video.remote', BLUE, 'citizen sees the clerk', 'bb-offices');
  await colour(clerk.page, '#citizen-video', RED, 'clerk sees the citizen');
  await clerk.page.locator('#call-panel .needs-interpreter').waitFor({ timeout: 15000 });
});

step('the clerk invites by one-time link; the interpreter opens it and all three see and hear each other', async () => {
  const link = await inviteLink();
  assert.match(link, /\/console\/interpret\.html#invite=[A-Za-z0-9_-]{32}$/);
  await assertAccessible(clerk.page, 'console with an invitation link');
  await interpreter.page.goto(link);
  await interpreter.page.locator('#interp-status', { hasText: /^Sie dolmetschen im Gespräch KFZ-\d+ mit / }).waitFor({ timeout: 20000 });
  await clerk.page.locator('#interpreter-state', { hasText: 'ist dem Gespräch beigetreten' }).waitFor({ timeout: 15000 });
  await widget(citizen.page).getByText('ist dem Gespräch beigetreten').waitFor({ timeout: 15000 });
  // each its own colour, where it belongs
  await colour(interpreter.page, '#clerk-video', BLUE, 'interpreter sees the clerk');
  await colour(interpreter.page, '#citizen-video', RED, 'interpreter sees the citizen');
  await colour(clerk.page, '#interpreter-video', GREEN, 'clerk sees the interpreter');
  await colour(clerk.page, '#citizen-video', RED, 'clerk still sees the citizen');
  await colour(citizen.page, 'video.interpreter', GREEN, 'citizen sees the interpreter', 'bb-offices');
  await colour(citizen.page, 'video.remote', BLUE, 'citizen still sees the clerk', 'bb-offices');
  for (const p of [citizen, clerk, interpreter]) await decodesBoth(p);
  // pinned large for the deaf citizen: the interpreter's picture is the widest on the stage
  const sizes = await citizen.page.evaluate(() => {
    const root = document.querySelector('bb-offices').shadowRoot;
    return ['video.interpreter', 'video.remote'].map((s) => root.querySelector(s).getBoundingClientRect().width);
  });
  assert.ok(sizes[0] > sizes[1] * 1.5, `the interpreter's picture is pinned large (${sizes})`);
  await shot(citizen.page, '60-citizen-with-interpreter');
  await shot(clerk.page, '61-clerk-with-interpreter');
  await shot(interpreter.page, '62-interpreter');
  await assertAccessible(interpreter.page, 'interpreter page in a consultation');
  // the link works once: opened again it says so
  const again = await interpreter.context.newPage();
  await again.goto(link);
  await again.locator('#interp-status', { hasText: 'Die Einladung zum Dolmetschen gilt nicht mehr' }).waitFor({ timeout: 20000 });
  await assertAccessible(again, 'interpreter page with a used link');
  await again.close();
  await assertAccessible(citizen.page, 'widget with an interpreter');
  await assertAccessible(clerk.page, 'console with an interpreter');
});

step('sign language: the citizen gets the interpreter\'s video at ≥ 640×480 and ≥ 25 fps', async () => {
  const v = await until(async () => {
    const p = await pairs(citizen.page);
    const x = p && p.video[1];
    return x && x.width >= 640 && x.height >= 480 && x.fps >= 25 ? x : null;
  }, { timeout: 30000, what: 'the interpreter\'s video at the citizen at 640×480, 25 fps or more' });
  assert.ok(v.width >= 640 && v.height >= 480 && v.fps >= 25, JSON.stringify(v));
});

step('chat reaches all three', async () => {
  await chat(citizen, [clerk, interpreter], 'Guten Tag, ich bin gehörlos.');
  await chat(clerk, [citizen, interpreter], 'Willkommen, wie kann ich helfen?');
  await chat(interpreter, [citizen, clerk], 'Ich dolmetsche in DGS.');
  // each line says who wrote it: the plugin names the sender where the interpreter takes part
  const said = async (party, text) => {
    const root = party === citizen ? widget(party.page) : party.page;
    return (await root.locator('.chat-log li', { hasText: text }).first().textContent()).trim();
  };
  assert.equal(await said(interpreter, 'Guten Tag'), 'Bürgerin / Bürger: Guten Tag, ich bin gehörlos.');
  assert.equal(await said(interpreter, 'Willkommen'), 'Sachbearbeitung: Willkommen, wie kann ich helfen?');
  assert.equal(await said(clerk, 'Ich dolmetsche'), 'Dolmetschung: Ich dolmetsche in DGS.');
  assert.equal(await said(clerk, 'Guten Tag'), 'Erika: Guten Tag, ich bin gehörlos.');
  assert.equal(await said(citizen, 'Ich dolmetsche'), 'Dolmetschung: Ich dolmetsche in DGS.');
  assert.match(await said(citizen, 'Willkommen'), /^Frau Müller: Willkommen/);
});

step('the interpreter leaves: clerk and citizen hear so, the 1:1 goes on', async () => {
  await interpreter.page.getByRole('button', { name: 'Gespräch verlassen' }).click();
  await interpreter.page.locator('#interp-status', { hasText: 'Sie haben das Gespräch verlassen.' }).waitFor({ timeout: 15000 });
  await clerk.page.locator('#interpreter-state', { hasText: 'hat das Gespräch verlassen' }).waitFor({ timeout: 15000 });
  await widget(citizen.page).getByText('hat das Gespräch verlassen').waitFor({ timeout: 15000 });
  assert.equal(await widget(citizen.page).locator('video.interpreter').isHidden(), true);
  for (const p of [citizen, clerk]) {
    const now = counts(await pairs(p.page));
    await until(async () => {
      const x = await pairs(p.page);
      return x && x.video[0] && x.video[0].frames > now.video[0] + 30 && x.audio[0].samples > now.audio[0];
    }, { timeout: 30000, what: `${p.name} keeps decoding after the interpreter left` });
  }
  await chat(citizen, [clerk], 'Danke, weiter zu zweit.');
});

step('a new link brings the interpreter back; the clerk hangs up and all three see the end', async () => {
  const link = await inviteLink();
  await interpreter.page.goto(link);
  await interpreter.page.locator('#interp-status', { hasText: /^Sie dolmetschen im Gespräch/ }).waitFor({ timeout: 20000 });
  await colour(citizen.page, 'video.interpreter', GREEN, 'citizen sees the interpreter again', 'bb-offices');
  await colour(interpreter.page, '#citizen-video', RED, 'interpreter sees the citizen again');
  await clerk.page.getByRole('button', { name: 'Auflegen' }).click();
  await interpreter.page.locator('#interp-status', { hasText: 'Die Sachbearbeitung hat das Gespräch beendet.' }).waitFor({ timeout: 15000 });
  await until(async () => (await widgetView(citizen.page)) !== 'call', { timeout: 15000, what: 'the citizen\'s call view ends' });
  await clerk.page.locator('#console-status', { hasText: 'Sie haben aufgelegt.' }).waitFor({ timeout: 15000 });
  await assertAccessible(interpreter.page, 'interpreter page after the end');
  await clerk.page.getByRole('button', { name: 'Abschließen' }).click();
  await clerk.page.locator('#console-status', { hasText: 'Abgeschlossen.' }).waitFor({ timeout: 10000 });
  assert.deepEqual([...clerk.errors, ...citizen.errors, ...interpreter.errors], []);
  // the statistics count it as a consultation with interpreter
  assert.equal(stack.sql("SELECT needs_interpreter::text || ' ' || interpreted::text FROM ticket WHERE name = 'Erika'"), 'true true');
});
