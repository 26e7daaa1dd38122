// SPDX-License-Identifier: AGPL-3.0-or-later
// dashboard.test.mjs -- a bucket of the dashboard on its own page
// (/dashboard/<bucket>, engine/h_demand.c) in a real browser: reached from
// the dashboard or typed, on a 375 px phone, axe-core WCAG 2.1 A/AA at 0
// violations, no sideways scrolling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launchChromium } from './visits.mjs';
import { axeViolations, logIn, overflow } from './common.mjs';

const BASE = process.env.GUICHET_BASE_URL;
let browser;

before(async () => {
  assert.ok(BASE, 'GUICHET_BASE_URL must be set');
  browser = await launchChromium();
});

after(async () => { await browser?.close(); });

test('a bucket of the dashboard on a phone', async () => {
  const ctx = await browser.newContext({ locale: 'fr-CH', bypassCSP: true,
                                         viewport: { width: 375, height: 740 } });
  const page = await ctx.newPage();
  await logIn(page, 'alice');
  const checked = [];
  for (const bucket of ['archived', 'in-progress']) {
    await page.goto(BASE + '/dashboard/' + bucket);
    assert.equal(await page.locator('h1').count(), 1);
    assert.match(await page.locator('h1').innerText(), /\(\d+\)/);
    checked.push([bucket, await axeViolations(page)]);
    assert.ok(await overflow(page) <= 0, `/dashboard/${bucket} overflows at 375 px`);
  }
  // the way back to the dashboard
  await Promise.all([page.waitForNavigation(),
                     page.getByRole('link', { name: /Retour à l’avancement/ }).click()]);
  assert.equal(new URL(page.url()).pathname, '/dashboard');
  for (const [name, v] of checked)
    assert.deepEqual(v, [], `${name}: ${JSON.stringify(v, null, 1)}`);
  await ctx.close();
});
