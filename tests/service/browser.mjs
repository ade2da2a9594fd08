// The dashboard in real headless Chromium (Debian's, driven by the
// playwright-core that tests/consumers/setup installs), as a person uses it:
// sign in with an API token, see the targets, queue a scan, sign out.
//
// usage: node browser.mjs SPEC.json
//   SPEC: {"base": "http://127.0.0.1:PORT", "token": "rmp_…", "target": "demo",
//          "hostile": "<img src=x …>", "screenshots": "/abs/dir" | null}
// The target has one saved scan of the vulnerable demo; the demo now runs fixed.
// Prints one JSON object: {"checks": [{"name", "ok", "detail"}]}.

import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const require = createRequire(new URL('../consumers/package.json', import.meta.url));
const { chromium, request } = require('playwright-core');

const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const spec = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const checks = [];
const check = (name, ok, detail = '') => checks.push({ name, ok: Boolean(ok), detail: String(detail) });

async function sessionCookie(context) {
  return (await context.cookies()).find((c) => c.name === 'rampart_session');
}

async function run(context) {
  const page = await context.newPage();
  await page.goto(`${spec.base}/dashboard`);
  check('signed out, /dashboard leads to the sign-in page', page.url().endsWith('/dashboard/login'), page.url());
  const before = await sessionCookie(context);
  check('the sign-in page opens a session: HttpOnly, SameSite=Strict, Path=/dashboard',
    before && before.httpOnly && before.sameSite === 'Strict' && before.path === '/dashboard', JSON.stringify(before));

  await page.fill('input[name=token]', 'rmp_not-a-token-of-this-service-000000000');
  await page.click('button:has-text("Sign in")');
  check('a wrong token is refused', await page.getByText('That is not a valid API token.').isVisible());

  await page.fill('input[name=token]', spec.token);
  await page.click('button:has-text("Sign in")');
  check('signed in: the dashboard names the token', page.url().endsWith('/dashboard')
    && await page.getByText('Signed in as').isVisible(), page.url());
  const after = await sessionCookie(context);
  check('signing in issues a new session id', after && before && after.value !== before.value);
  check('the targets are listed', await page.getByRole('link', { name: spec.target }).isVisible());
  const hostile = page.getByRole('link', { name: spec.hostile });
  check('a target name with markup is shown as text, not run',
    await hostile.isVisible() && await page.locator('img').count() === 0);

  const refused = await page.request.post(`${spec.base}/dashboard/targets/1/scan`,
    { form: { csrf: 'forged' }, maxRedirects: 0 });
  check('a form without the session\'s CSRF token is refused (403)', refused.status() === 403, refused.status());
  const foreign = await page.request.post(`${spec.base}/dashboard/logout`,
    { form: { csrf: 'forged' }, headers: { Origin: 'http://evil.test' }, maxRedirects: 0 });
  check('a POST from another origin is refused (403)', foreign.status() === 403, foreign.status());

  await page.getByRole('row', { name: new RegExp(spec.target) }).getByRole('button', { name: 'Scan now' }).click();
  check('Scan now queues a scan', await page.getByText('Scan queued.').isVisible(), page.url());
  let scanned = false;
  for (let i = 0; i < 90 && !scanned; i++) {
    await page.waitForTimeout(1000);
    await page.reload();
    scanned = await page.getByText('History (2 scan(s))').isVisible();
  }
  check('the second scan appears on the target\'s page', scanned);
  const points = (await page.locator('#history polyline').getAttribute('points') || '').trim().split(/\s+/);
  const ys = points.map((p) => Number(p.split(',')[1]));
  check('the history chart has both scans, the fixed one scoring higher', points.length === 2 && ys[1] < ys[0],
    points.join(' '));
  const diff = (await page.locator('#diff').textContent()) || '';
  const fixed = Number((diff.match(/(\d+) fixed/) || [])[1]);
  check('the diff names what the fix fixed', fixed > 0 && await page.getByText('Fixed since the previous scan').isVisible(),
    diff);
  check('the grade change is an event', await page.getByText('grade.changed').isVisible());
  if (spec.screenshots) {
    await page.screenshot({ path: join(spec.screenshots, 'dashboard-target.png'), fullPage: true });
    await page.goto(`${spec.base}/dashboard`);
    await page.screenshot({ path: join(spec.screenshots, 'dashboard-home.png'), fullPage: true });
  }

  // A client of its own (no cookie jar) replays the session id: it works
  // while signed in (the control), and not after signing out.
  const outsider = await request.newContext();
  const replay = () => outsider.get(`${spec.base}/dashboard`,
    { headers: { Cookie: `rampart_session=${after.value}` }, maxRedirects: 0 });
  const live = await replay();
  check('the session id works from another client while signed in (control)', live.status() === 200, live.status());
  await page.click('button:has-text("Sign out")');
  check('signed out: back on the sign-in page', page.url().endsWith('/dashboard/login'), page.url());
  const dead = await replay();
  check('the signed-out session id is worthless (replayed: 303 to sign-in)',
    dead.status() === 303 && dead.headers().location === '/dashboard/login', dead.status());
  await outsider.dispose();
  await page.close();
}

const profile = mkdtempSync(join(tmpdir(), 'rampart-dashboard-'));
let context;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, args: ARGS,
  });
  await run(context);
} catch (err) {
  check('chromium ran the checks', false, err.stack || err);
} finally {
  if (context) await context.close();
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify({ checks }));
