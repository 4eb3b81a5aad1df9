// Browser test of the parameters dashboard (issue #20), driven with playwright-core in
// Debian's chromium. Started by crates/server/tests/browser_parameters.rs.
//
// Environment: VIGIL_BASE_URL, VIGIL_PLANNER (user:password). VIGIL_SCREENSHOTS → parameters.png.
//
// A planner opens Parameters for 2022-Q4: the four parameters show, with the demo's
// milestones; the incidents figure equals the API's; following it lands on the map
// with the quarter's dates as filters; following the movement indicator lands on the
// movement page.

import { BASE, SHOTS, check, stepLog, creds, newPage, login, text, run, fullShot } from './lib.mjs';

const PLANNER = creds('VIGIL_PLANNER');
const log = stepLog('parameters');

async function main(browser) {
  const { page } = await newPage(browser, { width: 1280, height: 900 });
  await login(page, PLANNER);
  check(await page.locator('[data-testid="nav-parameters"]').count() === 1, 'the planner has the Parameters entry');
  await page.goto(BASE + '/#/parameters?quarter=2022-Q4');
  await page.waitForSelector('[data-testid="param-dashboard"]');
  check((await text(page.locator('h1'))).includes('2022-Q4'), 'the dashboard is for 2022-Q4');
  check(await page.locator('section[data-param]').count() === 4, 'four parameters');
  check(await page.locator('[data-testid="milestones"]').count() === 2, 'milestones of (a) and (b)');
  const api = await page.evaluate(async () => (await fetch('/api/parameters?quarter=2022-Q4')).json());
  const want = api.figures.find((f) => f.id === 'incidents.total').current;
  const shown = await text(page.locator('[data-testid="fig-incidents.total"]'));
  check(shown === String(want), `the incidents figure (${shown}) is the API's (${want})`);
  log(`dashboard: ${shown} incidents in 2022-Q4`);
  if (SHOTS) await fullShot(page, 'parameters.png');

  // follow the figure to its records: the map, with the quarter as its filters
  await page.click('[data-testid="fig-incidents.total"]');
  await page.waitForSelector('[data-testid="filter-from"]');
  check(await page.inputValue('[data-testid="filter-from"]') === '2022-10-01', 'the map starts on 2022-10-01');
  check(await page.inputValue('[data-testid="filter-to"]') === '2022-12-31', 'the map ends on 2022-12-31');
  log('the incidents figure leads to the map filtered to the quarter');

  // and the movement indicator to the movement records
  await page.goto(BASE + '/#/parameters?quarter=2022-Q4');
  await page.waitForSelector('[data-testid="ind-c_denied_or_delayed"]');
  await page.click('[data-testid="ind-c_denied_or_delayed"]');
  await page.waitForSelector('[data-testid="movement-page"]');
  log('the movement indicator leads to the movement records');
}

run('parameters', main);
