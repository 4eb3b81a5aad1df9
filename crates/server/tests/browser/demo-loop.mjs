// Browser test of the demo's one clock and working loop (issue #15), driven with
// playwright-core in Debian's chromium. Started by crates/server/tests/browser.rs
// (`demo_clock_and_working_loop`) on a server started the way `vigil demo` starts:
// the demo data replayed, the demo clock at the morning after the data's last day, the
// working loop seeded, and one more alert issued a moment before this script runs.
//
// Environment: as e2e.mjs, plus VIGIL_RESPONDER (user:password), VIGIL_SERVER_DATE
// (the server's day, YYYY-MM-DD), VIGIL_JUST_ISSUED (an alert id), VIGIL_LOOP_ISSUED
// and VIGIL_LOOP_ACKNOWLEDGED (comma-separated alert ids).
//
// The story, checked through what each user sees:
//  1. a responder sees the server's date in the top bar (the demo lives in its data's
//     days, not the device's);
//  2. the alert list shows the alerts the demo analyst issued, and the one issued a
//     moment ago, none of them marked expired;
//  3. the alert issued a moment ago is not expired on its page; the responder
//     acknowledges it and records a response with the form's default request time
//     (the server's now), which the server takes;
//  4. an alert the loop acknowledged shows the demo responder's response;
//  5. the Atom feed lists the issued alerts;
//  6. a reporter's form is dated on the server's day.

import { BASE, check, creds, stepLog, newPage, login, text, run } from './lib.mjs';

const RESPONDER = creds('VIGIL_RESPONDER');
const REPORTER = creds('VIGIL_REPORTER');
const SERVER_DATE = process.env.VIGIL_SERVER_DATE || '';
const JUST = process.env.VIGIL_JUST_ISSUED || '';
const ids = (v) => (v || '').split(',').filter(Boolean);
const ISSUED = ids(process.env.VIGIL_LOOP_ISSUED);
const ACKED = ids(process.env.VIGIL_LOOP_ACKNOWLEDGED);

const log = stepLog('demo-loop');

async function main(browser) {
  check(/^\d{4}-\d{2}-\d{2}$/.test(SERVER_DATE), `VIGIL_SERVER_DATE is a date: ${SERVER_DATE}`);
  check(JUST && ISSUED.length > 0 && ACKED.length > 0, 'the server seeded a working loop');
  const year = SERVER_DATE.slice(0, 4);

  const { ctx, page } = await newPage(browser, { width: 1280, height: 900 });
  await login(page, RESPONDER);
  const badge = page.locator('[data-testid="server-date"]');
  await badge.waitFor({ state: 'visible' });
  const shown = await text(badge);
  check(shown.includes(year) && /Server date/.test(shown), `the top bar shows the server's date (${SERVER_DATE}): "${shown}"`);
  log(`the top bar shows "${shown}"`);

  await page.goto(BASE + '/#/alerts');
  await page.waitForSelector('[data-testid="alert-item"]');
  for (const id of [JUST, ...ISSUED]) {
    const card = page.locator(`[data-testid="alert-item"][data-alert-id="${id}"]`);
    check(await card.count() === 1, `alert #${id} is in the list of active alerts`);
    check(await card.locator('[data-testid="alert-expired"]').count() === 0, `alert #${id} (issued ${id === JUST ? 'a moment ago' : 'by the demo analyst'}) is not shown as expired`);
  }
  const statuses = await page.locator('[data-testid="alert-item"]').evaluateAll((els) => els.map((e) => e.dataset.status));
  check(statuses.includes('draft') && statuses.includes('issued') && statuses.includes('acknowledged'),
    `the list has drafts, issued and acknowledged alerts: ${statuses.join(', ')}`);
  log(`${statuses.length} active alerts listed (${ISSUED.length + 1} issued), none issued shown as expired`);

  await page.goto(BASE + '/#/alert/' + JUST);
  await page.waitForSelector('[data-testid="alert-headline"]');
  check(await page.locator('[data-testid="alert-status"]').first().getAttribute('data-status') === 'issued', `alert #${JUST} is issued`);
  check(await page.locator('[data-testid="alert-expired"]').count() === 0, `alert #${JUST}, issued a moment ago, is not expired on its page`);
  await page.click('[data-testid="transition-acknowledged"]');
  await page.locator('[data-testid="alert-flash"]', { hasText: 'is now acknowledged' }).waitFor();
  const form = page.locator('[data-testid="response-form"]');
  await form.waitFor();
  const requested = await form.locator('[data-testid="resp-requested_at"]').inputValue();
  check(requested.startsWith(SERVER_DATE), `the response form's request time is the server's now (${SERVER_DATE}…): ${requested}`);
  await form.locator('[data-testid="resp-responder"]').fill('Patrouille démo');
  await form.locator('[data-testid="resp-action"]').selectOption('patrol');
  await form.locator('[data-testid="resp-submit"]').click();
  await page.locator('[data-testid="response-item"]').first().waitFor();
  check(await form.locator('[data-testid="resp-form-error"]').isHidden(), 'the server took the request time');
  const responses = await text(page.locator('[data-testid="alert-responses"]'));
  check(responses.includes('Patrouille démo'), `the response is recorded at the server's now: ${responses}`);
  log(`alert #${JUST} acknowledged and answered at ${requested} (server time)`);

  await page.goto(BASE + '/#/alert/' + ACKED[0]);
  await page.waitForSelector('[data-testid="alert-responses"]');
  const loop = await text(page.locator('[data-testid="alert-responses"]'));
  check(/\(demo\)/.test(loop), `alert #${ACKED[0]} shows the demo responder's response: ${loop}`);
  const history = await text(page.locator('[data-testid="alert-history"]'));
  check(history.includes('analyst') && history.includes('responder'), `its history names the demo analyst and responder: ${history}`);
  log(`alert #${ACKED[0]} shows the loop's response and who issued and acknowledged it`);

  const atom = await page.evaluate(async () => (await fetch('/cap/alerts.atom')).text());
  const entries = (atom.match(/<entry>/g) || []).length;
  check(entries >= ISSUED.length + 1, `the Atom feed lists the issued alerts (${entries} entries)`);
  log(`the Atom feed has ${entries} entries`);
  await ctx.close();

  const phone = await newPage(browser, { width: 360, height: 740 });
  await login(phone.page, REPORTER);
  await phone.page.goto(BASE + '/#/report');
  await phone.page.waitForSelector('#rf-date');
  const date = await phone.page.inputValue('#rf-date');
  check(date === SERVER_DATE, `the report form is dated on the server's day ${SERVER_DATE}: ${date}`);
  log(`the report form defaults to ${date}`);
  await phone.ctx.close();
}

run('demo-loop', main);
