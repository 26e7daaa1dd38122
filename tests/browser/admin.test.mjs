// SPDX-License-Identifier: AGPL-3.0-or-later
// admin.test.mjs -- the administrators' procedure pages in a real browser
// (Debian's Chromium, playwright-core, axe-core): /admin, the list of
// procedures and the subsidy procedure with its state diagram, on a
// 375 px phone screen, in French and English.  Run by
// tests/integration/test_browser.py on the shared stack, and by
// test_admin_procedures.py on its own stack with GUICHET_EXPECT_MIGRATION=1,
// where an older version has running demands: then the migration form is
// checked too ("Vérifier", and the checked plan).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launchChromium } from './visits.mjs';
import { logIn, axeViolations, overflow } from './common.mjs';

const BASE = process.env.GUICHET_BASE_URL;
const SHOTS = process.env.GUICHET_SCREENSHOTS;
const MIGRATION = process.env.GUICHET_EXPECT_MIGRATION === '1';
let browser;

before(async () => {
  assert.ok(BASE, 'GUICHET_BASE_URL must be set');
  browser = await launchChromium();
});

after(async () => { await browser?.close(); });

async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

test('the administrator reaches the procedure and its diagram, on a phone, at 0 axe violations', async () => {
  for (const locale of ['fr-CH', 'en-GB']) {
    const ctx = await browser.newContext({ locale, bypassCSP: true,
                                           viewport: { width: 375, height: 740 } });
    const page = await ctx.newPage();
    await logIn(page, 'admin');
    const checked = [];

    await page.goto(BASE + '/admin');
    checked.push(['/admin', await axeViolations(page), await overflow(page)]);
    await page.locator('a[href="/admin/procedures"]').first().click();
    await page.waitForURL(/\/admin\/procedures$/);
    checked.push(['/admin/procedures', await axeViolations(page), await overflow(page)]);
    await page.locator('a[href="/admin/procedures/subsidy"]').first().click();
    await page.waitForURL(/\/admin\/procedures\/subsidy$/);

    // the diagram: an SVG image with its name, visible, scrolling in its region
    const svg = page.locator('.diagram svg');
    assert.equal(await svg.count(), 1);
    assert.ok(await svg.isVisible(), 'the diagram is visible');
    assert.equal(await svg.getAttribute('role'), 'img');
    const name = await page.evaluate(() => document.querySelector('.diagram svg title').textContent);
    assert.ok(name.length > 0, 'the diagram has a title');
    const region = page.locator('.diagram');
    assert.equal(await region.getAttribute('role'), 'region');
    assert.equal(await region.getAttribute('tabindex'), '0');
    const box = await svg.boundingBox();
    assert.ok(box.width > 50 && box.height > 50, 'the diagram is drawn at a readable size');
    checked.push(['/admin/procedures/subsidy', await axeViolations(page), await overflow(page)]);
    await shot(page, `admin-procedure-${locale}`);

    if (MIGRATION) {
      const form = page.locator('section.migrate form');
      assert.ok(await form.count() >= 1, 'an older version with running demands has its form');
      await form.first().locator('button[value=check]').click();
      await page.waitForURL(/\/migrate$/);
      assert.equal(await page.locator('section.migrate button[value=run]').count(), 1,
                   'a clean plan offers to run it');
      checked.push(['migrate (checked)', await axeViolations(page), await overflow(page)]);
      await shot(page, `admin-migrate-${locale}`);
    }
    for (const [p, v, o] of checked) {
      assert.deepEqual(v, [], `${locale} ${p}`);
      assert.ok(o <= 0, `${locale} ${p} overflows by ${o}px at 375 px`);
    }
    await ctx.close();
  }
});
