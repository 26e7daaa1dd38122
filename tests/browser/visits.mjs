// SPDX-License-Identifier: AGPL-3.0-or-later
// visits.mjs -- the census of page routes (tests/integration/test_browser.py):
// every browser context a test file opens through recordVisits(browser)
// appends each page (document) it loads from the portal, as one JSON line
// {method, path, status}, to the file named by GUICHET_VISITS; the pytest
// then checks that every GET route rendering a page was visited.
import fs from 'node:fs';
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
  return recordVisits(browser);
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
