// "Leave and be called back" in the waiting room (docs/web-client.md "Callback by e-mail"): an
// e-mail address for "almost your turn" (with a link back into the waiting room, so the page may
// be closed), and "I need 5 more minutes" near the front, once per ticket. Both talk to the queue
// service's REST API with the ticket's resume token (citizen.js setCallback, snooze).
import { h, replace } from '../dom.js';
import { textField } from '../text-field.js';
import { errorText } from '../errors.js';

export function callbackBox(w, getStatus) {
  const t = w.t;
  let config = null;     // {notify_position, snooze_places, hold_s} or null: not offered
  const el = h('div', { class: 'callback', hidden: true });
  const email = textField(t, {
    label: t('callback.email'), limit: 'callback_email', field: 'email', autocomplete: 'email',
    attrs: { inputmode: 'email', spellcheck: 'false' }
  });
  email.input.type = 'email';
  const note = h('p', { class: 'hint' });
  const submit = h('button', { type: 'submit', class: 'secondary', 'data-key': 'callback-set' }, t('callback.submit'));
  const result = h('p', { role: 'status', class: 'callback-status' });
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'callback-form', novalidate: true, onsubmit: (ev) => { ev.preventDefault(); send(); } },
    email.el, note, submit);
  const summary = h('summary', {}, t('callback.title'));
  const details = h('details', { class: 'callback-details' }, summary, form, error);
  const snoozeHint = h('span', { class: 'sr-only', id: `${email.input.id}-snooze` }, t('callback.snoozeHint'));
  const snoozeBtn = h('button', {
    type: 'button', class: 'secondary', 'data-key': 'snooze', hidden: true, 'aria-describedby': snoozeHint.id,
    onclick: () => snooze()
  }, t('callback.snooze'));
  let destroyed = false;
  el.append(details, result, snoozeBtn, snoozeHint);

  async function send() {
    error.textContent = '';
    const value = email.value();
    if (!value) { email.refuse(t('callback.needEmail')); return; }
    if (!email.check()) return;
    submit.disabled = true;
    try {
      await w.flow.setCallback(value);
      result.textContent = t('callback.set', { email: value, place: config.notify_position + 1 });
      // the form closes; the focus stays in the widget, on the disclosure that holds it
      details.open = false;
      summary.focus();
    } catch (err) {
      if (err.code === 'bad_request') email.refuse(t('callback.badEmail'));
      else error.textContent = errorText(t, err, 'callback');
    } finally {
      submit.disabled = false;
    }
  }

  async function snooze() {
    snoozeBtn.disabled = true;
    try {
      await w.flow.snooze();
      result.textContent = t('callback.snoozed', { place: getStatus().position + 1 });
    } catch (err) {
      snoozeBtn.disabled = false;
      result.textContent = errorText(t, err, 'callback');
    }
  }

  // Shown near the front (or later), never after it was used.
  function update(status) {
    if (!config) return;
    const near = Number.isInteger(status.position) && status.position <= config.notify_position;
    const show = near && !status.snoozed;
    if (snoozeBtn.hidden === show) {
      snoozeBtn.hidden = !show;
      snoozeBtn.disabled = false;
    }
  }

  function offer(c) {
    if (!c || destroyed) return;
    config = c;
    replace(note, t('callback.note', { place: c.notify_position + 1 }));
    el.hidden = false;
    const status = getStatus();
    if (status.callbackEmail) result.textContent = t('callback.set', { email: status.callbackEmail, place: c.notify_position + 1 });
    update(status);
  }

  return { el, offer, update, destroy: () => { destroyed = true; email.destroy(); } };
}
