// Page-level steps shared by the e2e tests: citizen and clerk actions, keyboard-only navigation,
// waiting for media, screenshots and accessibility checks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { axeViolations, formatViolations } from './axe.mjs';
import { inboundStats } from './media-stats.mjs';

export const ARTIFACTS = join(process.env.BB_SOURCE_ROOT || process.cwd(), 'tests', 'artifacts', 'e2e');
mkdirSync(ARTIFACTS, { recursive: true });

export async function shot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

// Why: every state of widget and console must have zero axe violations (WCAG 2.1 AA).
export async function assertAccessible(page, state) {
  const violations = await axeViolations(page);
  assert.equal(violations.length, 0, `axe violations in state "${state}":\n${formatViolations(violations)}`);
}

export async function until(fn, { timeout = 20000, interval = 250, what = 'condition' } = {}) {
  const end = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)})`);
    await new Promise((r) => setTimeout(r, interval));
  }
}

// Text of the deepest focused element (through shadow roots) and its accessible-ish name.
export async function focused(page) {
  return page.evaluate(() => {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    if (!el) return null;
    return { tag: el.tagName.toLowerCase(), label: el.getAttribute('aria-label') || '', text: (el.textContent || '').trim(), type: el.type || '', id: el.id || '', value: el.value ?? null };
  });
}

export async function focusedText(page) {
  const f = await focused(page);
  return f ? f.text : null;
}

// Keyboard only: press Tab until the focused control matches, then return (max 80 steps).
export async function tabTo(page, match, what) {
  for (let i = 0; i < 80; i += 1) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (f && match(f)) return f;
  }
  throw new Error(`keyboard: could not reach ${what}`);
}

// No ?janus=: widget and console ask the queue service where Janus is (GET /api/v1/config).
// extra: more query parameters, e.g. '&lang=en'.
export function widgetUrl(stack, extra = '') {
  const query = extra.replace(/^&/, '');
  return `${stack.httpUrl}/${query ? `?${query}` : ''}`;
}

export function consoleUrl(stack) {
  return `${stack.httpUrl}/console/`;
}

export const widget = (page) => page.locator('bb-offices');

// The widget's language chooser: open the list, press the language by its own name ("English",
// "Türkçe", "العربية"). The citizen's choice is kept for the tab (sessionStorage).
export async function chooseLanguage(page, name) {
  await widget(page).locator('button.lang').click();
  await widget(page).getByRole('button', { name, exact: true }).click();
}

export async function widgetView(page) {
  return page.evaluate(() => document.querySelector('bb-offices').shadowRoot.querySelector('.view').dataset.view);
}

export async function clerkLogin(page, stack, login, password) {
  await page.goto(consoleUrl(stack));
  await page.getByLabel('Benutzername').fill(login);
  await page.getByLabel('Passwort').fill(password);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.getByRole('button', { name: 'Nächste Person aufrufen' }).waitFor({ timeout: 20000 });
}

// Waits until a page decodes remote video and audio; returns the last statistics.
export async function waitForMedia(page, who) {
  return until(async () => {
    const s = await inboundStats(page);
    return s && s.video && s.video.framesDecoded > 10 && s.audio && s.audio.samples > 0 ? s : null;
  }, { timeout: 30000, what: `${who} decoding video and audio` });
}

// Makes a page believe its tab is hidden or visible again (headless tabs are always visible).
export function setHidden(page, hidden) {
  return page.evaluate((h) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (h ? 'hidden' : 'visible') });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => h });
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

export function near(actual, expected, tolerance = 45) {
  return actual && actual.every((v, i) => Math.abs(v - expected[i]) <= tolerance);
}

// The steps of a story depend on each other: after the first failure the rest are skipped
// (reported as skipped, which CI counts as failed) instead of timing out one by one.
// On failure every registered party's page is saved as FAILED-<party>.png for diagnosis.
let storyBroken = false;
const parties = [];
export function watchParties(...list) {
  parties.push(...list);
}

export function step(name, fn) {
  test(name, async (t) => {
    if (storyBroken) { t.skip('an earlier step failed'); return; }
    try {
      await fn(t);
    } catch (e) {
      storyBroken = true;
      for (const p of parties) await shot(p.page, `FAILED-${p.name}`).catch(() => {});
      throw e;
    }
  });
}
