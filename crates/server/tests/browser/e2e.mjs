// End-to-end browser test of the Vigil web UI, driven with playwright-core in Debian's
// chromium (no browser download). Started by crates/server/tests/browser.rs against a
// server it runs in-process; it can also be run by hand against any Vigil server:
//
//   VIGIL_BASE_URL=http://127.0.0.1:8080 \
//   VIGIL_REPORTER=reporter:password VIGIL_ANALYST=analyst:password \
//   node crates/server/tests/browser/e2e.mjs
//
// Environment:
//   VIGIL_BASE_URL         server root (required)
//   VIGIL_REPORTER         user:password of a reporter (required)
//   VIGIL_ANALYST          user:password of an analyst (required)
//   VIGIL_EXPECT_SYNTHETIC 1 → the demo banner must be visible (the server says the data is synthetic)
//   VIGIL_SCREENSHOTS      a directory → write map.png, triage.png, report-mobile.png, incident.png there
//   CHROMIUM               browser path (default /usr/bin/chromium)
//   VIGIL_HEADFUL          1 → show the browser (debugging)
//
// What it checks is what a user sees: a reporter on a 360 px wide phone fills the form
// and gets a report number; an analyst finds the report in the triage queue, verifies it
// into an incident, filters the map to that day, clicks the incident's marker and reads
// its popup, and sees the month's count in the timeline go up by one.
// It prints one line per step and exits non-zero on the first failure.

import path from 'node:path';
import { BASE, SHOTS, EXPECT_SYNTHETIC, creds, check, stepLog, newPage, login, fullShot, pickTown, run } from './lib.mjs';

const REPORTER = creds('VIGIL_REPORTER');
const ANALYST = creds('VIGIL_ANALYST');

// The report the test files. A date inside the synthetic data's range, so that the
// timeline month already has incidents and the test sees it go from N to N + 1.
const DAY = process.env.VIGIL_E2E_DATE || '2022-06-15';
const MONTH = DAY.slice(0, 7);
const TOWN = process.env.VIGIL_E2E_TOWN || 'Sikasso';
const MARK = `E2E ${Date.now().toString(36)}`;

const log = stepLog('e2e');

async function logout(page) {
  await page.click('[data-testid="logout"]');
  await page.waitForSelector('#login-form');
}

async function expectBanner(page) {
  if (!EXPECT_SYNTHETIC) return;
  const banner = page.locator('[data-testid="demo-banner"]');
  await banner.waitFor({ state: 'visible' });
  const text = await banner.textContent();
  check(/Demo data: SYNTHETIC — not real events/.test(text), `banner says SYNTHETIC in English: ${text}`);
  check(/Données de démonstration : SYNTHÉTIQUES/.test(text), `banner says SYNTHÉTIQUES in French: ${text}`);
}

// The timeline's count for a month, as drawn (0 when the month is not in the chart).
async function monthCount(page, month) {
  await page.waitForSelector('[data-testid="timeline"] svg, [data-testid="timeline-empty"]');
  const v = await page.evaluate((m) => {
    const g = document.querySelector(`[data-testid="timeline"] [data-month="${m}"]`);
    return g ? { incidents: Number(g.getAttribute('data-incidents')), title: g.querySelector('title').textContent } : null;
  }, month);
  return v || { incidents: 0, title: '' };
}

async function waitMapLoaded(page) {
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-testid="map-summary"]');
    return s && s.hasAttribute('data-count') && !s.classList.contains('loading');
  });
}

async function main(browser) {
  // ---- reporter, on a phone-sized screen
  const phone = await newPage(browser, { width: 360, height: 740 });
  let page = phone.page;
  await page.goto(BASE + '/');
  await expectBanner(page);
  log('login page shows the demo banner');
  await login(page, REPORTER);
  log(`logged in as reporter ${REPORTER.user}`);
  await page.goto(BASE + '/#/report');
  await page.waitForSelector('#report-form');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `report form fits 360 px (overflow ${overflow}px)`);
  await page.selectOption('#rf-category', 'attack_on_civilians');
  await pickTown(page, TOWN);
  const lat = await page.inputValue('#rf-lat');
  const lon = await page.inputValue('#rf-lon');
  await page.fill('#rf-date', DAY);
  await page.fill('#rf-people', '12');
  await page.fill('#rf-description', `${MARK}: armed men burned the market stalls; two people wounded, families leaving.`);
  await page.selectOption('#rf-reliability', 'B');
  await page.selectOption('#rf-credibility', '2');
  await page.fill('#rf-victims', 'two traders (names withheld)');
  if (SHOTS) await fullShot(page, 'report-mobile.png');
  await page.click('#rf-submit');
  const sent = page.locator('[data-testid="report-sent"]');
  await sent.waitFor();
  const reportId = await sent.getAttribute('data-report-id');
  check(reportId && reportId !== 'undefined', 'the server gave the report a number');
  log(`reporter submitted report #${reportId} (${TOWN} ${lat}, ${lon} on ${DAY})`);
  await logout(page);
  await phone.ctx.close();

  // ---- analyst, on a desktop screen
  const desk = await newPage(browser, { width: 1280, height: 900 });
  page = desk.page;
  await page.goto(BASE + '/');
  await login(page, ANALYST);
  await expectBanner(page);
  log(`logged in as analyst ${ANALYST.user}`);

  await page.click('[data-testid="nav-map"]');
  await waitMapLoaded(page);
  const before = await monthCount(page, MONTH);
  log(`timeline shows ${before.incidents} incidents in ${MONTH} before verification`);

  if (SHOTS) {
    // A second report, in French, so that the queue screenshot shows more than one.
    await page.evaluate(async () => {
      const me = await (await fetch('/api/me')).json();
      await fetch('/api/reports', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        body: JSON.stringify({
          category: 'threat', occurred_at: '2022-06-14', place_name: 'Mopti', latitude: 14.4843, longitude: -4.1827,
          people_affected: 40, description: 'Démonstration : des hommes armés ont menacé les habitants au marché et exigé le départ des familles avant vendredi.',
          reliability: 'C', credibility: 3, language: 'fr', channel: 'web'
        })
      });
    });
  }
  await page.click('[data-testid="nav-triage"]');
  const card = page.locator(`[data-testid="triage-item"][data-report-id="${reportId}"]`);
  await card.waitFor();
  check((await card.textContent()).includes(MARK), 'the triage card shows the report text');
  log(`report #${reportId} is in the triage queue`);
  if (SHOTS) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, 'triage.png') });
  }
  await card.locator('[data-testid="triage-verify"]').click();
  await card.locator('[data-testid="v-type"]').selectOption('3');
  await card.locator('[data-testid="v-side-a"]').fill('Unidentified armed group');
  await card.locator('[data-testid="v-side-b"]').fill('Civilians');
  await card.locator('[data-testid="v-high"]').fill('3');
  await card.locator('[data-testid="v-best"]').fill('2');
  await card.locator('[data-testid="v-low"]').fill('1');
  // the coding form sets the sensitivity, from the vocabulary's list
  const sensitivities = await card.locator('[data-testid="v-sensitivity"] option').evaluateAll((os) => os.map((o) => o.value));
  check(['public', 'restricted', 'confidential'].every((s) => sensitivities.includes(s)), `sensitivity choices: ${sensitivities}`);
  await card.locator('[data-testid="v-sensitivity"]').selectOption('restricted');
  // civilian deaths, injured and the victims' affiliation (its choices from the vocabulary)
  await card.locator('[data-testid="v-deaths-civilians"]').fill('1');
  await card.locator('[data-testid="v-injured"]').fill('4');
  await card.locator('[data-testid="v-affiliation"] option[value="civilian"]').waitFor({ state: 'attached' });
  await card.locator('[data-testid="v-affiliation"]').selectOption('civilian');
  await card.locator('[data-testid="v-submit"]').click();
  const verified = card.locator('[data-testid="verified"]');
  await verified.waitFor();
  const incidentId = await verified.getAttribute('data-incident-id');
  check(incidentId && incidentId !== 'undefined', 'verification gave an incident number');
  const coded = await page.evaluate(async (id) => (await fetch('/api/incidents/' + id)).json(), incidentId);
  check(coded.incident && coded.incident.sensitivity === 'restricted', `the incident is coded restricted: ${JSON.stringify(coded.incident && coded.incident.sensitivity)}`);
  const c = coded.incident || {};
  check(c.deaths_civilians === 1 && c.injured === 4 && c.victim_affiliation === 'civilian',
    `the coding form set civilian deaths, injured and affiliation: ${JSON.stringify([c.deaths_civilians, c.injured, c.victim_affiliation])}`);
  log(`analyst verified report #${reportId} into incident #${incidentId}`);

  // Find it on the map: filter to the day, click its marker, read the popup.
  await page.click('[data-testid="nav-map"]');
  await waitMapLoaded(page);
  await page.fill('#f-from', DAY);
  await page.fill('#f-to', DAY);
  await page.dispatchEvent('#f-to', 'change');
  await page.waitForFunction((day) => location.hash.includes('to=' + day), DAY);
  await waitMapLoaded(page);
  const marker = page.locator(`[data-testid="incident-marker"][data-incident-id="${incidentId}"]`);
  for (let i = 0; i < 6 && (await marker.count()) === 0; i++) {
    // Clustered with another incident of that day: zoom in through the clusters.
    const clusters = page.locator('[data-testid="incident-cluster"]');
    if ((await clusters.count()) === 0) break;
    await clusters.first().click();
    await page.waitForTimeout(600);
    const listed = page.locator(`[data-testid="incident-list-popup"] a[data-incident-id="${incidentId}"]`);
    if (await listed.count()) break;
  }
  let popup;
  if (await marker.count()) {
    await marker.click();
    popup = page.locator(`[data-testid="incident-popup"][data-incident-id="${incidentId}"]`);
    await popup.waitFor();
  } else {
    popup = page.locator('[data-testid="incident-list-popup"]');
    await popup.locator(`a[data-incident-id="${incidentId}"]`).waitFor();
  }
  const popupText = await popup.textContent();
  check(popupText.includes(TOWN), `the popup names the place (${popupText})`);
  check(popupText.includes(DAY), `the popup shows the date (${popupText})`);
  log(`incident #${incidentId} is on the map; popup: ${popupText.replace(/\s+/g, ' ').trim().slice(0, 120)}`);
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'map-incident.png') });

  // The timeline, back on all dates, counts it.
  await page.click('#f-reset');
  await page.waitForFunction(() => !location.hash.includes('from='));
  await waitMapLoaded(page);
  const after = await monthCount(page, MONTH);
  log(`timeline shows ${after.incidents} incidents in ${MONTH} after verification (${after.title})`);
  check(after.incidents === before.incidents + 1, `timeline ${MONTH}: ${before.incidents} → ${after.incidents}, expected +1`);
  // The same number as a user reads it in the timeline's table.
  await page.click('.timeline-table summary');
  const cell = await page.textContent(`[data-testid="timeline-table"] tr[data-month="${MONTH}"] [data-testid="timeline-incidents"]`);
  check(Number(cell.replace(/[^\d]/g, '')) === after.incidents, `timeline table shows ${cell} for ${MONTH}`);

  // The whole map: the server counts the incidents per grid cell (issue 15: no
  // "newest 10,000" page any more); the circles drawn add up to what the view holds.
  const total = Number(await page.getAttribute('[data-testid="map-summary"]', 'data-count'));
  const shown = Number(await page.getAttribute('[data-testid="map-summary"]', 'data-shown'));
  const mode = await page.getAttribute('[data-testid="map-summary"]', 'data-mode');
  const drawn = await page.$$eval('[data-testid="incident-cluster"]', (els) => els.reduce((a, e) => a + Number(e.getAttribute('data-count')), 0));
  check(total > 2000 && mode === 'cells' && drawn === shown && shown <= total, `the whole map: ${total} incidents, ${shown} in view, ${drawn} in the circles (${mode})`);
  log(`the whole map counts ${total} incidents in cells; the circles hold ${drawn}`);

  if (SHOTS) {
    await page.click('.timeline-table summary');
    // The whole map, with the popup of one (synthetic) incident open.
    await page.setViewportSize({ width: 1280, height: 1080 });
    await page.goto(`${BASE}/#/map`);
    await page.reload();
    await waitMapLoaded(page);
    const single = page.locator('[data-testid="incident-marker"].synthetic');
    if (await single.count()) {
      await single.first().click();
      await page.locator('[data-testid="incident-popup"]').waitFor();
    }
    await page.mouse.move(5, 1000);
    await page.waitForTimeout(500);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(SHOTS, 'map.png') });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${BASE}/#/incident/${incidentId}`);
    await page.waitForSelector('[data-testid="incident-report"]');
    await page.waitForTimeout(300);
    await fullShot(page, 'incident.png');
    log(`screenshots written to ${SHOTS}`);
  } else {
    // The incident page lists the report it came from.
    await page.goto(`${BASE}/#/incident/${incidentId}`);
    await page.waitForSelector(`[data-testid="incident-report"][data-report-id="${reportId}"]`);
  }
  log(`incident page #${incidentId} lists report #${reportId}`);

  await desk.ctx.close();
}

run('e2e', main);
