// The web client's text catalogues (widget/i18n/de.js, en.js; the console uses them too) against
// the protocol catalogue (protocol.js): every error code and every value the client names has a
// text in every language, both languages have the same keys and placeholders, no key is written
// twice (a later duplicate silently wins in a JavaScript object). No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ERRORS, LISTS } from '../../web-client/widget/protocol.js';
import de from '../../web-client/widget/i18n/de.js';
import en from '../../web-client/widget/i18n/en.js';

const sourceRoot = process.env.BB_SOURCE_ROOT || path.resolve(import.meta.dirname, '../..');
const CATALOGUES = { de, en };
// err.* keys that are no error code: connection trouble the client notices itself, and a fallback
const CLIENT_ERR_KEYS = ['generic', 'network', 'timeout'];

const placeholders = (text) => (typeof text === 'string' ? [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort() : []);

for (const [lang, cat] of Object.entries(CATALOGUES)) {
  test(`${lang}: every error code of the protocol has its own text`, () => {
    for (const code of Object.keys(ERRORS)) {
      const text = cat[`err.${code}`];
      assert.equal(typeof text, 'string', `err.${code} missing in ${lang}.js`);
      assert.ok(text.length > 10 && !/[_]/.test(text.replace(/\{\w+\}/g, '')), `err.${code} in ${lang}.js reads like a text: ${text}`);
    }
    for (const key of Object.keys(cat).filter((k) => k.startsWith('err.'))) {
      const code = key.slice(4);
      assert.ok(ERRORS[code] || CLIENT_ERR_KEYS.includes(code), `${key} in ${lang}.js is no error code`);
    }
  });

  test(`${lang}: every value the client shows by name has a text`, () => {
    const need = [
      ...LISTS.hangup_reason.map((r) => `console.hangup.${r}`),
      ...LISTS.presence_settable.map((p) => `presence.${p}`),
      ...LISTS.outcome.map((o) => `outcome.${o}`),
      ...LISTS.appointment_state.map((s) => `appt.${s}`),
      ...LISTS.office_status.map((s) => `status.${s}`),
      ...['name', 'concern', 'contact', 'appointment', 'text', 'chat', 'other'].map((f) => `field.${f}`)
    ];
    for (const key of need) assert.equal(typeof cat[key], 'string', `${key} missing in ${lang}.js`);
  });

  test(`${lang}.js writes no key twice`, () => {
    const source = readFileSync(path.join(sourceRoot, `web-client/widget/i18n/${lang}.js`), 'utf8');
    const keys = [...source.matchAll(/^\s*'([^']+)':/gm)].map((m) => m[1]);
    const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
    assert.deepEqual(twice, [], `keys written twice in ${lang}.js`);
    assert.equal(keys.length, Object.keys(cat).length);
  });
}

test('German and English have the same keys and the same placeholders', () => {
  assert.deepEqual(Object.keys(en).sort(), Object.keys(de).sort());
  for (const key of Object.keys(de)) {
    assert.deepEqual(placeholders(en[key]), placeholders(de[key]), `placeholders of ${key}`);
  }
});
