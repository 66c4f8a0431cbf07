// Runs axe-core (WCAG 2.1 A/AA rules) inside a page, including open shadow roots, and returns the
// violations in a readable form.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export async function axeViolations(page) {
  const injected = await page.evaluate(() => typeof window.axe !== 'undefined');
  // Evaluated through the DevTools protocol, which our pages' Content-Security-Policy (no inline
  // scripts) does not govern, unlike a script tag.
  if (!injected) await page.evaluate(axeSource);
  const result = await page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      resultTypes: ['violations']
    });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target, summary: n.failureSummary }))
    }));
  });
  return result;
}

export function formatViolations(list) {
  return list.map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `   ${JSON.stringify(n.target)} ${n.summary}`).join('\n')}`).join('\n');
}
