// SPDX-License-Identifier: AGPL-3.0-or-later
// drafts.test.mjs -- the catalogue "Effectuer une démarche", the choice
// between resuming a draft and starting a new one, the printable copy
// (each with axe-core at 0 violations and no sideways scroll at 375 px),
// and the form page's autosave, which runs under the portal's own CSP and
// says when it saved.  Run by tests/integration/test_browser.py against the
// real stack (GUICHET_BASE_URL); Carla acts for Kiosque du Marché.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launchChromium } from './visits.mjs';
import { axeViolations, overflow } from './common.mjs';

const BASE = process.env.GUICHET_BASE_URL;
const SHOTS = process.env.GUICHET_SCREENSHOTS;
const PHONE = { width: 375, height: 740 };
let browser;

before(async () => {
  assert.ok(BASE, 'GUICHET_BASE_URL must be set');
  browser = await launchChromium();
});

after(async () => { await browser?.close(); });

async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

// Carla, logged in at the provider, acting for Kiosque du Marché
async function carlaForKiosque(page) {
  await page.goto(BASE + '/dashboard');
  await page.waitForURL(/\/interaction\//);
  await page.fill('input[name=login]', 'carla');
  await page.fill('input[name=password]', 'un mot de passe');
  await page.locator('form button[type=submit], form input[type=submit]').first().click();
  await page.waitForURL((u) => u.toString().startsWith(BASE));
  await page.goto(BASE + '/context?return_to=/catalogue');
  await page.getByLabel(/Kiosque du Marché/).check();
  await page.locator('form.context-choice button[type=submit]').click();
  await page.waitForURL(/\/catalogue$/);
}

async function checkPage(page, name) {
  assert.ok(await overflow(page) <= 0, `${name} scrolls sideways at 375 px`);
  assert.deepEqual(await axeViolations(page), [], name);
  await shot(page, `drafts-${name}`);
}

test('catalogue, resume choice and printable copy: axe 0 and no overflow at 375 px', async () => {
  const ctx = await browser.newContext({ locale: 'fr-CH', bypassCSP: true, viewport: PHONE });
  const page = await ctx.newPage();
  await carlaForKiosque(page);

  assert.match(await page.locator('h1').innerText(), /Effectuer une démarche/);
  assert.match(await page.locator('main').innerText(), /Ce qu’il faut/);
  await checkPage(page, 'catalogue');

  // "Commencer" twice: the second time a draft is open, and the portal asks
  await page.locator('#p-subsidy button[type=submit]').click();
  await page.waitForURL(/\/demands(\/[0-9a-f-]+\/page\/applicant)?$/);
  await page.goto(BASE + '/catalogue');
  await page.locator('#p-subsidy button[type=submit]').click();
  await page.waitForURL(/\/demands$/);
  assert.match(await page.locator('h1').innerText(), /Reprendre un brouillon/);
  assert.ok(await page.getByRole('link', { name: /Reprendre ce brouillon/ }).count() >= 1);
  assert.equal(await page.getByRole('button', { name: 'Commencer une nouvelle demande' }).count(), 1);
  await checkPage(page, 'resume');

  // the printable copy of a Kiosque demand, and its print styles
  const demand = process.env.GUICHET_KIOSQUE_DEMAND;
  assert.ok(demand, 'GUICHET_KIOSQUE_DEMAND must be set');
  const res = await page.goto(BASE + demand + '/print');
  assert.equal(res.status(), 200);
  assert.match(await page.locator('main').innerText(), /Copie imprimable/);
  await checkPage(page, 'print');
  await page.emulateMedia({ media: 'print' });
  assert.equal(await page.locator('header.top').isVisible(), false, 'no header on paper');
  assert.equal(await page.locator('.logout').isVisible(), false, 'no logout on paper');
  await page.emulateMedia({ media: 'screen' });
  await ctx.close();
});

test('the form page saves while typing and says so, under the CSP', async () => {
  // no bypassCSP: the script must come from /assets
  const ctx = await browser.newContext({ locale: 'fr-CH', viewport: PHONE });
  const page = await ctx.newPage();
  const blocked = [];
  page.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) blocked.push(m.text()); });
  await carlaForKiosque(page);
  await page.locator('#p-subsidy button[type=submit]').click();
  await page.waitForURL(/\/demands(\/[0-9a-f-]+\/page\/applicant)?$/);
  if (/\/demands$/.test(page.url()))          // a draft was open: start a new one
    await page.getByRole('button', { name: 'Commencer une nouvelle demande' }).click();
  await page.waitForURL(/\/page\/applicant$/);
  const status = page.locator('#autosave-status');
  assert.equal(await status.getAttribute('aria-live'), 'polite');
  assert.equal((await status.innerText()).trim(), '');
  await page.fill('#f-contact-function', 'caissière bénévole');
  await page.waitForFunction(
    () => /Brouillon enregistré à \d\d:\d\d/.test(document.getElementById('autosave-status').textContent),
    null, { timeout: 15000 });
  assert.deepEqual(blocked, []);
  // saved for real: a fresh load shows it
  await page.reload();
  assert.equal(await page.inputValue('#f-contact-function'), 'caissière bénévole');
  assert.ok(await overflow(page) <= 0, 'the form page scrolls sideways at 375 px');
  await shot(page, 'drafts-autosave');
  await ctx.close();
});
