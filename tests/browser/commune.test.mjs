// SPDX-License-Identifier: AGPL-3.0-or-later
// commune.test.mjs -- the commune account request in a real browser
// (Debian's Chromium, playwright-core), on a phone's width: the page the
// e-mailed link opens (step 3/4), the secretaries' queue and item pages
// (step 5: one item per commune, valider / refuser / en attente), the
// refused answer with its message, and the applicant's demand page with
// each commune's answer.  Every page: no axe-core WCAG 2.1 A/AA violation
// and no sideways scrolling at 375 px.  The request itself is filed through
// `guichet demand` (the door the pages use too) with the stack's
// environment, and the mailed code read from the outbox as the mail
// carries it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { launchChromium } from './visits.mjs';
import { logIn, axeViolations, overflow } from './common.mjs';

const BASE = process.env.GUICHET_BASE_URL;
const SHOTS = process.env.GUICHET_SCREENSHOTS;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
let browser;

before(async () => {
  assert.ok(BASE, 'GUICHET_BASE_URL must be set');
  assert.ok(process.env.GUICHET_DATABASE, 'GUICHET_DATABASE must be set');
  browser = await launchChromium();
});

after(async () => { await browser?.close(); });

async function shot(page, name) {
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

// one value from the stack's database (our own queries, values as psql variables)
function sql1(query, ...params) {
  const args = ['-X', '-qAt', '-v', 'ON_ERROR_STOP=1', '-d', process.env.GUICHET_DATABASE];
  params.forEach((p, i) => args.push('-v', `p${i + 1}=${p}`));
  return execFileSync('psql', args, { input: query, encoding: 'utf8' }).trim();
}

// the engine's environment: the test runner's own GUICHET_ variables are
// no settings of the engine (it refuses an unknown one)
const TEST_ONLY = ['GUICHET_VISITS', 'GUICHET_SCREENSHOTS', 'GUICHET_KIOSQUE_DEMAND'];
const ENGINE_ENV = Object.fromEntries(Object.entries(process.env)
  .filter(([k]) => !TEST_ONLY.includes(k)));

function demand(...args) {
  const out = execFileSync(path.join(ROOT, 'build', 'guichet'), ['demand', ...args],
                           { cwd: ROOT, env: ENGINE_ENV, encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop());
}

const FIELDS = {
  'avs13': '756.1234.5678.97', 'birth-date': '14.05.1987', 'civility': 'mrs',
  'first-name': 'Élodie', 'last-name': 'Pittet', 'institution': 'Administration communale',
  'street': 'Rue de Lausanne 35', 'npa': '1020', 'locality': 'Renens',
  'communes.items': '2',
  'communes.0.ofs': '5591', 'communes.0.function': 'other',
  'communes.0.applications.items': '1', 'communes.0.applications.0.app': 'RCPERS',
  'communes.0.applications.0.app-comment': 'contrôle des habitants',
  'communes.1.ofs': '5586', 'communes.1.function': 'secretary',
  'communes.1.applications.items': '1', 'communes.1.applications.0.app': 'UNIREG',
  'communes.1.applications.0.app-comment': '',
};

async function phone(locale = 'fr-CH') {
  const ctx = await browser.newContext({ locale, bypassCSP: true,
                                         viewport: { width: 375, height: 740 } });
  return ctx.newPage();
}

async function checked(page, name, list) {
  list.push([name, await axeViolations(page), await overflow(page)]);
  await shot(page, `commune-${name}`);
}

function judge(list) {
  for (const [name, violations, o] of list) {
    assert.deepEqual(violations, [], `${name}: axe`);
    assert.ok(o <= 0, `${name} overflows by ${o}px at 375 px`);
  }
}

test('a commune account request, from the mailed link to both secretaries\' answers', async () => {
  const elodieId = sql1("SELECT person_id FROM identities WHERE subject = 'elodie'");
  assert.ok(elodieId, 'elodie is seeded (data/demo/world.json)');
  const d = demand('create', '--person', elodieId, 'commune-account').id;
  demand('save', '--person', elodieId, d,
         ...Object.entries(FIELDS).map(([k, v]) => `${k}=${v}`));
  // not in this stack's person register: she attaches an identity copy
  demand('fire', '--person', elodieId, '--file',
         `id-copy=${path.join(ROOT, 'data', 'demo', 'decision.pdf')}:copie.pdf`, d, 'submit');
  const code = sql1("SELECT data->>'code' FROM outbox WHERE demand_id = :'p1'::uuid"
                    + " AND data ? 'code' ORDER BY id DESC LIMIT 1", d);
  assert.match(code, /^[A-Z0-9]{10}$/);
  const link = `/demands/${d}/confirm/${code}`;
  const list = [];

  // steps 3 and 4: the link, opened logged in, confirms the address
  const elodie = await phone();
  await logIn(elodie, 'elodie');
  let res = await elodie.goto(BASE + link);
  assert.equal(res.status(), 200);
  await checked(elodie, 'confirm', list);
  await elodie.getByRole('button', { name: 'Confirmer mon adresse e-mail' }).click();
  await elodie.waitForURL((u) => u.pathname === `/demands/${d}`);
  assert.match(await elodie.locator('main').innerText(), /Réponses des autorités/);
  assert.match(await elodie.locator('main').innerText(), /pas encore de réponse/);
  await checked(elodie, 'demand-waiting', list);
  // the same link again: said clearly, no button
  res = await elodie.goto(BASE + link);
  assert.equal(res.status(), 200);
  assert.match(await elodie.locator('main').innerText(), /Ce lien a déjà servi/);
  assert.equal(await elodie.getByRole('button', { name: 'Confirmer mon adresse e-mail' }).count(), 0);
  await checked(elodie, 'confirm-used', list);

  // step 5: Nadia, secretary of Renens, finds Renens's item only
  const nadia = await phone();
  await logIn(nadia, 'nadia');
  res = await nadia.goto(BASE + '/verify');
  assert.equal(res.status(), 200);
  assert.match(await nadia.locator('h1').innerText(), /Demandes de rattachement à votre commune/);
  await checked(nadia, 'verify', list);
  assert.equal(await nadia.locator(`a[href="/verify/${d}/verify/1"]`).count(), 0);
  await nadia.locator(`a[href="/verify/${d}/verify/0"]`).click();
  await nadia.waitForURL((u) => u.pathname === `/verify/${d}/verify/0`);
  assert.match(await nadia.locator('main').innerText(), /RCPers/);
  await checked(nadia, 'item', list);
  // no answer chosen: the page again, the message by the choices, the comment kept
  await nadia.fill('#f-comment', 'je me renseigne');
  await nadia.getByRole('button', { name: 'Enregistrer la réponse' }).click();
  await nadia.waitForLoadState();
  assert.match(await nadia.locator('#error-summary').innerText(), /Choisissez une réponse/);
  assert.equal(await nadia.inputValue('#f-comment'), 'je me renseigne');
  await checked(nadia, 'item-refused', list);
  // en attente: recorded, not final
  await nadia.locator('#outcome-pending').check();
  await nadia.getByRole('button', { name: 'Enregistrer la réponse' }).click();
  await nadia.waitForURL((u) => u.pathname === '/verify');
  assert.match(await nadia.locator('main').innerText(), /Votre réponse est enregistrée/);

  // Inès, secretary of Lausanne, validates; Nadia then validates too
  const ines = await phone();
  await logIn(ines, 'ines');
  await ines.goto(BASE + `/verify/${d}/verify/1`);
  await ines.locator('#outcome-valid').check();
  await ines.getByRole('button', { name: 'Enregistrer la réponse' }).click();
  await ines.waitForURL((u) => u.pathname === '/verify');
  await nadia.goto(BASE + `/verify/${d}/verify/0`);
  assert.match(await nadia.locator('main').innerText(), /En attente/);
  await nadia.locator('#outcome-valid').check();
  await nadia.fill('#f-comment', 'confirmé par le contrôle des habitants');
  await nadia.getByRole('button', { name: 'Enregistrer la réponse' }).click();
  await nadia.waitForURL((u) => u.pathname === '/verify');
  res = await nadia.goto(BASE + '/verify?which=done');
  assert.equal(res.status(), 200);
  await checked(nadia, 'verify-done', list);

  // step 6: transmitted; Élodie sees each commune's answer
  res = await elodie.goto(BASE + `/demands/${d}`);
  const text = await elodie.locator('main').innerText();
  assert.match(text, /6\. Transmise|Lue et archivée/);
  assert.match(text, /Commune de Renens, secrétariat municipal/);
  assert.match(text, /Commune de Lausanne, secrétariat municipal/);
  assert.match(text, /confirmé par le contrôle des habitants/);
  await checked(elodie, 'demand-answered', list);

  // the queue in English too
  const en = await phone('en-GB');
  await logIn(en, 'ines');
  await en.goto(BASE + '/verify?which=all');
  assert.match(await en.locator('h1').innerText(), /Requests to be attached to your commune/);
  await checked(en, 'verify-en', list);
  judge(list);
});
