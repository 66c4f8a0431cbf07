// Formats waits, times and sizes for people (ranges, local clock times) in the chosen language.

// Why: estimates are shown as honest ranges rounded to minutes, never as false precision.
export function waitRange(t, estimate) {
  if (!estimate || typeof estimate.min_s !== 'number' || typeof estimate.max_s !== 'number') return null;
  const min = Math.max(0, Math.round(estimate.min_s / 60));
  const max = Math.max(min, Math.round(estimate.max_s / 60));
  if (max < 1) return t('range.less');
  // plural forms by the number said last ("2–5 минут", "about 1 minute")
  if (min === max) return t('range.same', { min, n: min });
  return t('range.minutes', { min, max, n: max });
}

export function hoursToday(t, hours) {
  if (!Array.isArray(hours) || hours.length === 0) return t('office.closedToday');
  const list = hours.map((h) => `${h.open}–${h.close}`).join(', ');
  return t('office.hoursToday', { hours: list });
}

// The language's own formats (i18n/index.js LOCALES: Arabic with Latin digits); always a
// 24-hour clock, as the office's opening hours are written.
function locale(t) {
  return t.locale || (t.lang === 'en' ? 'en-GB' : 'de-DE');
}

// The calendar date (YYYY-MM-DD) of an instant in a time zone.
function calendarDate(date, timeZone) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', {
    year: 'numeric', month: '2-digit', day: '2-digit', timeZone: timeZone || undefined
  }).formatToParts(date).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}

function nextDate(ymd) {
  const [y, m, d] = ymd.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1)).toISOString().slice(0, 10);
}

// Why: "Freitag, 28. November" on that Friday makes people wonder whether it means next week;
// today and tomorrow are said as such ("heute um 14:00 Uhr", "tomorrow at 08:00"), other days
// with weekday and date (and the year when it is not this year), all in the office's time zone
// and in the language's own format. `now` is for tests.
export function dateTime(t, iso, timeZone, now = new Date()) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const day = calendarDate(d, timeZone);
  const today = calendarDate(now, timeZone);
  const time = clock(t, iso, timeZone);
  if (day === today) return t('when.today', { time });
  if (day === nextDate(today)) return t('when.tomorrow', { time });
  return t('when.day', { day: dayLabel(t, iso, timeZone, day.slice(0, 4) !== today.slice(0, 4)), time });
}

export function dayLabel(t, iso, timeZone, withYear = false) {
  return new Intl.DateTimeFormat(locale(t), {
    weekday: 'long', day: 'numeric', month: 'long', year: withYear ? 'numeric' : undefined,
    timeZone: timeZone || undefined
  }).format(new Date(iso));
}

export function clock(t, iso, timeZone) {
  return new Intl.DateTimeFormat(locale(t), {
    hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: timeZone || undefined
  }).format(new Date(iso));
}

// m:ss, or h:mm:ss from an hour on.
export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds || 0));
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}

export function bytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function localized(t, value) {
  return localizedLang(t, value).text;
}

// Office names and descriptions come from the administration in German and English only. In
// another language the German one is shown: the office's official name, as on its letters and
// signs. lang: the language of the text shown, for a `lang` attribute where it differs.
export function localizedLang(t, value) {
  if (!value) return { text: '', lang: t.lang };
  if (typeof value === 'string') return { text: value, lang: t.lang };
  for (const lang of [t.lang, 'de']) if (value[lang]) return { text: value[lang], lang };
  const [lang, text] = Object.entries(value)[0] || [t.lang, ''];
  return { text: text || '', lang };
}

export function slotLabel(t, iso, timeZone) {
  return new Intl.DateTimeFormat(locale(t), {
    weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    timeZone: timeZone || undefined
  }).format(new Date(iso));
}
