// Browser test (issue #15, "words" and "records that can be corrected"), in French: an
// analyst merges a report into an incident that does not exist and reads the server's
// refusal in French; discards it with a reason and finds it under the "Écartés" tab with
// that reason and their name; the region filter and the report form's town list name
// places as written in Mali (Koulikoro, Ségou, Tombouctou; Mali's towns first).
//
//   VIGIL_BASE_URL=http://127.0.0.1:8080 VIGIL_ANALYST=analyst:… node crates/server/tests/browser/triage-done.mjs

import { BASE, creds, check, stepLog, newPage, login, text, run } from './lib.mjs';

const ANALYST = creds('VIGIL_ANALYST');
const log = stepLog('triage-done');
const REASON = 'Doublon d’un appel déjà traité';

async function main(browser) {
  const { ctx, page } = await newPage(browser, { width: 1280, height: 900 });
  await ctx.addInitScript(() => localStorage.setItem('vigil.lang', 'fr'));
  await login(page, ANALYST);
  const id = await page.evaluate(async () => {
    const me = await (await fetch('/api/me')).json();
    const r = await fetch('/api/reports', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
      body: JSON.stringify({
        category: 'threat', occurred_at: '2022-06-14', place_name: 'Ségou', latitude: 13.4317, longitude: -6.2157,
        description: 'Test : menaces signalées au marché.', reliability: 'C', credibility: 3, language: 'fr', channel: 'web'
      })
    });
    return (await r.json()).id;
  });
  check(Number.isInteger(id), `a report was filed (${id})`);

  await page.goto(BASE + '/#/triage');
  const card = page.locator(`[data-testid="triage-item"][data-report-id="${id}"]`);
  await card.waitFor();
  check((await text(page.locator('[data-testid="triage-tab-discarded"]'))) === 'Écartés', 'the tabs are in French');
  // the server refuses a merge into an incident that does not exist: said in French
  await card.locator('[data-testid="triage-merge"]').click();
  await card.locator('[data-testid="m-incident-id"]').fill('987654321');
  await card.locator('.action-panel button[type="submit"]').click();
  const err = card.locator('.action-panel .form-error:not([hidden])');
  await err.waitFor();
  const said = await text(err);
  check(said.startsWith('Incident : valeur refusée par le serveur'), `the refusal reads in French, naming the field: ${said}`);
  log(`merge into a missing incident refused: ${said}`);

  await card.locator('[data-testid="triage-discard"]').click();
  await card.locator('[data-testid="d-reason"]').fill(REASON);
  await card.locator('.action-panel button[type="submit"]').click();
  await card.locator('[data-testid="discarded"]').waitFor();
  log(`report #${id} discarded`);

  await page.click('[data-testid="triage-tab-discarded"]');
  await page.waitForSelector('[data-testid="triage-list"][data-status="discarded"]');
  const done = page.locator(`[data-testid="done-item"][data-report-id="${id}"]`);
  await done.waitFor();
  const outcome = await text(done.locator('[data-testid="done-outcome"]'));
  check(outcome.includes(REASON), `the discarded list gives the reason: ${outcome}`);
  const by = await text(done.locator('[data-testid="done-by"]'));
  check(by.includes(ANALYST.user), `and who discarded it: ${by}`);
  check(await page.locator(`[data-testid="triage-tab-new"]`).count() === 1, 'the new queue is one tab away');
  log(`#${id} is listed under Écartés with its reason and ${ANALYST.user}`);

  // names as written in Mali
  await page.goto(BASE + '/#/map');
  await page.waitForSelector('[data-testid="filter-admin1"] option:nth-child(3)', { state: 'attached' });
  const regions = await page.locator('[data-testid="filter-admin1"] option').allTextContents();
  for (const want of ['Koulikoro', 'Ségou', 'Tombouctou']) check(regions.includes(want), `region ${want} in ${regions}`);
  check(!regions.includes('Koulikouro') && !regions.includes('Segou'), `no file spellings: ${regions}`);
  await page.goto(BASE + '/#/report');
  await page.waitForSelector('#rf-towns option', { state: 'attached' });
  const towns = await page.locator('#rf-towns option').evaluateAll((os) => os.map((o) => o.value));
  check(towns[0].endsWith('(ML)'), `Mali's towns first: ${towns.slice(0, 3)}`);
  check(towns.includes('Tombouctou (ML)') && towns.includes('Ségou (ML)'), 'Tombouctou and Ségou are in the French town list');
  log(`regions: ${regions.slice(1).join(', ')}; first towns: ${towns.slice(0, 3).join(', ')}`);
}

run('triage-done', main);
