// The citizen's language next to a ticket in the console (queue and call panel): the clerk knows
// before the call whether to expect German. Shown only for a language other than German; the
// tickets of citizens whose widget did not say (older widgets, other clients) show nothing.
import { h } from '../widget/dom.js';
import { languageName, CITIZEN_LANGUAGES } from '../widget/i18n/index.js';

/** A small badge "DGS" (German sign language) for a citizen who asked for a sign-language
 * interpreter when joining, read as words by screen readers; or null. */
export function interpreterBadge(t, needed) {
  if (!needed) return null;
  return h('span', { class: 'citizen-lang needs-interpreter', title: t('console.interpreter.needed') },
    h('span', { 'aria-hidden': 'true' }, 'DGS'),
    h('span', { class: 'sr-only' }, t('console.interpreter.needed')));
}

/** A small badge "TR" with the language's own name for screen readers and as a tooltip, or null. */
export function citizenLangBadge(t, lang) {
  if (!lang || lang === 'de' || !CITIZEN_LANGUAGES.includes(lang)) return null;
  const name = languageName(lang);
  return h('span', { class: 'citizen-lang', title: name, 'data-lang': lang },
    h('span', { 'aria-hidden': 'true' }, lang.toUpperCase()),
    h('span', { class: 'sr-only' }, t('console.citizenLang', { name })));
}
