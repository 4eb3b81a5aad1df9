// What the browser scripts (e2e.mjs, alerts.mjs) share: their environment, one way to
// launch Debian's chromium, pages that record script errors and requests leaving the
// Vigil server, logging in, screenshots, and the end of a run.

import { chromium } from 'playwright-core';
import path from 'node:path';

export const BASE = (process.env.VIGIL_BASE_URL || '').replace(/\/$/, '');
export const SHOTS = process.env.VIGIL_SCREENSHOTS || '';
export const EXPECT_SYNTHETIC = process.env.VIGIL_EXPECT_SYNTHETIC === '1';
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

if (!BASE) {
  console.error('VIGIL_BASE_URL is not set');
  process.exit(2);
}

// `user:password` from an environment variable.
export function creds(name) {
  const v = process.env[name] || '';
  const i = v.indexOf(':');
  if (i < 0) throw new Error(`${name} must be user:password`);
  return { user: v.slice(0, i), pass: v.slice(i + 1) };
}

export function check(cond, msg) {
  if (!cond) throw new Error(`check failed: ${msg}`);
}

// A numbered step logger: `[browser TAG] NN message`.
export function stepLog(tag) {
  let step = 0;
  return (msg) => {
    step += 1;
    console.log(`[browser ${tag}] ${String(step).padStart(2, '0')} ${msg}`);
  };
}

const pageErrors = [];
const offsiteRequests = [];

export async function launch() {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: process.env.VIGIL_HEADFUL !== '1',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync']
    // playwright gives every launch a fresh, empty profile directory of its own.
  });
}

export async function newPage(browser, viewport) {
  const ctx = await browser.newContext({ viewport, locale: 'en-GB', deviceScaleFactor: 1 });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  page.on('pageerror', (e) => pageErrors.push(`${e} at ${page.url()}\n${e.stack || ''}`));
  page.on('console', (m) => { if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push('console: ' + m.text()); });
  // Nothing may be fetched from anywhere but the Vigil server.
  page.on('request', (r) => { if (!r.url().startsWith(BASE) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) offsiteRequests.push(r.url()); });
  return { ctx, page };
}

export async function login(page, who) {
  await page.goto(BASE + '/#/login');
  await page.waitForSelector('#login-form');
  await page.fill('#login-username', who.user);
  await page.fill('#login-password', who.pass);
  await Promise.all([
    page.waitForFunction(() => !location.hash.startsWith('#/login')),
    page.click('#login-submit')
  ]);
  await page.waitForSelector('[data-testid="whoami"]');
  const shown = await page.textContent('[data-testid="whoami"]');
  check(shown.trim() === who.user, `logged in as ${who.user} (page shows ${shown})`);
}

// In the report form, pick a town from the place list; its coordinates fill in.
export async function pickTown(page, town) {
  await page.waitForFunction(() => document.querySelectorAll('#rf-towns option').length > 0);
  const option = await page.evaluate((t) => {
    const o = Array.from(document.querySelectorAll('#rf-towns option')).find((x) => x.value.startsWith(t + ' ('));
    return o ? o.value : null;
  }, town);
  check(option, `town ${town} is in the place list`);
  await page.fill('#rf-town', option);
  await page.dispatchEvent('#rf-town', 'change');
  await page.waitForFunction(() => document.querySelector('#rf-lat').value !== '');
}

// A whole-page screenshot taken by growing the window to the page's height, so that
// the sticky demo banner stays at the top (a stitched full-page capture would move it).
export async function fullShot(page, name) {
  const vp = page.viewportSize();
  await page.evaluate(() => window.scrollTo(0, 0));
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: vp.width, height: Math.min(height, 4000) });
  await page.waitForTimeout(300);
  await page.screenshot({ path: path.join(SHOTS, name) });
  await page.setViewportSize(vp);
}

// A locator's text, whitespace collapsed.
export const text = async (loc) => ((await loc.textContent()) || '').replace(/\s+/g, ' ').trim();

// The checks every run ends with: no script errors, no request off the server.
export function checkClean() {
  check(offsiteRequests.length === 0, `no request left the Vigil server: ${offsiteRequests.join(', ')}`);
  check(pageErrors.length === 0, `no script errors: ${pageErrors.join(' | ')}`);
}

// Run a script's `main` with a browser; PASS, or FAIL with the error and page errors
// and exit code 1.
export function run(tag, main) {
  (async () => {
    const browser = await launch();
    try {
      await main(browser);
      checkClean();
      console.log(`[browser ${tag}] PASS`);
    } finally {
      await browser.close();
    }
  })().catch((e) => {
    console.error(`[browser ${tag}] FAIL: ` + (e && e.stack ? e.stack : e));
    if (pageErrors.length) console.error(`[browser ${tag}] page errors: ` + pageErrors.join(' | '));
    process.exit(1);
  });
}
