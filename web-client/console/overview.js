// Live overview of every office for supervisors and admins (docs/web-client.md "Console"): GET
// /api/v1/admin/overview, asked again whenever the live WebSocket says an office changed (at most
// once a second) and every 15 s (the longest wait grows by itself, and a clerk's presence can
// change without the public view changing). Screen readers hear only what matters: an office
// whose waiting count moves into another band or whose status changes, and the result of the
// "refresh now" button; never every update.
import { h, replace } from '../widget/dom.js';
import { LiveOffices } from '../widget/live.js';
import { localized, duration } from '../widget/format.js';
import { errorText } from '../widget/errors.js';
import { openStaffPage } from './staff-page.js';

const MIN_GAP_MS = 1000;
const PERIOD_MS = 15000;
// Waiting counts that start a band; moving into another band is announced (0, 1–4, 5–9, …).
const BANDS = [1, 5, 10, 20, 50];

const band = (n) => BANDS.filter((x) => n >= x).length;

function waitingText(t, n) {
  return n === 0 ? t('office.waiting.0') : n === 1 ? t('office.waiting.1') : t('office.waiting.n', { n });
}

function statusText(t, o) {
  return o.status === 'closed' && o.closed_reason ? t(`ov.closed.${o.closed_reason}`) : t(`status.${o.status}`);
}

function fact(key, label, value) {
  return h('div', { class: 'fact', 'data-fact': key }, h('dt', {}, label), h('dd', {}, value));
}

function officeCard(t, o) {
  return h('li', { class: `card office status-${o.status}`, 'data-office': o.id },
    h('h3', {}, localized(t, o.name)),
    h('dl', { class: 'facts' },
      fact('status', t('ov.status'), h('span', { class: 'badge' }, statusText(t, o))),
      fact('waiting', t('ov.waiting'), String(o.waiting)),
      fact('longest', t('ov.longest'),
        o.longest_wait_s === null ? t('ov.noWait') : t('ov.longestValue', { time: duration(o.longest_wait_s) })),
      fact('clerks', t('ov.clerks'), t('ov.clerksLine', o.clerks)),
      fact('consultations', t('ov.consultations'), String(o.today.consultations)),
      fact('no_shows', t('ov.noShows'), String(o.today.no_shows))));
}

// What changed since the last answer that is worth saying: a waiting band or a status.
function changes(t, before, offices) {
  const said = [];
  for (const o of offices) {
    const was = before.get(o.id);
    if (!was) continue;
    const office = localized(t, o.name);
    if (was.status !== o.status) said.push(t('ov.announce', { office, what: statusText(t, o) }));
    if (was.band !== band(o.waiting)) said.push(t('ov.announce', { office, what: waitingText(t, o.waiting) }));
  }
  return said;
}

// Runs `run` soon, never twice at once and at most once per MIN_GAP_MS; calls meanwhile merge.
function scheduler(run) {
  let timer = null, last = 0, running = false, again = false;
  async function fire() {
    timer = null;
    if (running) { again = true; return; }
    running = true;
    last = Date.now();
    try { await run(); } finally {
      running = false;
      if (again) { again = false; soon(); }
    }
  }
  function soon() {
    if (!timer) timer = setTimeout(fire, Math.max(0, last + MIN_GAP_MS - Date.now()));
  }
  return soon;
}

async function main() {
  const page = await openStaffPage({ titleKey: 'ov.title', current: 'overview' });
  if (!page) return;
  const { t } = page;
  const locale = t.lang === 'de' ? 'de-DE' : 'en-GB';
  const clock = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  let before = null;          // id -> { status, band } of the last answer
  let explicit = false;       // the next answer answers the "refresh now" button
  let live = false;
  let updatedAt = null;

  const list = h('ul', { class: 'overview', id: 'ov-list' });
  const state = h('p', { class: 'hint', id: 'ov-state' });
  const error = h('p', { class: 'error', id: 'ov-error' });
  const announce = h('p', { class: 'sr-only', id: 'ov-announce', role: 'status', 'aria-live': 'polite' });
  const showState = () => {
    const parts = [];
    if (updatedAt) parts.push(t('ov.updated', { time: clock.format(updatedAt) }));
    parts.push(t(live ? 'ov.live' : 'ov.offline'));
    state.textContent = parts.join(' ');
  };

  async function refresh() {
    const wasExplicit = explicit;
    explicit = false;
    let data;
    try {
      data = await page.get('api/v1/admin/overview');
    } catch (err) {
      error.textContent = t('oversight.failed', { reason: errorText(t, err, 'console') });
      return;
    }
    error.textContent = '';
    const offices = [...data.offices].sort((a, b) => localized(t, a.name).localeCompare(localized(t, b.name), t.lang));
    const said = before ? changes(t, before, offices) : [];
    before = new Map(offices.map((o) => [o.id, { status: o.status, band: band(o.waiting) }]));
    if (wasExplicit) {
      said.unshift(t('ov.refreshed', { n: offices.length, waiting: offices.reduce((s, o) => s + o.waiting, 0) }));
    }
    if (said.length) announce.textContent = said.join(' ');
    replace(list, offices.length ? offices.map((o) => officeCard(t, o)) : h('li', { class: 'card' }, t('ov.none')));
    updatedAt = new Date();
    showState();
  }

  const soon = scheduler(refresh);
  const button = h('button', { type: 'button', id: 'ov-refresh', onclick: () => { explicit = true; soon(); } }, t('ov.refresh'));
  replace(page.main, h('div', { class: 'actions' }, button, state), error, announce,
    h('h2', {}, t('ov.heading')), list);
  showState();
  soon();
  setInterval(soon, PERIOD_MS);
  // Every snapshot or office message (a change of status, waiting count, estimate or hours) means
  // the overview may be stale; the scheduler merges bursts.
  new LiveOffices(page.base, { onOffices: soon, onConnection: (up) => { live = up; showState(); } });
}

main();
