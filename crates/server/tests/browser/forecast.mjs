// Browser test: the forecast an analyst sees (issue #14). On the demo, whose stored
// forecast run is seeded at start, the analyst turns on the map's forecast layer:
// PRIO-GRID cells are drawn coloured by their values, a cell's popup gives P(at least
// one death), the band 5–95 %, the guard's word and the backtest skill; the next 12
// months give larger values than next month. Then the forecast page of the Mopti
// region: the band per month against the deaths then recorded, the skill table by
// horizon with the guard's notes, the aggregation note, the synthetic badge.
//
//   VIGIL_BASE_URL=http://127.0.0.1:8080 VIGIL_ANALYST=analyst:… node crates/server/tests/browser/forecast.mjs

import { BASE, SHOTS, EXPECT_SYNTHETIC, creds, check, stepLog, newPage, login, text, run, fullShot } from './lib.mjs';

const ANALYST = creds('VIGIL_ANALYST');
const log = stepLog('forecast');

async function cellValues(page) {
  return page.evaluate(() => Array.from(document.querySelectorAll('#map path.forecast-cell'))
    .map((p) => ({ gid: p.getAttribute('data-gid'), v: Number(p.getAttribute('data-value')) })));
}

async function main(browser) {
  const { page } = await newPage(browser, { width: 1280, height: 900 });
  await login(page, ANALYST);
  await page.goto(BASE + '/#/map');
  await page.waitForFunction(() => document.querySelector('[data-testid="map-summary"]')?.hasAttribute('data-count'));
  // incident points off, so that a click lands on a forecast cell
  if (await page.isChecked('[data-testid="toggle-points"]')) await page.click('[data-testid="toggle-points"]');

  // the layer, next month, coloured by P(at least one death)
  await page.check('[data-testid="toggle-forecast"]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="forecast-note"]')?.getAttribute('data-cells')) > 0);
  await page.waitForFunction(() => document.querySelectorAll('#map path.forecast-cell').length > 100);
  const h1 = await cellValues(page);
  check(h1.every((c) => c.v >= 0 && c.v <= 1), 'P(any) values lie in [0, 1]');
  const top = h1.reduce((a, b) => (b.v > a.v ? b : a));
  check(top.v > 0.05, `some cell has a real chance of a death next month (max ${top.v})`);
  const fills = new Set(await page.evaluate(() => Array.from(document.querySelectorAll('#map path.forecast-cell')).map((p) => p.getAttribute('fill'))));
  check(fills.size >= 3, `cells are drawn in several colours (${[...fills].join(', ')})`);
  check(await page.locator('[data-testid="forecast-legend"]').count() === 1, 'the forecast legend is shown');
  const note = await text(page.locator('[data-testid="forecast-note"]'));
  if (EXPECT_SYNTHETIC) check(note.includes('SYNTHETIC'), `the run is labelled synthetic: ${note}`);
  log(`${h1.length} cells drawn for next month; highest P(any) ${top.v.toFixed(3)} in cell ${top.gid}`);

  // the highest cell's popup: values, band, guard, skill
  await page.locator(`#map path.forecast-cell[data-gid="${top.gid}"]`).click({ force: true });
  const popup = page.locator('[data-testid="forecast-popup"]');
  await popup.waitFor();
  const pAny = await text(popup.locator('[data-testid="forecast-p-any"]'));
  const band = await text(popup.locator('[data-testid="forecast-band"]'));
  const guard = await text(popup.locator('[data-testid="forecast-guard"]'));
  const skill = await text(popup.locator('[data-testid="forecast-skill"]'));
  check(/%$/.test(pAny) && Math.abs(parseFloat(pAny.replace(',', '.')) - top.v * 100) < 0.06, `the popup's P(any) is the cell's value: ${pAny} vs ${top.v}`);
  check(/^[\d.,\s]+ – [\d.,\s]+$/.test(band), `the popup gives the band 5–95 %: ${band}`);
  check(/benchmark|Published model/.test(guard), `the popup says what the guard did: ${guard}`);
  check(/horizon 1: [+-]?[\d.,]+ %/.test(skill), `the popup gives the backtest skill at horizon 1: ${skill}`);
  log(`popup: P(any) ${pAny}, band ${band}; ${guard} ${skill}`);
  if (SHOTS) await page.screenshot({ path: `${SHOTS}/forecast-map.png` });
  await page.keyboard.press('Escape');

  // the next 12 months: expected deaths, larger than next month's
  await page.check('[data-testid="fc-measure-mean"]');
  const m1 = (await cellValues(page)).reduce((a, c) => a + c.v, 0);
  await page.check('[data-testid="fc-when-12"]');
  const m12 = (await cellValues(page)).reduce((a, c) => a + c.v, 0);
  check(m1 > 0 && m12 > m1 * 3, `expected deaths over 12 months (${m12.toFixed(1)}) well above next month's (${m1.toFixed(1)})`);
  log(`expected deaths, all cells: next month ${m1.toFixed(1)}, next 12 months ${m12.toFixed(1)}`);

  // an area's forecast page, from the layer's region picker
  const mopti = await page.evaluate(() => Array.from(document.querySelectorAll('[data-testid="forecast-area-select"] option')).find((o) => o.textContent === 'Mopti')?.value);
  check(mopti, 'Mopti is in the forecast page picker');
  await page.selectOption('[data-testid="forecast-area-select"]', mopti);
  await page.click('[data-testid="forecast-area-open"]');
  await page.waitForSelector('[data-testid="forecast-page"]');
  check(page.url().endsWith('#/forecast/area/' + mopti), `the page is the area's: ${page.url()}`);
  const rows = page.locator('[data-testid="forecast-band-table"] tbody tr');
  check(await rows.count() === 12, `twelve months of band (${await rows.count()})`);
  let observed = 0;
  for (let i = 0; i < 12; i++) {
    const b = await text(rows.nth(i).locator('[data-testid="band"]'));
    check(/^[\d.,\s]+ – [\d.,\s]+$/.test(b), `month ${i + 1} has a band: ${b}`);
    const o = await text(rows.nth(i).locator('[data-testid="observed"]'));
    if (/^[\d\s,]+$/.test(o)) observed += 1;
  }
  check(observed >= 11, `what then happened is shown for the months with data (${observed} of 12)`);
  check(await page.locator('[data-testid="forecast-chart"] rect.forecast-band').count() === 12, 'the chart draws twelve bands');
  check(await page.locator('[data-testid="forecast-chart"] circle.forecast-observed').count() === observed, 'and a dot per month with data');
  const skillRows = page.locator('[data-testid="forecast-skill-table"] tbody tr');
  check(await skillRows.count() === 12, `the skill table has the twelve horizons (${await skillRows.count()})`);
  const guards = await skillRows.locator('[data-testid="guard"]').allTextContents();
  check(guards.every((g) => /model published|fell back/.test(g)), `each horizon says what the guard did: ${guards.join(' | ')}`);
  const method = await text(page.locator('[data-testid="forecast-method"]'));
  check(method.includes('quantiles do not add'), `the page says how the area is computed: ${method}`);
  if (EXPECT_SYNTHETIC) check(await page.locator('[data-testid="forecast-page"] h1 [data-testid="synthetic-label"]').count() === 1, 'the page is labelled synthetic');
  log(`Mopti: ${await text(rows.first())} … guard: ${guards[0]}`);
  if (SHOTS) await fullShot(page, 'forecast-area.png');
}

run('forecast', main);
