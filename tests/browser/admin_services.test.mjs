// SPDX-License-Identifier: AGPL-3.0-or-later
// admin_services.test.mjs -- the administrators' service accounts page in a
// real browser (Debian's Chromium, playwright-core, axe-core): reached from
// /admin, a refused form keeps its input with the message next to the
// field, an account is created for one by="system" step of subsidy with
// its token shown once, then revoked; on a 375 px phone screen, at 0 axe
// violations.  The incidents page, reached from /admin too, in French and
// German.  Run by tests/integration/test_browser.py on the shared stack.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launchChromium } from './visits.mjs';
import { logIn, axeViolations, overflow } from './common.mjs';

const BASE = process.env.GUICHET_BASE_URL;
const SHOTS = process.env.GUICHET_SCREENSHOTS;
let browser;

before(async () => {
  assert.ok(BASE, 'GUICHET_BASE_URL must be set');
  browser = await launchChromium();
});

after(async () => { await browser?.close(); });

test('an administrator creates and revokes a service account, on a phone', async () => {
  const ctx = await browser.newContext({ locale: 'fr-CH', bypassCSP: true,
                                         viewport: { width: 375, height: 740 } });
  const page = await ctx.newPage();
  const checked = [];
  await logIn(page, 'admin');
  await page.goto(BASE + '/admin');
  await page.locator('a[href="/admin/service-accounts"]').click();
  await page.waitForURL(/\/admin\/service-accounts$/);
  checked.push(['list', await axeViolations(page), await overflow(page)]);

  // refused: a bad name, no step; the description stays
  await page.fill('#sa-name', 'Pas bon');
  await page.fill('#sa-description', 'Système des dossiers');
  await page.locator('form[action="/admin/service-accounts"] button[type=submit]').click();
  assert.equal(await page.locator('#sa-name-error').count(), 1);
  assert.equal(await page.locator('#sa-scope-error').count(), 1);
  assert.equal(await page.inputValue('#sa-description'), 'Système des dossiers');
  assert.equal(await page.getAttribute('#sa-name', 'aria-invalid'), 'true');
  checked.push(['refused', await axeViolations(page), await overflow(page)]);

  const name = 'dossiers-' + Date.now().toString(36);
  await page.fill('#sa-name', name);
  await page.locator('input[name=scope][value="subsidy:remind"]').check();
  await page.locator('form[action="/admin/service-accounts"] button[type=submit]').click();
  const token = await page.inputValue('#sa-token');
  assert.match(token, /^gsa_[0-9a-f]{64}$/);
  checked.push(['created', await axeViolations(page), await overflow(page)]);
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'admin-service-created.png'), fullPage: true });

  // the token is not on the page any more once left
  await page.goto(BASE + '/admin/service-accounts');
  assert.ok(!(await page.content()).includes(token), 'the token is shown only once');
  const card = page.locator('article.service-account', { hasText: name });
  await card.locator('button[type=submit]').click();
  await page.waitForURL(/\/revoke$/);
  assert.ok((await page.locator('[role=status]').textContent()).includes('révoqué'));
  checked.push(['revoked', await axeViolations(page), await overflow(page)]);

  for (const [p, v, o] of checked) {
    assert.deepEqual(v, [], p);
    assert.ok(o <= 0, `${p} overflows by ${o}px at 375 px`);
  }
  await ctx.close();
});

test('the incidents page, reached from /admin, on a phone', async () => {
  for (const locale of ['fr-CH', 'de-CH']) {
    const ctx = await browser.newContext({ locale, bypassCSP: true,
                                           viewport: { width: 375, height: 740 } });
    const page = await ctx.newPage();
    await logIn(page, 'admin');
    await page.goto(BASE + '/admin');
    await page.locator('a[href="/admin/incidents"]').click();
    await page.waitForURL(/\/admin\/incidents$/);
    assert.equal(await page.locator('h2#health-title').count(), 1);
    assert.deepEqual(await axeViolations(page), [], locale);
    const o = await overflow(page);
    assert.ok(o <= 0, `${locale} overflows by ${o}px at 375 px`);
    if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `admin-incidents-${locale}.png`), fullPage: true });
    await ctx.close();
  }
});
