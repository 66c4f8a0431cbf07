// The device check finds the usual problems, in real headless Chromium with fake devices: the
// camera, microphone and speaker lists, switching the camera re-opens the preview with that camera,
// the speaker's test tone plays (measured on its way out) and "no" shows what to check, the
// network check reports a path (the e2e stack configures no STUN/TURN, so host candidates only:
// "probably direct"), a browser that refuses the devices gets the steps for its family with the
// focus on them, a busy device its own steps. axe-core in every new state, in German and Arabic.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { startStack } from './helpers/stack.mjs';
import { CHROMIUM_ARGS, launchParty } from './helpers/browser.mjs';
import { clerkOnline, waitOffice } from '../lib/queue.mjs';
import { step, watchParties, shot, assertAccessible, until, widgetUrl, focused, clerkLogin } from './helpers/flows.mjs';
import { translator, CITIZEN_LANGUAGES } from '../../web-client/widget/i18n/index.js';

let stack;
const browsers = [];

// A browser of our own: two fake cameras (no y4m file, which would make it one), and the
// permission prompt either accepted (the fake UI) or refused.
async function openBrowser(name, { deny = false, grant = true, init = null, locale = 'de-DE' } = {}) {
  const args = CHROMIUM_ARGS.filter((a) => !a.startsWith('--use-fake-ui-for-media-stream')
    && !a.startsWith('--use-fake-device-for-media-stream'));
  args.push('--use-fake-device-for-media-stream=device-count=2', `--use-fake-ui-for-media-stream${deny ? '=deny' : ''}`);
  const browser = await chromium.launch({ executablePath: process.env.BB_CHROMIUM || '/usr/bin/chromium', args });
  browsers.push(browser);
  const context = await browser.newContext({ viewport: { width: 1024, height: 900 }, locale });
  if (grant) await context.grantPermissions(['camera', 'microphone']);
  if (init) await context.addInitScript(init);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const party = { browser, context, page, errors, name };
  watchParties(party);
  return party;
}

before(async () => {
  stack = await startStack({ name: 'device' });
  const setup = await stack.svc.internal('e2e-setup');
  await clerkOnline(stack.svc, setup, 'mueller', stack.clerk.password);
  await setup.close();
  await waitOffice(stack.svc, 'kfz', (o) => o.status === 'open');
});

after(async () => {
  for (const b of browsers) await b.close().catch(() => {});
  if (stack) await stack.stop();
});

const root = (page) => page.locator('bb-offices');
const inShadow = (page, fn, arg) => page.evaluate(([src, a]) => {
  const r = document.querySelector('bb-offices').shadowRoot;
  // eslint-disable-next-line no-new-func
  return new Function('r', 'a', src)(r, a);
}, [fn, arg]);

async function openDeviceCheck(page, lang) {
  const t = translator(lang, CITIZEN_LANGUAGES);
  await page.goto(widgetUrl(stack, `lang=${lang}`));
  await root(page).locator('li.office button.primary').first().click();
  await root(page).getByRole('heading', { name: t('device.title') }).waitFor();
  return t;
}

// The camera's and microphone's track settings of the preview.
const previewDevices = (page) => inShadow(page, `
  const s = r.querySelector('video.preview').srcObject;
  if (!s) return null;
  const v = s.getVideoTracks()[0], m = s.getAudioTracks()[0];
  return { video: v && v.readyState === 'live' ? v.getSettings().deviceId : null, audio: m ? m.getSettings().deviceId : null, id: s.id };`);

const options = (page, label) => root(page).getByLabel(label, { exact: true }).evaluate((s) =>
  [...s.options].map((o) => ({ value: o.value, label: o.textContent })));

let citizen;

step('German: the lists show the fake devices with names; choosing the other camera re-opens the preview with it', async () => {
  citizen = await openBrowser('citizen');
  const { page } = citizen;
  const t = await openDeviceCheck(page, 'de');
  await root(page).getByText(t('device.ok')).waitFor({ timeout: 15000 });
  const cameras = await options(page, t('device.camera'));
  const microphones = await options(page, t('device.microphone'));
  assert.equal(cameras.length, 2, `two fake cameras: ${JSON.stringify(cameras)}`);
  assert.ok(cameras.every((c) => c.value && /fake/i.test(c.label)), `camera names after permission: ${JSON.stringify(cameras)}`);
  assert.ok(microphones.length >= 1 && microphones.every((m) => /fake/i.test(m.label)), `microphones: ${JSON.stringify(microphones)}`);
  // Chromium can choose the output device: the speaker list is there (filled as far as the system has outputs)
  assert.equal(await root(page).getByLabel(t('device.speaker'), { exact: true }).count(), 1, 'speaker choice offered');
  assert.equal(await root(page).getByText(t('device.speakerFixed')).count(), 0);

  const first = await until(() => previewDevices(page), { what: 'preview' });
  const other = cameras.find((c) => c.value !== first.video);
  assert.ok(other, `a camera other than the preview's ${first.video}`);
  await root(page).getByLabel(t('device.camera'), { exact: true }).selectOption(other.value);
  const second = await until(async () => {
    const d = await previewDevices(page);
    return d && d.video === other.value ? d : null;
  }, { what: 'preview re-opened with the chosen camera' });
  assert.notEqual(second.id, first.id, 'a new stream');
  await root(page).getByText(t('device.ok')).waitFor();
  assert.equal(await root(page).getByLabel(t('device.camera'), { exact: true }).inputValue(), other.value, 'the choice stays selected');
  assert.deepEqual(citizen.errors, []);
});

step('German: the test tone plays, "no" shows what to check with the focus on it (keyboard only)', async () => {
  const { page } = citizen;
  const t = translator('de', CITIZEN_LANGUAGES);
  const tone = root(page).locator('section.speaker-test');
  await root(page).getByRole('button', { name: t('device.tone.play'), exact: true }).focus();
  await page.keyboard.press('Enter');
  await until(async () => (await tone.getAttribute('data-tone')) === 'played', { what: 'tone ended' });
  // the AnalyserNode on the way to the speaker saw the tone
  assert.ok(Number(await tone.getAttribute('data-peak')) > 0.1, `tone level ${await tone.getAttribute('data-peak')}`);
  await tone.getByText(t('device.tone.question')).waitFor();
  assert.equal((await focused(page)).text, t('device.tone.yes'), 'focus on the answer');
  await assertAccessible(page, 'tone played, question (de)');
  await page.keyboard.press('Tab');
  assert.equal((await focused(page)).text, t('device.tone.no'));
  await page.keyboard.press('Enter');
  await tone.getByRole('heading', { name: t('device.tone.helpTitle') }).waitFor();
  assert.equal((await focused(page)).text, t('device.tone.helpTitle'), 'focus on the help');
  const steps = await tone.locator('ol.steps li').allTextContents();
  assert.deepEqual(steps, t('device.tone.help').split('\n'));
  await shot(page, 'device-tone-help-de');
  await assertAccessible(page, 'tone not heard, help (de)');
  // played again and heard: the help goes, the good news is said
  await tone.getByRole('button', { name: t('device.tone.play'), exact: true }).click();
  await until(async () => (await tone.getAttribute('data-tone')) === 'played' && tone.getByText(t('device.tone.question')).isVisible(), { what: 'second tone' });
  await tone.getByRole('button', { name: t('device.tone.yes'), exact: true }).click();
  await tone.getByText(t('device.tone.good')).waitFor();
  assert.equal(await tone.locator('ol.steps').count(), 0);
});

step('German: the network check reports a path in words (no STUN/TURN in the test network: host candidates)', async () => {
  const { page } = citizen;
  const t = translator('de', CITIZEN_LANGUAGES);
  const net = root(page).locator('section.network-test');
  await net.getByRole('button', { name: t('device.net.check'), exact: true }).click();
  const result = await until(async () => (await net.getAttribute('data-result')) || null, { what: 'network result' });
  assert.ok(['local', 'direct'].includes(result), `path found in the test network: ${result}`);
  await net.getByText(t(`device.net.${result}`)).waitFor();
  assert.equal(await net.locator('ul.steps').isVisible(), false, 'no advice when a path exists');
  await assertAccessible(page, 'network checked (de)');
  assert.deepEqual(citizen.errors, []);
});

step('Arabic: right to left, the tone help and the network result, axe clean', async () => {
  const { page } = citizen;
  const t = await openDeviceCheck(page, 'ar');
  await root(page).getByText(t('device.ok')).waitFor({ timeout: 15000 });
  assert.equal(await root(page).locator('section.bb').getAttribute('dir'), 'rtl');
  await assertAccessible(page, 'device check (ar)');
  const tone = root(page).locator('section.speaker-test');
  await tone.getByRole('button', { name: t('device.tone.play'), exact: true }).click();
  await tone.getByRole('button', { name: t('device.tone.no'), exact: true }).click();
  await tone.getByRole('heading', { name: t('device.tone.helpTitle') }).waitFor();
  // the list's indent is on the start side, which is the right in Arabic
  const pad = await tone.locator('ol.steps').evaluate((el) => [getComputedStyle(el).paddingRight, getComputedStyle(el).paddingLeft]);
  assert.ok(parseFloat(pad[0]) > parseFloat(pad[1]), `indent on the right: ${pad}`);
  const net = root(page).locator('section.network-test');
  await net.getByRole('button', { name: t('device.net.check'), exact: true }).click();
  const result = await until(async () => (await net.getAttribute('data-result')) || null, { what: 'network result (ar)' });
  await net.getByText(t(`device.net.${result}`)).waitFor();
  await shot(page, 'device-check-ar');
  await assertAccessible(page, 'tone help and network result (ar)');
});

for (const lang of ['de', 'ar']) {
  step(`${lang}: the browser refuses camera and microphone: the sentence as alert, the steps for Chrome/Edge with the focus, try again`, async () => {
    const party = await openBrowser(`denied-${lang}`, { deny: true, grant: false });
    const { page } = party;
    const t = await openDeviceCheck(page, lang);
    const heading = root(page).getByRole('heading', { name: t('device.help.title.denied') });
    await heading.waitFor({ timeout: 15000 });
    assert.equal(await root(page).getByRole('alert').filter({ hasText: t('device.denied') }).count(), 1, 'the error sentence is the alert');
    assert.equal(await root(page).locator('.help [role=alert]').count(), 0, 'the steps are no alert');
    await until(async () => (await focused(page)).text === t('device.help.title.denied'), { what: 'focus on the help heading' });
    const steps = await root(page).locator('.help ol.steps li').allTextContents();
    assert.deepEqual(steps, t('device.help.denied.chrome').split('\n'), 'Chrome/Edge steps');
    // without permission the browser names no devices: nothing to choose
    assert.equal(await root(page).getByLabel(t('device.camera'), { exact: true }).isDisabled(), true);
    await shot(page, `device-denied-${lang}`);
    await assertAccessible(page, `devices denied (${lang})`);
    // keyboard: the next stop after the steps is "try again"; it asks again (and is refused again)
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).text, t('device.retry'));
    await page.keyboard.press('Enter');
    await until(async () => (await focused(page)).text === t('device.help.title.denied'), { what: 'focus back on the help after trying again' });
    assert.deepEqual(party.errors, []);
    await party.browser.close();
  });
}

step('a busy device (NotReadableError) in Firefox gets its own steps', async () => {
  const party = await openBrowser('busy', {
    init: () => {
      Object.defineProperty(navigator, 'userAgent', { get: () => 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0' });
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Could not start video source', 'NotReadableError'));
    }
  });
  const { page } = party;
  const t = await openDeviceCheck(page, 'de');
  await root(page).getByRole('heading', { name: t('device.help.title.busy') }).waitFor({ timeout: 15000 });
  await root(page).getByRole('alert').filter({ hasText: t('device.busy') }).waitFor();
  const steps = await root(page).locator('.help ol.steps li').allTextContents();
  assert.deepEqual(steps, t('device.help.busy').split('\n'));
  await assertAccessible(page, 'device busy (de)');
  await party.browser.close();
});

step('the call uses the camera and the speaker chosen in the device check', async () => {
  const { page } = citizen;
  const t = await openDeviceCheck(page, 'de');
  await root(page).getByText(t('device.ok')).waitFor({ timeout: 15000 });
  const cameras = await options(page, t('device.camera'));
  const speakers = await options(page, t('device.speaker'));
  const camera = cameras[cameras.length - 1].value;
  assert.ok(speakers.length >= 1 && speakers.every((s) => s.value), `fake speakers: ${JSON.stringify(speakers)}`);
  const speaker = speakers[speakers.length - 1].value;
  await root(page).getByLabel(t('device.camera'), { exact: true }).selectOption(camera);
  await root(page).getByLabel(t('device.speaker'), { exact: true }).selectOption(speaker);
  await until(async () => (await previewDevices(page))?.video === camera, { what: 'preview with the chosen camera' });
  await root(page).getByRole('button', { name: t('device.enter'), exact: true }).click();
  await root(page).locator('.ticket-number', { hasText: /-/ }).waitFor({ timeout: 20000 });

  const clerk = await launchParty(stack.dir, 'clerk', [40, 70, 210], { width: 1280 });
  browsers.push(clerk.browser);
  watchParties(clerk);
  await clerkLogin(clerk.page, stack, stack.clerk.login, stack.clerk.password);
  await clerk.page.getByRole('button', { name: 'Nächste Person aufrufen' }).click();
  await root(page).getByRole('heading', { name: /^Gespräch mit / }).waitFor({ timeout: 20000 });
  // the camera: the local stream the call opened (before the media flows)
  const sent = await until(() => inShadow(page, `
    const self = r.querySelector('video.self').srcObject;
    const v = self && self.getVideoTracks()[0];
    return v ? v.getSettings().deviceId : null;`), { what: 'the call\'s own camera' });
  assert.equal(sent, camera, 'the call sends the chosen camera');
  // the speaker: set on the remote <audio> when the clerk's stream arrives (slow on a busy machine)
  const used = await until(() => inShadow(page, `
    const audio = r.querySelector('.stage audio');
    return audio && audio.srcObject && audio.sinkId ? { sink: audio.sinkId } : null;`), { timeout: 45000, what: 'the clerk\'s sound on a speaker' });
  assert.equal(used.sink, speaker, 'the clerk is heard on the chosen speaker');
});
