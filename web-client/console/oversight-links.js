// Links to the pages for supervisors and admins (live overview, statistics charts): in the
// console's top bar and in the navigation of those pages. Plain clerks get none (the server
// refuses them anyway: GET /api/v1/admin/overview answers 403).

// Roles that see every office (protocol catalogue: clerk_role; store/clerks.h bb_clerk_oversees).
const OVERSEEING_ROLES = new Set(['admin', 'supervisor']);

export const PAGES = [
  { key: 'oversight.overview', href: 'overview.html', id: 'overview' },
  { key: 'oversight.reports', href: 'reports.html', id: 'reports' }
];

export function oversees(clerk) {
  return Boolean(clerk && OVERSEEING_ROLES.has(clerk.role));
}

/**
 * The links as elements for h(): current marks the page shown now (aria-current). The query
 * string (?lang=, ?api=) goes along, so the pages speak the console's language to its API.
 */
export function oversightLinks(h, t, clerk, current = null) {
  if (!oversees(clerk)) return [];
  return PAGES.map((p) => h('a', {
    href: `${p.href}${location.search}`, class: 'top-link', id: `link-${p.id}`,
    'aria-current': p.id === current ? 'page' : null
  }, t(p.key)));
}
