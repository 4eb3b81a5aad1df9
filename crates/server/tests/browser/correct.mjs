// Browser test: an analyst corrects an incident's coding and then retracts it, on the
// incident's page (issue #15, "records that can be corrected"). The corrected value
// shows in the details and the history keeps the correction with its reason; the
// retracted incident is marked on its page, offers no more corrections, and is gone
// from the incident list the map reads. Then the map's export button (the CSV follows
// the filters and carries Vigil's fields) and, at 360 px, the filters folded away.
//
//   VIGIL_BASE_URL=http://127.0.0.1:8080 VIGIL_ANALYST=analyst:… node crates/server/tests/browser/correct.mjs

import { BASE, creds, check, stepLog, newPage, login, text, run } from './lib.mjs';

const ANALYST = creds('VIGIL_ANALYST');
const log = stepLog('correct');

// RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks.
function parseCsv(text) {
  const rows = [];
  let row = [], cell = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; } else if (c === '"') quoted = false; else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(cell); cell = ''; } else if (c === '\n') { row.push(cell); rows.push(row); row = []; cell = ''; } else if (c !== '\r') cell += c;
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

async function listedIds(page) {
  return page.evaluate(async () => {
    const r = await fetch('/api/incidents?limit=50000', { credentials: 'same-origin' });
    const fc = await r.json();
    return fc.features.map((f) => f.properties.id);
  });
}

async function main(browser) {
  const { page } = await newPage(browser, { width: 1280, height: 900 });
  await login(page, ANALYST);
  const before = await listedIds(page);
  check(before.length > 0, 'the demo has incidents');
  const id = before[0];

  await page.goto(BASE + '/#/incident/' + id);
  await page.waitForSelector('[data-testid="correction-card"]');
  const best0 = Number(await text(page.locator('dd[data-field="best"]')));
  await page.click('[data-testid="open-correct"]');
  const newBest = best0 + 3;
  await page.fill('[data-testid="c-best"]', String(newBest));
  // a high below the new best is refused by the server, and the field says so
  await page.fill('[data-testid="c-high"]', String(newBest - 1));
  await page.fill('[data-testid="c-reason"]', 'Three more deaths confirmed by the hospital');
  await page.click('[data-testid="c-submit"]');
  await page.waitForSelector('[data-testid="correct-form"] [data-field~="high"] .field-error:not([hidden])');
  log('a high below best is refused on the high field');
  await page.fill('[data-testid="c-high"]', String(newBest + 2));
  await page.click('[data-testid="c-submit"]');
  await page.waitForFunction((b) => document.querySelector('dd[data-field="best"]')?.textContent.trim() === String(b), newBest);
  const history = await text(page.locator('[data-testid="incident-history"]'));
  check(history.includes('correct') && history.includes('analyst'), `the history shows the correction: ${history.slice(0, 200)}`);
  const detail = await page.evaluate(() => Array.from(document.querySelectorAll('[data-testid="incident-history"] pre')).map((p) => p.textContent).join(' '));
  check(detail.includes('Three more deaths confirmed'), 'the correction keeps its reason');
  log(`best corrected from ${best0} to ${newBest}, with its reason in the history`);

  await page.click('[data-testid="open-retract"]');
  await page.fill('[data-testid="r-reason"]', 'Duplicate of another incident');
  await page.click('[data-testid="r-submit"]');
  await page.waitForSelector('[data-testid="retracted"]');
  const mark = await text(page.locator('[data-testid="retracted"]'));
  check(mark.includes('Duplicate of another incident') && mark.includes('analyst'), `the page marks the retraction: ${mark}`);
  check(await page.locator('[data-testid="correction-card"]').count() === 0, 'a retracted incident offers no correction');
  const after = await listedIds(page);
  check(!after.includes(id) && after.length === before.length - 1, `the incident list no longer has #${id}`);
  log(`#${id} retracted: marked on its page, gone from the list (${before.length} → ${after.length})`);

  // The map's export: the CSV link follows the filters and carries Vigil's fields.
  await page.goto(BASE + '/#/map?from=2022-01-01&to=2022-12-31');
  await page.waitForFunction(() => document.querySelector('[data-testid="map-summary"]')?.hasAttribute('data-count'));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid="export-csv"]')]);
  check(/from=2022-01-01/.test(download.url()) && /format=csv/.test(download.url()), `the export link carries the filters: ${download.url()}`);
  const fs = await import('node:fs');
  const csv = fs.readFileSync(await download.path(), 'utf8');
  const rows = parseCsv(csv);
  const header = rows[0];
  check(header.includes('mission_category') && header.includes('sensitivity') && header.includes('verification'), `the export has Vigil's fields: ${header.slice(-4)}`);
  const ds = header.indexOf('date_start');
  const records = rows.slice(1).filter((r) => r.length === header.length);
  const years = new Set(records.map((r) => r[ds].slice(0, 4)));
  check(records.length > 0 && years.size === 1 && years.has('2022'), `only incidents starting in 2022 were exported: ${[...years]}`);
  const matched = await page.evaluate(async () => (await (await fetch('/api/incidents?from=2022-01-01&to=2022-12-31&limit=1')).json()).numberMatched);
  check(records.length === matched, `the export holds what the map matched: ${records.length} of ${matched}`);
  log(`the CSV export follows the filters (${records.length} incidents starting in 2022) and has mission_category, sensitivity, verification`);

  // On a phone the filters fold away behind one button, and the map is on screen.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto(BASE + '/#/map');
  await page.waitForSelector('[data-testid="filters-toggle"]');
  check(!(await page.isVisible('[data-testid="filter-from"]')), 'at 360 px the filters start folded');
  const mapTop = await page.evaluate(() => document.querySelector('[data-testid="map"]').getBoundingClientRect().top);
  check(mapTop < 740, `the map starts on the first screen (top at ${Math.round(mapTop)} px)`);
  await page.click('[data-testid="filters-toggle"]');
  check(await page.isVisible('[data-testid="filter-from"]'), 'one tap unfolds them');
  log(`at 360 px the filters fold; the map starts ${Math.round(mapTop)} px down`);
}

run('correct', main);
