// SPDX-License-Identifier: AGPL-3.0-or-later
// queue.test.mjs -- the agents' queue in a real browser (Debian's Chromium,
// playwright-core, axe-core), against the stack in GUICHET_BASE_URL: Agnès
// searches and sorts her SERAC queue, takes a demand, applies a bulk
// action to the ticked ones, reads the result, opens the printable list;
// each page on a 375 px phone, axe-core WCAG 2.1 A/AA at 0 violations, no
// sideways scrolling.  No script of the portal is needed for any of it.
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

test('the queue on a phone: search, sort, take, bulk, print', async () => {
  const ctx = await browser.newContext({ locale: 'fr-CH', bypassCSP: true,
                                         viewport: { width: 375, height: 740 } });
  const page = await ctx.newPage();
  await logIn(page, 'agnes');
  await page.goto(BASE + '/agent/serac');
  const checked = [['queue', await axeViolations(page)]];
  assert.ok(await overflow(page) <= 0, 'the queue overflows at 375 px');
  // sort by reference through the column header, then search
  await page.locator('th a', { hasText: 'Référence' }).click();
  await page.waitForURL(/sort=reference/);
  assert.equal(await page.locator('th[aria-sort=ascending]').count(), 1);
  await page.fill('#f-q', 'Kiosque');
  await Promise.all([page.waitForNavigation(), page.locator('#f-q').press('Enter')]);
  assert.match(page.url(), /q=Kiosque/);
  checked.push(['searched', await axeViolations(page)]);
  const rows = page.locator('table.queue tbody tr');
  assert.ok(await rows.count() >= 1, 'the search finds the Kiosque');
  // take the first one unassigned
  const take = page.locator('button[name=take]').first();
  if (await take.count()) {
    await Promise.all([page.waitForNavigation(), take.click()]);
    assert.match(await page.locator('[role=status]').innerText(), /attribuée/);
    checked.push(['taken', await axeViolations(page)]);
  }
  // a bulk action on the first ticked demand: release it
  await page.locator('input[name=sel]').first().check();
  await page.selectOption('#b-action', 'release');
  await Promise.all([page.waitForNavigation(),
                     page.locator('button[name=go]').click()]);
  assert.match(await page.locator('h1').innerText(), /Résultat/);
  checked.push(['bulk result', await axeViolations(page)]);
  assert.ok(await overflow(page) <= 0, 'the result overflows');
  // the printable list
  await page.goto(BASE + '/agent/serac/print?sort=reference');
  assert.equal(await page.locator('button[name=take]').count(), 0);
  checked.push(['print', await axeViolations(page)]);
  assert.ok(await overflow(page) <= 0, 'the printable list overflows');
  for (const [what, v] of checked)
    assert.deepEqual(v, [], `${what}: ${JSON.stringify(v, null, 1)}`);
  await ctx.close();
});
