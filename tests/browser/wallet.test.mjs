// SPDX-License-Identifier: AGPL-3.0-or-later
// wallet.test.mjs -- "Mon porte-documents" in a real browser (Debian's
// Chromium, playwright-core, axe-core), against the stack whose URL is in
// GUICHET_BASE_URL (tests/integration/test_browser.py starts it): upload,
// the same file again, a refused rename, on a 375 px phone, axe-core WCAG
// 2.1 A/AA at 0 violations in French and English, no sideways scrolling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const BASE = process.env.GUICHET_BASE_URL;
let browser;

before(async () => {
  assert.ok(BASE, 'GUICHET_BASE_URL must be set');
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
           '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
});

after(async () => { await browser?.close(); });

async function logIn(page, account) {
  await page.goto(BASE + '/wallet');
  await page.waitForURL(/\/interaction\//);
  await page.fill('input[name=login]', account);
  await page.fill('input[name=password]', 'un mot de passe');
  await page.locator('form button[type=submit], form input[type=submit]').first().click();
  await page.waitForURL((u) => u.toString().startsWith(BASE));
}

async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  return result.violations.map((v) =>
    `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

async function overflow(page) {
  return page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
}

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
    await page.locator('#up-file').evaluate((el) => el.form.requestSubmit());
    await page.waitForLoadState();
    assert.match(await page.locator('[role=status]').innerText(), dup);
    // a blank name: the message next to the field, the summary first
    await page.locator('details summary').first().click();
    const name = page.locator('details input[name=name]').first();
    await name.fill(' ');
    await name.evaluate((el) => el.form.requestSubmit());
    await page.waitForLoadState();
    assert.equal(await page.locator('[role=alert]').count(), 1);
    assert.equal(await page.locator('details[open] input[aria-invalid=true]').count(), 1);
    checked.push(['refused', await axeViolations(page)]);
    assert.ok(await overflow(page) <= 0);
    for (const [p, v] of checked) assert.deepEqual(v, [], `${locale} ${p}`);
    await ctx.close();
  });
}
