// Browser test: names from boundary and place files are shown as text (issue #13). A
// region or town named `<img src=x onerror=…>` must show those characters in the map
// tooltips and lists, and run nothing. The names are swapped into the server's answers
// (/api/areas, /api/places) as a doctored boundary or gazetteer file would put them.
//
//   VIGIL_BASE_URL=http://127.0.0.1:8080 VIGIL_ANALYST=analyst:… node crates/server/tests/browser/names.mjs

import { BASE, creds, check, stepLog, newPage, login, text, run } from './lib.mjs';

const ANALYST = creds('VIGIL_ANALYST');
const EVIL = (name) => `<img src=x onerror="window.__pwned=(window.__pwned||0)+1">${name}`;
const log = stepLog('names');

async function doctor(page, match, rename) {
  await page.route(match, async (route) => {
    const res = await route.fetch();
    const body = await res.json();
    await route.fulfill({ response: res, json: rename(body) });
  });
}

async function tooltipOf(page, scope) {
  const tip = page.locator(`${scope} .leaflet-tooltip`).last();
  await tip.waitFor();
  return { text: await text(tip), imgs: await tip.locator('img').count() };
}

async function main(browser) {
  const { page } = await newPage(browser, { width: 1280, height: 900 });
  await doctor(page, (url) => url.pathname === '/api/areas', (fc) => {
    for (const f of fc.features || []) f.properties.name = EVIL(f.properties.name);
    return fc;
  });
  await doctor(page, (url) => url.pathname === '/api/places', (list) => {
    const places = Array.isArray(list) ? list : list.places;
    for (const p of places) p.name = EVIL(p.name);
    return list;
  });
  await login(page, ANALYST);

  // Raising an alert by regions: the list and the map's tooltips.
  await page.goto(BASE + '/#/new-alert');
  await page.click('[data-testid="na-kind-admin"]');
  const pick = page.locator('[data-testid="na-areas"] .area-pick').first();
  await pick.waitFor();
  const pickText = await text(pick);
  check(pickText.includes('<img src=x onerror='), `the area list shows the name as text: ${pickText}`);
  const area = page.locator('[data-testid="na-map"] path.leaflet-interactive').first();
  await area.hover({ force: true });
  const t1 = await tooltipOf(page, '[data-testid="na-map"]');
  check(t1.text.startsWith('<img src=x onerror=') && t1.imgs === 0, `the region's tooltip is text, not an image: ${JSON.stringify(t1)}`);
  log(`region tooltip on the "raise an alert" map reads: ${t1.text.slice(0, 70)}`);

  // The map page's shaded areas.
  await page.goto(BASE + '/#/map');
  await page.waitForFunction(() => document.querySelector('[data-testid="map-summary"]')?.hasAttribute('data-count'));
  await page.locator('#map path.leaflet-interactive').first().hover({ force: true });
  const t2 = await tooltipOf(page, '#map');
  check(t2.text.includes('<img src=x onerror=') && t2.imgs === 0, `the map's area tooltip is text: ${JSON.stringify(t2)}`);
  log(`area tooltip on the map reads: ${t2.text.slice(0, 70)}`);

  // The report form's towns.
  await page.goto(BASE + '/#/report');
  await page.waitForFunction(() => document.querySelectorAll('#rf-towns option').length > 0);
  const dot = page.locator('#rf-map path.leaflet-interactive').first();
  await dot.waitFor();
  await dot.hover({ force: true });
  const t3 = await tooltipOf(page, '#rf-map');
  check(t3.text.startsWith('<img src=x onerror=') && t3.imgs === 0, `the town's tooltip is text: ${JSON.stringify(t3)}`);
  log(`town tooltip on the report form reads: ${t3.text.slice(0, 70)}`);

  const pwned = await page.evaluate(() => window.__pwned || 0);
  check(pwned === 0, `no name ran as HTML (onerror ran ${pwned} times)`);
  check(await page.locator('img[src="x"]').count() === 0, 'no <img> from a name is in the page');
}

run('names', main);
