// SPDX-License-Identifier: AGPL-3.0-or-later
// letters.test.mjs -- the print queue (engine/h_letters.c) in a real browser
// (Debian's Chromium, playwright-core, axe-core): paul, the print office's
// agent, goes from /agent to "Lettres à imprimer et à envoyer", on a 375 px
// phone and at 1280 px, in French and English; the list (a letter ready, a
// letter whose typesetting failed) and the page after "marquer comme
// envoyées" pass axe-core WCAG 2.1 A/AA with 0 violations and never scroll
// sideways.  The letters are queued in the test stack's database (as the
// effects queue them: letter_enqueue) and typeset by the engine's letters
// job; GUICHET_KIOSQUE_DEMAND is a demand of Kiosque du Marché
// (test_browser.py), GUICHET_DATABASE the engine's database.
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

// psql on the stack's database; values go as psql variables, never spliced
function sql(query, vars = {}) {
  const args = ['-X', '-qAt', '-v', 'ON_ERROR_STOP=1', '-d', DB];
  for (const [k, v] of Object.entries(vars)) args.push('-v', `${k}=${v}`);
  return execFileSync('psql', args, { input: query, encoding: 'utf8' }).trim();
}

const QUEUE = `
SELECT letter_enqueue(d.id, NULL, :'tmpl', letter_address_entity(s.entity_id),
                      jsonb_build_object('code', 'BRWS-7Q4K', 'expires_at', '2026-12-31',
                                         'reference', d.reference, 'entity', e.name,
                                         'purpose', 'activation'), 'fr')
  FROM demands d JOIN spaces s ON s.id = d.owner_space_id JOIN entities e ON e.id = s.entity_id
 WHERE d.id = :'demand'`;

async function typeset(letter) {
  for (let i = 0; i < 200; i++) {
    const attempts = sql(`SELECT attempts FROM letters WHERE id = :'id'`, { id: letter });
    if (Number(attempts) > 0) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  assert.fail(`letter ${letter} was not typeset`);
}

before(async () => {
  assert.ok(BASE, 'GUICHET_BASE_URL must be set');
  assert.ok(DB, 'GUICHET_DATABASE must be set');
  assert.match(DEMAND, /^[0-9a-f-]{36}$/, 'GUICHET_KIOSQUE_DEMAND must be set');
  browser = await launchChromium();
  const ready = sql(QUEUE, { tmpl: 'space-activation', demand: DEMAND });
  const broken = sql(QUEUE, { tmpl: 'no-such-letter', demand: DEMAND });
  await typeset(ready);
  await typeset(broken);
});

after(async () => { await browser?.close(); });

async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

for (const [locale, width, words] of [
  ['fr-CH', 375, { link: 'Lettres à imprimer et à envoyer', mark: 'Marquer les lettres cochées comme envoyées',
                   done: /Lettres marquées comme envoyées : 1\./, failed: /Essai n° 1 en échec/ }],
  ['en-GB', 1280, { link: 'Letters to print and post', mark: 'Mark the ticked letters as sent',
                    done: /Letters marked as sent: 1\./, failed: /Attempt 1 failed/ }],
]) {
  test(`${locale} at ${width} px: paul prints and marks a letter sent; axe 0, no overflow`,
       async () => {
    const ctx = await browser.newContext({ locale, bypassCSP: true,
                                           viewport: { width, height: 800 } });
    const page = await ctx.newPage();
    await logIn(page, 'paul');
    await page.goto(BASE + '/agent');
    await Promise.all([page.waitForURL(/\/agent\/letters$/),
                       page.getByRole('link', { name: words.link }).click()]);
    const checked = [['queue', await axeViolations(page)]];
    assert.ok(await overflow(page) <= 0, 'the queue scrolls sideways');
    assert.match(await page.locator('main').innerText(), words.failed);
    await shot(page, `letters-queue-${width}`);
    // the newest ready letter, ticked, marked sent with the bulk button
    const box = page.locator('input[name=letter]').last();
    await box.check();
    await Promise.all([page.waitForURL(/sent=1/),
                       page.getByRole('button', { name: words.mark }).click()]);
    assert.match(await page.locator('[role=status]').innerText(), words.done);
    checked.push(['sent', await axeViolations(page)]);
    assert.ok(await overflow(page) <= 0, 'the page after marking scrolls sideways');
    for (const [name, v] of checked) assert.deepEqual(v, [], `${locale} ${name}: ${v.join('\n')}`);
    await ctx.close();
    // the next locale has a letter of its own to mark
    await typeset(sql(QUEUE, { tmpl: 'space-activation', demand: DEMAND }));
  });
}
