// Bar charts as inline SVG, made here (no chart library, nothing from elsewhere): one group of
// bars per category (a day, an hour), one bar per series. The page's policy allows no inline
// styles, so colours come from classes in console.css and textures from SVG presentation
// attributes. Accessible by construction: the SVG is one image (role="img") named by its <title>
// and described by a <desc> that sums the data up; every series has a texture as well as a
// colour and a legend entry in words; the numbers themselves follow as a real <table> in a
// <details> disclosure.
import { h } from '../widget/dom.js';

const SVG_NS = 'http://www.w3.org/2000/svg';
const HEIGHT = 260;
const PAD = { left: 52, right: 8, top: 12, bottom: 34 };
const LABEL_PX = 44;   // room per category label under the axis; the table has all of them

// The drawing's width in user units: the window's width up to 640, so that on a phone one unit
// is about one pixel and the labels stay readable (drawn once per load, not on resizing).
function drawingWidth() {
  return Math.min(640, Math.max(300, Math.round(window.innerWidth || 640)));
}

// Per series position: colour class (console.css, ≥ 3:1 against white and each other's texture)
// and a texture drawn over it, so no series is told apart by colour alone.
const LOOKS = [
  { cls: 's1', texture: null },
  { cls: 's2', texture: 'stripes' },
  { cls: 's3', texture: 'dots' }
];

// Why a separate builder: h() makes HTML elements; SVG needs its own namespace.
function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children.flat(Infinity)) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

// White marks over the series colour: diagonal stripes, or dots.
function texturePatterns(prefix) {
  return svg('defs', {},
    svg('pattern', { id: `${prefix}-stripes`, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
      svg('rect', { x: 0, y: 0, width: 2, height: 6, fill: '#ffffff' })),
    svg('pattern', { id: `${prefix}-dots`, width: 6, height: 6, patternUnits: 'userSpaceOnUse' },
      svg('circle', { cx: 3, cy: 3, r: 1.4, fill: '#ffffff' })));
}

// A bar (or legend swatch): the coloured rectangle plus its texture on top.
function bar(prefix, look, x, y, w, height) {
  const parts = [svg('rect', { class: `bar ${look.cls}`, x, y, width: w, height })];
  if (look.texture) parts.push(svg('rect', { x, y, width: w, height, fill: `url(#${prefix}-${look.texture})` }));
  return parts;
}

// The top gridline: a round value at or above max whose half is round too (whole numbers for
// counts: 2, 4, 6, 8, 10 × 10^n; 1, 2, 5 × 10^n for durations).
function niceMax(max, kind) {
  const steps = kind === 'count' ? [2, 4, 6, 8, 10] : [1, 2, 5, 10];
  if (!(max > 0)) return steps[0];
  const p = 10 ** Math.floor(Math.log10(max));
  return steps.map((m) => m * p).find((v) => v >= max);
}

function legend(prefix, series) {
  return h('ul', { class: 'legend' }, series.map((s, i) => h('li', {},
    svg('svg', { class: 'swatch', viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true', focusable: 'false' },
      texturePatterns(`${prefix}-l${i}`), bar(`${prefix}-l${i}`, LOOKS[i], 0, 0, 16, 16)),
    ' ', s.label)));
}

// The words the image stands for: totals of counts, or each series' highest value and where.
function description(t, spec) {
  const { series, labels, kind, format } = spec;
  const any = series.some((s) => s.values.some((v) => v !== null && v > 0));
  if (!any) return t('rep.descEmpty');
  if (kind === 'count') {
    const list = series.map((s) => `${s.label} ${s.values.reduce((a, v) => a + (v || 0), 0)}`).join(', ');
    return t('rep.descTotals', { list });
  }
  const list = series.map((s) => {
    let at = -1;
    s.values.forEach((v, i) => { if (v !== null && (at < 0 || v > s.values[at])) at = i; });
    return at < 0 ? `${s.label} ${t('rep.none')}` : t('rep.descItem', { series: s.label, value: format(s.values[at]), at: labels[at] });
  }).join(', ');
  return t('rep.descHighest', { list });
}

function plot(prefix, spec, titleText, descText) {
  const { series, labels, format, kind } = spec;
  const n = labels.length, k = series.length;
  const width = drawingWidth();
  const pw = width - PAD.left - PAD.right, ph = HEIGHT - PAD.top - PAD.bottom;
  const top = niceMax(Math.max(0, ...series.flatMap((s) => s.values.filter((v) => v !== null))), kind);
  const y = (v) => PAD.top + ph - (v / top) * ph;
  const group = pw / Math.max(1, n);
  const bw = (group * 0.8) / k;
  const grid = [0, top / 2, top].map((v) => svg('g', { class: 'grid' },
    svg('line', { x1: PAD.left, x2: width - PAD.right, y1: y(v), y2: y(v) }),
    svg('text', { x: PAD.left - 6, y: y(v) + 4, 'text-anchor': 'end' }, format(v))));
  const step = Math.ceil(n / Math.max(1, Math.floor(pw / LABEL_PX)));
  const xLabels = labels.map((l, i) => (i % step ? null
    : svg('text', { class: 'axis', x: PAD.left + group * (i + 0.5), y: HEIGHT - PAD.bottom + 18, 'text-anchor': 'middle' }, l)));
  const bars = [];
  series.forEach((s, j) => s.values.forEach((v, i) => {
    if (v === null || v <= 0) return;
    const x = PAD.left + group * i + group * 0.1 + bw * j;
    bars.push(bar(prefix, LOOKS[j], x, y(v), Math.max(1, bw - 1), PAD.top + ph - y(v)));
  }));
  return svg('svg', {
    class: 'plot', viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img', 'aria-labelledby': `${prefix}-t ${prefix}-d`,
    preserveAspectRatio: 'xMidYMid meet'
  },
  svg('title', { id: `${prefix}-t` }, titleText),
  svg('desc', { id: `${prefix}-d` }, descText),
  texturePatterns(prefix), grid,
  svg('line', { class: 'axis-line', x1: PAD.left, x2: width - PAD.right, y1: y(0), y2: y(0) }),
  bars, xLabels);
}

function table(t, spec, titleText) {
  const { series, labels, header, format } = spec;
  return h('details', { class: 'chart-data' },
    h('summary', {}, t('rep.table')),
    h('div', { class: 'table-wrap' }, h('table', {},
      h('caption', { class: 'sr-only' }, titleText),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, header), series.map((s) => h('th', { scope: 'col' }, s.label)))),
      h('tbody', {}, labels.map((l, i) => h('tr', {},
        h('th', { scope: 'row' }, l),
        series.map((s) => h('td', {}, s.values[i] === null ? t('rep.none') : format(s.values[i])))))))));
}

/**
 * One chart as a section: heading, legend, the SVG image and its numbers as a table.
 * spec: { id, title, header (first column of the table), labels: [category], kind: 'count' |
 * 'duration', format: (value) => text, series: [{ label, values: [number | null] }] (≤ 3) }.
 */
export function barChart(t, spec) {
  const prefix = `chart-${spec.id}`;
  const descText = description(t, spec);
  return h('section', { class: 'chart', id: prefix, 'aria-labelledby': `${prefix}-h` },
    h('h3', { id: `${prefix}-h` }, spec.title),
    spec.series.length > 1 ? legend(prefix, spec.series) : null,
    h('div', { class: 'plot-wrap' }, plot(prefix, spec, spec.title, descText)),
    table(t, spec, spec.title));
}
