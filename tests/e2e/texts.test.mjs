// The web client's text catalogues (widget/i18n/*.js; the console uses de.js and en.js too)
// against the protocol catalogue (protocol.js) and against each other: every error code and every
// value the client names has a text in every language that needs it; the citizen languages have
// every text of the citizen side (CITIZEN_PREFIXES in i18n/index.js), German and English also the
// console's; the same placeholders everywhere; plural forms complete for each language's
// Intl.PluralRules; no key written twice (a later duplicate silently wins in a JavaScript object);
// every key the widget's code uses belongs to the citizen side. No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { ERRORS, LISTS } from '../../web-client/widget/protocol.js';
import {
  CITIZEN_LANGUAGES, STAFF_LANGUAGES, LOCALES, GERMAN_EVERYWHERE, isCitizenKey, translator
} from '../../web-client/widget/i18n/index.js';

const sourceRoot = process.env.BB_SOURCE_ROOT || path.resolve(import.meta.dirname, '../..');
const i18nDir = path.join(sourceRoot, 'web-client/widget/i18n');
const CATALOGUES = Object.fromEntries(await Promise.all(CITIZEN_LANGUAGES.map(async (lang) =>
  [lang, (await import(`../../web-client/widget/i18n/${lang}.js`)).default])));
const { de } = CATALOGUES;
// err.* keys that are no error code: connection trouble the client notices itself, and a fallback
const CLIENT_ERR_KEYS = ['generic', 'network', 'timeout'];
// Texts that count a noun: in a language with more plural categories than "one" and "other"
// (Russian, Ukrainian, Arabic) they must be written as complete plural forms.
const COUNTED = ['office.waiting', 'range.same', 'range.minutes', 'err.too_large', 'err.rate_limited', 'join.err.rate_limited'];
const FORM = /^(.*)\.(\d+|zero|one|two|few|many|n)$/;

const placeholders = (text) => (typeof text === 'string' ? [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]) : []);
const sorted = (list) => [...new Set(list)].sort();

// A catalogue's texts: a plain key is one text, `key.<form>` keys with a `key.n` are the forms of
// the plural text `key`. Returns Map(text → {forms: {form: string} | null, value}).
function texts(cat) {
  const out = new Map();
  for (const [key, value] of Object.entries(cat)) {
    const m = FORM.exec(key);
    if (m && `${m[1]}.n` in cat) {
      if (!out.has(m[1])) out.set(m[1], { forms: {} });
      out.get(m[1]).forms[m[2]] = value;
    } else {
      out.set(key, { forms: null, value });
    }
  }
  return out;
}

const textPlaceholders = (t) => sorted(t.forms ? Object.values(t.forms).flatMap(placeholders) : placeholders(t.value));
const required = (lang) => [...texts(de).keys()].filter((k) => (STAFF_LANGUAGES.includes(lang) || isCitizenKey(k))
  && (lang === 'de' || !GERMAN_EVERYWHERE.includes(k)));

// The plural categories a language uses for whole numbers, each with its numbers up to 1000.
function integerCategories(lang) {
  const rules = new Intl.PluralRules(LOCALES[lang]);
  const cats = new Map();
  for (let i = 0; i <= 1000; i += 1) {
    const c = rules.select(i);
    if (!cats.has(c)) cats.set(c, []);
    cats.get(c).push(i);
  }
  return cats;
}

test('the catalogue files are the citizen languages, the staff languages among them', () => {
  const files = readdirSync(i18nDir).filter((f) => f.endsWith('.js') && f !== 'index.js').map((f) => f.slice(0, -3));
  assert.deepEqual(files.sort(), [...CITIZEN_LANGUAGES].sort());
  for (const lang of STAFF_LANGUAGES) assert.ok(CITIZEN_LANGUAGES.includes(lang));
});

for (const [lang, cat] of Object.entries(CATALOGUES)) {
  const own = texts(cat);
  const t = translator(lang, CITIZEN_LANGUAGES);

  test(`${lang}: every error code of the protocol has its own text`, () => {
    for (const code of [...Object.keys(ERRORS), ...CLIENT_ERR_KEYS]) {
      const text = own.get(`err.${code}`);
      assert.ok(text, `err.${code} missing in ${lang}.js`);
      for (const s of text.forms ? Object.values(text.forms) : [text.value]) {
        assert.equal(typeof s, 'string', `err.${code} in ${lang}.js`);
        assert.ok(s.length > 10 && !/[_]/.test(s.replace(/\{\w+\}/g, '')), `err.${code} in ${lang}.js reads like a text: ${s}`);
      }
    }
    for (const key of own.keys()) {
      if (!key.startsWith('err.')) continue;
      const code = key.slice(4);
      assert.ok(ERRORS[code] || CLIENT_ERR_KEYS.includes(code), `${key} in ${lang}.js is no error code`);
    }
  });

  test(`${lang}: every value the widget shows by name has a text`, () => {
    const need = [
      ...LISTS.appointment_state.map((s) => `appt.${s}`),
      ...LISTS.office_status.map((s) => `status.${s}`),
      ...['name', 'concern', 'contact', 'appointment', 'text', 'chat', 'other'].map((f) => `field.${f}`)
    ];
    if (STAFF_LANGUAGES.includes(lang)) {
      need.push(...LISTS.hangup_reason.map((r) => `console.hangup.${r}`),
        ...LISTS.presence_settable.map((p) => `presence.${p}`),
        ...LISTS.outcome.map((o) => `outcome.${o}`));
    }
    for (const key of need) assert.equal(typeof cat[key], 'string', `${key} missing in ${lang}.js`);
  });

  test(`${lang}.js writes no key twice`, () => {
    const source = readFileSync(path.join(i18nDir, `${lang}.js`), 'utf8');
    const keys = [...source.matchAll(/^\s*'([^']+)':/gm)].map((m) => m[1]);
    const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
    assert.deepEqual(twice, [], `keys written twice in ${lang}.js`);
    assert.equal(keys.length, Object.keys(cat).length);
  });

  if (lang === 'de') continue;

  test(`${lang}: every text it must have, and no other`, () => {
    const need = required(lang);
    const missing = need.filter((k) => !own.has(k));
    assert.deepEqual(missing, [], `texts missing in ${lang}.js`);
    const extra = [...own.keys()].filter((k) => !need.includes(k));
    assert.deepEqual(extra, [], `texts in ${lang}.js that German does not have, or that are not for citizens`);
  });

  test(`${lang}: the same placeholders as German`, () => {
    const german = texts(de);
    for (const key of required(lang)) {
      const mine = own.get(key), theirs = german.get(key);
      if (!mine) continue;
      assert.deepEqual(textPlaceholders(mine), textPlaceholders(theirs), `placeholders of ${key} in ${lang}.js`);
      if (mine.forms) {
        for (const [form, s] of Object.entries(mine.forms)) {
          for (const p of placeholders(s)) assert.ok(textPlaceholders(theirs).includes(p), `{${p}} in ${key}.${form} of ${lang}.js`);
        }
      }
    }
  });

  test(`${lang}: plural forms complete for its plural rules`, () => {
    const cats = integerCategories(lang);
    const rich = [...cats.keys()].some((c) => c !== 'one' && c !== 'other');
    for (const [key, text] of own) {
      const counted = COUNTED.includes(key);
      if (!text.forms) {
        assert.ok(!(counted && rich), `${key} counts something: ${lang}.js needs its plural forms (${[...cats.keys()]})`);
        continue;
      }
      const hasCategory = Object.keys(text.forms).some((f) => /^[a-z]+$/.test(f) && f !== 'n');
      if (!hasCategory && !(counted && rich)) continue;   // only exact forms (.0, .1) and .n
      for (const [category, numbers] of cats) {
        if (category === 'other') continue;
        const covered = category in text.forms || numbers.every((i) => String(i) in text.forms);
        assert.ok(covered, `${key} in ${lang}.js has no form for "${category}" (${numbers.slice(0, 6).join(', ')} …)`);
      }
    }
  });

  test(`${lang}: the lookup picks the right plural form`, () => {
    const forms = own.get('office.waiting').forms;
    for (const n of [0, 1, 2, 3, 5, 11, 21, 22, 25, 100, 101, 111]) {
      const text = t('office.waiting', { n });
      assert.ok(!text.startsWith('office.'), `office.waiting for ${n} in ${lang}`);
      const category = new Intl.PluralRules(LOCALES[lang]).select(n);
      const expected = forms[String(n)] ?? forms[category] ?? forms.n;
      assert.equal(text.replace(/[\u2068\u2069]/g, ''), expected.replace('{n}', String(n)), `office.waiting for ${n} in ${lang}`);
    }
  });
}

test('German and English have the same keys and the same placeholders', () => {
  const en = CATALOGUES.en;
  assert.deepEqual(Object.keys(en).sort(), Object.keys(de).filter((k) => !GERMAN_EVERYWHERE.includes(k)).sort());
  for (const key of Object.keys(en)) {
    assert.deepEqual(sorted(placeholders(en[key])), sorted(placeholders(de[key])), `placeholders of ${key}`);
  }
});

test('German-everywhere texts are German in every language', () => {
  for (const lang of CITIZEN_LANGUAGES) {
    const t = translator(lang, CITIZEN_LANGUAGES);
    for (const key of GERMAN_EVERYWHERE) assert.deepEqual(t(key), de[key], `${key} in ${lang}`);
  }
});

test('the console stays in German and English; the widget offers all citizen languages', () => {
  assert.equal(translator('tr').lang, 'de');
  assert.equal(translator('en').lang, 'en');
  assert.equal(translator('tr', CITIZEN_LANGUAGES).lang, 'tr');
  assert.equal(translator('ar-EG', CITIZEN_LANGUAGES).dir, 'rtl');
});

// Every key the widget's code names (literally, or as the start of a template) must be a key of
// the citizen side, so that it is translated into every citizen language.
test('every key the widget uses is a citizen key', () => {
  const widgetDir = path.join(sourceRoot, 'web-client/widget');
  const files = [...readdirSync(widgetDir).filter((f) => f.endsWith('.js')).map((f) => path.join(widgetDir, f)),
    ...readdirSync(path.join(widgetDir, 'views')).map((f) => path.join(widgetDir, 'views', f))]
    .filter((f) => !f.endsWith('protocol.js'));
  const deTexts = texts(de);
  const used = [];
  for (const file of files) {
    const source = readFileSync(file, 'utf8');
    for (const m of source.matchAll(/'([a-z]+(?:\.[A-Za-z0-9_]+)+)'/g)) if (deTexts.has(m[1]) || m[1] in de) used.push([m[1], file]);
    for (const m of source.matchAll(/\bt\(`([a-z]+\.[A-Za-z.]*)\$\{/g)) used.push([m[1], file]);
  }
  assert.ok(used.length > 100, `found ${used.length} keys in the widget's code`);
  const foreign = used.filter(([k]) => !isCitizenKey(k)).map(([k, f]) => `${k} (${path.basename(f)})`);
  // errors.js builds `${context}.err.…` for widget and console alike; console contexts stay German/English
  assert.deepEqual(foreign, [], 'the widget uses keys that are not citizen keys');
});
