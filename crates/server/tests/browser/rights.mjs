// Browser test of the human-rights module (issue #16), driven with playwright-core in
// Debian's chromium. Started by crates/server/tests/browser_rights.rs.
//
// Environment: VIGIL_BASE_URL, VIGIL_HR_OFFICER and VIGIL_ANALYST (user:password),
// VIGIL_REPORT_ID (a field report the case rests on). VIGIL_SCREENSHOTS (a directory)
// → rights-case.png, rights-note.png, rights-analyst.png there.
//
// The story, checked through what the people involved see:
//  1. an HR officer records a case from the report: one killing, a man and a woman,
//     and the two victims by name; the case page shows both names and the report;
//  2. verifies it (alleged → under verification → verified) and opens a special
//     investigation from it; the investigation page lists the case;
//  3. produces the quarterly note for 2022-Q3: the tables show, the printable note
//     names no victim;
//  4. an analyst opens Human rights: only the aggregates, no case list, no name; the
//     case itself is refused.

import { BASE, SHOTS, check, creds, stepLog, newPage, login, text, run, fullShot } from './lib.mjs';

const HR = creds('VIGIL_HR_OFFICER');
const ANALYST = creds('VIGIL_ANALYST');
const REPORT = process.env.VIGIL_REPORT_ID;
const NAMES = ['Synthetic Browsername One', 'Synthetic Browsername Two'];
const log = stepLog('rights');

async function main(browser) {
  const { page } = await newPage(browser, { width: 1280, height: 900 });
  await login(page, HR);
  check(await page.locator('[data-testid="nav-rights"]').count() === 1, 'the HR officer has the Human rights entry');

  // 1. the case, from the report
  await page.goto(BASE + '/#/rights/new?report=' + REPORT);
  await page.waitForSelector('[data-testid="case-form"]');
  check((await text(page.locator('[data-testid="case-from-report"]'))).includes(REPORT), 'the form says which report the case rests on');
  await page.fill('[data-testid="case-title"]', 'SYNTHETIC killing of two civilians (browser test)');
  await page.fill('[data-testid="case-date"]', '2022-08-15');
  await page.fill('[data-testid="case-place"]', 'Synthetic town');
  await page.selectOption('[data-testid="case-perpetrator"]', 'national_forces');
  await page.fill('[data-testid="case-unit"]', 'Synthetic Battalion 7');
  await page.selectOption('[data-testid="case-act"]', 'killing');
  await page.fill('[data-testid="case-count-man"]', '1');
  await page.fill('[data-testid="case-count-woman"]', '1');
  for (const [i, g] of [[0, 'man'], [1, 'woman']]) {
    await page.click('[data-testid="case-add-person"]');
    await page.fill(`[data-testid="person-name-${i}"]`, NAMES[i]);
    await page.selectOption(`[data-testid="person-group-${i}"]`, g);
    if (i === 0) await page.check(`[data-testid="person-consent-${i}"]`);
  }
  await page.click('[data-testid="case-save"]');
  await page.waitForSelector('[data-testid="case-page"][data-id]');
  const caseId = await page.getAttribute('[data-testid="case-page"]', 'data-id');
  const people = await text(page.locator('[data-testid="case-people"]'));
  check(NAMES.every((n) => people.includes(n)), `both victims show on the case page: ${people}`);
  check(await page.locator('[data-testid="case-people"] li[data-kind="victim"]').count() === 2, 'two victims');
  const page1 = await text(page.locator('[data-testid="case-page"]'));
  check(page1.includes('report ' + REPORT), `the case rests on report ${REPORT}`);
  check(/Men\s*Women/.test(await text(page.locator('[data-testid="case-acts"]'))), 'victims by sex and age are shown');
  log(`case ${caseId} recorded from report ${REPORT} with two victims`);
  if (SHOTS) await fullShot(page, 'rights-case.png');

  // 2. verification, then a special investigation
  for (const s of ['under_verification', 'verified']) {
    await page.click(`[data-testid="case-status-${s}"]`);
    // the page is drawn again with the new status (the "closed" button is there in every state)
    await page.waitForSelector(`[data-testid="case-page"][data-status="${s}"]`);
  }
  check((await text(page.locator('[data-testid="case-page"]'))).includes('Verified (reasonable grounds to believe)'), 'the case is verified');
  await page.click('[data-testid="case-open-investigation"]');
  await page.waitForSelector('[data-testid="inv-form"]');
  await page.fill('[data-testid="inv-title"]', 'SYNTHETIC special investigation (browser test)');
  await page.fill('[data-testid="inv-tor"]', 'Establish the facts.');
  await page.click('[data-testid="inv-save"]');
  await page.waitForSelector('[data-testid="investigation-page"][data-id]');
  const inv = await text(page.locator('[data-testid="investigation-page"]'));
  check(inv.includes('#' + caseId) && inv.includes('Establish the facts.'), `the investigation groups the case: ${inv}`);
  log('verified; special investigation opened');

  // 3. the quarterly note
  await page.goto(BASE + '/#/rights/note');
  await page.waitForSelector('[data-testid="note-form"]');
  await page.fill('[data-testid="note-quarter"]', '2022-Q3');
  await page.click('[data-testid="note-produce"]');
  await page.waitForSelector('[data-testid="note-result"][data-quarter="2022-Q3"] [data-testid="note-table-comparison"]');
  const cmp = await text(page.locator('[data-testid="note-table-comparison"]'));
  check(cmp.includes('2022-Q3') && cmp.includes('2022-Q2') && cmp.includes('2021-Q3'), `the note compares quarters: ${cmp}`);
  const href = await page.getAttribute('[data-testid="note-html"]', 'href');
  const res = await page.request.get(BASE + href);
  check(res.ok(), `the printable note loads (${res.status()})`);
  const html = await res.text();
  check(html.includes('quarterly note, 2022-Q3'), 'the printable note is for 2022-Q3');
  check(!NAMES.some((n) => html.includes(n)) && !html.includes('SYNTHETIC person'), 'the note names no victim');
  const csv = await page.request.get(BASE + (await page.getAttribute('[data-testid="note-csv-victims_act"]', 'href')));
  check(csv.ok() && (await csv.text()).startsWith('act_type,Men,Women'), 'a table downloads as CSV');
  log('quarterly note 2022-Q3 produced (tables, HTML, CSV)');
  if (SHOTS) await fullShot(page, 'rights-note.png');

  // 4. an analyst: aggregates only
  const a = await newPage(browser, { width: 1280, height: 900 });
  await login(a.page, ANALYST);
  check(await a.page.locator('[data-testid="nav-rights"]').count() === 1, 'the analyst has the Human rights entry');
  await a.page.click('[data-testid="nav-rights"]');
  await a.page.waitForSelector('[data-testid="note-result"][data-quarter] [data-testid="note-table-victims_act"]');
  check(await a.page.locator('[data-testid="case-list"]').count() === 0, 'no case list for the analyst');
  const body = await text(a.page.locator('#view'));
  check(!NAMES.some((n) => body.includes(n)) && !body.includes('SYNTHETIC person') && !body.includes('Battalion'), 'no name or unit in what the analyst sees');
  check(body.includes('<3'), 'small cells are suppressed for the analyst');
  const tabs = await text(a.page.locator('[data-testid="rights-tabs"]'));
  check(!tabs.includes('Record a case') && !tabs.includes('HRDDP'), `the analyst's tabs: ${tabs}`);
  const denied = await a.page.request.get(BASE + '/api/cases/' + caseId);
  check(denied.status() === 403, `the case itself is refused to the analyst (${denied.status()})`);
  await a.page.goto(BASE + '/#/rights/case/' + caseId);
  await a.page.waitForSelector('[data-testid="forbidden"]');
  log('the analyst sees the aggregates only');
  if (SHOTS) await fullShot(a.page, 'rights-analyst.png');
}

run('rights', main);
