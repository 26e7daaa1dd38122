// SPDX-License-Identifier: AGPL-3.0-or-later
// visits.mjs -- the census of page routes (tests/integration/test_browser.py):
// every browser context a test file opens through recordVisits(browser)
// appends each page (document) it loads from the portal, as one JSON line
// {method, path, status}, to the file named by GUICHET_VISITS; the pytest
// then checks that every GET route rendering a page was visited.
// It also keeps the screenshots of the main pages (shootMainPages): the
// first time any test loads one, it is shot at 375 and 1280 px into
// GUICHET_SCREENSHOTS, once per run, here rather than in each test file.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

// Debian's Chromium as every browser test starts it (no downloaded
// browser; background networking off, since this machine has no network),
// its contexts recorded for the census.
export async function launchChromium() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic',
           '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
  return shootMainPages(recordVisits(browser));
}

export function recordVisits(browser) {
  const file = process.env.GUICHET_VISITS;
  const base = process.env.GUICHET_BASE_URL;
  if (!file || !base) return browser;
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const ctx = await newContext(options);
    ctx.on('response', (res) => {
      const req = res.request();
      if (req.resourceType() !== 'document' || !res.url().startsWith(base)) return;
      const line = { method: req.method(), path: new URL(res.url()).pathname,
                     status: res.status() };
      fs.appendFileSync(file, JSON.stringify(line) + '\n');
    });
    return ctx;
  };
  return browser;
}

// The main pages, by path: the first load of each is shot as
// main-<name>-<width>.png (test_browser.py checks they are all there).
export const MAIN_PAGES = [
  ['home', /^\/$/],
  ['dashboard', /^\/dashboard$/],
  ['catalogue', /^\/catalogue$/],
  ['form-page', /^\/demands\/[0-9a-f-]{36}\/page\/[a-z0-9-]+$/],
  ['demand', /^\/demands\/[0-9a-f-]{36}$/],
  ['wallet', /^\/wallet$/],
  ['account', /^\/account$/],
  ['notifications', /^\/notifications$/],
  ['agent-queue', /^\/agent\/[a-z0-9-]+$/],
  ['admin-procedures', /^\/admin\/procedures$/],
];
export const SHOT_WIDTHS = [375, 1280];

// Shoots in a page of its own of the same context (same session), after
// the test's page has loaded, with a GET of the same address: the test's
// page is never resized or moved.  Closing a context waits for its shots.
export function shootMainPages(browser) {
  const dir = process.env.GUICHET_SCREENSHOTS;
  const base = process.env.GUICHET_BASE_URL;
  if (!dir || !base) return browser;
  const newContext = browser.newContext.bind(browser);
  browser.newContext = async (options) => {
    const ctx = await newContext(options);
    const pending = new Set();
    const ours = new WeakSet();
    const shoot = async (url, name) => {
      for (const width of SHOT_WIDTHS) {
        const file = path.join(dir, `main-${name}-${width}.png`);
        if (fs.existsSync(file)) continue;
        const p = await ctx.newPage();
        ours.add(p);
        try {
          await p.setViewportSize({ width, height: 900 });
          const res = await p.goto(url);
          if (res && res.status() === 200 && !fs.existsSync(file)) {
            await p.screenshot({ path: file, fullPage: true });
          }
        } finally {
          await p.close();
        }
      }
    };
    ctx.on('page', (page) => {
      page.on('load', () => {
        if (ours.has(page)) return;
        const url = page.url();
        if (!url.startsWith(base)) return;
        const hit = MAIN_PAGES.find(([, re]) => re.test(new URL(url).pathname));
        if (!hit) return;
        if (SHOT_WIDTHS.every((w) => fs.existsSync(path.join(dir, `main-${hit[0]}-${w}.png`)))) {
          return;
        }
        const job = shoot(url, hit[0]).catch(() => {}).finally(() => pending.delete(job));
        pending.add(job);
      });
    });
    const close = ctx.close.bind(ctx);
    ctx.close = async (...args) => {
      await Promise.all([...pending]);
      return close(...args);
    };
    return ctx;
  };
  return browser;
}
