// SPDX-License-Identifier: AGPL-3.0-or-later
// visits.mjs -- the census of page routes (tests/integration/test_browser.py):
// every browser context a test file opens through recordVisits(browser)
// appends each page (document) it loads from the portal, as one JSON line
// {method, path, status}, to the file named by GUICHET_VISITS; the pytest
// then checks that every GET route rendering a page was visited.
import fs from 'node:fs';

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
