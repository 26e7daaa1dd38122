// SPDX-License-Identifier: AGPL-3.0-or-later
// account.test.mjs -- "Gérer mon compte" and "Mes relations" in a real
// browser (Debian's Chromium, playwright-core) against the stack whose URL
// is in GUICHET_BASE_URL (tests/integration/test_browser.py starts it):
// every page, and the pages a refused form gives back, with axe-core's
// WCAG 2.1 A/AA rules at 0 violations and no sideways scrolling at 375 px,
// in French, German and English; the preferences changed by clicking.
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

const HEADER = { 'fr-CH': 'Mon compte', 'de-CH': 'Mein Konto', 'en-GB': 'My account' };

test('the account pages pass axe-core and fit a phone, in French, German and English', async () => {
  for (const locale of ['fr-CH', 'de-CH', 'en-GB']) {
    const ctx = await browser.newContext({ locale, bypassCSP: true,
                                           viewport: { width: 375, height: 740 } });
    const page = await ctx.newPage();
    await logIn(page, 'carla');
    // the header's link leads to the account
    await page.goto(BASE + '/dashboard');
    await page.getByRole('link', { name: HEADER[locale], exact: true }).click();
    await page.waitForURL(/\/account$/);
    const checked = [];
    for (const p of ['/account', '/account/preferences', '/account/delete', '/relations']) {
      const res = await page.goto(BASE + p);
      assert.equal(res.status(), 200, p);
      checked.push([p, await axeViolations(page), await overflow(page)]);
      if (SHOTS) {
        await page.screenshot({ path: path.join(SHOTS, `account-${locale}${p.replace(/\//g, '-')}.png`),
                                fullPage: true });
      }
    }
    // the pages a refused form gives back: messages under the fields
    await page.goto(BASE + '/relations');
    await page.fill('#name', 'Chœur des Alpes');
    await page.fill('#ide', 'CHE-123.456.789');
    await page.fill('#street', 'Rue du Lac 4');
    await page.fill('#postcode', '12');
    await page.fill('#locality', 'Lausanne');
    await page.locator('form[action="/relations"] button[type=submit]').click();
    await page.waitForLoadState();
    assert.equal(await page.locator('#ide[aria-invalid=true]').count(), 1);
    assert.equal(await page.inputValue('#name'), 'Chœur des Alpes');
    checked.push(['relations refused', await axeViolations(page), await overflow(page)]);
    await page.goto(BASE + '/account');
    await page.fill('#contact-0', 'pas une adresse');
    await page.locator('form[action="/account/contacts"] button[type=submit]').click();
    await page.waitForLoadState();
    assert.equal(await page.locator('#contact-0[aria-invalid=true]').count(), 1);
    checked.push(['account refused', await axeViolations(page), await overflow(page)]);
    await page.goto(BASE + '/account/delete');
    await page.locator('form[action="/account/delete"] button[type=submit]').click();
    await page.waitForLoadState();
    assert.equal(await page.locator('fieldset#confirm[aria-invalid=true]').count(), 1);
    checked.push(['delete unconfirmed', await axeViolations(page), await overflow(page)]);
    for (const [p, v, o] of checked) {
      assert.deepEqual(v, [], `${locale} ${p}`);
      assert.ok(o <= 0, `${locale} ${p} overflows by ${o}px`);
    }
    await ctx.close();
  }
});

test('status mails are turned off and on again by clicking, without script', async () => {
  const ctx = await browser.newContext({ locale: 'fr-CH', javaScriptEnabled: false });
  const page = await ctx.newPage();
  await logIn(page, 'alice');
  await page.goto(BASE + '/account');
  await page.getByRole('link', { name: 'Préférences de notification' }).click();
  const box = page.getByLabel(/quand une démarche change d’état/);
  assert.equal(await box.isChecked(), true);
  await box.uncheck();
  await page.getByRole('button', { name: 'Enregistrer mes préférences' }).click();
  await page.waitForURL(/done=saved/);
  assert.match(await page.getByRole('status').innerText(), /préférences sont enregistrées/);
  assert.equal(await page.getByLabel(/quand une démarche change d’état/).isChecked(), false);
  await page.getByLabel(/quand une démarche change d’état/).check();
  await page.getByRole('button', { name: 'Enregistrer mes préférences' }).click();
  await page.waitForURL(/done=saved/);
  assert.equal(await page.getByLabel(/quand une démarche change d’état/).isChecked(), true);
  await ctx.close();
});
