// SPDX-License-Identifier: AGPL-3.0-or-later
// wallet.test.mjs -- "Mon porte-documents" in a real browser (Debian's
// Chromium, playwright-core, axe-core), against the stack whose URL is in
// GUICHET_BASE_URL (tests/integration/test_browser.py starts it): upload,
// the same file again, a refused rename, on a 375 px phone, axe-core WCAG
// 2.1 A/AA at 0 violations in French and English, no sideways scrolling.
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

function pdf(tag) {
  return Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% ${tag}\n%%EOF\n`);
}

for (const [locale, added, dup] of [
  ['fr-CH', /ajouté à votre porte-documents/, /déjà dans votre porte-documents/],
  ['en-GB', /added to your wallet/, /already in your wallet/],
]) {
  test(`the wallet on a phone, ${locale}: upload, duplicate, refused rename`, async () => {
    const ctx = await browser.newContext({ locale, bypassCSP: true,
                                           viewport: { width: 375, height: 740 } });
    const page = await ctx.newPage();
    await logIn(page, 'bruno');
    await page.goto(BASE + '/wallet');
    const checked = [['empty', await axeViolations(page)]];
    assert.ok(await overflow(page) <= 0);
    const file = { name: 'budget.pdf', mimeType: 'application/pdf',
                   buffer: pdf(`${locale}-${Date.now()}`) };
    await page.setInputFiles('#up-file', file);
    await page.fill('#up-name', 'Budget de l’association pour une année entière 2027');
    await page.selectOption('#up-category', 'budget');
    await page.locator('#up-file').evaluate((el) => el.form.requestSubmit());
    await page.waitForURL(/done=added/);
    assert.match(await page.locator('[role=status]').innerText(), added);
    checked.push(['added', await axeViolations(page)]);
    assert.ok(await overflow(page) <= 0, 'the list overflows');
    // the same bytes again
    await page.setInputFiles('#up-file', file);
    await Promise.all([page.waitForNavigation(),
                       page.locator('#up-file').evaluate((el) => el.form.requestSubmit())]);
    assert.match(await page.locator('[role=status]').innerText(), dup);
    // a blank name: the message next to the field, the summary first
    await page.locator('details summary').first().click();
    const name = page.locator('details input[name=name]').first();
    await name.fill(' ');
    await Promise.all([page.waitForNavigation(),
                       name.evaluate((el) => el.form.requestSubmit())]);
    assert.equal(await page.locator('[role=alert]').count(), 1);
    assert.equal(await page.locator('details[open] input[aria-invalid=true]').count(), 1);
    checked.push(['refused', await axeViolations(page)]);
    assert.ok(await overflow(page) <= 0);
    for (const [p, v] of checked) assert.deepEqual(v, [], `${locale} ${p}`);
    await ctx.close();
  });
}

test('a member picks the space budget from the wallet in a subsidy draft (375 px, axe)', async () => {
  const ctx = await browser.newContext({ locale: 'fr-CH', bypassCSP: true,
                                         viewport: { width: 375, height: 740 } });
  const page = await ctx.newPage();
  await logIn(page, 'carla');
  await page.goto(BASE + '/context');
  await page.getByLabel(/Kiosque du Marché/).check();
  await Promise.all([page.waitForNavigation(),
                     page.locator('form.context-choice button[type=submit]').click()]);
  await page.goto(BASE + '/wallet');
  await page.setInputFiles('#up-file', { name: 'budget.pdf', mimeType: 'application/pdf',
                                         buffer: pdf(`kiosque-${Date.now()}`) });
  await page.fill('#up-name', 'Budget du Kiosque (navigateur)');
  await page.selectOption('#up-category', 'budget');
  await Promise.all([page.waitForNavigation(),
                     page.locator('#up-file').evaluate((el) => el.form.requestSubmit())]);
  await page.goto(BASE + '/dashboard');
  await Promise.all([page.waitForNavigation(),
                     page.locator('form:has(input[name=workflow][value=subsidy]) button')
                       .first().click()]);
  if (new URL(page.url()).pathname === '/demands') {
    // drafts of the Kiosque are open: the choice page, and a new one
    await Promise.all([page.waitForNavigation(),
                       page.locator('form:has(input[name=new][value="1"]) button').click()]);
  }
  const draft = page.url().match(/\/demands\/([0-9a-f-]{36})/)[1];
  await page.goto(`${BASE}/demands/${draft}/page/documents`);
  const pick = page.getByLabel('Ou choisir dans mon porte-documents').first();
  await pick.selectOption({ label: 'Budget du Kiosque (navigateur)' });
  assert.deepEqual(await axeViolations(page), []);
  assert.ok(await overflow(page) <= 0, 'the form page overflows');
  await Promise.all([page.waitForNavigation(),
                     page.getByRole('button', { name: /Enregistrer le brouillon/ }).click()]);
  await page.goto(`${BASE}/demands/${draft}/page/documents`);
  assert.match(await page.locator('main').innerText(), /Budget du Kiosque \(navigateur\)/);
  await ctx.close();
});
