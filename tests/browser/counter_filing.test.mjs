// SPDX-License-Identifier: AGPL-3.0-or-later
// counter_filing.test.mjs -- "Déposer une demande au guichet" in a real
// browser (Debian's Chromium, playwright-core, axe-core), against the stack
// in GUICHET_BASE_URL: Agnès (SERAC) goes from her queue to the desk, looks
// for a person who does not exist (said next to the field), finds Carla by
// e-mail, is told why Alice may not file a subsidy for herself, creates the
// draft for Carla's kiosk, lands on its first form page, finds it among her
// counter drafts and on its demand page marked "Déposée au guichet"; each
// page on a 375 px phone, axe-core WCAG 2.1 A/AA at 0 violations, no
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

test('the counter desk on a phone: search, refusal, filing, resuming', async () => {
  const ctx = await browser.newContext({ locale: 'fr-CH', bypassCSP: true,
                                         viewport: { width: 375, height: 740 } });
  const page = await ctx.newPage();
  const checked = [];
  const look = async (what) => {
    checked.push([what, await axeViolations(page)]);
    assert.ok(await overflow(page) <= 0, `${what} overflows at 375 px`);
  };
  await logIn(page, 'agnes');
  await page.goto(BASE + '/agent/serac');
  await Promise.all([page.waitForNavigation(),
                     page.locator('a', { hasText: 'Déposer une demande au guichet' }).click()]);
  assert.match(page.url(), /\/agent\/serac\/file$/);
  await look('desk');

  // nobody has this AVS number: said next to the field, the input kept
  await page.fill('#f-ident', '756.0000.0000.02');
  await Promise.all([page.waitForNavigation(), page.locator('#f-ident').press('Enter')]);
  assert.match(await page.locator('#f-ident-error').innerText(), /Aucune personne/);
  assert.equal(await page.inputValue('#f-ident'), '756.0000.0000.02');
  await look('nobody found');

  // Alice may not file a subsidy for herself: the reason, nothing created
  await page.fill('#f-ident', '756.1234.5678.97');
  await Promise.all([page.waitForNavigation(), page.locator('#f-ident').press('Enter')]);
  assert.match(await page.locator('main').innerText(), /Alice Martin/);
  await page.selectOption('#f-workflow', 'subsidy');
  await look('alice found');
  await Promise.all([page.waitForNavigation(),
                     page.locator('button', { hasText: 'Créer le brouillon' }).click()]);
  assert.match(await page.locator('#f-workflow-error').innerText(),
               /ne peut pas déposer cette demande/);
  await look('refused for alice');

  // Carla by e-mail, for her kiosk: the draft, then its first page
  await page.fill('#f-ident', 'carla.rossi@exemple.test');
  await Promise.all([page.waitForNavigation(), page.locator('#f-ident').press('Enter')]);
  await page.selectOption('#f-workflow', 'subsidy');
  await page.locator('label', { hasText: 'Kiosque du Marché' }).click();
  await look('carla found');
  await Promise.all([page.waitForNavigation(),
                     page.locator('button', { hasText: 'Créer le brouillon' }).click()]);
  const m = page.url().match(/\/demands\/([0-9a-f-]{36})\/page\/applicant$/);
  assert.ok(m, page.url());
  assert.equal(await page.inputValue('input[name="contact-name"]'), 'Carla Rossi');

  // among her counter drafts, and marked on its page
  await page.goto(BASE + '/agent/serac/file');
  assert.ok(await page.locator(`a[href="/demands/${m[1]}"]`).count() === 1);
  await look('desk with a draft');
  await page.goto(BASE + `/demands/${m[1]}`);
  assert.match(await page.locator('main').innerText(), /Déposée au guichet par Agnès Dubois/);
  await look('counter draft');
  for (const [what, v] of checked)
    assert.deepEqual(v, [], `${what}: ${JSON.stringify(v, null, 1)}`);
  await ctx.close();
});
