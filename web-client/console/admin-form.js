// Form fields of the administration pages, made from the protocol catalogue's request bodies
// (REST_BODIES: type, limit, range, list), so a form can never ask for what the server refuses:
// the same limits in characters, the same ranges, the same value lists. Each field knows how to
// show a value of the admin view and how to read back what the admin typed.
import { h } from '../widget/dom.js';
import { REST_BODIES, LISTS, checkText } from '../widget/protocol.js';
import { errorText } from '../widget/errors.js';

// Fields whose input differs from what their catalogue type suggests.
const WIDGETS = {
  closure_until: 'datetime',   // RFC 3339 on the wire, the browser's date-time picker on screen
  day_exceptions: 'lines',
  blocked_days: 'lines'
};

// 'YYYY-MM-DDTHH:MM' in the browser's time zone for <input type=datetime-local>.
function toLocalInput(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function fromLocalInput(value) {
  return value ? new Date(value).toISOString().replace(/\.\d+Z$/, 'Z') : '';
}

/**
 * One labelled input for field `name` of catalogue body `body`. Returns { el, input, name,
 * read() (undefined when left empty where empty means "not given"), check() (null or an error
 * for errorText) }.
 */
export function field(t, body, name, value, { idPrefix = 'af', required = false } = {}) {
  const spec = REST_BODIES[body].fields[name];
  const id = `${idPrefix}-${name}`;
  const hintKey = `admin.h.${name}`;
  const hintId = t.has(hintKey) ? `${id}-hint` : null;
  const kind = WIDGETS[name] || spec.type;
  const common = { id, name, 'aria-describedby': hintId, required: required || spec.required || false };
  let input;
  if (kind === 'bool') {
    input = h('input', { ...common, type: 'checkbox', checked: Boolean(value) });
  } else if (kind === 'enum') {
    input = h('select', common, LISTS[spec.list].map((v) =>
      h('option', { value: v, selected: v === value }, t(`admin.v.${v}`))));
  } else if (kind === 'int') {
    input = h('input', { ...common, type: 'number', min: spec.min, max: spec.max, step: 1, inputmode: 'numeric', value: value ?? '' });
  } else if (kind === 'datetime') {
    input = h('input', { ...common, type: 'datetime-local', value: toLocalInput(value) });
  } else if (kind === 'lines' || kind === 'text_array') {
    input = h('textarea', { ...common, rows: 3 });
    input.value = Array.isArray(value) ? value.join('\n') : '';
  } else if (spec.limit === 'office_description' || spec.limit === 'closure_message') {
    input = h('textarea', { ...common, rows: 3 });
    input.value = value ?? '';
  } else {
    input = h('input', { ...common, type: 'text', value: value ?? '', autocomplete: 'off' });
  }
  const label = h('label', { for: id }, t(`admin.f.${name}`));
  const el = kind === 'bool'
    ? h('div', { class: 'field check' }, input, ' ', label, hintId ? h('p', { class: 'hint', id: hintId }, t(hintKey)) : null)
    : h('div', { class: 'field' }, label, hintId ? h('p', { class: 'hint', id: hintId }, t(hintKey)) : null, input);

  function read() {
    if (kind === 'bool') return input.checked;
    if (kind === 'int') return input.value === '' ? undefined : Number(input.value);
    if (kind === 'datetime') return fromLocalInput(input.value);
    if (kind === 'lines' || kind === 'text_array') return input.value.split('\n').map((x) => x.trim()).filter(Boolean);
    if (kind === 'enum') return input.value;
    return input.value;
  }

  // The servers' rules, before sending: characters (not bytes), control characters, ranges.
  function check() {
    const v = read();
    if (spec.type === 'text' && typeof v === 'string') {
      const verdict = checkText(v, spec.limit);
      if (verdict) return { code: verdict.code, field: name, max: verdict.max ?? null };
    }
    if (spec.type === 'text_array') {
      for (const item of v) {
        const verdict = checkText(item, spec.limit);
        if (verdict) return { code: verdict.code, field: name, max: verdict.max ?? null };
      }
    }
    if (spec.type === 'int' && v !== undefined && !(Number.isInteger(v) && v >= spec.min && v <= spec.max)) {
      return { code: 'bad_request', field: name, range: true };
    }
    return null;
  }

  return { el, input, name, read, check };
}

/** The text for an error about a field: the field's own label first, then what is wrong. */
export function fieldErrorText(t, err) {
  const f = (err && (err.field || (err.details && err.details.field))) || null;
  const label = f && t.has(`admin.f.${f}`) ? t(`admin.f.${f}`) : null;
  let text;
  if (err && err.range) text = t('admin.err.range');
  else if (err && (err.code === 'too_large' || err.code === 'invalid_text')) {
    const max = err.max ?? (err.details && err.details.max_chars);
    text = err.code === 'too_large' ? t('admin.err.tooLong', { max }) : t('admin.err.invalidText');
  } else text = errorText(t, err, 'admin');
  return label ? `${label}: ${text}` : text;
}

/**
 * Shows err in the form's alert and on its field (aria-invalid, focus), or clears both.
 * fields: the form's field objects.
 */
export function showError(t, alertEl, fields, err) {
  for (const f of fields) f.input.removeAttribute('aria-invalid');
  if (!err) { alertEl.textContent = ''; return; }
  alertEl.textContent = fieldErrorText(t, err);
  const name = err.field || (err.details && err.details.field);
  const bad = fields.find((f) => f.name === name);
  if (bad) {
    bad.input.setAttribute('aria-invalid', 'true');
    bad.input.focus();
  } else {
    alertEl.focus();
  }
}

/** The fields whose value differs from the view's (what a PATCH sends). */
export function changed(fields, view) {
  const out = {};
  for (const f of fields) {
    const v = f.read();
    if (v === undefined) continue;
    const before = view ? view[f.name] : undefined;
    const same = JSON.stringify(v) === JSON.stringify(f.name === 'closure_until' ? (before || '') : before);
    if (!view || !same) out[f.name] = v;
  }
  return out;
}

/** A table in a horizontally scrolling wrapper: caption (for screen readers), column headings
 * from `admin.col.<key>`, and the given rows. */
export function dataTable(t, caption, colKeys, rows) {
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('caption', { class: 'sr-only' }, caption),
    h('thead', {}, h('tr', {}, colKeys.map((k) => h('th', { scope: 'col' }, t(`admin.col.${k}`))))),
    h('tbody', {}, rows)));
}
