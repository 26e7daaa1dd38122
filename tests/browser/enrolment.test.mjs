// SPDX-License-Identifier: AGPL-3.0-or-later
// enrolment.test.mjs -- the electronic identification means (MIE) walked in
// a real browser (Debian's Chromium, playwright-core, axe-core) on a 375 px
// phone, against the stack in GUICHET_BASE_URL: sophie (known by e-mail)
// files it choosing the Lausanne prefecture (a foreign identity card is
// refused on the way); tiago, its trusted third party, finds her demand in
// his counter's queue and by search, types a wrong code then the one mailed
// to her (read from the SMTP sink's Maildir) and issues the identifier;
// sophie activates it and "Ma session" says verified.  Every page: axe-core
// WCAG 2.1 A/AA at 0 violations, no sideways scrolling.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { launchChromium } from './visits.mjs';
import { axeViolations, logIn, overflow } from './common.mjs';

const BASE = process.env.GUICHET_BASE_URL;
const MAILDIR = process.env.GUICHET_VAR && path.join(process.env.GUICHET_VAR, 'mail');
let browser;

before(async () => {
  assert.ok(BASE, 'GUICHET_BASE_URL must be set');
  assert.ok(MAILDIR, 'GUICHET_VAR must be set (the SMTP sink writes under it)');
  browser = await launchChromium();
});

after(async () => { await browser?.close(); });

async function phone(locale = 'fr-CH') {
  const ctx = await browser.newContext({ locale, bypassCSP: true,
                                         viewport: { width: 375, height: 740 } });
  return [ctx, await ctx.newPage()];
}

async function sound(page, name) {
  assert.deepEqual(await axeViolations(page), [], `axe on ${name}`);
  const o = await overflow(page);
  assert.ok(o <= 0, `${name} overflows by ${o}px`);
}

// Submits the form of the element as Enter would: with its default (first)
// button, or with the element when it is a button.
async function submitForm(page, selector) {
  await Promise.all([page.waitForNavigation(),
                     page.locator(selector).evaluate((el) => el.form.requestSubmit(
                       el.type === 'submit' ? el : el.form.querySelector('[type=submit]')))]);
}

// The 8-character code of the mail whose subject names reference.
async function mailedCode(reference) {
  const end = Date.now() + 40000;
  while (Date.now() < end) {
    for (const sub of ['new', 'cur']) {
      const dir = path.join(MAILDIR, sub);
      if (!fs.existsSync(dir)) continue;
      for (const f of fs.readdirSync(dir)) {
        const text = fs.readFileSync(path.join(dir, f), 'utf8');
        if (!text.includes(reference)) continue;
        const m = /«\s*([A-HJ-NP-Z2-9]{8})\s*»/.exec(
          text.replace(/=\r?\n/g, '').replace(/=C2=AB/g, '«').replace(/=C2=BB/g, '»')
            .replace(/=E2=80=AF/g, ' ').replace(/=C2=A0/g, ' '));
        if (m) return m[1];
      }
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  assert.fail(`no code mailed for ${reference}`);
}

function yearsAgo(n) {
  const d = new Date();
  const day = String(d.getDate()).padStart(2, '0');
  const month = String(d.getMonth() + 1).padStart(2, '0');
  return `${day === '29' && month === '02' ? '28' : day}.${month}.${d.getFullYear() - n}`;
}

test('sophie files, tiago checks her at the counter, she activates: all on a phone', async () => {
  const [ctx, page] = await phone();
  await logIn(page, 'sophie');
  await page.goto(BASE + '/catalogue');
  await submitForm(page, 'form:has(input[name=workflow][value=enrolment]) button[type=submit]');
  if (new URL(page.url()).pathname === '/demands') {
    await submitForm(page, 'form:has(input[name=new][value="1"]) button[type=submit]');
  }
  assert.match(page.url(), /\/page\/identity$/);
  const demand = new URL(page.url()).pathname.split('/')[2];
  await sound(page, 'identity');
  await page.fill('#f-first-name', 'Sophie');
  await page.fill('#f-last-name', 'Rochat');
  await page.fill('#f-avs13', '756.1234.5678.97');
  await page.fill('#f-birth-date', yearsAgo(29));
  await submitForm(page, '#f-birth-date');
  assert.match(page.url(), /\/page\/contact$/);
  await page.fill('#f-email', 'sophie.rochat@exemple.test');
  await page.fill('#f-mobile', '079 555 12 34');
  await submitForm(page, '#f-mobile');
  assert.match(page.url(), /\/page\/document$/);
  await sound(page, 'document');
  // a foreign identity card: refused, the reason next to the field
  await page.selectOption('#f-id-document', 'foreign-id-card');
  await submitForm(page, '#f-id-document');
  assert.match(await page.locator('#f-id-document-error').innerText(),
               /cartes d.identité étrangères ne sont pas acceptées/);
  assert.equal(await page.locator('[role=alert]').count(), 1);
  await sound(page, 'document-refused');
  await page.selectOption('#f-id-document', 'swiss-passport');
  await submitForm(page, '#f-id-document');
  assert.match(page.url(), /\/page\/authority$/, 'an adult skips the guardians');
  await page.selectOption('#f-authority', 'prefecture-lausanne').catch(async () => {
    await page.locator('input[name=authority][value=prefecture-lausanne]').check();
  });
  await submitForm(page, 'input[name=authority][value=prefecture-lausanne]');
  // the review, then submit
  await page.goto(BASE + `/demands/${demand}`);
  await sound(page, 'demand-draft');
  await page.goto(BASE + `/demands/${demand}/review`);
  await sound(page, 'review');
  await submitForm(page, 'form[action$="/fire/submit"] button[type=submit]');
  const reference = (await page.locator('main').innerText()).match(/\d{4}-\d{6}/)[0];
  assert.match(await page.locator('main').innerText(), /En attente de votre passage au guichet/);
  await sound(page, 'demand-at-counter');
  const code = await mailedCode(reference);

  // tiago, at the Lausanne prefecture's counter
  const [tctx, t] = await phone();
  await logIn(t, 'tiago');
  await t.goto(BASE + '/counter');
  await sound(t, 'counter');
  await t.locator('main a[href="/counter/prefecture-lausanne"]').click();
  await t.waitForURL(/\/counter\/prefecture-lausanne$/);
  await sound(t, 'counter-queue');
  await t.fill('#s-name', 'Roch');
  await t.fill('#s-birth', yearsAgo(29));
  await submitForm(t, '#s-name');
  assert.match(await t.locator('table').innerText(), new RegExp(reference));
  await sound(t, 'counter-search');
  await t.fill('#s-reference', 'pas une référence');
  await submitForm(t, '#s-reference');
  assert.equal(await t.locator('#s-reference[aria-invalid=true]').count(), 1);
  await sound(t, 'counter-search-refused');
  await t.goto(BASE + `/counter/prefecture-lausanne?show=open&reference=${reference}`);
  await t.locator(`main a:has-text("${reference}")`).click();
  await t.waitForURL(/\/counter\/prefecture-lausanne\/demands\//);
  assert.match(await t.locator('main').innerText(), /756\.1234\.5678\.97/);
  await sound(t, 'counter-demand');
  // a wrong code: refused next to the field, counted
  await t.selectOption('#t-verify-document-matches', 'yes').catch(async () => {
    await t.locator('input[name=document-matches][value=yes]').check();
  });
  await t.fill('#t-verify-code', 'ABCDEFGH');
  await submitForm(t, '#t-verify-code');
  assert.equal(await t.locator('#t-verify-code[aria-invalid=true]').count(), 1);
  await sound(t, 'counter-wrong-code');
  await t.selectOption('#t-verify-document-matches', 'yes').catch(async () => {
    await t.locator('input[name=document-matches][value=yes]').check();
  });
  await t.fill('#t-verify-code', code);
  await submitForm(t, '#t-verify-code');
  assert.match(t.url(), /issued=1/);
  const ident = (await t.locator('strong.identifier').innerText()).trim();
  assert.match(ident, /^[a-z0-9]{6}$/);
  await sound(t, 'counter-issued');
  await tctx.close();

  // sophie activates with the identifier
  await page.goto(BASE + `/demands/${demand}`);
  await sound(page, 'demand-to-activate');
  await page.fill('#t-activate-identifier', ident);
  await submitForm(page, '#t-activate-identifier');
  assert.match(await page.locator('main').innerText(), /Identité vérifiée/);
  await page.goto(BASE + '/auth/session');
  await sound(page, 'session');
  await ctx.close();
});
