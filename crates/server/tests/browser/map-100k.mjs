// The map at 100,000+ SYNTHETIC incidents (issue 15), run by tests/browser_map.rs.
// An analyst opens the map: the summary counts every incident (VIGIL_EXPECT_TOTAL),
// drawn as counted circles per grid cell (the server aggregates, GET /api/incidents/map)
// that add up to what the view holds. The analyst zooms in and out several times and
// pans; after each move the circles add up again. Towns are labelled. The longest
// main-thread task while zooming (PerformanceObserver 'longtask') is PRINTED, never
// asserted.

import { creds, check, stepLog, newPage, login, run, BASE, SHOTS } from './lib.mjs';
import path from 'node:path';

const log = stepLog('map-100k');
const EXPECT_TOTAL = Number(process.env.VIGIL_EXPECT_TOTAL || 0);

// The summary is up to date: not loading, and the last /api/incidents/map answered.
async function settled(page) {
  await page.waitForFunction(() => {
    const s = document.querySelector('[data-testid="map-summary"]');
    return s && s.hasAttribute('data-count') && !s.classList.contains('loading');
  });
}

// Circles drawn, and what they hold.
async function drawn(page) {
  return page.evaluate(() => {
    const s = document.querySelector('[data-testid="map-summary"]');
    const circles = Array.from(document.querySelectorAll('[data-testid="incident-cluster"]'));
    const singles = document.querySelectorAll('[data-testid="incident-marker"]').length;
    return {
      total: Number(s.getAttribute('data-count')),
      inView: Number(s.getAttribute('data-shown')),
      mode: s.getAttribute('data-mode'),
      circles: circles.length,
      inCircles: circles.reduce((a, e) => a + Number(e.getAttribute('data-count')), 0),
      singles
    };
  });
}

// One map move: do it, wait for the answer to the view it leads to, check the circles.
async function step(page, what, action, circlesShown = true) {
  const answered = page.waitForResponse((r) => r.url().includes('/api/incidents/map?'), { timeout: 20000 });
  await action();
  await answered;
  await settled(page);
  await page.waitForTimeout(250); // the drawing after the answer
  const d = await drawn(page);
  check(d.total === EXPECT_TOTAL, `${what}: the summary counts all ${EXPECT_TOTAL} incidents (${d.total})`);
  if (!circlesShown) {
    check(d.circles === 0 && d.singles === 0, `${what}: no circles when the points are turned off (${d.circles})`);
  } else if (d.mode === 'cells') {
    check(d.circles > 0 && d.inCircles === d.inView, `${what}: ${d.circles} circles hold ${d.inCircles}, the view holds ${d.inView}`);
  } else {
    check(d.mode === 'points' && d.inCircles + d.singles <= d.inView && d.inView <= 2000, `${what}: points (${d.inView} in view, ${d.singles} markers, ${d.inCircles} in screen clusters)`);
  }
  return d;
}

run('map-100k', async (browser) => {
  check(EXPECT_TOTAL >= 100000, `VIGIL_EXPECT_TOTAL is the store's count (${EXPECT_TOTAL})`);
  const { page } = await newPage(browser, { width: 1280, height: 900 });
  // Long tasks of the main thread, from the first script on.
  await page.addInitScript(() => {
    window.__longTasks = [];
    try {
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    } catch (e) { window.__longTasksUnsupported = String(e); }
  });
  await login(page, creds('VIGIL_ANALYST'));
  const opened = Date.now();
  await page.goto(BASE + '/#/map');
  await settled(page);
  await page.waitForTimeout(500);
  const first = await drawn(page);
  const openMs = Date.now() - opened;
  check(first.total === EXPECT_TOTAL, `the map counts all ${EXPECT_TOTAL} incidents, not a page of them (${first.total})`);
  check(first.mode === 'cells' && first.circles > 0 && first.inCircles === first.inView,
    `the whole map shows counted cells adding up to the view: ${JSON.stringify(first)}`);
  const summary = (await page.textContent('[data-testid="map-summary"]')).replace(/\s+/g, ' ');
  check(summary.includes(EXPECT_TOTAL.toLocaleString('en-GB')), `the summary says ${EXPECT_TOTAL.toLocaleString('en-GB')}: ${summary}`);
  log(`map opened in ${openMs} ms: ${first.total} incidents, ${first.circles} circles holding ${first.inCircles}`);
  const unsupported = await page.evaluate(() => window.__longTasksUnsupported || '');
  check(!unsupported, `chromium reports long tasks (${unsupported})`);
  const atOpen = await page.evaluate(() => window.__longTasks.slice());

  // Towns of the context layer are labelled at this zoom (the biggest ones).
  const towns = await page.$$eval('[data-testid="town"] .town-label', (els) => els.map((e) => e.textContent));
  check(towns.includes('Bamako') && towns.includes('Ségou'), `towns labelled at the opening zoom: ${towns.join(', ')}`);
  log(`towns labelled at the opening zoom: ${towns.length} (${towns.slice(0, 8).join(', ')}…)`);

  // Zoom in and out several times, and pan, measuring the long tasks of these moves only.
  await page.evaluate(() => { window.__longTasks = []; });
  const zoomIn = () => page.click('.leaflet-control-zoom-in');
  const zoomOut = () => page.click('.leaflet-control-zoom-out');
  const box = await page.locator('[data-testid="map"]').boundingBox();
  const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
  let moves = 0;
  const started = Date.now();
  let deepest = null;
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 6; i++) { const d = await step(page, `round ${round + 1}, zoom in ${i + 1}`, zoomIn); deepest = d; moves++; }
    await step(page, `round ${round + 1}, pan`, async () => {
      await page.mouse.move(cx, cy);
      await page.mouse.down();
      await page.mouse.move(cx - 180, cy + 90, { steps: 8 });
      await page.mouse.up();
    });
    moves++;
    for (let i = 0; i < 6; i++) { await step(page, `round ${round + 1}, zoom out ${i + 1}`, zoomOut); moves++; }
  }
  const elapsed = Date.now() - started;
  const tasks = await page.evaluate(() => window.__longTasks.slice());
  const longest = tasks.reduce((a, t) => Math.max(a, t.duration), 0);
  const sum = tasks.reduce((a, t) => a + t.duration, 0);
  const openLongest = atOpen.reduce((a, t) => Math.max(a, t.duration), 0);
  log(`at the deepest zoom: ${deepest.mode}, ${deepest.inView} in view, ${deepest.circles} circles`);
  console.log(`[browser map-100k] MEASURED ${EXPECT_TOTAL} incidents, ${moves} zoom/pan moves in ${elapsed} ms: ` +
    `longest task ${Math.round(longest)} ms, ${tasks.length} long tasks (> 50 ms) totalling ${Math.round(sum)} ms; ` +
    `opening the map: longest task ${Math.round(openLongest)} ms`);

  // For comparison, the same moves with the incident circles turned off (areas and
  // towns only): what the map costs without the incidents.
  await page.uncheck('[data-testid="toggle-points"]');
  await page.evaluate(() => { window.__longTasks = []; });
  let bareMoves = 0;
  for (let round = 0; round < 2; round++) {
    for (let i = 0; i < 6; i++) { await step(page, `no circles, zoom in ${i + 1}`, zoomIn, false); bareMoves++; }
    for (let i = 0; i < 6; i++) { await step(page, `no circles, zoom out ${i + 1}`, zoomOut, false); bareMoves++; }
  }
  const bare = await page.evaluate(() => window.__longTasks.slice());
  console.log(`[browser map-100k] MEASURED without the incident circles, ${bareMoves} zoom moves: longest task ` +
    `${Math.round(bare.reduce((a, t) => Math.max(a, t.duration), 0))} ms, ${bare.length} long tasks totalling ` +
    `${Math.round(bare.reduce((a, t) => a + t.duration, 0))} ms`);
  await page.check('[data-testid="toggle-points"]');

  // A click on a circle zooms in to what it holds.
  const before = await page.evaluate(() => document.querySelector('[data-testid="map"]').getAttribute('class'));
  await step(page, 'click on the biggest circle', async () => {
    const handle = await page.evaluateHandle(() => Array.from(document.querySelectorAll('[data-testid="incident-cluster"]'))
      .sort((a, b) => Number(b.getAttribute('data-count')) - Number(a.getAttribute('data-count')))[0]);
    await handle.asElement().click();
  });
  check(before !== null, 'the map is still there');
  if (SHOTS) await page.screenshot({ path: path.join(SHOTS, 'map-100k.png') });
});
