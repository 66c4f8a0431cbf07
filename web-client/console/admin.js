// Administration page (admin role): the sections Ämter, Mitarbeitende and Protokoll, chosen by
// the address's #fragment so each has its own link (back button, bookmarks). Signs in through
// the console: it shares the console's session of this browser tab (sessionStorage).
import { translator } from '../widget/i18n/index.js';
import { h, replace } from '../widget/dom.js';
import { api, apiBase } from '../widget/api.js';
import { errorText } from '../widget/errors.js';
import { officesSection } from './admin-offices.js';
import { clerksSection } from './admin-clerks.js';
import { auditSection } from './admin-audit.js';

const TOKEN_KEY = 'bb-console-token';   // the console's (console.js)
const params = new URLSearchParams(location.search);
const t = translator(params.get('lang') || 'de');
const base = apiBase(params.get('api') || '/');
const app = document.getElementById('app');
const nav = document.getElementById('admin-nav');
const live = document.getElementById('admin-live');

// Polite announcements of what happened (saved, entries shown) for screen readers.
function announce(text) {
  live.textContent = '';
  setTimeout(() => { live.textContent = text; }, 50);
}

const SECTIONS = {
  offices: (ctx) => officesSection(ctx),
  clerks: (ctx) => clerksSection(ctx),
  audit: (ctx) => auditSection(ctx)
};

function current() {
  const name = location.hash.replace(/^#/, '');
  return SECTIONS[name] ? name : 'offices';
}

function renderNav(name) {
  replace(nav, h('ul', { class: 'nav' },
    Object.keys(SECTIONS).map((s) => h('li', {}, h('a', { href: `#${s}`, 'aria-current': s === name ? 'page' : null }, t(`admin.nav.${s}`)))),
    h('li', {}, h('a', { href: 'index.html' + location.search }, t('admin.nav.console')))));
}

async function show(ctx) {
  const name = current();
  renderNav(name);
  const section = SECTIONS[name](ctx);
  replace(app, section.el);
  try {
    await section.show();
  } catch (err) {
    replace(app, h('p', { class: 'error', role: 'alert' }, errorText(t, err, 'admin')));
  }
}

function refuse(key) {
  replace(app, h('div', { class: 'card' }, h('p', { role: 'alert' }, t(key)),
    h('p', {}, h('a', { href: 'index.html' + location.search }, t('admin.toConsole')))));
}

async function main() {
  document.documentElement.lang = t.lang;
  document.title = t('admin.title');
  document.getElementById('admin-title').textContent = t('admin.title');
  document.getElementById('skip-link').textContent = t('console.skip');
  nav.setAttribute('aria-label', t('admin.title'));
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) { refuse('admin.signInFirst'); return; }
  let me;
  try {
    me = (await api.me(base, token)).clerk;
  } catch (err) {
    if (err.status === 401) sessionStorage.removeItem(TOKEN_KEY);
    refuse(err.status === 401 ? 'admin.signInFirst' : 'admin.unavailable');
    return;
  }
  if (me.role !== 'admin') { refuse('admin.onlyAdmins'); return; }
  const ctx = { t, base, token, me, announce };
  window.addEventListener('hashchange', () => show(ctx).then(() => { const h2 = app.querySelector('h2'); if (h2) h2.focus(); }));
  await show(ctx);
}

main();
