// Looks up user-facing texts in the per-language catalogues, picks plural forms and fills in
// {placeholders}. Citizens get six languages, clerks and administrators German and English.
//
// Which texts a catalogue must have: the citizen side's keys (CITIZEN_PREFIXES) in every citizen
// language; the console's and the administration's keys (all others: console.*, admin.*, …) only
// in the staff languages. tests/e2e/texts.test.mjs holds the catalogues to that.
//
// Plurals: a text that counts something may be written as forms instead of one string:
// `key.<number>` for one exact number (`office.waiting.0`: "Niemand wartet"), `key.<category>`
// for a category of Intl.PluralRules of the language (`zero`, `one`, `two`, `few`, `many`), and
// `key.n` for all other numbers (always present). The count is the `n` parameter. A language
// writes forms where it needs them: German says "{max} Zeichen" for every number, Russian and
// Arabic need forms there.
import de from './de.js';
import en from './en.js';
import tr from './tr.js';
import ar from './ar.js';
import uk from './uk.js';
import ru from './ru.js';

const catalogues = { de, en, tr, ar, uk, ru };

/** The languages of the citizen widget, in the order the language chooser lists them. */
export const CITIZEN_LANGUAGES = ['de', 'en', 'tr', 'ar', 'uk', 'ru'];
/** The languages of the clerk console and the administration. */
export const STAFF_LANGUAGES = ['de', 'en'];
export const languages = CITIZEN_LANGUAGES;

/** Right-to-left languages: the widget's root gets dir="rtl". */
export const RTL = new Set(['ar']);

// The locale for dates, times and plural rules. Arabic with Latin digits and the Gregorian
// calendar: ticket numbers, codes, opening hours and the county's letters all use Latin digits,
// one kind of digit on the page is easier to read than two.
export const LOCALES = {
  de: 'de-DE', en: 'en-GB', tr: 'tr-TR', ar: 'ar-u-ca-gregory-nu-latn', uk: 'uk-UA', ru: 'ru-RU'
};

// Keys of the citizen side (widget, booking, check-in, errors the citizen can see). `appt.*`
// names appointment states, which a citizen may read too.
export const CITIZEN_PREFIXES = [
  'lang.', 'offices.', 'office.', 'status.', 'range.', 'when.', 'device.', 'wait.', 'title.',
  'notify.', 'callback.', 'call.', 'chat.', 'thanks.', 'book.', 'checkin.', 'err.', 'join.err.', 'field.', 'appt.'
];
// Texts that stay German in every language: the Leichte-Sprache explanation is plain German by
// definition (a standard for German); the other catalogues leave them out.
export const GERMAN_EVERYWHERE = ['wait.easy'];

export function isCitizenKey(key) {
  return CITIZEN_PREFIXES.some((p) => key.startsWith(p));
}

const rules = new Map();
function pluralRules(lang) {
  if (!rules.has(lang)) rules.set(lang, new Intl.PluralRules(LOCALES[lang] || lang));
  return rules.get(lang);
}

// The plural form of `key` for count n in one catalogue, or undefined when it has no forms.
function pluralForm(cat, lang, key, n) {
  if (!(`${key}.n` in cat)) return undefined;
  const count = Number(n);
  if (Number.isFinite(count)) {
    if (`${key}.${count}` in cat) return cat[`${key}.${count}`];
    const category = pluralRules(lang).select(count);
    if (`${key}.${category}` in cat) return cat[`${key}.${category}`];
  }
  return cat[`${key}.n`];
}

function lookup(lang, key, params) {
  const cat = catalogues[lang] || de;
  if (!GERMAN_EVERYWHERE.includes(key)) {
    if (key in cat) return cat[key];
    const form = pluralForm(cat, lang, key, params.n);
    if (form !== undefined) return form;
  }
  if (key in de) return de[key];
  const form = pluralForm(de, 'de', key, params.n);
  return form !== undefined ? form : key;
}

// Unicode isolates around what is put into a right-to-left sentence (names, ticket numbers,
// times), so "KFZ-017" or a Latin office name keeps its own direction and does not pull the
// punctuation around it to the wrong side.
const FSI = '\u2068', PDI = '\u2069';

// Why: one lookup function so a missing key is visible (the key itself shows) instead of "undefined".
export function translate(lang, key, params = {}) {
  const text = lookup(lang, key, params);
  if (typeof text !== 'string') return text;
  const isolate = RTL.has(lang);
  return text.replace(/\{(\w+)\}/g, (m, name) => {
    if (!(name in params)) return m;
    return isolate ? `${FSI}${params[name]}${PDI}` : String(params[name]);
  });
}

/** The language itself when offered, else German. offered: CITIZEN_LANGUAGES or STAFF_LANGUAGES. */
export function normaliseLang(value, offered = STAFF_LANGUAGES) {
  const v = String(value || '').trim().slice(0, 2).toLowerCase();
  return offered.includes(v) ? v : 'de';
}

/** The first offered language of a list (navigator.languages: "tr-TR", "en-US", …), or null. */
export function firstOffered(list, offered = CITIZEN_LANGUAGES) {
  for (const value of list || []) {
    const v = String(value || '').trim().slice(0, 2).toLowerCase();
    if (offered.includes(v)) return v;
  }
  return null;
}

/** A language's name in that language ("Türkçe", "العربية"), for the language chooser. */
export function languageName(lang) {
  return (catalogues[lang] || de)['lang.name'];
}

/**
 * A bound translator for one language, handy for views. The console and the administration call
 * it with the language alone (German or English); the widget passes CITIZEN_LANGUAGES.
 */
export function translator(lang, offered = STAFF_LANGUAGES) {
  const l = normaliseLang(lang, offered);
  const t = (key, params) => translate(l, key, params || {});
  t.lang = l;
  t.locale = LOCALES[l];
  t.dir = RTL.has(l) ? 'rtl' : 'ltr';
  t.has = (key) => [catalogues[l], de].some((cat) => key in cat || `${key}.n` in cat);
  return t;
}
