// Browser test of the offline outbox (issue #13, "field reports must never be lost"):
// on one shared phone, reporter A's reports that could not reach the server wait on
// the device under A's name; when A logs out and B logs in, they are neither sent as B
// nor shown to B; when A logs back in they are sent, once each, and a report the server
// refuses stays, marked with the server's reason, for A to correct or delete.
//
//   VIGIL_BASE_URL=http://127.0.0.1:8080 VIGIL_REPORTER=reporter:… VIGIL_ANALYST=analyst:… \
//   node crates/server/tests/browser/outbox.mjs
//
// "Offline" is simulated by failing POST /api/reports at the network level (the page
// stays loaded, as on a phone that loses its data link).

import { BASE, creds, check, stepLog, newPage, login, text, run } from './lib.mjs';

const A = creds('VIGIL_REPORTER');
const B = creds('VIGIL_ANALYST');
const MARK = `E2E-outbox ${Date.now().toString(36)}`;
const log = stepLog('outbox');

async function logout(page) {
  await page.click('[data-testid="logout"]');
  await page.waitForSelector('#login-form');
}

// A day well after today, which the server refuses ("is in the future").
function future() {
  const d = new Date(Date.now() + 5 * 86400000);
  return d.toISOString().slice(0, 10);
}

async function fillReport(page, day, text) {
  await page.selectOption('#rf-category', 'threat');
  await page.fill('#rf-date', day);
  await page.fill('#rf-description', text);
  await page.selectOption('#rf-reliability', 'C');
  await page.selectOption('#rf-credibility', '3');
}

// The reports the server holds whose text carries `mark`, as `who` sees them.
async function serverReports(page, mark) {
  return page.evaluate(async (m) => {
    const r = await fetch('/api/reports', { headers: { Accept: 'application/json' } });
    const body = await r.json();
    const list = Array.isArray(body) ? body : (body.reports || body.items || []);
    return list.filter((x) => String(x.description || '').includes(m)).map((x) => ({ id: x.id, description: x.description }));
  }, mark);
}

async function main(browser) {
  const phone = await newPage(browser, { width: 360, height: 740 });
  const page = phone.page;

  // ---- A, offline: three reports wait on the phone
  await login(page, A);
  await page.goto(BASE + '/#/report');
  await page.waitForSelector('#report-form');
  check(await page.locator('[data-testid="outbox"]').isHidden(), 'no waiting reports at first');
  await page.route('**/api/reports', (route) => (route.request().method() === 'POST' ? route.abort('internetdisconnected') : route.continue()));
  const reports = [
    ['2022-06-15', `${MARK} good: armed men seen near the well`],
    [future(), `${MARK} wrong date one`],
    [future(), `${MARK} wrong date two`]
  ];
  for (const [day, what] of reports) {
    await fillReport(page, day, what);
    await page.click('#rf-submit');
    await page.locator('[data-testid="rf-form-error"]', { hasText: 'saved on this device' }).waitFor();
  }
  const items = page.locator('[data-testid="outbox-item"]');
  check(await items.count() === 3, `three reports wait on the device (${await items.count()})`);
  check((await text(page.locator('[data-testid="outbox"] h2'))).includes('(3)'), 'the panel counts them');
  const ids = await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-client-id')));
  check(ids.every((x) => /^[0-9a-f-]{36}$/.test(x)) && new Set(ids).size === 3, `each has its own client_id: ${ids.join(', ')}`);
  const stored = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('vigil.outbox.')));
  check(stored.length === 1 && stored[0] === 'vigil.outbox.' + encodeURIComponent(A.user), `they are stored under A's name only: ${stored}`);
  log(`reporter ${A.user} queued 3 reports offline (client ids ${ids.map((x) => x.slice(0, 8)).join(', ')})`);
  await page.unroute('**/api/reports');
  await logout(page);
  log('A logged out with the reports still waiting');

  // ---- B on the same phone: A's reports are not sent as B, and not shown to B
  await login(page, B);
  await page.goto(BASE + '/#/report');
  await page.waitForSelector('#report-form');
  await page.waitForTimeout(1500);
  check(await page.locator('[data-testid="outbox-item"]').count() === 0, 'B sees none of A\'s waiting reports');
  check((await serverReports(page, MARK)).length === 0, 'nothing of A\'s reached the server under B\'s login');
  const still = await page.evaluate((k) => JSON.parse(localStorage.getItem(k) || '[]').length, 'vigil.outbox.' + encodeURIComponent(A.user));
  check(still === 3, `A's three reports still wait on the device (${still})`);
  log(`${B.user} logged in on the same phone: A's reports neither sent nor shown`);
  await logout(page);

  // ---- A again: sent once; the refused ones stay with the server's reason
  await login(page, A);
  await page.goto(BASE + '/#/report');
  await page.waitForSelector('#report-form');
  const refused = page.locator('[data-testid="outbox-item"][data-state="refused"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="outbox-item"][data-state="refused"]').length === 2
    && document.querySelectorAll('[data-testid="outbox-item"]').length === 2);
  const reason = await text(refused.first().locator('[data-testid="outbox-state"]'));
  check(/occurred_at/.test(reason) && /future/.test(reason), `a refused report shows the server's reason: ${reason}`);
  let onServer = await serverReports(page, MARK);
  check(onServer.length === 1 && onServer[0].description.includes('good'), `the good report reached the server once: ${JSON.stringify(onServer)}`);
  log(`A logged in again: report #${onServer[0].id} sent once; 2 refused and kept: "${reason}"`);

  // A corrects one and sends it from the form; deletes the other.
  await refused.filter({ hasText: 'wrong date one' }).locator('[data-testid="outbox-edit"]').click();
  await page.locator('[data-testid="outbox-editing"]').waitFor();
  check((await page.inputValue('#rf-description')).includes('wrong date one'), 'Edit puts the report back in the form');
  await page.fill('#rf-date', '2022-06-16');
  await page.click('#rf-submit');
  await page.locator('[data-testid="report-sent"]').waitFor();
  await page.goto(BASE + '/#/my-reports');
  const left = page.locator('[data-testid="outbox-item"]');
  await page.waitForSelector('[data-testid="my-report"]');
  check(await left.count() === 1 && (await text(left)).includes('wrong date two'), 'the corrected one left the outbox; the other waits');
  await left.locator('[data-testid="outbox-delete"]').click();
  await left.locator('[data-testid="outbox-delete-confirm"]').click();
  await page.locator('[data-testid="outbox"]').waitFor({ state: 'hidden' });
  onServer = await serverReports(page, MARK);
  check(onServer.length === 2 && onServer.some((r) => r.description.includes('wrong date one')) && !onServer.some((r) => r.description.includes('two')),
    `the server holds the good one and the corrected one, once each: ${JSON.stringify(onServer.map((r) => r.description))}`);
  const keys = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('vigil.outbox.')));
  check(keys.length === 0, `nothing is left waiting on the device: ${keys}`);
  log('A corrected one refused report and sent it, and deleted the other; nothing waits');
  await phone.ctx.close();
}

run('outbox', main);
