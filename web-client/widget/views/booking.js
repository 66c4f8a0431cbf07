// Booking view: free slots grouped by day (radio buttons), the booking form, then the confirmation
// code with an .ics download. Reached from a full/closed office or a refused/expired ticket.
import { h, replace, uid } from '../dom.js';
import { api } from '../api.js';
import { localized, dayLabel, clock, dateTime } from '../format.js';
import { fetchSlots, firstSlots, normaliseSlots } from './slots.js';

const DAYS_PER_PAGE = 14;
const FIRST_DAYS = 7; // the server's default for `days`
const REASON_TEXT = { full: ['book.why.full'], closed: ['book.why.closed'], none: ['book.why.none'],
  expired: ['wait.expired', 'book.why.none'], closing: ['wait.expiredClosing', 'book.why.none'],
  noShow: ['wait.noShow', 'book.why.none'] };

export function bookingView(w, params) {
  const t = w.t;
  const office = w.officeById(params.office);
  const tz = office ? office.timezone : undefined;
  const officeName = office ? localized(t, office.name) : params.office;
  const ids = { name: uid('bname'), contact: uid('bcontact'), concern: uid('bconcern'), legend: uid('blegend') };
  let slots = [];
  let loadedUntil = new Date();
  const group = `slot-${uid('g')}`;

  const slotBox = h('div', { class: 'slot-days' }, h('p', { role: 'status' }, t('book.loading')));
  const moreBtn = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => load(true) }, t('book.more'));
  const name = h('input', { id: ids.name, type: 'text', maxlength: '80', autocomplete: 'name', required: true, 'aria-required': 'true' });
  const contact = h('input', { id: ids.contact, type: 'text', maxlength: '200', autocomplete: 'email' });
  const concern = h('textarea', { id: ids.concern, rows: '3', maxlength: '500' }, params.concern || '');
  const error = h('p', { class: 'error', role: 'alert' });
  const submitBtn = h('button', { type: 'submit', class: 'primary' }, t('book.submit'));
  const form = h('form', { class: 'booking-form', novalidate: true, onsubmit: (ev) => { ev.preventDefault(); submit(); } },
    h('fieldset', { class: 'slots' }, h('legend', { id: ids.legend }, t('book.slots')), slotBox, moreBtn),
    h('div', { class: 'field' }, h('label', { for: ids.name }, t('book.name')), name),
    h('div', { class: 'field' }, h('label', { for: ids.contact }, t('book.contact')), contact),
    h('div', { class: 'field' }, h('label', { for: ids.concern }, t('book.concern')), concern),
    error,
    h('div', { class: 'actions' }, submitBtn,
      h('button', { type: 'button', class: 'secondary', onclick: () => w.go('offices') }, t('book.back'))));
  const body = h('div', {}, (REASON_TEXT[params.reason] || REASON_TEXT.none).map((k) => h('p', {}, t(k))), form);
  const el = h('div', { class: 'booking-view' }, h('h3', { 'data-focus': true }, t('book.title', { office: officeName })), body);

  // Why: radio buttons grouped per day are operable with arrow keys and announced with their day.
  function renderSlots() {
    if (slots.length === 0) { replace(slotBox, h('p', {}, t('book.noSlots'))); return; }
    const byDay = new Map();
    for (const s of slots) {
      const day = dayLabel(t, s.start, tz);
      if (!byDay.has(day)) byDay.set(day, []);
      byDay.get(day).push(s);
    }
    const checked = slotBox.querySelector('input:checked');
    const pick = checked ? checked.value : params.pick;
    replace(slotBox, [...byDay.entries()].map(([day, list]) => {
      const dayId = uid('day');
      return h('div', { class: 'slot-day', role: 'group', 'aria-labelledby': dayId },
        h('p', { id: dayId, class: 'day' }, day),
        h('div', { class: 'slot-list' }, list.map((s) => {
          const id = uid('slot');
          return h('span', { class: 'slot-choice' },
            h('input', { type: 'radio', name: group, id, value: s.start, checked: s.start === pick }),
            h('label', { for: id }, clock(t, s.start, tz), s.free !== null ? h('span', { class: 'free' }, ` (${t('book.free', { n: s.free })})`) : null));
        })));
    }));
  }

  async function load(more) {
    const from = more ? loadedUntil : new Date();
    try {
      // first page: the server's default week from the office's local today; then DAYS_PER_PAGE more
      const got = more ? await fetchSlots(w.config.api, params.office, from, DAYS_PER_PAGE)
        : await firstSlots(w.config.api, params.office);
      const next = new Date(from);
      next.setDate(next.getDate() + (more ? DAYS_PER_PAGE : FIRST_DAYS));
      loadedUntil = next;
      const known = new Set(slots.map((s) => s.start));
      slots = more ? slots.concat(got.filter((s) => !known.has(s.start))) : got;
      moreBtn.hidden = false;
    } catch {
      if (!more && params.slots) slots = normaliseSlots(params.slots);
      if (slots.length === 0) { replace(slotBox, h('p', { role: 'alert' }, t('book.slotsError'))); return; }
    }
    renderSlots();
  }

  async function submit() {
    error.textContent = '';
    const chosen = slotBox.querySelector('input:checked');
    if (!chosen) { error.textContent = t('book.pickSlot'); return; }
    if (!name.value.trim() && !params.resumeToken) { error.textContent = t('book.needName'); name.focus(); return; }
    submitBtn.disabled = true;
    const req = { office: params.office, start: chosen.value };
    if (name.value.trim()) req.name = name.value.trim();
    if (params.resumeToken) req.resume_token = params.resumeToken;
    if (contact.value.trim()) req.contact = contact.value.trim();
    if (concern.value.trim()) req.concern = concern.value.trim();
    try {
      const res = await api.book(w.config.api, req);
      confirmation(res, chosen.value);
    } catch (err) {
      submitBtn.disabled = false;
      error.textContent = err.code === 'conflict' ? t('book.taken') : t('book.failed', { reason: err.message || err.code });
      if (err.code === 'conflict') load(false);
    }
  }

  function confirmation(res, start) {
    const code = String(res.code || '');
    const ics = res.ics_url ? new URL(res.ics_url, w.config.api).href : api.icsUrl(w.config.api, code);
    const heading = h('h4', { tabindex: '-1' }, t('book.done'));
    replace(body,
      h('div', { class: 'booked', role: 'status' }, heading,
        h('p', {}, t('book.code')),
        h('p', { class: 'code', 'data-code': code }, code),
        h('p', {}, t('book.when', { when: dateTime(t, res.start || start, tz) })),
        h('p', { class: 'hint' }, t('book.codeHint'))),
      h('p', {}, h('a', { href: ics, download: `termin-${code}.ics`, class: 'button-link' }, t('book.ics'))),
      h('button', { type: 'button', class: 'secondary', onclick: () => w.go('offices') }, t('book.back')));
    heading.focus();
  }

  load(false);
  return { el };
}
