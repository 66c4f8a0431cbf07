// Booking view: free slots grouped by day (radio buttons), the booking form, then the confirmation
// code with an .ics download. Reached from a full/closed office or a refused/expired ticket.
import { h, replace, uid } from '../dom.js';
import { api } from '../api.js';
import { localized, dayLabel, clock, dateTime } from '../format.js';
import { fetchSlots, firstSlots, normaliseSlots } from './slots.js';
import { textField, checkAll } from '../text-field.js';
import { errorText } from '../errors.js';

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
  const ids = { legend: uid('blegend') };
  let slots = [];
  let loadedUntil = new Date();
  const group = `slot-${uid('g')}`;

  const slotBox = h('div', { class: 'slot-days' }, h('p', { role: 'status' }, t('book.loading')));
  const moreBtn = h('button', { type: 'button', class: 'secondary', hidden: true, onclick: () => load(true) }, t('book.more'));
  // with a resume token the booking takes the ticket's name, so the name is optional then
  const name = textField(t, { label: t('book.name'), limit: 'ticket_name', field: 'name', autocomplete: 'name', required: !params.resumeToken });
  const contact = textField(t, { label: t('book.contact'), hint: t('book.contactHint'), limit: 'contact', field: 'contact', autocomplete: 'email' });
  const concern = textField(t, { label: t('book.concern'), limit: 'concern', field: 'concern', multiline: true, value: params.concern || '' });
  const fields = { name, contact, concern };
  const error = h('p', { class: 'error', role: 'alert', tabindex: '-1' });
  const submitBtn = h('button', { type: 'submit', class: 'primary' }, t('book.submit'));
  const form = h('form', { class: 'booking-form', novalidate: true, onsubmit: (ev) => { ev.preventDefault(); submit(); } },
    h('fieldset', { class: 'slots' }, h('legend', { id: ids.legend }, t('book.slots')), slotBox, moreBtn),
    name.el, contact.el, concern.el,
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

  // A refusal names what to do in the citizen's language; the focus goes to the field it is
  // about, or to the message, so a screen-reader user hears it at once.
  function fail(text) {
    error.textContent = text;
    error.focus();
  }

  async function submit() {
    error.textContent = '';
    const chosen = slotBox.querySelector('input:checked');
    if (!chosen) { fail(t('book.pickSlot')); return; }
    if (!name.value() && !params.resumeToken) { name.refuse(t('book.needName')); return; }
    if (!checkAll([name, contact, concern])) return;
    submitBtn.disabled = true;
    // The language of the widget now: the confirmation, the reminder and the .ics use it.
    const req = { office: params.office, start: chosen.value, lang: w.t.lang };
    if (name.value()) req.name = name.value();
    if (params.resumeToken) req.resume_token = params.resumeToken;
    if (contact.value()) req.contact = contact.value();
    if (concern.value()) req.concern = concern.value();
    try {
      const res = await api.book(w.config.api, req);
      confirmation(res, chosen.value);
    } catch (err) {
      submitBtn.disabled = false;
      const field = fields[err.details && err.details.field];
      if (field && (err.code === 'too_large' || err.code === 'invalid_text')) field.refuse(err);
      else fail(errorText(t, err, 'book'));
      // the slot was taken meanwhile: show what is free now
      if (err.code === 'full') load(false);
    }
  }

  function confirmation(res, start) {
    const code = String(res.code || '');
    const ics = res.ics_url ? new URL(res.ics_url, w.config.api).href : api.icsUrl(w.config.api, code);
    const heading = h('h4', { tabindex: '-1' }, t('book.done'));
    replace(body,
      h('div', { class: 'booked', role: 'status' }, heading,
        h('p', {}, t('book.code')),
        // the code reads left to right also in Arabic, where the paragraph stays right-aligned
        h('p', { class: 'code', 'data-code': code }, h('bdi', { dir: 'ltr' }, code)),
        h('p', {}, t('book.when', { when: dateTime(t, res.start || start, tz) })),
        h('p', {}, t('book.video')),
        res.checkin_from && res.checkin_until ? h('p', {}, t('book.checkinWindow', {
          from: dateTime(t, res.checkin_from, tz), until: clock(t, res.checkin_until, tz)
        })) : null,
        h('p', { class: 'hint' }, t('book.codeHint'))),
      h('p', {}, h('a', { href: ics, download: `termin-${code}.ics`, class: 'button-link' }, t('book.ics'))),
      h('button', { type: 'button', class: 'secondary', onclick: () => w.go('offices') }, t('book.back')));
    heading.focus();
  }

  load(false);
  return { el, destroy: () => Object.values(fields).forEach((f) => f.destroy()) };
}
