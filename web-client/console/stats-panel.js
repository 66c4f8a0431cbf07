// Console "Statistik" section: download the statistics CSV (GET /api/v1/admin/stats) for the last
// 30 days or a chosen range, for all offices the clerk serves or one of them.
import { h } from '../widget/dom.js';
import { localized } from '../widget/format.js';
import { ApiError } from '../widget/api.js';
import { errorText } from '../widget/errors.js';

const MAX_DAYS = 366;
let cached = null;   // { key, el }: kept across re-renders so typed dates survive queue updates

// Local calendar date (YYYY-MM-DD) n days before today.
function daysAgo(n) {
  const d = new Date();
  d.setDate(d.getDate() - n);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// Why fetch + blob instead of a plain link: the API needs the Authorization header, which a link
// cannot send; the file name comes from the server's Content-Disposition.
async function download(apiBase, token, { from, to, office }) {
  const q = new URLSearchParams({ from, to, format: 'csv' });
  if (office) q.set('office', office);
  const res = await fetch(new URL(`api/v1/admin/stats?${q}`, apiBase),
    { headers: { Authorization: `Bearer ${token}` }, credentials: 'omit', cache: 'no-store' });
  if (!res.ok) {
    let error = {};
    try { error = (await res.json()).error || {}; } catch { /* not JSON */ }
    throw new ApiError(res.status, error.code || 'internal', error.message, Number(res.headers.get('Retry-After')) || 0, error);
  }
  const blob = await res.blob();
  const name = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') || '');
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name ? name[1] : `buergerbuero-stats-${from}-${to}.csv` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function officeName(t, state, id) {
  const o = state.allOffices.find((x) => x.id === id);
  return o ? localized(t, o.name) : id;
}

/** The section element (the same one while language and offices stay the same). */
export function statsPanel({ t, state, apiBase }) {
  const offices = state.offices.map((o) => o.office);
  const key = `${t.lang}|${offices.join(',')}`;
  if (cached && cached.key === key) return cached.el;

  const office = h('select', { id: 'st-office' }, h('option', { value: '' }, t('console.statsAllOffices')),
    offices.map((id) => h('option', { value: id }, officeName(t, state, id))));
  const from = h('input', { id: 'st-from', type: 'date', required: true, value: daysAgo(29) });
  const to = h('input', { id: 'st-to', type: 'date', required: true, value: daysAgo(0) });
  const out = h('p', { role: 'status', class: 'hint', id: 'st-status' });
  const run = async (range) => {
    out.textContent = t('console.statsLoading');
    try {
      await download(apiBase, state.token, { ...range, office: office.value });
      out.textContent = t('console.statsDone');
    } catch (err) {
      out.textContent = t('console.statsFailed', { reason: errorText(t, err, 'console') });
    }
  };
  const el = h('section', { class: 'card', id: 'stats-panel', 'aria-labelledby': 'st-h' },
    h('h2', { id: 'st-h' }, t('console.stats')),
    h('p', { class: 'hint' }, t('console.statsHint')),
    h('div', { class: 'field' }, h('label', { for: 'st-office' }, t('console.statsOffice')), office),
    h('button', { type: 'button', id: 'st-last30', onclick: () => run({ from: daysAgo(29), to: daysAgo(0) }) },
      t('console.statsLast30')),
    h('form', {
      onsubmit: (ev) => {
        ev.preventDefault();
        const days = (Date.parse(to.value) - Date.parse(from.value)) / 86400000 + 1;
        if (!from.value || !to.value || !(days >= 1 && days <= MAX_DAYS)) {
          out.textContent = t('console.statsBadRange', { max: MAX_DAYS });
          return;
        }
        run({ from: from.value, to: to.value });
      }
    },
    h('div', { class: 'field' }, h('label', { for: 'st-from' }, t('console.statsFrom')), from),
    h('div', { class: 'field' }, h('label', { for: 'st-to' }, t('console.statsTo')), to),
    h('button', { type: 'submit' }, t('console.statsDownload'))),
    out);
  cached = { key, el };
  return el;
}
