// When things happen, as the widget says it (widget/format.js dateTime): "heute"/"today" and
// "morgen"/"tomorrow" by the office's calendar (not the browser's, not UTC), other days with
// weekday and date (and the year when it is another), each language in its own format. The
// clock is passed in, so every case is fixed. No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translator } from '../../web-client/widget/i18n/index.js';
import { dateTime } from '../../web-client/widget/format.js';

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

test('an unreadable time gives no text', () => {
  assert.equal(dateTime(de, 'not a time', BERLIN), '');
});
