// SPDX-License-Identifier: AGPL-3.0-or-later
// forms.test.mjs -- the form wizard in a real browser (Debian's Chromium,
// playwright-core) against the stack in GUICHET_BASE_URL: carla fills and
// sends the cultural subsidy for Kiosque du Marché with the keyboard only
// (Tab to move, typing, Space for the file choosers, Enter to go on), on a
// 375 px screen; every form page, the refused page, the review and the
// 413 page have no axe-core violation and no sideways scrolling.  Also
// visits the page routes no other browser test opens (the census,
// visits.mjs / test_browser.py).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launchChromium } from './visits.mjs';
import { logIn, axeViolations } from './common.mjs';

const BASE = process.env.GUICHET_BASE_URL;
const SHOTS = process.env.GUICHET_SCREENSHOTS;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n'
  + '2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
let browser;

before(async () => {
  assert.ok(BASE, 'GUICHET_BASE_URL must be set');
  browser = await launchChromium();
});

after(async () => { await browser?.close(); });

async function phone(locale = 'fr-CH') {
  const ctx = await browser.newContext({ locale, bypassCSP: true,
                                         viewport: { width: 375, height: 740 } });
  return [ctx, await ctx.newPage()];
}

// the page as it stands: axe at 0 and nothing wider than the screen
async function pageIsSound(page, name) {
  assert.deepEqual(await axeViolations(page), [], `axe on ${name}`);
  const overflow = await page.evaluate(
    () => document.scrollingElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${name} overflows by ${overflow}px`);
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `forms-${name}.png`), fullPage: true });
}

// Tab until the element matching selector has the focus (it must be
// reachable by the keyboard, in fewer than max presses)
async function tabTo(page, selector, max = 120) {
  return tabUntil(page, `e.matches(${JSON.stringify(selector)})`, selector, max);
}

// the same with a test on the focused element e (a JS expression)
async function tabUntil(page, test, what, max = 120) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const ok = await page.evaluate(`(() => { const e = document.activeElement;
                                             return !!e && !!(${test}); })()`);
    if (ok) return;
  }
  assert.fail(`${what} cannot be reached with Tab`);
}

async function typeInto(page, selector, text) {
  await tabTo(page, selector);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

async function chooseFile(page, selector, name) {
  await tabTo(page, selector);
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'),
                                       page.keyboard.press('Space')]);
  await chooser.setFiles({ name, mimeType: 'application/pdf', buffer: PDF });
}

async function enterAndWait(page, url) {
  await Promise.all([page.waitForURL(url), page.keyboard.press('Enter')]);
}

test('carla fills and sends the subsidy with the keyboard only, on a phone', async () => {
  const [ctx, page] = await phone();
  await logIn(page, 'carla');
  await page.goto(BASE + '/context');
  // choosing the context is not the form: by pointer
  await page.locator('main label', { hasText: 'Kiosque du Marché' }).first().click();
  await Promise.all([page.waitForURL((u) => !u.pathname.startsWith('/context')),
                     page.locator('main form button[type=submit]').first().click()]);
  await page.goto(BASE + '/dashboard');
  await tabUntil(page, "e.type === 'submit' && e.form && "
                 + "e.form.querySelector('input[name=workflow][value=subsidy]')",
                 'the button starting a subsidy');
  await enterAndWait(page, /\/page\/applicant$|\/demands$/);
  if (new URL(page.url()).pathname === '/demands') {
    // her drafts are open: the choice page offers to resume one or start anew
    await tabUntil(page, "e.type === 'submit' && e.form && "
                   + "e.form.querySelector('input[name=new][value=\"1\"]')",
                   'the button starting a new demand');
    await enterAndWait(page, /\/page\/applicant$/);
  }
  await pageIsSound(page, 'applicant');

  await typeInto(page, '#f-contact-phone', '021 316 11 11');
  await enterAndWait(page, /\/page\/project$/);
  await pageIsSound(page, 'project');
  // the list of steps: the page saved is done, those not visited are not
  const steps = await page.locator('ol.steps li').allInnerTexts();
  assert.match(steps[0], /parcourue/);
  assert.ok(!/parcourue/.test(steps[2]), `a page never opened is not done: ${steps}`);

  await typeInto(page, '#f-project-title', 'Festival des Arches');
  await tabTo(page, '#f-discipline');
  await page.keyboard.type('Musique');
  await typeInto(page, '#f-description', 'Un festival de musique de chambre sur la place '
    + 'du marché, trois soirs, ouvert à tous et gratuit.');
  await typeInto(page, '#f-start-date', '30.06.2027');
  await typeInto(page, '#f-end-date', '01.06.2027');
  await typeInto(page, '#f-place', 'Place de la Riponne, Lausanne');
  await page.keyboard.press('Enter');
  // the rule across fields: refused, the message by the end date
  await page.waitForSelector('#f-end-date-error');
  assert.match(await page.locator('#f-end-date-error').innerText(), /Date de début/);
  assert.equal(await page.inputValue('#f-place'), 'Place de la Riponne, Lausanne');
  await pageIsSound(page, 'project-refused');
  await typeInto(page, '#f-end-date', '30.07.2027');
  await tabTo(page, 'button[name=nav][value=next]');
  await enterAndWait(page, /\/page\/budget$/);
  await pageIsSound(page, 'budget');

  await typeInto(page, '#f-total-budget', "12'000");
  await typeInto(page, '#f-amount-requested', '5000');
  await enterAndWait(page, /\/page\/documents$/);
  await pageIsSound(page, 'documents');

  await chooseFile(page, '#f-budget-file', 'budget.pdf');
  await chooseFile(page, '#f-project-file', 'dossier.pdf');
  await tabTo(page, 'button[name=nav][value=next]');
  await enterAndWait(page, /\/page\/bank$/);
  await pageIsSound(page, 'bank');

  await typeInto(page, '#f-account-holder', 'Kiosque du Marché');
  await typeInto(page, '#f-iban', 'CH93 0076 2011 6238 5295 7');
  await enterAndWait(page, /\/review$/);
  await pageIsSound(page, 'review');
  const text = await page.locator('main').innerText();
  for (const answer of ['Festival des Arches', '30.07.2027', 'dossier.pdf', 'Kiosque du Marché'])
    assert.ok(text.includes(answer), `the review shows ${answer}`);

  await tabUntil(page, "e.type === 'submit' && e.form && "
                 + "e.form.getAttribute('action').endsWith('/fire/submit')", 'the submit button');
  await enterAndWait(page, (u) => /^\/demands\/[0-9a-f-]{36}$/.test(u.pathname));
  assert.match(await page.locator('main').innerText(), /Transmise/);
  await ctx.close();
});

test('the 413 page is the portal’s own, sound on a phone', async () => {
  const [ctx, page] = await phone();
  await logIn(page, 'carla');
  const res = await page.goto(BASE + '/too-large');
  assert.equal(res.status(), 413);
  assert.match(await page.locator('h1').innerText(), /Envoi trop volumineux/);
  await pageIsSound(page, 'too-large');
  await ctx.close();
});

// the census (test_browser.py): pages no other browser test opens
test('the back office and the administration pages open', async () => {
  for (const [account, paths] of [['agnes', ['/agent', '/agent/serac']], ['admin', ['/admin']]]) {
    const [ctx, page] = await phone();
    await logIn(page, account);
    for (const p of paths) {
      const res = await page.goto(BASE + p);
      assert.equal(res.status(), 200, `${account} ${p}`);
      assert.equal(await page.locator('h1').count(), 1, `${account} ${p}`);
    }
    await ctx.close();
  }
});
