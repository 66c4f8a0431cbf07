// Check-in view: the citizen types the appointment code; we look it up, then go to the device check
// (join with `appointment`) — or cancel the appointment.
import { h, replace } from '../dom.js';
import { api } from '../api.js';
import { dateTime, localized } from '../format.js';
import { textField } from '../text-field.js';
import { errorText } from '../errors.js';

// Codes avoid ambiguous characters; accept lower case, spaces and dashes as typed or read aloud.
export function cleanCode(value) {
  return String(value || '').toUpperCase().replace(/[\s-]+/g, '');
}

export function checkinView(w, params) {
  const t = w.t;
  const code = textField(t, {
    label: t('checkin.code'), limit: 'appointment_code', field: 'appointment', value: params.code || '',
    attrs: { autocomplete: 'off', autocapitalize: 'characters', spellcheck: 'false' }
  });
  const out = h('div', { class: 'checkin-result', role: 'status' });
  const submitBtn = h('button', { type: 'submit', class: 'primary' }, t('checkin.submit'));
  const el = h('div', { class: 'checkin-view' },
    h('h3', { 'data-focus': true }, t('checkin.title')),
    h('form', { onsubmit: (ev) => { ev.preventDefault(); lookup(); } },
      code.el,
      h('div', { class: 'actions' }, submitBtn,
        h('button', { type: 'button', class: 'secondary', onclick: () => w.go('offices') }, t('book.back')))),
    out);

  async function lookup() {
    if (!code.check()) return;
    const value = cleanCode(code.value());
    if (!value) { code.input.focus(); return; }
    submitBtn.disabled = true;
    try {
      const appt = await api.appointment(w.config.api, value);
      const a = appt.appointment || appt;
      if (a.state === 'cancelled') { replace(out, h('p', {}, t('checkin.cancelled'))); return; }
      const now = Date.now();
      const early = a.checkin_from && now < Date.parse(a.checkin_from);
      const late = a.checkin_until && now > Date.parse(a.checkin_until);
      const office = w.officeById(a.office);
      const officeName = office ? localized(t, office.name) : a.office;
      const go = h('button', { type: 'button', class: 'primary', onclick: () => w.go('device', { office: a.office, appointment: value }) }, t('checkin.submit'));
      const cancel = h('button', {
        type: 'button', class: 'danger', onclick: async () => {
          try { await api.cancelAppointment(w.config.api, value); replace(out, h('p', {}, t('checkin.cancelledNow'))); }
          catch (err) { replace(out, h('p', { class: 'error' }, errorText(t, err, 'checkin'))); }
        }
      }, t('checkin.cancel'));
      const tz = a.timezone || (office && office.timezone);
      const windowNote = early ? h('p', { class: 'notice' }, t('checkin.early', { when: dateTime(t, a.checkin_from, tz) }))
        : late ? h('p', { class: 'notice' }, t('err.too_late')) : null;
      go.hidden = Boolean(early || late);
      replace(out, h('p', {}, officeName), h('p', {}, t('book.when', { when: dateTime(t, a.start, tz) })), windowNote,
        h('div', { class: 'actions' }, go, cancel));
      (go.hidden ? cancel : go).focus();
    } catch (err) {
      replace(out, h('p', { class: 'error' }, errorText(t, err, 'checkin')));
    } finally {
      submitBtn.disabled = false;
    }
  }
  if (params.code) lookup();
  return { el, destroy: () => code.destroy() };
}
