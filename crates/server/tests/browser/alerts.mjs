// Browser test of the alerts part of the Vigil web UI (issue #5 "Early warning"),
// driven with playwright-core in Debian's chromium. Started by
// crates/server/tests/browser.rs against a server it runs in-process; it can also be
// run by hand against a fresh demo server:
//
//   VIGIL_BASE_URL=http://127.0.0.1:8080 VIGIL_REPORTER=reporter:reporter-demo \
//   VIGIL_ANALYST=analyst:analyst-demo VIGIL_RESPONDER=responder:responder-demo \
//   VIGIL_ADMIN=admin:admin-demo node crates/server/tests/browser/alerts.mjs
//
// Environment: as e2e.mjs, plus VIGIL_RESPONDER, VIGIL_PLANNER and VIGIL_ADMIN
// (user:password).
// VIGIL_SCREENSHOTS (a directory) → alerts.png, alert-new.png, alert-response.png,
// alert-mobile.png, dashboard.png, rules.png, webhooks.png there.
//
// The story, checked through what each user sees on screen:
//  1. an administrator subscribes a webhook to a receiver that is down;
//  2. a reporter on a 360 px phone submits, through the form, a report graded B2 whose
//     text says armed men attacked a market (the default rule `report-reliable-threat`);
//  3. an analyst opens the Alerts view, finds the draft alert whose evidence is that
//     report, sees its area on the map, issues it, and the CAP link serves CAP XML
//     (the Atom feed lists it); the analyst gets no acknowledge button;
//  3b. the analyst, on a phone, raises an alert by hand from that report's page: a click
//     on the map places the circle's centre; a missing headline is refused under the
//     field, then a 900 km radius under the radius (the server's word); issued, its
//     page shows it issued, resting on the report, with its CAP link;
//  4. a responder on a phone (who gets no "Raise an alert" button) acknowledges it, records a patrol response (a wrong time
//     first: the error shows next to the field), later fills in the on-scene and
//     completion times, and reads the time to acknowledge for the area and the month
//     on the response-time dashboard; the rules view lists the rule, in both languages;
//  5. a planner (read-only) reads the alert and its response in French, with no
//     lifecycle button and no response form;
//  6. the administrator sees the failed webhook deliveries and their error.
// It prints one line per step and exits non-zero on the first failure.

import path from 'node:path';
import { BASE, SHOTS, EXPECT_SYNTHETIC, creds, check, stepLog, newPage, login as logIn, fullShot, text, pickTown, run } from './lib.mjs';

const REPORTER = creds('VIGIL_REPORTER');
const ANALYST = creds('VIGIL_ANALYST');
const RESPONDER = creds('VIGIL_RESPONDER');
const ADMIN = creds('VIGIL_ADMIN');
const PLANNER = creds('VIGIL_PLANNER');

const TOWN = process.env.VIGIL_E2E_ALERT_TOWN || 'Mopti';
const REGION = process.env.VIGIL_E2E_ALERT_REGION || 'Mopti';
const RULE_NAME = 'Reliable report of a threat to civilians';
const MARK = `E2E-alert ${Date.now().toString(36)}`;
// A receiver nobody listens on: every delivery to it fails.
const DEAD_HOOK = 'http://127.0.0.1:9/vigil-e2e';

const log = stepLog('alerts');

async function login(page, who) {
  await logIn(page, who);
  await expectBanner(page);
}

async function expectBanner(page) {
  if (!EXPECT_SYNTHETIC) return;
  const banner = page.locator('[data-testid="demo-banner"]');
  await banner.waitFor({ state: 'visible' });
  const text = await banner.textContent();
  check(/Demo data: SYNTHETIC — not real events/.test(text), `banner says SYNTHETIC: ${text}`);
}

async function noSidewaysScroll(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  check(overflow <= 0, `${what} fits ${page.viewportSize().width} px (overflow ${overflow}px)`);
}

// "YYYY-MM-DDTHH:MM" in the browser's time zone, `minutes` after `base` (ms).
async function localInput(page, base, minutes) {
  return page.evaluate(([b, m]) => {
    const d = new Date(b + m * 60000);
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  }, [base, minutes]);
}

async function main(browser) {
  // ---- 1. admin: a webhook to a receiver that is down
  const adm = await newPage(browser, { width: 1280, height: 900 });
  await login(adm.page, ADMIN);
  await adm.page.click('[data-testid="nav-alerts"]');
  await adm.page.click('[data-testid="tab-webhooks"]');
  await adm.page.waitForSelector('[data-testid="wh-summary"]');
  await adm.page.fill('#wh-url', 'ftp://nowhere');
  await adm.page.click('[data-testid="wh-form"] button[type="submit"]');
  const urlError = adm.page.locator('[data-testid="wh-form"] [data-testid="error-url"]');
  await urlError.waitFor({ state: 'visible' });
  check(/http/.test(await text(urlError)), `a bad webhook URL is refused next to the field: ${await text(urlError)}`);
  await adm.page.fill('#wh-url', DEAD_HOOK);
  await adm.page.selectOption('#wh-format', 'json');
  await adm.page.click('[data-testid="wh-form"] button[type="submit"]');
  await adm.page.locator('[data-testid="wh-sub"]', { hasText: DEAD_HOOK }).waitFor();
  log(`admin subscribed a webhook to ${DEAD_HOOK} (a bad URL was refused first)`);

  // ---- 2. reporter on a phone: the report, through the form
  const phone = await newPage(browser, { width: 360, height: 740 });
  let page = phone.page;
  await login(page, REPORTER);
  await page.goto(BASE + '/#/report');
  await page.waitForSelector('#report-form');
  check((await page.locator('[data-testid="nav-alerts"]').count()) === 0, 'a reporter has no Alerts entry');
  await page.selectOption('#rf-category', 'attack_on_civilians');
  await pickTown(page, TOWN);
  await page.fill('#rf-people', '60');
  await page.fill('#rf-description', `${MARK} : des hommes armés ont attaqué le marché ce matin, les familles quittent le quartier.`);
  await page.selectOption('#rf-reliability', 'B');
  await page.selectOption('#rf-credibility', '2');
  await page.click('#rf-submit');
  const sent = page.locator('[data-testid="report-sent"]');
  await sent.waitFor();
  const reportId = await sent.getAttribute('data-report-id');
  check(reportId && reportId !== 'undefined', 'the server gave the report a number');
  log(`reporter submitted report #${reportId} graded B2 at ${TOWN}: "des hommes armés ont attaqué…"`);
  await phone.ctx.close();

  // ---- 3. analyst: the draft alert, its evidence and area; issue; CAP
  const desk = await newPage(browser, { width: 1280, height: 900 });
  page = desk.page;
  await login(page, ANALYST);
  await page.click('[data-testid="nav-alerts"]');
  await page.waitForSelector('[data-testid="alerts-count"]:not(:empty)');
  check(await page.isChecked('[data-testid="alert-filter-draft"]'), 'drafts are listed by default');
  check(!(await page.isChecked('[data-testid="alert-filter-closed"]')), 'closed alerts are not listed by default');
  // Drafts of the report rule, newest first: the one whose evidence is our report.
  const drafts = page.locator('[data-testid="alert-item"][data-status="draft"]', { hasText: RULE_NAME });
  const n = await drafts.count();
  check(n >= 1, `the Alerts view lists a draft of "${RULE_NAME}" (${n})`);
  let alertId = null;
  const candidates = [];
  for (let i = 0; i < Math.min(n, 5); i++) candidates.push(await drafts.nth(i).getAttribute('data-alert-id'));
  for (const id of candidates) {
    await page.goto(`${BASE}/#/alert/${id}`);
    await page.waitForSelector(`[data-testid="alert-page"][data-alert-id="${id}"] [data-testid="alert-triggers"]`);
    if (await page.locator(`[data-testid="alert-trigger"][data-kind="report"][data-target-id="${reportId}"]`).count()) { alertId = id; break; }
  }
  check(alertId, `one of the draft alerts ${candidates.join(', ')} has report #${reportId} as evidence`);
  // Its card in the list.
  await page.click('[data-testid="tab-alerts"]');
  const card = page.locator(`[data-testid="alert-item"][data-alert-id="${alertId}"]`);
  await card.waitFor();
  const cardText = await text(card);
  check(/Urgency: Immediate/.test(cardText) && /Severity: Severe/.test(cardText) && /Certainty: Likely/.test(cardText), `the card shows the CAP fields: ${cardText}`);
  check(/graded B2/.test(cardText) && /hommes armés/.test(cardText), `the card shows the threat: ${cardText}`);
  check(cardText.includes(REGION), `the card names the area (${REGION}): ${cardText}`);
  check(/First fired/.test(cardText) && /Expires/.test(cardText), `the card shows firing and expiry times: ${cardText}`);
  await card.locator('[data-testid="alert-open"]').click();
  await page.waitForSelector(`[data-testid="alert-page"][data-alert-id="${alertId}"] [data-testid="alert-triggers"]`);
  const trigger = page.locator(`[data-testid="alert-trigger"][data-target-id="${reportId}"]`);
  check((await text(trigger)) === `Report #${reportId}`, `the evidence reads "Report #${reportId}": ${await text(trigger)}`);
  check(await page.locator('[data-testid="cap-link"]').count() === 0, 'a draft has no CAP link');
  await page.locator('[data-testid="cap-draft-note"]').waitFor();
  await page.waitForSelector('[data-testid="alert-map"] path.alert-area');
  check((await text(page.locator('[data-testid="alert-area-detail"]'))).includes('15 km around'), 'the area is described as a 15 km circle');
  check(await page.locator('[data-testid="transition-acknowledged"]').count() === 0, 'an analyst gets no Acknowledge button');
  check(await page.locator('[data-testid="responses-draft"]').count() === 1, 'a draft takes no response yet, and says so');
  log(`analyst found draft alert #${alertId}, evidence report #${reportId}, its circle on the map`);
  // The evidence link opens the report.
  await trigger.locator('a').click();
  await page.waitForSelector(`[data-testid="report-page"][data-report-id="${reportId}"] [data-testid="report-text"]`);
  check((await text(page.locator('[data-testid="report-text"]'))).includes(MARK), 'the evidence link opens the report text');
  await page.goBack();
  await page.waitForSelector('[data-testid="transition-issued"]');

  await page.fill('[data-testid="transition-note"]', 'Vérifié avec le point focal de Mopti');
  await page.click('[data-testid="transition-issued"]');
  await page.locator('[data-testid="alert-flash"]', { hasText: `Alert #${alertId} is now issued.` }).waitFor();
  check((await text(page.locator('h1 [data-testid="alert-status"]'))) === 'issued', 'the status reads issued');
  const hist = await text(page.locator('[data-testid="alert-history"]'));
  check(/draft → issued/.test(hist) && hist.includes(ANALYST.user) && hist.includes('Vérifié avec le point focal'), `the history shows who issued it, with the note: ${hist}`);
  check(await page.locator('[data-testid="transition-issued"]').count() === 0, 'no Issue button once issued');
  const capLink = page.locator('[data-testid="cap-link"]');
  await capLink.waitFor();
  const capHref = await capLink.getAttribute('href');
  const cap = await desk.ctx.request.get(new URL(capHref, BASE).toString());
  const capXml = await cap.text();
  check(cap.status() === 200, `the CAP link answers 200 (${cap.status()})`);
  check(/xml/.test(cap.headers()['content-type'] || ''), `the CAP link serves XML (${cap.headers()['content-type']})`);
  check(capXml.includes('urn:oasis:names:tc:emergency:cap:1.2') && capXml.includes(`<identifier>vigil-alert-${alertId}</identifier>`) && capXml.includes('<msgType>Alert</msgType>'),
    `the CAP document is the issued alert:\n${capXml.slice(0, 600)}`);
  const atomHref = await page.locator('[data-testid="atom-link"]').getAttribute('href');
  const atom = await (await desk.ctx.request.get(new URL(atomHref, BASE).toString())).text();
  check(atom.includes(`/cap/${alertId}.xml`), 'the Atom feed lists the issued alert');
  log(`analyst issued alert #${alertId}; ${capHref} serves CAP 1.2 XML; the Atom feed lists it`);
  if (SHOTS) {
    await page.click('[data-testid="tab-alerts"]');
    await page.waitForSelector(`[data-testid="alert-item"][data-alert-id="${alertId}"][data-status="issued"]`);
    await page.waitForTimeout(200);
    await page.screenshot({ path: path.join(SHOTS, 'alerts.png') });
  }
  await desk.ctx.close();

  // ---- 3b. analyst on a phone: an alert raised by hand from the report, its circle
  // placed by clicking the map; a missing headline, then a radius too large, first.
  const aph = await newPage(browser, { width: 360, height: 740 });
  page = aph.page;
  await login(page, ANALYST);
  await page.click('[data-testid="nav-alerts"]');
  const raise = page.locator('[data-testid="alert-new"]');
  await raise.waitFor();
  check((await text(raise)).includes('Raise an alert'), `the Alerts list has a "Raise an alert" button: ${await text(raise)}`);
  await noSidewaysScroll(page, 'the alert list with its button');
  await page.goto(`${BASE}/#/reports/${reportId}`);
  await page.click('[data-testid="raise-from-report"]');
  const naForm = page.locator('[data-testid="new-alert-form"]');
  await naForm.waitFor();
  check((await page.inputValue('#na-reports')) === reportId, `the form rests on report #${reportId}`);
  check((await text(page.locator('[data-testid="na-from-report"]'))).includes(`Resting on report #${reportId}`), 'the form says which report it rests on');
  check((await text(page.locator('[data-testid="na-submit"]'))) === 'Save as draft', 'unticked "Issue now": the button saves a draft');
  // The report's place starts the circle; a click on the map moves its centre.
  await page.waitForFunction(() => document.querySelector('#na-lat').value !== '');
  const fromReport = `${await page.inputValue('#na-lat')}, ${await page.inputValue('#na-lon')}`;
  await page.locator('[data-testid="na-map"]').click({ position: { x: 110, y: 190 } });
  await page.waitForFunction((was) => `${document.querySelector('#na-lat').value}, ${document.querySelector('#na-lon').value}` !== was, fromReport);
  const cLat = Number(await page.inputValue('#na-lat'));
  const cLon = Number(await page.inputValue('#na-lon'));
  check(cLat > 10 && cLat < 25 && cLon > -12.5 && cLon < 4.5, `the click placed the centre in Mali: ${cLat}, ${cLon} (was ${fromReport})`);
  await page.waitForSelector('[data-testid="na-map"] path.alert-area');
  log(`analyst opened "Raise an alert" from report #${reportId} and clicked the map: centre ${cLat}, ${cLon}`);

  const HEADLINE = `${MARK}: threat of an attack on the Mopti market`;
  const HEADLINE_FR = `${MARK} : menace d’attaque sur le marché de Mopti`;
  await page.fill('#na-threat', 'A call to the hotline reports armed men heading back to the market tonight.');
  await page.selectOption('#na-urgency', 'Immediate');
  await page.selectOption('#na-severity', 'Severe');
  await page.selectOption('#na-certainty', 'Likely');
  await page.check('#na-issue');
  check((await text(page.locator('[data-testid="na-submit"]'))) === 'Issue alert', 'ticked "Issue now": the button issues');
  await noSidewaysScroll(page, 'the "Raise an alert" form');
  await page.click('[data-testid="na-submit"]');
  const headErr = naForm.locator('[data-testid="error-headline"]');
  await headErr.waitFor({ state: 'visible' });
  check((await text(headErr)) === 'required', `"required" shows under the headline: ${await text(headErr)}`);
  check(await page.evaluate(() => document.activeElement && document.activeElement.id) === 'na-headline', 'the headline field has the focus');
  check(page.url().includes('#/new-alert'), 'nothing was sent: still on the form');
  log('a missing headline is refused under the field');
  await page.fill('#na-headline', HEADLINE);
  // French text: a headline without its threat is refused under the missing field
  await page.fill('#na-headline-fr', HEADLINE_FR);
  await page.click('[data-testid="na-submit"]');
  const frErr = naForm.locator('[data-testid="error-threat_fr"]');
  await frErr.waitFor({ state: 'visible' });
  check(/headline and the threat in French, or neither/.test(await text(frErr)), `the missing French threat is named: ${await text(frErr)}`);
  check(page.url().includes('#/new-alert'), 'nothing was sent: still on the form');
  log('a French headline without its French threat is refused under the field');
  await page.fill('#na-threat-fr', 'Un appel à la ligne d’urgence signale des hommes armés qui reviennent vers le marché ce soir.');
  await page.fill('#na-radius', '900');
  await page.click('[data-testid="na-submit"]');
  const radErr = naForm.locator('[data-testid="error-radius_km"]');
  await radErr.waitFor({ state: 'visible' });
  check(/radius_km must be from 0\.1 to 500/.test(await text(radErr)), `the server's refusal shows under the radius: ${await text(radErr)}`);
  check(!(await headErr.isVisible()), 'the headline error is gone');
  log(`a 900 km radius is refused by the server, under the field: "${await text(radErr)}"`);
  await page.fill('#na-radius', '10');
  if (SHOTS) {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.waitForTimeout(300);
    await fullShot(page, 'alert-new.png');
    await page.setViewportSize({ width: 360, height: 740 });
  }
  await page.click('[data-testid="na-submit"]');
  const flash = page.locator('[data-testid="alert-flash"]');
  await flash.waitFor();
  const manualId = await page.locator('[data-testid="alert-page"]').getAttribute('data-alert-id');
  check((await text(flash)) === `Alert #${manualId} issued.`, `the new alert's page says it was issued: ${await text(flash)}`);
  check((await text(page.locator('h1 [data-testid="alert-status"]'))) === 'issued', 'the status reads issued');
  check((await text(page.locator('[data-testid="alert-headline"]'))) === HEADLINE, 'the page shows the headline');
  check((await text(page.locator('[data-testid="alert-rule"]'))) === 'Raised by hand', 'the alert reads "Raised by hand"');
  const capText = await text(page.locator('[data-testid="alert-cap-fields"]'));
  check(/Urgency: Immediate/.test(capText) && /Severity: Severe/.test(capText) && /Certainty: Likely/.test(capText), `the CAP fields are as chosen: ${capText}`);
  check((await text(page.locator('[data-testid="alert-area-detail"]'))).includes('10 km around'), 'the area is a 10 km circle');
  await page.waitForSelector('[data-testid="alert-map"] path.alert-area');
  check((await text(page.locator(`[data-testid="alert-trigger"][data-target-id="${reportId}"]`))) === `Report #${reportId}`, `its evidence is report #${reportId}`);
  check((await text(page.locator('[data-testid="alert-history"]'))).includes(ANALYST.user), 'the history shows who raised it');
  const manualCap = page.locator('[data-testid="cap-link"]');
  await manualCap.waitFor();
  const mCap = await aph.ctx.request.get(new URL(await manualCap.getAttribute('href'), BASE).toString());
  const mXml = await mCap.text();
  check(mCap.status() === 200 && mXml.includes(`<identifier>vigil-alert-${manualId}</identifier>`) && mXml.includes('<msgType>Alert</msgType>') && mXml.includes(HEADLINE),
    `the CAP link serves the issued alert:\n${mXml.slice(0, 600)}`);
  const frBlock = mXml.split('<info>')[2] || '';
  check(frBlock.includes('<language>fr</language>') && frBlock.includes(`<headline>${HEADLINE_FR}</headline>`) && frBlock.includes('<event>Levée à la main</event>'),
    `the CAP message carries the French text as a second info block:\n${frBlock.slice(0, 400)}`);
  await noSidewaysScroll(page, 'the new alert\'s page');
  log(`analyst issued alert #${manualId} by hand: status issued, ${await manualCap.getAttribute('href')} serves its CAP XML`);
  await aph.ctx.close();

  // ---- 4. responder on a phone: acknowledge, record a response, the dashboard
  const resp = await newPage(browser, { width: 360, height: 740 });
  page = resp.page;
  await login(page, RESPONDER);
  await page.goto(`${BASE}/#/new-alert`);
  await page.locator('[data-testid="forbidden"]').waitFor();
  await page.click('[data-testid="nav-alerts"]');
  const item = page.locator(`[data-testid="alert-item"][data-alert-id="${alertId}"]`);
  await item.waitFor();
  check(await page.locator('[data-testid="alert-new"]').count() === 0, 'a responder gets no "Raise an alert" button');
  check((await text(item.locator('[data-testid="alert-status"]'))) === 'issued', 'the responder sees the alert as issued');
  await noSidewaysScroll(page, 'the alert list');
  await item.locator('[data-testid="alert-open"]').click();
  await page.waitForSelector('[data-testid="transition-acknowledged"]');
  check(await page.locator('[data-testid="transition-issued"], [data-testid="transition-closed"], [data-testid="transition-cancelled"]').count() === 0,
    'a responder gets no issue / close / cancel buttons');
  check((await text(page.locator(`[data-testid="alert-trigger"][data-target-id="${reportId}"]`))).includes('your role cannot open reports'),
    'a responder sees the evidence without a link to the report');
  await page.click('[data-testid="transition-acknowledged"]');
  await page.locator('[data-testid="alert-flash"]', { hasText: 'is now acknowledged' }).waitFor();
  await page.waitForSelector('[data-testid="transition-responding"]');
  check((await text(page.locator('[data-testid="alert-history"]'))).includes(RESPONDER.user), 'the history shows who acknowledged');
  log(`responder acknowledged alert #${alertId}`);

  // The response: first with an on-scene time before the dispatch (the server refuses
  // it and names the field), then right.
  const form = page.locator('[data-testid="response-form"]');
  const base = await page.evaluate(() => Date.now());
  await form.locator('[data-testid="resp-responder"]').fill('Patrouille Secteur Centre');
  await form.locator('[data-testid="resp-action"]').selectOption('patrol');
  await form.locator('[data-testid="resp-requested_at"]').fill(await localInput(page, base, 0));
  await form.locator('[data-testid="resp-dispatched_at"]').fill(await localInput(page, base, 1));
  await form.locator('[data-testid="resp-on_scene_at"]').fill(await localInput(page, base, -30));
  await form.locator('[data-testid="resp-submit"]').click();
  const fieldErr = form.locator('[data-testid="error-on_scene_at"]');
  await fieldErr.waitFor({ state: 'visible' });
  check(/must not be before dispatched_at/.test(await text(fieldErr)), `the error is next to "On scene": ${await text(fieldErr)}`);
  check(await page.locator('[data-testid="response-item"]').count() === 0, 'nothing was recorded');
  log(`a wrong on-scene time is refused next to its field: "${await text(fieldErr)}"`);
  await form.locator('[data-testid="resp-on_scene_at"]').fill('');
  const OUTCOME = 'Patrol reached the market; the armed men had left. 60 families assisted.';
  await form.locator('[data-testid="resp-outcome"]').fill(OUTCOME);
  await form.locator('[data-testid="resp-submit"]').click();
  const ritem = page.locator('[data-testid="response-item"]');
  await ritem.waitFor();
  const rtext = await text(ritem);
  check(/Patrol — Patrouille Secteur Centre/.test(rtext) && rtext.includes(OUTCOME), `the response shows action, unit and outcome: ${rtext}`);
  check(/Dispatched.*1 min after the request/.test(rtext), `the dispatch time is shown with its delay: ${rtext}`);
  check(/On scene\s*not yet/.test(rtext), `the on-scene time is not yet filled: ${rtext}`);
  log(`responder recorded a patrol response: ${rtext.slice(0, 100)}…`);
  // Later: fill in the on-scene and completion times.
  await ritem.locator('[data-testid="response-edit"]').click();
  const edit = ritem.locator('[data-testid="response-edit-form"]');
  await edit.locator('[data-testid="resp-on_scene_at"]').fill(await localInput(page, base, 2));
  await edit.locator('[data-testid="resp-completed_at"]').fill(await localInput(page, base, 3));
  await edit.locator('[data-testid="resp-submit"]').click();
  await edit.waitFor({ state: 'detached' });
  await page.locator('[data-testid="alert-flash"]', { hasText: 'saved' }).waitFor();
  const rtext2 = await text(page.locator('[data-testid="response-item"]'));
  check(!/not yet/.test(rtext2) && /On scene.*2 min after the request/.test(rtext2) && /Completed.*3 min after the request/.test(rtext2),
    `the on-scene and completion times are filled in: ${rtext2}`);
  await noSidewaysScroll(page, 'the alert page with its response');
  log('responder filled in the on-scene and completion times later');
  if (SHOTS) {
    await fullShot(page, 'alert-mobile.png');
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.waitForTimeout(300);
    await fullShot(page, 'alert-response.png');
    await page.setViewportSize({ width: 360, height: 740 });
  }
  // The completion was entered too early: emptying the field clears it.
  await page.locator('[data-testid="response-item"] [data-testid="response-edit"]').click();
  const edit2 = page.locator('[data-testid="response-edit-form"]');
  await edit2.locator('[data-testid="resp-completed_at"]').fill('');
  await edit2.locator('[data-testid="resp-submit"]').click();
  await edit2.waitFor({ state: 'detached' });
  await page.locator('[data-testid="alert-flash"]', { hasText: 'saved' }).waitFor();
  const rtext3 = await text(page.locator('[data-testid="response-item"]'));
  check(/Completed\s*not yet/.test(rtext3) && /On scene.*2 min after the request/.test(rtext3), `the completion time is cleared, the rest kept: ${rtext3}`);
  log('responder cleared a completion time entered too early');

  // The dashboard: time to acknowledge for the area and the month.
  await page.click('[data-testid="tab-responses"]');
  await page.waitForSelector('[data-testid="dash-by-area"]');
  await noSidewaysScroll(page, 'the dashboard');
  const areaRow = page.locator('[data-testid="dash-area-row"]', { has: page.locator('[data-testid="dash-label"]', { hasText: REGION }) });
  check(await areaRow.count() === 1, `the dashboard has a row for ${REGION}`);
  const areaTta = await text(areaRow.locator('[data-testid="dash-tta"]'));
  check(/\d/.test(areaTta) && /min|h/.test(areaTta), `${REGION}: a time to acknowledge is shown (${areaTta})`);
  const areaTtr = await text(areaRow.locator('[data-testid="dash-ttr"]'));
  check(/\d/.test(areaTtr), `${REGION}: a time to respond is shown (${areaTtr})`);
  const month = new Date().toISOString().slice(0, 7);
  const monthRow = page.locator(`[data-testid="dash-month-row"][data-key="${month}"]`);
  check(await monthRow.count() === 1, `the dashboard has a row for ${month}`);
  const monthTta = await text(monthRow.locator('[data-testid="dash-tta"]'));
  check(/\d/.test(monthTta), `${month}: a time to acknowledge is shown (${monthTta})`);
  log(`dashboard: ${REGION} time to acknowledge ${areaTta}, to respond ${areaTtr}; ${month}: ${monthTta}`);
  // N hours is adjustable and lands in the URL (a bookmarkable view).
  await page.fill('#dash-hours', '6');
  await page.dispatchEvent('#dash-hours', 'change');
  await page.waitForFunction(() => location.hash.includes('hours=6'));
  await page.locator('[data-testid="dash-unanswered"] h2', { hasText: 'no response 6 h after issue' }).waitFor();
  if (SHOTS) {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.waitForTimeout(300);
    await fullShot(page, 'dashboard.png');
    await page.setViewportSize({ width: 360, height: 740 });
  }

  // The rules in force, read-only, in English and in French.
  await page.click('[data-testid="tab-rules"]');
  const rule = page.locator('[data-testid="rule-item"][data-rule-id="report-reliable-threat"]');
  await rule.waitFor();
  const ruleText = await text(rule);
  check(ruleText.includes(RULE_NAME) && /hommes armés/.test(ruleText) && /field report/.test(ruleText) && /48 h/.test(ruleText),
    `the rule shows name, kind, keywords and dedup window: ${ruleText.slice(0, 300)}`);
  check(await page.locator('[data-testid="rule-item"] button, [data-testid="rule-item"] input').count() === 0, 'the rules view is read-only');
  await noSidewaysScroll(page, 'the rules view');
  await page.click('[data-testid="lang-toggle"]');
  await page.locator('h1', { hasText: 'Règles d’alerte en vigueur' }).waitFor();
  check((await text(rule.locator('[data-testid="rule-kind"]'))) === 'signalement de terrain', 'the rule kind is in French');
  check((await text(page.locator('[data-testid="tab-responses"]'))) === 'Délais de réponse', 'the tabs are in French');
  await page.click('[data-testid="lang-toggle"]');
  await page.locator('h1', { hasText: 'Alert rules in force' }).waitFor();
  log('rules view lists the report rule (read-only), in English and French');
  if (SHOTS) {
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.waitForTimeout(300);
    await fullShot(page, 'rules.png');
  }
  await resp.ctx.close();

  // ---- 5. planner: read-only, in French
  const pl = await newPage(browser, { width: 1280, height: 900 });
  page = pl.page;
  await login(page, PLANNER);
  await page.click('[data-testid="lang-toggle"]');
  await page.goto(`${BASE}/#/alert/${alertId}`);
  await page.waitForSelector('[data-testid="response-item"]');
  check((await text(page.locator('[data-testid="response-action"]'))) === 'Patrouille', 'the action reads "Patrouille" in French');
  check((await text(page.locator('[data-testid="alert-responses"] h2'))) === 'Réponses (1)', 'the responses heading is in French');
  check((await text(page.locator('h1 [data-testid="alert-status"]'))) === 'accusée', 'the status reads "accusée" in French');
  check(await page.locator('[data-testid="alert-lifecycle"], [data-testid="response-form"], [data-testid="response-edit"]').count() === 0,
    'a planner gets no lifecycle buttons, no response form and no edit button');
  check(await page.locator('[data-testid="tab-webhooks"]').count() === 0, 'only admins see the Webhooks tab');
  const frHead = await text(page.locator('[data-testid="alert-headline"]'));
  check(frHead.startsWith('Signalement fiable d’une menace contre des civils : signalement coté B2 — ') || frHead.startsWith("Signalement fiable d'une menace contre des civils : signalement coté B2 — "),
    `the rule's alert reads in French: ${frHead}`);
  check((await text(page.locator('[data-testid="alert-rule"]'))).startsWith('Signalement fiable'), 'the rule name is in French');
  log('planner reads the alert and its response in French, without any action');
  await page.goto(`${BASE}/#/alert/${manualId}`);
  await page.waitForSelector('[data-testid="alert-headline"]');
  check((await text(page.locator('[data-testid="alert-headline"]'))) === HEADLINE_FR, 'the alert raised by hand reads in French too');
  check((await text(page.locator('[data-testid="alert-rule"]'))) === 'Levée à la main', 'and says it was raised by hand, in French');
  await pl.ctx.close();

  // ---- 6. admin: the failed deliveries show
  page = adm.page;
  let state = null;
  let rowText = '';
  for (let i = 0; i < 20 && !state; i++) {
    await page.goto(`${BASE}/#/alerts`);
    await page.goto(`${BASE}/#/webhooks`);
    await page.waitForSelector('[data-testid="wh-summary"]');
    const row = page.locator('[data-testid="wh-delivery"]', { hasText: `#${alertId}` }).filter({ hasText: 'alert.issued' });
    const st = (await row.count()) ? await row.first().getAttribute('data-state') : null;
    if (st === 'retrying' || st === 'failed') { state = st; rowText = await text(row.first()); } else await page.waitForTimeout(500);
  }
  check(state, 'the delivery of alert.issued to the dead receiver is shown as retrying or failed');
  check(/(retrying · next attempt|failed \(given up\)).*request failed/.test(rowText), `the row says so, with the error: ${rowText}`);
  const summary = await text(page.locator('[data-testid="wh-summary"]'));
  check(/\([1-9]\d* retrying\)|[1-9]\d* failed/.test(summary), `the summary counts it: ${summary}`);
  log(`admin sees the failed webhook delivery (${state}): ${rowText.slice(0, 140)}`);
  if (SHOTS) {
    await fullShot(page, 'webhooks.png');
    log(`screenshots written to ${SHOTS}`);
  }
  await adm.ctx.close();
}

run('alerts', main);
