// Statistics as charts for supervisors and admins (docs/web-client.md "Console"): one office and
// a range of days from GET /api/v1/admin/stats (JSON: day rows and hour-of-day rows), drawn as
// bar charts (charts.js) per day and per hour of arrival: outcomes (served, no-show, abandoned),
// waiting time and consultation time (median and 90th percentile). Percentiles cannot be added
// up across offices, hence one office at a time.
import { h, replace } from '../widget/dom.js';
import { api } from '../widget/api.js';
import { localized } from '../widget/format.js';
import { errorText } from '../widget/errors.js';
import { openStaffPage } from './staff-page.js';
import { barChart } from './charts.js';

const MAX_DAYS = 366;
const DEFAULT_DAYS = 14;

// Local calendar date (YYYY-MM-DD) n days before today.
function daysAgo(n) {
  const d = new Date();
  d.setDate(d.getDate() - n);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

// Every date from `from` to `to` (inclusive), so that days without tickets show as zero.
function datesBetween(from, to) {
  const out = [];
  for (let d = Date.parse(`${from}T00:00:00Z`); d <= Date.parse(`${to}T00:00:00Z`); d += 86400000) {
    out.push(new Date(d).toISOString().slice(0, 10));
  }
  return out;
}

const minutes = (s) => (s === null || s === undefined ? null : s / 60);

// The three charts of one axis (days or hours) from rows keyed by category.
function chartsFor(t, fmt, axis, categories, labels, rowOf) {
  const count = (key) => categories.map((c) => (rowOf(c) ? rowOf(c)[key] : 0));
  const mins = (key) => categories.map((c) => (rowOf(c) ? minutes(rowOf(c)[key]) : null));
  const common = { labels, header: t(axis === 'day' ? 'rep.day' : 'rep.hour') };
  const suffix = axis === 'day' ? 'Day' : 'Hour';
  return [
    barChart(t, { ...common, id: `outcomes-${axis}`, title: t(`rep.outcomes${suffix}`), kind: 'count', format: fmt.count,
      series: [{ label: t('rep.served'), values: count('served') }, { label: t('rep.noShow'), values: count('no_show') },
        { label: t('rep.cancelled'), values: count('cancelled') }] }),
    barChart(t, { ...common, id: `wait-${axis}`, title: t(`rep.wait${suffix}`), kind: 'duration', format: fmt.minutes,
      series: [{ label: t('rep.p50'), values: mins('wait_p50_s') }, { label: t('rep.p90'), values: mins('wait_p90_s') }] }),
    barChart(t, { ...common, id: `consult-${axis}`, title: t(`rep.consult${suffix}`), kind: 'duration', format: fmt.minutes,
      series: [{ label: t('rep.p50'), values: mins('consultation_p50_s') }, { label: t('rep.p90'), values: mins('consultation_p90_s') }] })
  ];
}

function render(t, data, office) {
  const locale = t.lang === 'de' ? 'de-DE' : 'en-GB';
  const n1 = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const fmt = { count: (v) => n1.format(v), minutes: (v) => t('rep.minutes', { n: n1.format(v) }) };
  const dayFmt = new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', timeZone: 'UTC' });
  const days = datesBetween(data.from, data.to);
  const byDay = new Map(data.rows.filter((r) => r.office === office).map((r) => [r.day, r]));
  const byHour = new Map((data.hours || []).filter((r) => r.office === office).map((r) => [r.hour, r]));
  const present = [...byHour.keys()];
  const hours = present.length ? Array.from({ length: Math.max(...present) - Math.min(...present) + 1 }, (_, i) => Math.min(...present) + i) : [];
  return [
    h('h2', {}, t('rep.perDay')),
    chartsFor(t, fmt, 'day', days, days.map((d) => dayFmt.format(Date.parse(`${d}T00:00:00Z`))), (d) => byDay.get(d)),
    h('h2', {}, t('rep.perHour')),
    chartsFor(t, fmt, 'hour', hours, hours.map((x) => t('rep.hourLabel', { h: x })), (x) => byHour.get(x))
  ];
}

async function main() {
  const page = await openStaffPage({ titleKey: 'rep.title', current: 'reports' });
  if (!page) return;
  const { t } = page;
  let offices = [];
  try { offices = await api.offices(page.base); } catch { offices = []; }
  offices.sort((a, b) => localized(t, a.name).localeCompare(localized(t, b.name), t.lang));

  const office = h('select', { id: 'rep-office' }, offices.map((o) => h('option', { value: o.id }, localized(t, o.name))));
  const from = h('input', { id: 'rep-from', type: 'date', required: true, value: daysAgo(DEFAULT_DAYS - 1) });
  const to = h('input', { id: 'rep-to', type: 'date', required: true, value: daysAgo(0) });
  const status = h('p', { role: 'status', class: 'hint', id: 'rep-status' });
  const charts = h('div', { id: 'rep-charts', class: 'charts' });

  async function load() {
    const days = (Date.parse(to.value) - Date.parse(from.value)) / 86400000 + 1;
    if (!from.value || !to.value || !(days >= 1 && days <= MAX_DAYS)) {
      status.textContent = t('console.statsBadRange', { max: MAX_DAYS });
      return;
    }
    if (!office.value) return;
    status.textContent = t('rep.loading');
    const q = new URLSearchParams({ from: from.value, to: to.value, office: office.value });
    try {
      const data = await page.get(`api/v1/admin/stats?${q}`);
      replace(charts, render(t, data, office.value));
      const name = office.selectedOptions[0] ? office.selectedOptions[0].textContent : office.value;
      status.textContent = t('rep.loaded', { office: name, from: from.value, to: to.value });
    } catch (err) {
      status.textContent = t('oversight.failed', { reason: errorText(t, err, 'console') });
    }
  }

  const form = h('form', { class: 'card range', id: 'rep-form', onsubmit: (ev) => { ev.preventDefault(); load(); } },
    h('h2', {}, t('rep.heading')),
    h('p', { class: 'hint' }, t('rep.hint')),
    h('div', { class: 'actions' },
      h('div', { class: 'field' }, h('label', { for: 'rep-office' }, t('console.statsOffice')), office),
      h('div', { class: 'field' }, h('label', { for: 'rep-from' }, t('console.statsFrom')), from),
      h('div', { class: 'field' }, h('label', { for: 'rep-to' }, t('console.statsTo')), to),
      h('button', { type: 'submit', class: 'primary', id: 'rep-show' }, t('rep.show'))),
    status);
  replace(page.main, form, charts);
  load();
}

main();
