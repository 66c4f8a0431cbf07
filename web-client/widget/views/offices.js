// Office list view: status in words and icon, why closed, waiting count, wait range, hours, next opening, live.
import { h, replace } from '../dom.js';
import { api } from '../api.js';
import { LiveOffices } from '../live.js';
import { waitRange, hoursToday, dateTime, localized, localizedLang, slotLabel } from '../format.js';
import { firstSlots } from './slots.js';

// Icons are decoration only; the word next to them carries the meaning (not colour or shape alone).
const STATUS_ICON = { open: '✓', busy: '⧗', full: '■', closed: '✕' };
const SLOT_CACHE_MS = 60000;
const slotCache = new Map();

export function officesView(w, params) {
  const t = w.t;
  const list = h('ul', { class: 'offices', 'aria-busy': 'true' });
  const liveNote = h('p', { class: 'live-note', role: 'status' });
  const loadError = h('p', { class: 'error', role: 'alert' });
  const notice = params.notice ? h('p', { class: 'notice', role: 'status', 'data-focus': true, tabindex: '-1' }, t(params.notice)) : null;
  const el = h('div', { class: 'offices-view' },
    notice,
    h('p', { class: 'intro' }, t('offices.intro')),
    h('h3', { tabindex: '-1' }, t('offices.listTitle')),
    list,
    loadError,
    liveNote,
    h('p', { class: 'checkin-link' },
      h('button', { type: 'button', class: 'link', onclick: () => w.go('checkin', {}) }, t('office.checkin'))));

  // The page's `offices` attribute sets the order; otherwise the order the administration gave
  // (sort_order), then the name in the citizen's language, as that language sorts ("Ärztlicher
  // Dienst" next to "Amt", not after "Z").
  const wanted = w.config.offices;
  const collator = new Intl.Collator(t.lang);
  const byName = (a, b) => (Number(a.sort_order) || 0) - (Number(b.sort_order) || 0) || collator.compare(localized(t, a.name), localized(t, b.name)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  const visible = (offices) => offices.filter((o) => wanted.length === 0 || wanted.includes(o.id))
    .sort((a, b) => (wanted.length ? wanted.indexOf(a.id) - wanted.indexOf(b.id) : byName(a, b)));

  // Why: re-rendering must not steal keyboard focus; remember which control had it and restore.
  function render(offices) {
    w.shared.offices = offices;
    const focusKey = w.root.activeElement && w.root.activeElement.dataset ? w.root.activeElement.dataset.key : null;
    const shown = visible(offices);
    list.removeAttribute('aria-busy');
    loadError.textContent = '';
    if (shown.length === 0) replace(list, h('li', {}, t('offices.none')));
    else replace(list, shown.map((o) => officeCard(w, o)));
    if (focusKey) {
      const again = list.querySelector(`[data-key="${CSS.escape(focusKey)}"]`);
      if (again) again.focus();
    }
  }

  replace(list, h('li', {}, t('offices.loading')));
  if (w.shared.offices.length) render(w.shared.offices);
  api.offices(w.config.api).then(render).catch(() => {
    if (!w.shared.offices.length) { replace(list); loadError.textContent = t('offices.error'); }
  });
  const live = new LiveOffices(w.config.api, {
    onOffices: render,
    onConnection: (up) => {
      w.shared.liveUp = up;
      liveNote.textContent = up ? t('offices.live') : t('offices.reconnecting');
    }
  });
  return { el, destroy: () => live.stop() };
}

function officeCard(w, o) {
  const t = w.t;
  const { text: name, lang: nameLang } = localizedLang(t, o.name);
  const desc = localizedLang(t, o.description);
  const status = STATUS_ICON[o.status] ? o.status : 'closed';
  const waiting = Number(o.waiting) || 0;
  const waitText = t('office.waiting', { n: waiting });
  const range = waitRange(t, o.wait_estimate);
  const facts = [waitText];
  if (status === 'open' || status === 'busy') facts.push(range ? t('office.wait', { range }) : t('office.waitUnknown'));
  facts.push(hoursToday(t, o.hours_today));
  if (status === 'closed' && o.closed_reason === 'no_clerk') facts.push(t('office.noClerk'));
  const closure = status === 'closed' && o.closed_reason === 'closure' && o.closure ? localized(t, o.closure.message) : '';
  if (status === 'closed' && o.closed_reason === 'closure') facts.push(t('office.closure'));
  if (o.next_opening && status === 'closed') facts.push(t('office.nextOpening', { when: dateTime(t, o.next_opening, o.timezone) }));
  const canEnter = status === 'open' || status === 'busy';
  const headingId = `office-${o.id}`;
  const actions = h('div', { class: 'actions' });
  if (canEnter) {
    actions.append(h('button', {
      type: 'button', class: 'primary', 'data-key': `enter-${o.id}`,
      onclick: () => w.go('device', { office: o.id })
    }, t('office.enter'), h('span', { class: 'sr-only' }, ` – ${name}`)));
  }
  actions.append(h('button', {
    type: 'button', class: canEnter ? 'secondary' : 'primary', 'data-key': `book-${o.id}`,
    onclick: () => w.go('booking', { office: o.id, reason: canEnter ? 'none' : status })
  }, t('office.book'), h('span', { class: 'sr-only' }, ` – ${name}`)));
  const card = h('li', { class: `office status-${status}`, 'aria-labelledby': headingId },
    // a name the administration gave only in German is marked as German in another language
    h('h3', { id: headingId, lang: nameLang !== t.lang ? nameLang : null }, name),
    desc.text ? h('p', { class: 'desc', lang: desc.lang !== t.lang ? desc.lang : null }, desc.text) : null,
    h('p', { class: 'status' }, h('span', { class: 'icon', 'aria-hidden': 'true' }, STATUS_ICON[status]), ' ', t(`status.${status}`)),
    closure ? h('p', { class: 'closure-message' }, closure) : null,
    h('ul', { class: 'facts' }, facts.map((f) => h('li', {}, f))),
    actions);
  if (!canEnter) inlineSlots(w, o, card);
  return card;
}

// Full or closed: offer the next free slots right in the card (cached for a minute).
function inlineSlots(w, o, card) {
  const t = w.t;
  const cached = slotCache.get(o.id);
  const show = (slots) => {
    if (!slots || slots.length === 0) return;
    const box = h('div', { class: 'inline-slots' },
      h('p', {}, t('book.slots')),
      h('ul', {}, slots.slice(0, 3).map((s) => h('li', {},
        h('button', {
          type: 'button', class: 'slot', 'data-key': `slot-${o.id}-${s.start}`,
          onclick: () => w.go('booking', { office: o.id, reason: o.status, pick: s.start })
        }, slotLabel(t, s.start, o.timezone))))));
    card.querySelector('.actions').before(box);
  };
  if (cached && Date.now() - cached.at < SLOT_CACHE_MS) { show(cached.slots); return; }
  firstSlots(w.config.api, o.id).then((slots) => {
    slotCache.set(o.id, { at: Date.now(), slots });
    if (card.isConnected) show(slots);
  }).catch(() => slotCache.set(o.id, { at: Date.now(), slots: [] }));
}
