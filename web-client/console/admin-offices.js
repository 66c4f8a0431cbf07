// Administration, "Ämter": the list of offices and the form that creates or changes one (names,
// hours and day exceptions, temporary closure, waiting room, appointments). Talks to
// GET/POST /api/v1/admin/offices and PATCH /api/v1/admin/offices/{id}; a change sends only the
// fields the admin changed, so the audit log says what really changed.
import { h, replace } from '../widget/dom.js';
import { request } from '../widget/api.js';
import { field, showError, changed, dataTable } from './admin-form.js';

// The form's groups and their fields, in the order an admin thinks about an office.
const GROUPS = [
  ['names', ['name_de', 'name_en', 'description_de', 'description_en', 'ticket_prefix', 'sort_order']],
  ['hours', ['timezone', 'hours', 'day_exceptions']],
  ['closure', ['closure_until', 'closure_message_de', 'closure_message_en']],
  ['queue', ['capacity', 'no_show_timeout_s', 'grace_s']],
  ['appointments', ['slot_min', 'slot_capacity', 'horizon_days', 'lead_s', 'share_permille',
    'checkin_before_s', 'checkin_after_s', 'blocked_days']]
];

const NEW_OFFICE = { timezone: 'Europe/Berlin', hours: 'mon-fri 08:00-12:00', capacity: 30 };

function closed(view) {
  return view.closure_until && Date.parse(view.closure_until) > Date.now();
}

/** The section; ctx: { t, base, token, announce(text) }. */
export function officesSection(ctx) {
  const { t } = ctx;
  const el = h('section', { 'aria-labelledby': 'ao-h' });
  let offices = [];

  async function load() {
    const d = await request(ctx.base, 'api/v1/admin/offices', { token: ctx.token });
    offices = d.offices;
  }

  function list(focusId) {
    const rows = offices.map((o) => h('tr', {},
      h('th', { scope: 'row' }, o.name_de),
      h('td', {}, o.id),
      h('td', {}, o.ticket_prefix),
      h('td', {}, String(o.capacity)),
      h('td', {}, closed(o) ? t('admin.closedUntil', { when: new Date(o.closure_until).toLocaleString(t.lang) }) : '–'),
      h('td', {}, h('button', { type: 'button', id: `ao-edit-${o.id}`, onclick: () => form(o) },
        t('admin.edit'), h('span', { class: 'sr-only' }, ` – ${o.name_de}`)))));
    replace(el,
      h('h2', { id: 'ao-h', tabindex: '-1' }, t('admin.offices')),
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'ao-new', onclick: () => form(null) }, t('admin.officeNew'))),
      dataTable(t, t('admin.offices'), ['officeName', 'officeId', 'prefix', 'capacityShort', 'closure', 'actions'], rows));
    const again = focusId && document.getElementById(focusId);
    if (again) again.focus();
  }

  // Why one form for both: creating is changing an office that has no values yet; the id is the
  // only field that exists on creation alone.
  function form(view) {
    const create = !view;
    const body = create ? 'office_create' : 'office_update';
    const start = view || NEW_OFFICE;
    const fields = [];
    const alert = h('p', { class: 'error', role: 'alert', tabindex: '-1', id: 'ao-error' });
    const groups = GROUPS.map(([g, names]) => h('fieldset', {},
      h('legend', {}, t(`admin.g.${g}`)),
      (create && g === 'names' ? ['id', ...names] : names).map((n) => {
        const f = field(t, body, n, start[n], { idPrefix: 'ao' });
        fields.push(f);
        return f.el;
      })));
    const submit = async (ev) => {
      ev.preventDefault();
      const bad = fields.map((f) => f.check()).find(Boolean);
      if (bad) { showError(t, alert, fields, bad); return; }
      const payload = changed(fields, view);
      if (!create && Object.keys(payload).length === 0) { showError(t, alert, fields, null); alert.textContent = t('admin.nothingChanged'); return; }
      try {
        const d = create
          ? await request(ctx.base, 'api/v1/admin/offices', { method: 'POST', body: payload, token: ctx.token })
          : await request(ctx.base, `api/v1/admin/offices/${encodeURIComponent(view.id)}`, { method: 'PATCH', body: payload, token: ctx.token });
        await load();
        list(`ao-edit-${d.office.id}`);
        ctx.announce(t(create ? 'admin.officeCreated' : 'admin.saved', { name: d.office.name_de }));
      } catch (err) {
        showError(t, alert, fields, err);
      }
    };
    replace(el,
      h('h2', { id: 'ao-h', tabindex: '-1' }, create ? t('admin.officeNew') : t('admin.officeEdit', { name: view.name_de })),
      h('form', { class: 'admin-form', onsubmit: submit, novalidate: true },
        groups, alert,
        h('div', { class: 'actions' },
          h('button', { type: 'submit', class: 'primary' }, t(create ? 'admin.create' : 'admin.save')),
          h('button', { type: 'button', onclick: () => list(view ? `ao-edit-${view.id}` : 'ao-new') }, t('admin.cancel')))));
    document.getElementById('ao-h').focus();
  }

  return {
    el,
    offices: () => offices,
    async show() {
      await load();
      list();
    }
  };
}
