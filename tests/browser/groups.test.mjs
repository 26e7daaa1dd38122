// SPDX-License-Identifier: AGPL-3.0-or-later
// groups.test.mjs -- repeating groups and register lookups in a real browser
// (Debian's Chromium, playwright-core), on a 375 px screen: bruno fills the
// test procedure tests/fixtures/groups/grouptest.xml -- found in the person
// register, two communes (the OFS number filling the commune's name), one
// of them with two applications, a refused OFS number shown next to its
// item's field -- without any script; every page has no axe-core violation
// and no sideways scrolling.
//
// The procedure lives in tests, not workflows/, so the stack that has it is
// tests/integration/test_groups.py's own: that test runs this file with
// GUICHET_GROUPS=yes.  Run by test_browser.py (the session's stack, without
// the procedure), the tests are skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launchChromium } from './visits.mjs';
import { logIn, axeViolations, overflow } from './common.mjs';

const BASE = process.env.GUICHET_BASE_URL;
const SHOTS = process.env.GUICHET_SCREENSHOTS;
const ON = process.env.GUICHET_GROUPS === 'yes';
let browser;

before(async () => {
  if (!ON) return;
  assert.ok(BASE, 'GUICHET_BASE_URL must be set');
  browser = await launchChromium();
});

after(async () => { await browser?.close(); });

async function sound(page, name) {
  assert.deepEqual(await axeViolations(page), [], `axe on ${name}`);
  const over = await overflow(page);
  assert.ok(over <= 0, `${name} overflows by ${over}px`);
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `groups-${name}.png`), fullPage: true });
}

const field = (name) => `[name="${name}"]`;

async function newDemand(page) {
  await page.goto(BASE + '/dashboard');
  const csrf = await page.locator('input[name=csrf]').first().inputValue();
  const r = await page.request.post(BASE + '/demands', {
    form: { workflow: 'grouptest', new: '1', csrf }, maxRedirects: 0 });
  assert.equal(r.status(), 303);
  await page.goto(BASE + r.headers().location);
}

test('communes and their applications, looked up and repeated, on a phone',
     { skip: !ON && 'needs the test procedure (run by test_groups.py)' }, async () => {
  const ctx = await browser.newContext({ locale: 'fr-CH', bypassCSP: true,
                                         viewport: { width: 375, height: 740 } });
  const page = await ctx.newPage();
  await logIn(page, 'bruno');
  await newDemand(page);

  // 1. identification: found in the person register
  assert.match(page.url(), /\/page\/identification$/);
  await sound(page, 'identification');
  await page.fill(field('avs'), '756.0123.4010.14');
  await page.fill(field('birth-date'), '14.03.1985');
  await page.press(field('birth-date'), 'Enter');
  await page.waitForURL(/\/page\/communes$/);

  // 2. one commune to start with, its name filled from the register
  await sound(page, 'communes');
  await page.fill(field('communes.0.ofs'), '5586');
  await page.check('[name="communes.0.function"][value="secretary"]');
  await page.check('[name="communes.0.applications.0.app"][value="RCPERS"]');
  await page.getByRole('button', { name: '+ Ajouter une autre commune' }).click();
  await page.waitForURL(/\/page\/communes#f-communes$/);
  await assert.doesNotReject(page.getByRole('group', { name: 'Commune 2' }).waitFor());
  assert.match(await page.locator('[id="f-communes.0.commune-name"]').innerText(), /Lausanne/);
  await page.getByRole('button', { name: '+ Ajouter une autre application' }).first().click();
  await page.waitForURL(/#f-communes\.0\.applications$/);
  await sound(page, 'communes-two');

  // 3. a wrong OFS number in the second commune: refused next to it
  await page.check('[name="communes.0.applications.1.app"][value="ACTIS"]');
  await page.fill(field('communes.1.ofs'), '12ab');
  await page.check('[name="communes.1.function"][value="other"]');
  await page.fill(field('communes.1.function-other'), 'Urbaniste');
  await page.check('[name="communes.1.applications.0.app"][value="UNIREG"]');
  await page.getByRole('button', { name: 'Enregistrer le brouillon' }).click();
  await page.waitForLoadState();
  assert.ok(await page.locator('[id="f-communes.1.ofs-error"]').isVisible());
  assert.equal(await page.inputValue(field('communes.1.function-other')), 'Urbaniste');
  await sound(page, 'communes-refused');

  // 4. corrected; Enter in a field goes on (never "Retirer")
  await page.fill(field('communes.1.ofs'), '5591');
  await page.press(field('institution'), 'Enter');
  await page.waitForURL(/\/review$/);
  const review = await page.locator('main').innerText();
  assert.match(review, /Commune 2/);
  assert.match(review, /Renens \(VD\)/);
  assert.match(review, /Application 2/);
  await sound(page, 'review');
  await ctx.close();
});
