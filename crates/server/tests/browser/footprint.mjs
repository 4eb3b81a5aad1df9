// Browser test: footprint options (issue #17). A planner opens the comparison (all six
// scenarios, rows of measures, deltas against the baseline, assumptions shown as
// assumptions), switches scenarios on the map (option 3 leaves almost every site
// closed), copies option 1a and edits the copy (moves 1a's Bourem helicopter unit to
// a new site), sees the copy in the table, and an edit naming a site that does not
// exist refused with the server's reason.
//
//   VIGIL_BASE_URL=http://127.0.0.1:8080 VIGIL_PLANNER=planner:… node crates/server/tests/browser/footprint.mjs

import { SHOTS, creds, check, stepLog, newPage, login, text, run, fullShot } from './lib.mjs';

const PLANNER = creds('VIGIL_PLANNER');
const log = stepLog('footprint');

async function cell(page, key, scenario) {
  return text(page.locator(`[data-testid="fp-table"] tr[data-key="${key}"] td[data-scenario="${scenario}"]`));
}

async function main(browser) {
  const { page } = await newPage(browser, { width: 1280, height: 900 });
  await login(page, PLANNER);
  check(await page.locator('[data-testid="nav-footprint"]').count() === 1, 'the planner has the Footprint entry');
  await page.click('[data-testid="nav-footprint"]');
  await page.waitForSelector('[data-testid="fp-table"]');

  const heads = await page.locator('[data-testid="fp-table"] thead th[data-scenario]').allTextContents();
  check(JSON.stringify(heads) === JSON.stringify(['baseline', '1a', '1b', '2a', '2b', '3']), `six scenarios as columns: ${heads}`);
  const sitesBase = await cell(page, 'sites_open', 'baseline');
  const sites3 = await cell(page, 'sites_open', '3');
  check(sitesBase === '14', `14 sites open in the baseline: ${sitesBase}`);
  check(/^1 \(-13\)$/.test(sites3.replace('−', '-')), `option 3 keeps one site, 13 fewer: ${sites3}`);
  const route1a = await cell(page, 'route_gao_kidal_in_1h', '1a');
  check(/\(\+\d+/.test(route1a), `1a brings more of the Gao–Kidal axis inside 1 h: ${route1a}`);
  const tags = await page.locator('[data-testid="fp-table"] [data-testid="fp-tag"]').count();
  check(tags > 10, `figures resting on assumptions say so (${tags} tags)`);
  const assumptions = await text(page.locator('[data-testid="fp-assumptions"]'));
  check(assumptions.includes('speed_kmh') && assumptions.includes('Assumption') && assumptions.includes('options.toml'),
    'the assumptions are listed with tags, defaults and where to change them');
  log(`table: sites open baseline ${sitesBase}, option 3 ${sites3}; Gao–Kidal km within 1 h in 1a: ${route1a}`);

  // the map, baseline then option 3
  await page.waitForFunction(() => document.querySelector('[data-testid="fp-map-info"]')?.getAttribute('data-loaded') === 'baseline');
  const openBase = await page.locator('#fp-map path.fp-site-open').count();
  const circlesBase = await page.locator('#fp-map path.fp-circle-1h').count();
  const cellsBase = await page.locator('#fp-map path.fp-cell').count();
  check(cellsBase > 50, `the reach raster is drawn (${cellsBase} cells)`);
  check(openBase === 14 && circlesBase >= 2, `baseline map: ${openBase} open sites, ${circlesBase} 1-h circles`);
  if (SHOTS) await fullShot(page, 'footprint-compare.png');
  await page.selectOption('[data-testid="fp-map-scenario"]', '3');
  await page.waitForFunction(() => document.querySelector('[data-testid="fp-map-info"]')?.getAttribute('data-loaded') === '3');
  const open3 = await page.locator('#fp-map path.fp-site-open').count();
  const closed3 = await page.locator('#fp-map path.fp-site-closed').count();
  check(open3 === 1 && closed3 >= 13, `option 3 map: ${open3} open, ${closed3} closed`);
  const gaps = await text(page.locator('[data-testid="fp-gaps"]'));
  check(gaps.length > 0, `what falls outside is listed: ${gaps.slice(0, 80)}`);
  log(`map: baseline ${openBase} open sites; option 3 ${open3} open, ${closed3} closed`);

  // copy option 1a and edit the copy
  const row1a = page.locator('[data-testid="fp-scenarios"] .fp-scenario[data-scenario="1a"]');
  await row1a.locator('[data-testid="fp-copy-open"]').click();
  await row1a.locator('[data-testid="fp-copy-id"]').fill('1a-anefis');
  await row1a.locator('[data-testid="fp-copy-title"]').fill('1a with the Bourem helicopters at Anéfis');
  await row1a.locator('[data-testid="fp-copy"]').click();
  const copyRow = page.locator('[data-testid="fp-scenarios"] .fp-scenario[data-scenario="1a-anefis"]');
  await copyRow.waitFor();
  await page.waitForSelector('[data-testid="fp-table"] thead th[data-scenario="1a-anefis"]');
  await copyRow.locator('[data-testid="fp-edit"]').click();
  const ed = page.locator('[data-testid="fp-editor"][data-scenario="1a-anefis"]');
  const before = await ed.locator('[data-testid="fp-edit-changes"] li').count();
  await ed.locator('[data-testid="fp-change-type"]').selectOption('add_site');
  await ed.locator('[data-testid="fp-new-site-id"]').fill('anefis');
  await ed.locator('[data-testid="fp-new-site-name"]').fill('Anéfis');
  await ed.locator('[data-testid="fp-new-site-sector"]').fill('North');
  await ed.locator('[data-testid="fp-new-site-lat"]').fill('17.95');
  await ed.locator('[data-testid="fp-new-site-lon"]').fill('0.52');
  await ed.locator('[data-testid="fp-change-add"]').click();
  await ed.locator('[data-testid="fp-change-type"]').selectOption('move_unit');
  await ed.locator('[data-testid="fp-change-unit"]').selectOption('medium_utility_helicopter_unit');
  await ed.locator('[data-testid="fp-change-site"]').selectOption('bourem');
  await ed.locator('[data-testid="fp-change-to"]').selectOption('anefis');
  await ed.locator('[data-testid="fp-change-add"]').click();
  check(await ed.locator('[data-testid="fp-edit-changes"] li').count() === before + 2, 'two changes added to the copy');
  await ed.locator('[data-testid="fp-edit-save"]').click();
  await page.waitForFunction(() => /v2/.test(document.querySelector('[data-testid="fp-scenarios"] .fp-scenario[data-scenario="1a-anefis"]')?.textContent || ''));
  await page.waitForSelector('[data-testid="fp-table"] td[data-scenario="1a-anefis"]');
  const sitesCopy = await cell(page, 'sites_open', '1a-anefis');
  check(/^16 \(\+2\)$/.test(sitesCopy), `the edited copy has Bourem and Anéfis open: ${sitesCopy}`);
  log(`copy 1a-anefis saved (version 2): sites open ${sitesCopy}`);

  // the copy on the map: the moved helicopters draw a 1-h circle around Anéfis
  await page.selectOption('[data-testid="fp-map-scenario"]', '1a-anefis');
  await page.waitForFunction(() => document.querySelector('[data-testid="fp-map-info"]')?.getAttribute('data-loaded') === '1a-anefis');
  check(await page.locator('#fp-map path.fp-site-open').count() === 16, 'the copy shows 16 open sites on the map');

  // an edit naming a site nobody defined is refused, with the server's reason
  await copyRow.locator('[data-testid="fp-edit"]').click();
  const ed2 = page.locator('[data-testid="fp-editor"][data-scenario="1a-anefis"]');
  await page.evaluate(() => {
    const s = document.querySelector('[data-testid="fp-editor"] [data-testid="fp-change-site"]');
    const o = document.createElement('option'); o.value = 'nowhere'; o.textContent = 'nowhere'; s.appendChild(o);
  });
  await ed2.locator('[data-testid="fp-change-type"]').selectOption('close_site');
  await ed2.locator('[data-testid="fp-change-site"]').selectOption('nowhere');
  await ed2.locator('[data-testid="fp-change-add"]').click();
  await ed2.locator('[data-testid="fp-edit-save"]').click();
  await page.waitForFunction(() => /unknown site/.test(document.querySelector('[data-testid="fp-edit-message"]')?.textContent || ''));
  const refused = await text(ed2.locator('[data-testid="fp-edit-message"]'));
  check(refused.includes('nowhere'), `the refusal names the site: ${refused}`);
  log(`dangling edit refused: ${refused}`);
}

run('footprint', main);
