// SPDX-License-Identifier: AGPL-3.0-or-later
// incidents.test.mjs -- failed letters on the administrators' incidents page
// (engine/h_admin_ops.c, sql/0037_letter_incidents.sql) in a real browser
// (Debian's Chromium, playwright-core, axe-core): the page with letters that
// failed for good (their reference, template, recipient, attempts and error),
// on a 375 px phone in French and at 1280 px in English, then "Abandonner"
// on one of them and the page that says so: axe-core WCAG 2.1 A/AA with 0
// violations and no sideways scrolling each time.  The letters are queued
// in the test stack's database and marked failed in the same transaction
// (the letters job never sees them; tests/integration/test_letter_incidents.py
// makes one fail for real); GUICHET_KIOSQUE_DEMAND is a demand of Kiosque
// du Marché (test_browser.py), GUICHET_DATABASE the engine's database.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { launchChromium } from './visits.mjs';
import { axeViolations, logIn, overflow } from './common.mjs';

const BASE = process.env.GUICHET_BASE_URL;
const SHOTS = process.env.GUICHET_SCREENSHOTS;
const DEMAND = (process.env.GUICHET_KIOSQUE_DEMAND || '').replace('/demands/', '');
const DB = process.env.GUICHET_DATABASE;
let browser;
const failed = [];

// psql on the stack's database; values go as psql variables, never spliced
function sql(query, vars = {}) {
  const args = ['-X', '-qAt', '-v', 'ON_ERROR_STOP=1', '-d', DB];
  for (const [k, v] of Object.entries(vars)) args.push('-v', `${k}=${v}`);
  return execFileSync('psql', args, { input: query, encoding: 'utf8' }).trim();
}

const FAILED_LETTER = `
BEGIN;
SELECT letter_enqueue(d.id, NULL, 'no-such-letter', letter_address_entity(s.entity_id),
                      jsonb_build_object('reference', d.reference, 'entity', e.name), 'fr') AS id
  FROM demands d JOIN spaces s ON s.id = d.owner_space_id JOIN entities e ON e.id = s.entity_id
 WHERE d.id = :'demand' \\gset
UPDATE letters SET status = 'failed', attempts = 5, failed_at = now(),
       last_error = 'letters/no-such-letter.xsl: cannot open: No such file or directory'
 WHERE id = :'id' RETURNING id;
COMMIT;`;

before(async () => {
  assert.ok(BASE, 'GUICHET_BASE_URL must be set');
  assert.ok(DB, 'GUICHET_DATABASE must be set');
  assert.match(DEMAND, /^[0-9a-f-]{36}$/, 'GUICHET_KIOSQUE_DEMAND must be set');
  browser = await launchChromium();
  for (let i = 0; i < 2; i++) failed.push(sql(FAILED_LETTER, { demand: DEMAND }).match(/\d+/)[0]);
});

after(async () => { await browser?.close(); });

async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

for (const [locale, width, words] of [
  ['fr-CH', 375, { section: /Lettres en échec \(\d+\)/, cancel: 'Abandonner', done: /Abandonné/ }],
  ['en-GB', 1280, { section: /Failed letters \(\d+\)/, cancel: 'Give up', done: /Given up/ }],
]) {
  test(`${locale} at ${width} px: failed letters on the incidents page, one given up; axe 0, no overflow`,
       async () => {
    const letter = failed.shift();
    const ctx = await browser.newContext({ locale, bypassCSP: true,
                                           viewport: { width, height: 800 } });
    const page = await ctx.newPage();
    await logIn(page, 'admin');
    await page.goto(BASE + '/admin');
    await Promise.all([page.waitForURL(/\/admin\/incidents$/),
                       page.locator('a[href="/admin/incidents"]').click()]);
    assert.match(await page.locator('h2#letters-title').innerText(), words.section);
    const item = page.locator(`article[aria-labelledby="letter-${letter}"]`);
    assert.match(await item.innerText(), /no-such-letter/);
    const checked = [['list', await axeViolations(page), await overflow(page)]];
    await shot(page, `incidents-letters-${width}`);
    await Promise.all([
      page.waitForURL(new RegExp(`/admin/incidents/letter/${letter}/cancel$`)),
      item.locator(`form[action="/admin/incidents/letter/${letter}/cancel"] button`).click()]);
    assert.match(await page.locator('[role=status]').innerText(), words.done);
    assert.equal(await page.locator(`article[aria-labelledby="letter-${letter}"]`).count(), 0);
    checked.push(['given up', await axeViolations(page), await overflow(page)]);
    for (const [name, v, o] of checked) {
      assert.deepEqual(v, [], `${locale} ${name}: ${v.join('\n')}`);
      assert.ok(o <= 0, `${locale} ${name} overflows by ${o}px at ${width} px`);
    }
    await ctx.close();
  });
}
