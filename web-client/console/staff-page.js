// The frame of the console's pages for supervisors and admins (overview.html, reports.html):
// language and API base from the query string as in the console, the console's session token,
// who is signed in, and the top bar with the pages' navigation. These pages have no login of
// their own: the console signs in and keeps the token in sessionStorage for this tab.
import { translator } from '../widget/i18n/index.js';
import { h, replace } from '../widget/dom.js';
import { apiBase, request } from '../widget/api.js';
import { errorText } from '../widget/errors.js';
import { oversightLinks, oversees } from './oversight-links.js';

// The key console.js stores the session token under (its TOKEN_KEY).
const TOKEN_KEY = 'bb-console-token';

const byId = (id) => document.getElementById(id);

function notice(...children) {
  return h('section', { class: 'card notice' }, h('p', {}, ...children));
}

function signInNotice(t) {
  return notice(t('oversight.signIn'), ' ',
    h('a', { href: `./${location.search}`, id: 'sign-in-link' }, t('oversight.signInLink')));
}

/**
 * Sets up the page (title, skip link, top bar); resolves with what the page needs, or with null
 * after it showed why it cannot go on (no session, session expired, not a supervisor or admin).
 */
export async function openStaffPage({ titleKey, current }) {
  const params = new URLSearchParams(location.search);
  const t = translator(params.get('lang') || 'de');
  const base = apiBase(params.get('api') || '/');
  document.documentElement.lang = t.lang;
  document.title = t(titleKey);
  byId('console-title').textContent = t(titleKey);
  byId('skip-link').textContent = t('console.skip');
  const nav = byId('top-actions');
  nav.setAttribute('aria-label', t('oversight.nav'));
  const main = byId('app');
  const consoleLink = h('a', { href: `./${location.search}`, class: 'top-link', id: 'link-console' }, t('oversight.console'));
  replace(nav, consoleLink);

  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) {
    replace(main, signInNotice(t));
    return null;
  }
  let clerk;
  try {
    clerk = (await request(base, 'api/v1/clerk/me', { token })).clerk;
  } catch (err) {
    if (err.code === 'unauthorized') {
      sessionStorage.removeItem(TOKEN_KEY);
      replace(main, signInNotice(t));
    } else {
      replace(main, notice(t('oversight.failed', { reason: errorText(t, err, 'console') })));
    }
    return null;
  }
  replace(nav, h('p', { class: 'who' }, t('console.hello', { name: clerk.display_name || '' })),
    consoleLink, oversightLinks(h, t, clerk, current));
  if (!oversees(clerk)) {
    replace(main, notice(t('oversight.forbidden')));
    return null;
  }
  return {
    t, clerk, main,
    // GET with the clerk's token; an expired session shows the sign-in notice instead
    get: (path) => request(base, path, { token }).catch((err) => {
      if (err.code === 'unauthorized') {
        sessionStorage.removeItem(TOKEN_KEY);
        replace(main, signInNotice(t));
      }
      throw err;
    }),
    base
  };
}
