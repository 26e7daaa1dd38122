// SPDX-License-Identifier: AGPL-3.0-or-later
// space_tools.test.mjs -- the référent's tools in a real browser (Debian's
// Chromium, playwright-core) against the stack whose URL is in
// GUICHET_BASE_URL (tests/integration/test_browser.py starts it):
// "Administrer l'espace professionnel" with its forms, a refused attach
// (the message under the field, what was typed kept), a join key shown
// once, the référent offer on the context page (then declined, so the
// world stays as it was), and "Rejoindre un espace avec une clé" with a
// refused key -- each with axe-core's WCAG 2.1 A/AA rules at 0 violations
// and no sideways scrolling at 375 px, in French, German and English.
// Everything works without script: the forms are plain POSTs.
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

async function phone() {
  const ctx = await browser.newContext({ locale: 'fr-CH', bypassCSP: true,
                                         viewport: { width: 375, height: 740 } });
  return [ctx, await ctx.newPage()];
}

async function check(page, checked, name, lang) {
  checked.push([`${lang} ${name}`, await axeViolations(page), await overflow(page)]);
  if (SHOTS) {
    await page.screenshot({ path: path.join(SHOTS, `space-tools-${lang}-${name}.png`),
                            fullPage: true });
  }
}

function verdict(checked) {
  for (const [p, v, o] of checked) {
    assert.deepEqual(v, [], p);
    assert.ok(o <= 0, `${p} overflows by ${o}px`);
  }
}

const KIOSQUE = 'Kiosque du Marché';
const LANGS = ['fr', 'de', 'en'];

// one login per person; the language is switched with ?lang= (a cookie)
test('the members page and its forms pass axe-core and fit a phone', async () => {
  const [ctx, page] = await phone();
  const checked = [];
  await logIn(page, 'rita');
  await page.goto(BASE + '/context');
  await page.getByRole('button', { name: KIOSQUE }).click();
  await page.waitForURL(/\/spaces\/[0-9a-f-]+\/members$/);
  const members = page.url();
  for (const lang of LANGS) {
    await page.goto(`${members}?lang=${lang}`);
    assert.equal(await page.locator('form[action$="/members/attach"]').count(), 1);
    assert.equal(await page.locator('form[action$="/join-keys"]').count(), 1);
    assert.equal(await page.locator('form[action$="/contact"]').count(), 1);
    assert.ok(await page.locator('form[action$="/detach"]').count() >= 2);
    assert.ok(await page.locator('form[action$="/grant"]').count() >= 2);
    assert.ok(await page.locator('form[action$="/delegate"]').count() >= 2);
    await check(page, checked, 'members', lang);

    // a refused attach: the message under the field, the rest kept
    await page.fill('#attach-identifier', 'bruno.keller@exemple.test');
    await page.fill('#attach-function', 'bénévole');
    await page.locator('form[action$="/members/attach"] button[type=submit]').click();
    await page.waitForLoadState();
    assert.equal(await page.locator('#attach-identifier[aria-invalid=true]').count(), 1);
    assert.equal(await page.inputValue('#attach-function'), 'bénévole');
    assert.equal(await page.locator('#error-summary a[href="#attach-identifier"]').count(), 1);
    await check(page, checked, 'attach-refused', lang);

    // a join key, shown once
    await page.goto(members);
    await page.locator('form[action$="/join-keys"] button[type=submit]').click();
    await page.waitForLoadState();
    const key = await page.locator('code.join-key').innerText();
    assert.match(key, /^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
    await check(page, checked, 'join-key', lang);
  }
  await page.goto(BASE + '/context?lang=fr');
  verdict(checked);
  await ctx.close();
});

test('the référent offer on the context page, declined; the join page with a refused key', async () => {
  const checked = [];
  // rita offers the role to David
  let [ctx, page] = await phone();
  await logIn(page, 'rita');
  await page.goto(BASE + '/context');
  await page.getByRole('button', { name: KIOSQUE }).click();
  await page.waitForURL(/\/members$/);
  await page.locator('.member-tools', { hasText: 'David Meier' })
    .locator('form[action$="/referent"] button').click();
  await page.waitForURL(/done=offered/);
  await check(page, checked, 'offered', 'fr');
  await ctx.close();

  // David sees it on his context page, and declines
  [ctx, page] = await phone();
  await logIn(page, 'david');
  for (const lang of LANGS) {
    await page.goto(`${BASE}/context?lang=${lang}`);
    assert.equal(await page.locator('form[action$="/referent/accept"]').count(), 1);
    await check(page, checked, 'context-offer', lang);
  }
  await page.goto(`${BASE}/context?lang=fr`);
  await page.locator('form[action$="/referent/decline"] button').click();
  await page.waitForURL(/done=declined/);
  assert.equal(await page.locator('form[action$="/referent/accept"]').count(), 0);
  await ctx.close();

  // Alice (verified, for herself): the join page, and a key that does not exist
  [ctx, page] = await phone();
  await logIn(page, 'alice');
  await page.goto(BASE + '/context');
  await page.locator('a[href="/spaces/join"]').click();
  await page.waitForURL(/\/spaces\/join$/);
  for (const lang of LANGS) {
    await page.goto(`${BASE}/spaces/join?lang=${lang}`);
    await check(page, checked, 'join', lang);
    await page.fill('#join-key', 'ABCD-EFGH-JKLM-NPQR');
    await page.fill('#join-function', 'secrétaire');
    await page.locator('form[action="/spaces/join"] button[type=submit]').click();
    await page.waitForLoadState();
    assert.equal(await page.locator('#join-key[aria-invalid=true]').count(), 1);
    assert.equal(await page.inputValue('#join-function'), 'secrétaire');
    assert.equal(await page.inputValue('#join-key'), '');
    await check(page, checked, 'join-refused', lang);
  }
  await page.goto(`${BASE}/context?lang=fr`);
  verdict(checked);
  await ctx.close();
});
