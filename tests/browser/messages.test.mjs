// SPDX-License-Identifier: AGPL-3.0-or-later
// messages.test.mjs -- the messages on a demand page and the notifications
// list, in a real browser (Debian's Chromium, playwright-core) on a phone's
// width: no sideways scrolling at 375 px and no axe-core WCAG 2.1 A/AA
// violation, in French and English, including the page that refuses an
// empty message with the text box marked.  GUICHET_KIOSQUE_DEMAND is a
// submitted demand of Kiosque du Marché filed by carla (test_browser.py).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { launchChromium } from './visits.mjs';
import { logIn, axeViolations, overflow } from './common.mjs';

const BASE = process.env.GUICHET_BASE_URL;
const SHOTS = process.env.GUICHET_SCREENSHOTS;
const DEMAND = process.env.GUICHET_KIOSQUE_DEMAND;
let browser;

before(async () => {
  assert.ok(BASE, 'GUICHET_BASE_URL must be set');
  assert.ok(DEMAND, 'GUICHET_KIOSQUE_DEMAND must be set');
  browser = await launchChromium();
});

after(async () => { await browser?.close(); });

async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

for (const [locale, words] of [
  ['fr-CH', { send: 'Envoyer le message', empty: 'Écrivez votre message',
              sent: 'Votre message a été envoyé.', notes: /^Notifications \(\d+\)$/,
              markAll: 'Tout marquer comme lu' }],
  ['en-GB', { send: 'Send the message', empty: 'Write your message',
              sent: 'Your message has been sent.', notes: /^Notifications \(\d+\)$/,
              markAll: 'Mark all as read' }],
]) {
  test(`${locale}: carla writes to the service from her phone; the pages pass axe`, async () => {
    const ctx = await browser.newContext({ locale, bypassCSP: true,
                                           viewport: { width: 375, height: 740 } });
    const page = await ctx.newPage();
    await logIn(page, 'carla');
    await page.goto(BASE + '/context');
    // act for Kiosque du Marché, her only space
    await page.locator('form.context-choice input[name=space]:not([value=""])').first().check();
    await page.locator('form.context-choice button[type=submit]').click();
    await page.waitForURL((u) => !u.toString().endsWith('/context'));

    const res = await page.goto(BASE + DEMAND);
    assert.equal(res.status(), 200);
    assert.equal(await page.locator('section#messages').count(), 1);
    assert.match((await page.locator('a.notes-link').innerText()).trim(), words.notes);
    assert.deepEqual(await axeViolations(page), [], `${locale} demand page`);
    assert.ok(await overflow(page) <= 0, 'the demand page scrolls sideways');

    // an empty message: the page again, the message by the box, no script needed
    await page.getByRole('button', { name: words.send }).click();
    await page.waitForLoadState();
    const box = page.locator('#message-text');
    assert.equal(await box.getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('#message-error').innerText(), new RegExp(words.empty));
    assert.deepEqual(await axeViolations(page), [], `${locale} refused message`);
    assert.ok(await overflow(page) <= 0, 'the refused page scrolls sideways');
    await shot(page, `message-refused-${locale}`);

    // a real one: told it is sent, shown in the thread
    const text = `Bonjour, une question sur la date (${locale}).`;
    await box.fill(text);
    await page.getByRole('button', { name: words.send }).click();
    await page.waitForLoadState();
    assert.match(await page.locator('[role=status]').first().innerText(), new RegExp(words.sent));
    assert.ok((await page.locator('section#messages').innerText()).includes(text));
    assert.ok(await overflow(page) <= 0);
    await shot(page, `message-sent-${locale}`);

    // the notifications list, from the header
    await page.locator('a.notes-link').click();
    await page.waitForURL(/\/notifications$/);
    assert.deepEqual(await axeViolations(page), [], `${locale} notifications`);
    assert.ok(await overflow(page) <= 0, 'the notifications page scrolls sideways');
    if (await page.getByRole('button', { name: words.markAll }).count() > 0) {
      await page.getByRole('button', { name: words.markAll }).click();
      await page.waitForLoadState();
      assert.match((await page.locator('a.notes-link').innerText()).trim(), /\(0\)$/);
      assert.deepEqual(await axeViolations(page), [], `${locale} notifications read`);
    }
    await shot(page, `notifications-${locale}`);
    await ctx.close();
  });
}
