// Browser test: the call centre (issue #19). A call-centre operator (the demo's
// reporter account) opens the call-centre screen, logs a call from Ménaka (French,
// four minutes, a callback promised, the caller's name and number) that opens a
// report; the promised callback is listed (its number shown as restricted to the
// operator) and the call counted in the volumes; then an analyst finds the report in
// the triage queue with its channel, "call centre".
//
//   VIGIL_BASE_URL=http://127.0.0.1:8080 VIGIL_REPORTER=reporter:… VIGIL_ANALYST=analyst:… node crates/server/tests/browser/calls.mjs

import { creds, check, stepLog, newPage, login, text, run } from './lib.mjs';

const OPERATOR = creds('VIGIL_REPORTER');
const ANALYST = creds('VIGIL_ANALYST');
const log = stepLog('calls');
const MARK = 'Appel test navigateur ' + Date.now();

async function main(browser) {
  const op = await newPage(browser, { width: 1280, height: 900 });
  const page = op.page;
  await login(page, OPERATOR);
  await page.click('[data-testid="nav-calls"]');
  await page.waitForSelector('[data-testid="call-form"]');
  check(page.url().endsWith('#/calls'), `the nav opens the call-centre screen: ${page.url()}`);
  const totalBefore = await text(page.locator('[data-testid="calls-total"]'));

  await page.fill('#call-duration', '4');
  await page.selectOption('#call-language', 'fr');
  await page.selectOption('#call-outcome', 'report');
  await page.selectOption('#call-town', { label: 'Ménaka (ML)' });
  await page.fill('#call-caller', 'Appelant test');
  await page.fill('#call-callback', '+223 66 00 00 07');
  await page.check('#call-promised');
  await page.selectOption('#call-category', 'threat');
  // the report's description is required: the server says so under the field
  await page.click('[data-testid="call-submit"]');
  const descErr = page.locator('[data-testid="error-description"]');
  await descErr.waitFor({ state: 'visible' });
  log(`an empty description is refused under its field: ${await text(descErr)}`);
  await page.fill('#call-description', MARK + ' : menaces contre le chef de village');
  await page.click('[data-testid="call-submit"]');
  const saved = page.locator('[data-testid="call-saved"]');
  await saved.waitFor({ state: 'visible' });
  const reportId = await saved.getAttribute('data-report-id');
  check(/^\d+$/.test(reportId || ''), `the call opened a report: ${await text(saved)}`);
  log(`call logged, report #${reportId}: ${await text(saved)}`);

  // the promised callback is waiting; the operator does not read the number
  const row = page.locator('[data-testid="callbacks"] tbody tr').filter({ hasText: '#' + reportId });
  await row.waitFor();
  const rowText = await text(row);
  check(!rowText.includes('66 00 00 07'), `the callback number is restricted detail: ${rowText}`);
  await page.waitForFunction((before) => {
    const e = document.querySelector('[data-testid="calls-total"]');
    return e && e.textContent !== before;
  }, totalBefore);
  log(`volumes: ${totalBefore} -> ${await text(page.locator('[data-testid="calls-total"]'))}`);

  // the analyst finds it in the triage queue with its channel
  const an = await newPage(browser, { width: 1280, height: 900 });
  await login(an.page, ANALYST);
  await an.page.click('[data-testid="nav-triage"]');
  const card = an.page.locator(`[data-testid="triage-item"][data-report-id="${reportId}"]`);
  await card.waitFor();
  const cardText = await text(card);
  check(cardText.includes(MARK), 'the triage card shows the call\'s report');
  check(/centre d’appels|call centre/.test(cardText), `the triage card shows the channel: ${cardText.slice(0, 200)}`);
  check(cardText.includes('Ménaka'), 'the triage card shows the place');
  check(!cardText.includes('66 00 00 07'), 'the analyst does not read the callback number');
  log(`report #${reportId} is in the triage queue as a call-centre report`);
}

run('calls', main);
