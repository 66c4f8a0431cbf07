// Looks up user-facing texts in the per-language catalogues and fills in {placeholders}.
import de from './de.js';
import en from './en.js';

const catalogues = { de, en };
export const languages = Object.keys(catalogues);

// Why: one lookup function so a missing key is visible (the key itself shows) instead of "undefined".
export function translate(lang, key, params = {}) {
  const cat = catalogues[lang] || de;
  let text = key in cat ? cat[key] : (key in de ? de[key] : key);
  if (typeof text !== 'string') return text;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

export function normaliseLang(value) {
  const v = String(value || '').slice(0, 2).toLowerCase();
  return catalogues[v] ? v : 'de';
}

// A bound translator for one language, handy for views.
export function translator(lang) {
  const l = normaliseLang(lang);
  const t = (key, params) => translate(l, key, params);
  t.lang = l;
  t.has = (key) => key in (catalogues[l] || de) || key in de;
  return t;
}
