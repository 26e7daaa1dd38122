// SPDX-License-Identifier: AGPL-3.0-or-later
// common.mjs -- what every browser test does the same way: log in at the
// development identity provider, ask axe-core (WCAG 2.1 A and AA) for the
// violations of a page, and measure how far a page overflows its viewport
// sideways.  The stack's URL comes from GUICHET_BASE_URL, as in visits.mjs.
import { createRequire } from 'node:module';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const BASE = process.env.GUICHET_BASE_URL;

// Logs `account` in through the provider's login form (any password), from
// a page that needs a login, and waits until the browser is back.
export async function logIn(page, account) {
  await page.goto(BASE + '/dashboard');
  await page.waitForURL(/\/interaction\//);
  await page.fill('input[name=login]', account);
  await page.fill('input[name=password]', 'un mot de passe');
  await page.locator('form button[type=submit], form input[type=submit]').first().click();
  await page.waitForURL((u) => u.toString().startsWith(BASE));
}

// The page's WCAG 2.1 A/AA violations, one readable line each ([] = none).
export async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  return result.violations.map((v) =>
    `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

// Pixels the page is wider than its viewport (<= 0: no sideways scroll).
export async function overflow(page) {
  return page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
}
