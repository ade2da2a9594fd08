// Opens rampart's HTML report in real headless Chromium (Debian's, driven by
// playwright-core) and checks what a person would see.
//
// usage: node html_check.mjs SPEC.json
//   SPEC: {"file": "/abs/report.html", "grade": "F", "titles": ["…"],
//          "visible": ["Score 0/100", …], "screenshot": "/abs/out.png" | null,
//          "control": "/abs/page.html" | null}
// Prints one JSON object: {"checks": [{"name", "ok", "detail"}]}.
// Every request other than the report file itself is recorded and aborted, so
// the page cannot reach the network even if it tried. The optional control page
// makes an outside request on purpose, proving the recording works.

import { chromium } from 'playwright-core';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const checks = [];
const check = (name, ok, detail = '') => checks.push({ name, ok: Boolean(ok), detail: String(detail) });

/** Load `file` and return the page plus every request made other than `file`. */
async function open(context, file) {
  const page = await context.newPage();
  const own = pathToFileURL(file).href;
  const outside = [];
  page.on('request', (req) => { if (req.url() !== own) outside.push(req.url()); });
  await page.route('**/*', (route) => (route.request().url() === own ? route.continue() : route.abort()));
  await page.goto(own, { waitUntil: 'load' });
  await page.waitForTimeout(300);
  return { page, outside };
}

async function checkReport(context) {
  const { page, outside } = await open(context, spec.file);
  check('html: no request other than the file itself', outside.length === 0,
    outside.length ? outside.join(', ') : 'none');
  const grade = page.locator('#grade');
  const shown = (await grade.textContent())?.trim();
  check('html: grade is visible and matches the report', (await grade.isVisible()) && shown === spec.grade,
    `shown ${shown}, expected ${spec.grade}`);
  const summaries = page.locator('details.finding summary .title');
  const seen = await summaries.allTextContents();
  const missing = spec.titles.filter((t) => !seen.includes(t));
  let hidden = 0;
  for (let i = 0; i < await summaries.count(); i++) if (!await summaries.nth(i).isVisible()) hidden++;
  check('html: every finding title is visible', missing.length === 0 && hidden === 0 && seen.length === spec.titles.length,
    `${seen.length} shown, ${spec.titles.length} expected, missing ${JSON.stringify(missing)}, hidden ${hidden}`);
  for (const text of spec.visible) {
    check(`html: "${text}" is visible`, await page.getByText(text, { exact: true }).first().isVisible());
  }
  await expandAll(page, spec.titles.length);
  if (spec.screenshot) await screenshot(page);
  await page.close();
}

/** Open every finding by clicking its summary; its proof must then be visible. */
async function expandAll(page, expected) {
  const details = page.locator('details.finding');
  const n = await details.count();
  let shown = 0;
  for (let i = 0; i < n; i++) {
    await details.nth(i).locator('summary').click();
    const visible = await details.nth(i).locator('.description').isVisible()
      && await details.nth(i).locator('.remediation').isVisible()
      && await details.nth(i).locator('pre.curl').first().isVisible();
    if (visible) shown++;
  }
  check('html: each finding expands to description, fix and curl', n === expected && shown === n,
    `${shown} of ${n} expanded`);
}

/** Keep the first finding open to show its proof; the rest closed. */
async function screenshot(page) {
  await page.evaluate(() => document.querySelectorAll('details.finding').forEach((d, i) => { d.open = i === 0; }));
  await page.screenshot({ path: spec.screenshot, fullPage: true });
  const size = statSync(spec.screenshot).size;
  check('html: screenshot saved under 1.5 MB', size > 10_000 && size < 1_500_000, `${spec.screenshot}, ${size} bytes`);
}

/** A page that fetches from outside must be caught, or the first check proves nothing. */
async function checkControl(context) {
  const { page, outside } = await open(context, spec.control);
  check('html: control page with an outside image is caught', outside.length > 0, outside.join(', '));
  await page.close();
}

const profile = mkdtempSync(join(tmpdir(), 'rampart-chromium-'));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ARGS,
    viewport: { width: 1100, height: 800 },
    deviceScaleFactor: 1,
  });
  await checkReport(context);
  if (spec.control) await checkControl(context);
} catch (err) {
  check('html: chromium ran the checks', false, err.stack || err);
} finally {
  if (context) await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify({ checks }));
