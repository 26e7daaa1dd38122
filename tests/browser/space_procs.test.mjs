// SPDX-License-Identifier: AGPL-3.0-or-later
// space_procs.test.mjs -- a request to join a professional space, from the
// catalogue to the référent's acceptance, in a real browser (Debian's
// Chromium, playwright-core, axe-core) against the stack whose URL is in
// GUICHET_BASE_URL (tests/integration/test_browser.py starts it): alice
// names Menuiserie Vuilleumier Sàrl by an unknown IDE number first (the
// message next to the field), then by its own; marc, acting for the
// space, accepts.  Each page on a 375 px phone: axe-core WCAG 2.1 A/AA at 0
// violations, no sideways scrolling.  The membership is undone at the end
// (the stack is shared with the tests that follow).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launchChromium } from './visits.mjs';
import { axeViolations, logIn, overflow } from './common.mjs';

const BASE = process.env.GUICHET_BASE_URL;
const MENUISERIE = 'CHE-418.523.676';
let browser;

// alice is no member of Menuiserie before nor after this file
function undoMembership() {
  execFileSync('psql', ['-X', '-qAt', '-v', 'ON_ERROR_STOP=1', '-v', `ide=${MENUISERIE}`,
                        process.env.GUICHET_DATABASE], {
    input: `SELECT space_detach(m.space_id, m.person_id, NULL)
              FROM memberships m JOIN spaces s ON s.id = m.space_id
              JOIN entities e ON e.id = s.entity_id
              JOIN persons p ON p.id = m.person_id
             WHERE e.ide = :'ide' AND p.email = 'alice.martin@exemple.test'
               AND m.ended_at IS NULL;`,
  });
}

before(async () => {
  assert.ok(BASE, 'GUICHET_BASE_URL must be set');
  assert.ok(process.env.GUICHET_DATABASE, 'GUICHET_DATABASE must be set');
  undoMembership();
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  undoMembership();
});

async function sound(page, what, checked) {
  checked.push([what, await axeViolations(page)]);
  assert.ok(await overflow(page) <= 0, `${what} overflows at 375 px`);
}

test('a request to join a space, to its acceptance by the référent (375 px, axe)', async () => {
  const checked = [];
  const phone = { locale: 'fr-CH', bypassCSP: true, viewport: { width: 375, height: 740 } };

  // alice, from her personal space
  const ctx = await browser.newContext(phone);
  const page = await ctx.newPage();
  await logIn(page, 'alice');
  await page.goto(BASE + '/catalogue');
  await sound(page, 'catalogue', checked);
  const start = page.locator('form:has(input[name=workflow][value=space_join]) button[type=submit]');
  await Promise.all([page.waitForURL(/\/page\/entity$|\/demands$/), start.first().click()]);
  if (new URL(page.url()).pathname === '/demands') {
    await Promise.all([page.waitForURL(/\/page\/entity$/),
                       page.locator('form:has(input[name=new][value="1"]) button').first().click()]);
  }
  const demand = new URL(page.url()).pathname.split('/')[2];
  await sound(page, 'join form', checked);

  // an IDE number with no space behind it: refused next to the field
  await page.fill('#f-ide', 'CHE-116.281.710');
  await page.fill('#f-function', 'comptable');
  await Promise.all([page.waitForNavigation(),
                     page.locator('button[name=nav][value=next]').click()]);
  const send = page.locator(`form[action$="/fire/submit"] button`);
  await Promise.all([page.waitForNavigation(), send.click()]);
  assert.match(await page.locator('main').innerText(), /Aucun espace professionnel actif/);
  await sound(page, 'join refused', checked);

  // the right one
  await page.goto(`${BASE}/demands/${demand}/page/entity`);
  await page.fill('#f-ide', MENUISERIE);
  await Promise.all([page.waitForNavigation(),
                     page.locator('button[name=nav][value=next]').click()]);
  await Promise.all([page.waitForNavigation(), send.click()]);
  await page.goto(`${BASE}/demands/${demand}`);
  assert.match(await page.locator('main').innerText(), /Transmise au référent/);
  await sound(page, 'join sent', checked);
  await ctx.close();

  // marc, référent of Menuiserie, acting for it
  const ctx2 = await browser.newContext(phone);
  const page2 = await ctx2.newPage();
  await logIn(page2, 'marc');
  await page2.goto(BASE + '/context');
  await page2.locator('main label', { hasText: 'Menuiserie Vuilleumier' }).first().click();
  await Promise.all([page2.waitForURL((u) => !u.pathname.startsWith('/context')),
                     page2.locator('main form button[type=submit]').first().click()]);
  await page2.goto(`${BASE}/demands/${demand}`);
  const main = await page2.locator('main').innerText();
  assert.match(main, /Rejoindre un espace professionnel/);
  assert.match(main, /comptable/);
  await sound(page2, 'join to handle', checked);
  await Promise.all([page2.waitForNavigation(),
                     page2.locator(`form[action$="/fire/accept"] button`).click()]);
  await page2.goto(`${BASE}/demands/${demand}`);
  assert.match(await page2.locator('main').innerText(), /Acceptée : vous êtes membre/);
  await sound(page2, 'join accepted', checked);
  await ctx2.close();

  for (const [p, v] of checked) assert.deepEqual(v, [], p);
});
