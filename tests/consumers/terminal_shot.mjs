// Renders a local HTML page (the terminal capture terminal.py made) in
// headless Chromium and saves a screenshot of it; nothing but the file loads.
//
// usage: node terminal_shot.mjs PAGE.html OUT.png

import { chromium } from 'playwright-core';
import { pathToFileURL } from 'node:url';

const [page_file, out] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
});
const page = await browser.newPage({ viewport: { width: 900, height: 600 } });
const own = pathToFileURL(page_file).href;
await page.route('**/*', (route) => (route.request().url() === own ? route.continue() : route.abort()));
await page.goto(own, { waitUntil: 'load' });
await page.locator('pre').screenshot({ path: out });
await browser.close();
