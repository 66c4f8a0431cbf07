// Administration, "Mitarbeitende": clerk accounts (create, name, role, offices, disable, reset
// password). A new or reset password comes from the server once; it is shown once here, with
// focus on it, and never again (GET /api/v1/admin/clerks does not have it).
import { h, replace } from '../widget/dom.js';
import { request } from '../widget/api.js';
import { field, showError, changed, dataTable } from './admin-form.js';

/** The section; ctx: { t, base, token, me (the signed-in admin), announce(text), offices() }. */
export function clerksSection(ctx) {
  const { t } = ctx;
  const el = h('section', { 'aria-labelledby': 'ac-h' });
  let clerks = [];
  let allOffices = [];

  async function load() {
    const [c, o] = await Promise.all([
      request(ctx.base, 'api/v1/admin/clerks', { token: ctx.token }),
      request(ctx.base, 'api/v1/admin/offices', { token: ctx.token })
    ]);
    clerks = c.clerks;
    allOffices = o.offices;
  }

  // The one-time password, focused so that a screen reader reads it at once.
  function passwordBox(login, password) {
    return h('div', { class: 'status password-once', role: 'status', tabindex: '-1', id: 'ac-password' },
      h('p', {}, t('admin.passwordOnce', { login })),
      h('p', {}, h('code', { class: 'password', translate: 'no' }, password)));
  }

  function list(focusId, notice) {
    const officeName = (id) => { const o = allOffices.find((x) => x.id === id); return o ? o.name_de : id; };
    const rows = clerks.map((c) => h('tr', {},
      h('th', { scope: 'row' }, c.login),
      h('td', {}, c.display_name),
      h('td', {}, t(`admin.v.${c.role}`)),
      h('td', {}, c.role === 'admin' ? t('admin.allOffices') : (c.offices.map(officeName).join(', ') || '–')),
      h('td', {}, c.disabled ? t('admin.disabled') : t('admin.active'), c.auth === 'ldap' ? ` (${t('admin.directory')})` : ''),
      h('td', {}, h('button', { type: 'button', id: `ac-edit-${c.login}`, onclick: () => form(c) },
        t('admin.edit'), h('span', { class: 'sr-only' }, ` – ${c.login}`)))));
    replace(el,
      h('h2', { id: 'ac-h', tabindex: '-1' }, t('admin.clerks')),
      notice || null,
      h('div', { class: 'actions' }, h('button', { type: 'button', class: 'primary', id: 'ac-new', onclick: () => form(null) }, t('admin.clerkNew'))),
      dataTable(t, t('admin.clerks'), ['login', 'displayName', 'role', 'officesCol', 'state', 'actions'], rows));
    const again = focusId && document.getElementById(focusId);
    if (again) again.focus();
  }

  // The offices as checkboxes: an admin picks, never types ids.
  function officeChoice(selected) {
    const boxes = allOffices.map((o) => {
      const id = `ac-office-${o.id}`;
      const box = h('input', { type: 'checkbox', id, value: o.id, checked: selected.includes(o.id) });
      return { box, el: h('div', { class: 'field check' }, box, ' ', h('label', { for: id }, o.name_de)) };
    });
    const first = boxes[0] ? boxes[0].box : h('input', { type: 'hidden' });
    return {
      name: 'offices',
      input: first,
      el: h('fieldset', {}, h('legend', {}, t('admin.f.offices')), boxes.length ? boxes.map((b) => b.el) : h('p', {}, t('admin.noOffices'))),
      read: () => boxes.filter((b) => b.box.checked).map((b) => b.box.value),
      check: () => null
    };
  }

  function form(view) {
    const create = !view;
    const body = create ? 'clerk_create' : 'clerk_update';
    const fields = [];
    const add = (n, v) => { const f = field(t, body, n, v, { idPrefix: 'ac' }); fields.push(f); return f.el; };
    const alert = h('p', { class: 'error', role: 'alert', tabindex: '-1', id: 'ac-error' });
    const offices = officeChoice(view ? view.offices : []);
    const els = [
      create ? add('login', '') : null,
      add('display_name', view ? view.display_name : ''),
      add('role', view ? view.role : 'clerk'),
      offices.el,
      create ? null : add('disabled', view.disabled)
    ];
    fields.push(offices);
    const send = async (payload, withPassword) => {
      try {
        const d = create
          ? await request(ctx.base, 'api/v1/admin/clerks', { method: 'POST', body: payload, token: ctx.token })
          : await request(ctx.base, `api/v1/admin/clerks/${encodeURIComponent(view.login)}`, { method: 'PATCH', body: payload, token: ctx.token });
        await load();
        if (withPassword) {
          list(null, passwordBox(d.clerk.login, d.password));
          document.getElementById('ac-password').focus();
        } else {
          list(`ac-edit-${d.clerk.login}`);
          ctx.announce(t('admin.saved', { name: d.clerk.login }));
        }
      } catch (err) {
        showError(t, alert, fields, err);
      }
    };
    const submit = async (ev) => {
      ev.preventDefault();
      const bad = fields.map((f) => f.check()).find(Boolean);
      if (bad) { showError(t, alert, fields, bad); return; }
      const payload = changed(fields, view);
      if (!create && Object.keys(payload).length === 0) { showError(t, alert, fields, null); alert.textContent = t('admin.nothingChanged'); return; }
      await send(payload, create);
    };
    replace(el,
      h('h2', { id: 'ac-h', tabindex: '-1' }, create ? t('admin.clerkNew') : t('admin.clerkEdit', { login: view.login })),
      h('form', { class: 'admin-form', onsubmit: submit, novalidate: true },
        els, alert,
        h('div', { class: 'actions' },
          h('button', { type: 'submit', class: 'primary' }, t(create ? 'admin.create' : 'admin.save')),
          create ? null : h('button', { type: 'button', id: 'ac-reset', onclick: () => send({ reset_password: true }, true) }, t('admin.resetPassword')),
          h('button', { type: 'button', onclick: () => list(view ? `ac-edit-${view.login}` : 'ac-new') }, t('admin.cancel')))));
    document.getElementById('ac-h').focus();
  }

  return {
    el,
    async show() {
      await load();
      list();
    }
  };
}
