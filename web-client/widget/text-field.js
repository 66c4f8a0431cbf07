// A text field with a limit in characters, shared by widget and console: label, optional hint,
// a visible counter ("12 / 80 Zeichen"), a polite announcement for screen readers only near the
// limit, and the servers' own rule (checkText from protocol.js) before sending, with the error
// next to the field (aria-describedby, aria-invalid) and the focus on it.
//
// Why no maxlength: it counts UTF-16 code units, so an emoji counts twice and an 80-character
// name in emoji would be cut at 40; the servers count code points (protocol.js charCount).
import { h, uid } from './dom.js';
import { LIMITS, charCount, checkText } from './protocol.js';
import { errorText, textError } from './errors.js';

const NEAR = 0.9;               // announce from 90 % of the limit on
const ANNOUNCE_AFTER_MS = 800;  // after typing pauses, so each keystroke is not read out

/**
 * opts: id, label, hint (text), limit (a LIMITS name), field (the request's field name, for the
 * error text), multiline, rows, value, autocomplete, required, trim (default true: what is sent
 * is the trimmed text, so that is what counts), attrs (more attributes for the control).
 */
export function textField(t, opts) {
  const { limit, field, multiline = false, trim = true } = opts;
  const max = LIMITS[limit];
  if (!max) throw new Error(`unknown limit ${limit}`);
  const id = opts.id || uid('text');
  const ids = { hint: `${id}-hint`, count: `${id}-count`, error: `${id}-error` };
  const described = [opts.hint ? ids.hint : null, ids.count, ids.error].filter(Boolean).join(' ');
  const attrs = {
    id, 'aria-describedby': described, autocomplete: opts.autocomplete || null,
    required: opts.required || null, 'aria-required': opts.required ? 'true' : null, dir: 'auto', ...(opts.attrs || {})
  };
  const input = multiline
    ? h('textarea', { ...attrs, rows: String(opts.rows || 3) }, opts.value || '')
    : h('input', { ...attrs, type: 'text', value: opts.value || '' });
  const countVisible = h('span', { 'aria-hidden': 'true' });
  const countSpoken = h('span', { class: 'sr-only' });
  const counter = h('p', { class: 'counter hint', id: ids.count }, countVisible, countSpoken);
  const live = h('p', { class: 'sr-only', 'aria-live': 'polite' });
  const error = h('p', { class: 'error field-error', id: ids.error });
  const label = h('label', { for: id }, opts.label);
  const el = h('div', { class: 'field' }, label, input,
    opts.hint ? h('p', { class: 'hint', id: ids.hint }, opts.hint) : null, counter, live, error);
  let timer = null;
  let announced = '';

  const text = () => (trim ? input.value.trim() : input.value);

  function count() {
    const n = charCount(text());
    const over = n - max;
    const visible = over > 0 ? t('field.countOver', { n, max, over }) : t('field.count', { n, max });
    if (countVisible.textContent !== visible) countVisible.textContent = visible;
    const spoken = t('field.countSpoken', { n, max });
    if (countSpoken.textContent !== spoken) countSpoken.textContent = spoken;
    counter.classList.toggle('over', over > 0);
    clearTimeout(timer);
    const near = over > 0 ? t('field.over', { over }) : n >= max * NEAR ? t('field.left', { left: max - n }) : '';
    timer = setTimeout(() => {
      // only near the limit, and only when the sentence changed
      if (near !== announced) { live.textContent = near; announced = near; }
    }, ANNOUNCE_AFTER_MS);
  }

  // err: an error (code, field, max) for errorText, or a text of our own
  function showError(err) {
    error.textContent = typeof err === 'string' ? err : errorText(t, err);
    input.setAttribute('aria-invalid', 'true');
  }

  function clearError() {
    error.textContent = '';
    input.removeAttribute('aria-invalid');
  }

  input.addEventListener('input', () => {
    count();
    // once an error is shown, it goes away as soon as the text is fine again
    if (input.getAttribute('aria-invalid') === 'true' && !checkText(text(), limit)) clearError();
  });
  count();

  return {
    el, input, label,
    value: text,
    set(value) { input.value = value; count(); },
    /** checkText before sending: false (error shown, focus on the field) when the text is refused. */
    check({ focus = true } = {}) {
      const verdict = checkText(text(), limit);
      if (!verdict) { clearError(); return true; }
      showError(textError(verdict, field));
      if (focus) input.focus();
      return false;
    },
    // a refusal of this field: a server's (too_large, invalid_text) or a text of our own
    refuse(err) { showError(err); input.focus(); },
    showError, clearError,
    destroy() { clearTimeout(timer); }
  };
}

/** Checks every field, shows each refusal next to its field and focuses the first; true if all fine. */
export function checkAll(fields) {
  let fine = true;
  for (const f of fields) fine = f.check({ focus: fine }) && fine;
  return fine;
}
