// Administration, "Protokoll": who changed what and when (GET /api/v1/admin/audit), newest
// first, filtered by person, action, office or clerk and date, older entries page by page.
import { h, replace } from '../widget/dom.js';
import { request } from '../widget/api.js';
import { showError } from './admin-form.js';

const ACTIONS = ['office.create', 'office.update', 'clerk.create', 'clerk.update'];
const PAGE = 50;

// A change in a few words: "capacity: 40; hours: mon 08:00-12:00". Values are configuration only.
function summary(t, detail) {
  return Object.entries(detail || {}).map(([k, v]) => {
    const label = t.has(`admin.f.${k}`) ? t(`admin.f.${k}`) : k;
    const value = Array.isArray(v) ? v.join(', ') : typeof v === 'boolean' ? t(v ? 'admin.yes' : 'admin.no') : String(v);
    return `${label}: ${value}`;
  }).join('; ');
}

/** The section; ctx: { t, base, token, announce(text) }. */
export function auditSection(ctx) {
  const { t } = ctx;
  const el = h('section', { 'aria-labelledby': 'aa-h' });
  const input = (id, type, key) => {
    const i = h('input', { id, type, autocomplete: 'off' });
    return { i, el: h('div', { class: 'field' }, h('label', { for: id }, t(key)), i) };
  };
  const actor = input('aa-actor', 'text', 'admin.auditActor');
  const target = input('aa-target', 'text', 'admin.auditTarget');
  const from = input('aa-from', 'date', 'admin.auditFrom');
  const to = input('aa-to', 'date', 'admin.auditTo');
  const action = h('select', { id: 'aa-action' }, h('option', { value: '' }, t('admin.auditAll')),
    ACTIONS.map((a) => h('option', { value: a }, t(`admin.a.${a}`))));
  const alert = h('p', { class: 'error', role: 'alert', tabindex: '-1' });
  const body = h('tbody');
  const more = h('button', { type: 'button', id: 'aa-more', hidden: true }, t('admin.auditOlder'));
  let next = null;

  async function fetchPage(append) {
    const q = new URLSearchParams({ limit: String(PAGE) });
    for (const [k, v] of [['actor', actor.i.value.trim()], ['target', target.i.value.trim()], ['action', action.value],
      ['from', from.i.value], ['to', to.i.value]]) if (v) q.set(k, v);
    if (append && next) q.set('before', String(next));
    try {
      const d = await request(ctx.base, `api/v1/admin/audit?${q}`, { token: ctx.token });
      showError(t, alert, [], null);
      const rows = d.entries.map((e) => h('tr', {},
        h('td', {}, new Date(e.at).toLocaleString(t.lang)),
        h('td', {}, e.actor),
        h('td', {}, t.has(`admin.a.${e.action}`) ? t(`admin.a.${e.action}`) : e.action),
        h('td', {}, e.target),
        h('td', {}, summary(t, e.detail))));
      if (append) body.append(...rows);
      else replace(body, rows.length ? rows : h('tr', {}, h('td', { colspan: 5 }, t('admin.auditNone'))));
      next = d.next_before;
      more.hidden = !next;
      ctx.announce(t('admin.auditShown', { n: body.rows.length }));
    } catch (err) {
      showError(t, alert, [], err);
    }
  }
  more.addEventListener('click', () => fetchPage(true));

  replace(el,
    h('h2', { id: 'aa-h', tabindex: '-1' }, t('admin.audit')),
    h('p', { class: 'hint' }, t('admin.auditHint')),
    h('form', { class: 'filters', onsubmit: (ev) => { ev.preventDefault(); fetchPage(false); } },
      actor.el, h('div', { class: 'field' }, h('label', { for: 'aa-action' }, t('admin.auditAction')), action),
      target.el, from.el, to.el,
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('admin.auditShow')))),
    alert,
    h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'sr-only' }, t('admin.audit')),
      h('thead', {}, h('tr', {}, ['when', 'who', 'what', 'target', 'change'].map((k) => h('th', { scope: 'col' }, t(`admin.col.${k}`))))),
      body)),
    h('div', { class: 'actions' }, more));

  return { el, show: () => fetchPage(false) };
}
