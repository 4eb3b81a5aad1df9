// Browser test: a denied CASEVAC flight (issue #18). On the demo (its SYNTHETIC
// movement records seeded), an analyst opens "Movement and safety", reads the sector
// table, records a CASEVAC flight to Bandiagara that the air authority denied (first
// with a negative delay, which the server refuses under its field), then finds the new
// denial on the map (a red marker with its tooltip) and in the sector figures (sector
// Centre: one more denial, one more CASEVAC denied).
//
//   VIGIL_BASE_URL=http://127.0.0.1:8080 VIGIL_ANALYST=analyst:… node crates/server/tests/browser/movement.mjs

import { BASE, SHOTS, EXPECT_SYNTHETIC, creds, check, stepLog, newPage, login, text, run, fullShot } from './lib.mjs';

const ANALYST = creds('VIGIL_ANALYST');
const log = stepLog('movement');

async function centre(page) {
  const row = page.locator('[data-testid="mv-sector-table"] tbody tr[data-key="centre"]');
  return {
    denied: Number(await text(row.locator('[data-col="denied"]'))),
    casevac: await text(row.locator('[data-col="casevac_denied"]'))
  };
}

async function main(browser) {
  const { page } = await newPage(browser, { width: 1280, height: 900 });
  await login(page, ANALYST);
  await page.click('[data-testid="nav-movement"]');
  await page.waitForSelector('[data-testid="movement-page"]');
  check(page.url().endsWith('#/movement'), `the nav opens the page: ${page.url()}`);
  if (EXPECT_SYNTHETIC) check(await page.locator('[data-testid="mv-synthetic"]').count() === 1, 'the page says its records are synthetic');
  await page.waitForFunction(() => document.querySelectorAll('#mv-map path.mv-route').length === 4);
  log(`routes drawn: 4; denials on the map: ${await page.locator('#mv-map path.mv-denial').count()}`);
  const before = await centre(page);
  const sentences = await page.locator('[data-testid="mv-attack-sentences"] li').allTextContents();
  check(sentences.some((s) => /^\d+ IED attacks since July 2013, killing \d+ and wounding \d+ peacekeepers$/.test(s)), `the attack figures in the review's form: ${sentences[0]}`);
  log(`sector Centre before: ${before.denied} denied, CASEVAC denied/requested ${before.casevac}; ${sentences[0]}`);

  // the form: a denied CASEVAC flight to Bandiagara
  await page.selectOption('#mv-mode', 'air');
  await page.selectOption('#mv-kind', 'casevac');
  await page.selectOption('#mv-sector', 'centre');
  await page.fill('#mv-from', 'Sévaré');
  await page.fill('#mv-to', 'Bandiagara (browser test)');
  await page.fill('#mv-lat', '14.35');
  await page.fill('#mv-lon', '-3.61');
  await page.fill('#mv-asset', 'Mi-17');
  await page.fill('#mv-purpose', 'evacuate wounded');
  await page.selectOption('#mv-outcome', 'delayed');
  await page.fill('#mv-delay', '-5');
  await page.fill('#mv-authority', 'Air authority');
  await page.selectOption('#mv-reason', 'insecurity');
  await page.click('[data-testid="mv-submit"]');
  const delayErr = page.locator('[data-testid="error-delay_minutes"]');
  await delayErr.waitFor({ state: 'visible' });
  check(/negative/.test(await text(delayErr)), `a negative delay is refused under its field: ${await text(delayErr)}`);
  await page.fill('#mv-delay', '');
  await page.selectOption('#mv-outcome', 'denied');
  await page.click('[data-testid="mv-submit"]');
  // the page reloads its figures after saving
  await page.waitForFunction((n) => {
    const c = document.querySelector('[data-testid="mv-sector-table"] tbody tr[data-key="centre"] [data-col="denied"]');
    return c && Number(c.textContent) === n + 1;
  }, before.denied);
  const done = await text(page.locator('[data-testid="mv-form-done"]').first());
  const id = Number((done.match(/(\d+)/) || [])[1]);
  check(id > 0, `the request is recorded: ${done}`);

  // on the map
  const marker = page.locator(`#mv-map path.mv-denial.mv-denied.mv-id-${id}`);
  check(await marker.count() === 1, `the denial is on the map (request ${id})`);
  // the attacks layer off, so that the pointer finds the denial's marker
  await page.locator('.leaflet-control-layers-overlays label', { hasText: 'Attacks on the mission' }).locator('input').uncheck();
  check(await page.locator('#mv-map path.mv-attack').count() === 0, 'the attacks layer can be turned off');
  await marker.hover({ force: true });
  const tip = page.locator('.leaflet-tooltip');
  await tip.waitFor();
  const tipText = await text(tip);
  check(tipText.includes('CASEVAC') && tipText.includes('Bandiagara (browser test)') && tipText.includes('Denied'), `its tooltip: ${tipText}`);

  // in the sector figures
  const after = await centre(page);
  const [d0, r0] = before.casevac.split('/').map((x) => Number(x.trim()));
  const [d1, r1] = after.casevac.split('/').map((x) => Number(x.trim()));
  check(after.denied === before.denied + 1, `sector Centre denied ${before.denied} → ${after.denied}`);
  check(d1 === d0 + 1 && r1 === r0 + 1, `CASEVAC denied/requested ${before.casevac} → ${after.casevac}`);
  log(`request ${id}: on the map (${tipText}); sector Centre denied ${after.denied}, CASEVAC ${after.casevac}`);
  if (SHOTS) await fullShot(page, 'movement.png');

  // the map's mission-category filter: the demo's imported (GED) rows carry no mission
  // category, so "IED" leaves none; all categories brings them back
  await page.goto(BASE + '/#/map');
  const count = async () => {
    await page.waitForFunction(() => document.querySelector('[data-testid="map-summary"]')?.hasAttribute('data-count') &&
      !document.querySelector('[data-testid="map-summary"]').classList.contains('loading'));
    return Number(await page.getAttribute('[data-testid="map-summary"]', 'data-count'));
  };
  const all = await count();
  await page.selectOption('[data-testid="filter-category"]', 'ied');
  await page.waitForFunction(() => location.hash.includes('category=ied'));
  const ied = await count();
  check(all > 0 && ied === 0, `the category filter narrows the map: all ${all}, IED ${ied}`);
  log(`map: ${all} incidents, ${ied} coded IED`);
}

run('movement', main);
