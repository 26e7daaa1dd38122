// SPDX-License-Identifier: AGPL-3.0-or-later
// space_open.test.mjs -- opening a professional space in a real browser
// (Debian's Chromium, playwright-core, axe-core) on a 375 px phone, against
// the stack whose URL is in GUICHET_BASE_URL (tests/integration/test_browser.py):
// Léa types the IDE number, sees the register's data, attaches the documents
// asked and sends; Cyril (agent of "cyber") validates; Léa types the code of
// the letter under "à traiter" and the context choice then offers "Léa
// Bonvin, pour <entité>".  Each page: axe-core WCAG 2.1 A/AA at 0
// violations, no sideways scrolling.  The code is read as the letter is
// queued for the post (a test trigger on the letters table keeps it).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { launchChromium } from './visits.mjs';
import { axeViolations, logIn, overflow } from './common.mjs';

const BASE = process.env.GUICHET_BASE_URL;
const DB = (process.env.GUICHET_DATABASE || '').replace(/^"|"$/g, '');
// an entity of this test's own in the register: Léa is not among its
// signatories, so the référent designation is asked besides the statutes
// and the minutes
const IDE = 'CHE-100.000.035';
const NAME = 'Chorale du Navigateur';
let browser;

function sql(query, ...params) {
  const args = ['-X', '-qAt', '-v', 'ON_ERROR_STOP=1', '-d', DB];
  params.forEach((p, i) => args.push('-v', `p${i + 1}=${p}`));
  return execFileSync('psql', args, { input: query, encoding: 'utf-8' }).trim();
}

function pdf(name) {
  return { name, mimeType: 'application/pdf',
           buffer: Buffer.from(`%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% ${name}\n%%EOF\n`) };
}

before(async () => {
  assert.ok(BASE && DB, 'GUICHET_BASE_URL and GUICHET_DATABASE must be set');
  sql(`INSERT INTO ide_register (ide, name, legal_form, street, house_number, postcode, locality)
       VALUES (:'p1', :'p2', 'association', 'Rue du Test', '3', '1003', 'Lausanne')
       ON CONFLICT (ide) DO NOTHING`, IDE, NAME);
  // the letter's code, kept aside as the letter is queued (its own copy
  // goes once the letters job has made the PDF)
  sql(`CREATE TABLE IF NOT EXISTS test_letter_codes (letter_id bigint PRIMARY KEY, code text);
       CREATE OR REPLACE FUNCTION test_keep_letter_code() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
           INSERT INTO test_letter_codes VALUES (NEW.id, NEW.data->>'code') ON CONFLICT DO NOTHING;
           RETURN NEW;
       END $$;
       DROP TRIGGER IF EXISTS test_keep_letter_code ON letters;
       CREATE TRIGGER test_keep_letter_code AFTER INSERT ON letters
           FOR EACH ROW EXECUTE FUNCTION test_keep_letter_code();`);
  browser = await launchChromium();
});

after(async () => { await browser?.close(); });

async function phone(account) {
  const ctx = await browser.newContext({ locale: 'fr-CH', bypassCSP: true,
                                         viewport: { width: 375, height: 740 } });
  const page = await ctx.newPage();
  await logIn(page, account);
  return [ctx, page];
}

async function check(page, what, checked) {
  checked.push([what, await axeViolations(page)]);
  assert.ok(await overflow(page) <= 0, `${what} overflows at 375 px`);
}

async function click(page, locator) {
  await Promise.all([page.waitForNavigation(), locator.click()]);
}

test('Léa opens a space to activation, Cyril validates (375 px, axe 0)', async () => {
  const checked = [];
  const [lea, page] = await phone('lea');
  await page.goto(BASE + '/catalogue');
  await click(page, page.locator('form:has(input[name=workflow][value=space-open]) button')
    .first());
  if (new URL(page.url()).pathname === '/demands') {
    await click(page, page.locator('form:has(input[name=new][value="1"]) button'));
  }
  const demand = page.url().match(/\/demands\/([0-9a-f-]{36})/)[1];
  assert.match(page.url(), /\/page\/entity$/);
  // an unknown number first: refused with the register's advice
  await page.fill('#f-ide', 'CHE-204.158.730');
  await click(page, page.locator('button[name=nav][value=next]'));
  await click(page, page.getByRole('button', { name: 'Rechercher au registre IDE' }));
  assert.match(await page.locator('[role=alert]').innerText(), /uid\.admin\.ch/);
  await check(page, 'unknown IDE', checked);
  await page.goto(`${BASE}/demands/${demand}/page/entity`);
  await page.fill('#f-ide', IDE);
  await check(page, 'entity page', checked);
  await click(page, page.locator('button[name=nav][value=next]'));
  await click(page, page.getByRole('button', { name: 'Rechercher au registre IDE' }));
  const main = await page.locator('main').innerText();
  assert.match(main, new RegExp(NAME));
  assert.match(main, /Rue du Test 3/);
  await check(page, 'register data', checked);
  // the documents: statutes and minutes, then the designation
  await click(page, page.getByRole('link', { name: /Compléter ou modifier/ }));
  assert.match(page.url(), /\/page\/association$/);
  await page.setInputFiles('#f-statutes', pdf('statuts.pdf'));
  await page.setInputFiles('#f-minutes', pdf('pv-ag.pdf'));
  await check(page, 'association documents', checked);
  await click(page, page.locator('button[name=nav][value=next]'));
  assert.match(page.url(), /\/page\/designation$/);
  await page.setInputFiles('#f-designation', pdf('designation.pdf'));
  await click(page, page.locator('button[name=nav][value=next]'));
  await check(page, 'review', checked);
  await click(page, page.getByRole('button', { name: 'Transmettre la demande' }));
  assert.equal(sql("SELECT state FROM demands WHERE id = :'p1'", demand), 'checking');

  // Cyril, from his queue
  const [cy, agent] = await phone('cyril');
  await agent.goto(BASE + '/agent/cyber');
  await check(agent, 'cyber queue', checked);
  await agent.goto(`${BASE}/demands/${demand}`);
  await check(agent, 'demand for the agent', checked);
  await click(agent, agent.getByRole('button', { name: 'Valider et envoyer le code par courrier' }));
  assert.equal(sql("SELECT state FROM demands WHERE id = :'p1'", demand), 'code-sent');
  await cy.close();

  // the letter's code, typed under "à traiter"
  const code = sql(`SELECT k.code FROM letters l JOIN test_letter_codes k ON k.letter_id = l.id
                     WHERE l.demand_id = :'p1'`, demand);
  assert.ok(code.length >= 6, 'the letter carries the code');
  await page.goto(BASE + '/dashboard');
  await check(page, 'dashboard with the code to confirm', checked);
  await page.goto(`${BASE}/demands/${demand}`);
  await page.fill('#t-confirm-code', 'ZZZZZZZZ');
  await click(page, page.getByRole('button', { name: 'Confirmer l\'ouverture' }));
  assert.equal(await page.locator('#t-confirm-code[aria-invalid=true]').count(), 1);
  await check(page, 'wrong code', checked);
  await page.fill('#t-confirm-code', code);
  await click(page, page.getByRole('button', { name: 'Confirmer l\'ouverture' }));
  assert.equal(sql("SELECT state FROM demands WHERE id = :'p1'", demand), 'opened');
  await check(page, 'opened', checked);
  await page.goto(BASE + '/context');
  assert.match(await page.locator('main').innerText(), new RegExp(`Léa Bonvin, pour ${NAME}`));
  await check(page, 'context choice', checked);
  await lea.close();
  for (const [what, v] of checked) assert.deepEqual(v, [], what);
});
