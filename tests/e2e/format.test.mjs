// When things happen, as the widget says it (widget/format.js dateTime): "heute"/"today" and
// "morgen"/"tomorrow" by the office's calendar (not the browser's, not UTC), other days with
// weekday and date (and the year when it is another), each language in its own format. The
// clock is passed in, so every case is fixed. No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translator, CITIZEN_LANGUAGES } from '../../web-client/widget/i18n/index.js';
import { dateTime, waitRange } from '../../web-client/widget/format.js';

const de = translator('de');
const en = translator('en');
const BERLIN = 'Europe/Berlin';

// [now, event, expected German, expected English], instants in UTC
const CASES = [
  // Friday 27 November 2026, 10:00 in Berlin: the office opens at 14:00 that Friday
  ['2026-11-27T09:00:00Z', '2026-11-27T13:00:00Z', 'heute um 14:00 Uhr', 'today at 14:00'],
  ['2026-11-27T09:00:00Z', '2026-11-28T07:00:00Z', 'morgen um 08:00 Uhr', 'tomorrow at 08:00'],
  ['2026-11-27T09:00:00Z', '2026-11-30T07:00:00Z', 'Montag, 30. November um 08:00 Uhr', 'Monday 30 November at 08:00'],
  ['2026-11-27T09:00:00Z', '2026-12-04T07:00:00Z', 'Freitag, 4. Dezember um 08:00 Uhr', 'Friday 4 December at 08:00'],
  // 00:30 on Saturday in Berlin is still Friday in UTC: Saturday 08:00 is today
  ['2026-11-27T23:30:00Z', '2026-11-28T07:00:00Z', 'heute um 08:00 Uhr', 'today at 08:00'],
  // 23:30 on Friday in Berlin: Saturday 08:00 is tomorrow
  ['2026-11-27T22:30:00Z', '2026-11-28T07:00:00Z', 'morgen um 08:00 Uhr', 'tomorrow at 08:00'],
  // the night the clocks go forward (28 March 2027): tomorrow is still tomorrow
  ['2027-03-27T11:00:00Z', '2027-03-28T06:00:00Z', 'morgen um 08:00 Uhr', 'tomorrow at 08:00'],
  // New Year's Eve: tomorrow is in the next year; later days name their year
  ['2026-12-31T12:00:00Z', '2027-01-01T08:00:00Z', 'morgen um 09:00 Uhr', 'tomorrow at 09:00'],
  ['2026-12-30T12:00:00Z', '2027-01-04T07:00:00Z', 'Montag, 4. Januar 2027 um 08:00 Uhr', 'Monday, 4 January 2027 at 08:00'],
];

test('today, tomorrow and other days in the office\'s zone, in German and English', () => {
  for (const [now, at, textDe, textEn] of CASES) {
    assert.equal(dateTime(de, at, BERLIN, new Date(now)), textDe, `de: ${at} seen at ${now}`);
    assert.equal(dateTime(en, at, BERLIN, new Date(now)), textEn, `en: ${at} seen at ${now}`);
  }
});

test('the office\'s zone decides, not the reader\'s: 08:00 in Tokyo, seen from Berlin\'s afternoon', () => {
  // 16:00 in Berlin on Friday is 00:00 on Saturday in Tokyo: an opening at 08:00 there is today
  assert.equal(dateTime(de, '2026-11-27T23:00:00Z', 'Asia/Tokyo', new Date('2026-11-27T15:00:00Z')), 'heute um 08:00 Uhr');
  assert.equal(dateTime(en, '2026-11-27T23:00:00Z', 'Asia/Tokyo', new Date('2026-11-27T14:00:00Z')), 'tomorrow at 08:00');
});

// The other citizen languages, each in its own format (24-hour clock everywhere, Arabic with Latin
// digits); Unicode isolates around the inserted values of Arabic are left out for reading.
const plain = (text) => text.replace(/[\u2068\u2069]/g, '');
const OTHER = {
  tr: ['bugün saat 14:00', 'yarın saat 08:00', '30 Kasım Pazartesi, saat 08:00', '4 Ocak 2027 Pazartesi, saat 08:00'],
  ar: ['اليوم الساعة 14:00', 'غدًا الساعة 08:00', 'الاثنين، 30 نوفمبر الساعة 08:00', 'الاثنين، 4 يناير 2027 الساعة 08:00'],
  uk: ['сьогодні о 14:00', 'завтра о 08:00', 'понеділок, 30 листопада о 08:00', 'понеділок, 4 січня 2027 р. о 08:00'],
  ru: ['сегодня в 14:00', 'завтра в 08:00', 'понедельник, 30 ноября в 08:00', 'понедельник, 4 января 2027 г. в 08:00']
};

test('today, tomorrow and other days in Turkish, Arabic, Ukrainian and Russian', () => {
  const now = new Date('2026-11-27T09:00:00Z');
  const events = ['2026-11-27T13:00:00Z', '2026-11-28T07:00:00Z', '2026-11-30T07:00:00Z', '2027-01-04T07:00:00Z'];
  for (const [lang, expected] of Object.entries(OTHER)) {
    const t = translator(lang, CITIZEN_LANGUAGES);
    events.forEach((at, i) => assert.equal(plain(dateTime(t, at, BERLIN, now)), expected[i], `${lang}: ${at}`));
  }
});

test('wait ranges with the plural form of the number said last', () => {
  const ru = translator('ru', CITIZEN_LANGUAGES), ar = translator('ar', CITIZEN_LANGUAGES);
  const range = (t, min, max) => plain(waitRange(t, { min_s: min * 60, max_s: max * 60 }));
  assert.equal(range(ru, 1, 1), 'около 1 минуты');
  assert.equal(range(ru, 5, 5), 'около 5 минут');
  assert.equal(range(ru, 2, 4), '2–4 минуты');
  assert.equal(range(ru, 4, 10), '4–10 минут');
  assert.equal(range(ru, 11, 21), '11–21 минута');
  assert.equal(range(ar, 2, 2), 'حوالي دقيقتين');
  assert.equal(range(ar, 4, 10), '4–10 دقائق');
  assert.equal(range(ar, 10, 20), '10–20 دقيقة');
  assert.equal(range(translator('de'), 1, 1), 'etwa 1 Minute');
  assert.equal(range(translator('en'), 3, 3), 'about 3 minutes');
});

test('an unreadable time gives no text', () => {
  assert.equal(dateTime(de, 'not a time', BERLIN), '');
});
