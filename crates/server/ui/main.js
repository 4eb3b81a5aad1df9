// Vigil web UI: native ES modules, no framework, no bundler, nothing fetched from the
// internet. This module boots the page and owns the route table; each view lives in
// views/{domain}/. Hash routes: #/login, #/map, #/triage, #/report, #/my-reports,
// #/incident/{id}, #/reports/{id}, #/alerts, #/alert/{id}, #/new-alert[?report={id}],
// #/responses, #/rules, #/webhooks, #/users, #/audit. The server enforces roles; the navigation only hides
// what a role cannot use (the vocabulary's `access` lists). All text from the API goes in
// as text (core/dom.js), never as HTML.

import { t, lang, setLang } from './i18n/index.js';
import { S, signedOut } from './core/state.js';
import { h, $, clear } from './core/dom.js';
import { api } from './core/client.js';
import { parseRoute, go, setRenderer } from './core/router.js';
import { can, ownReportsOnly, defaultRoute } from './core/access.js';
import { loadVocabulary, vocab } from './core/vocabulary.js';
import { forgetAreas } from './core/areas.js';
import { setDemo, renderChrome } from './core/chrome.js';
import { setServerClock } from './core/clock.js';
import { detectBasemap } from './lib/map.js';
import { viewLogin } from './views/login/login.js';
import { viewMap } from './views/map/map.js';
import { viewIncident } from './views/incidents/incident.js';
import { viewReport } from './views/reports/form.js';
import { viewTriage } from './views/reports/triage.js';
import { viewMyReports } from './views/reports/mine.js';
import { viewReportPage } from './views/reports/page.js';
import { flushOutbox } from './views/reports/outbox.js';
import { viewAlerts } from './views/alerts/list.js';
import { viewAlert } from './views/alerts/alert.js';
import { viewNewAlert } from './views/alerts/new-alert.js';
import { viewDashboard } from './views/alerts/dashboard.js';
import { viewRules } from './views/alerts/rules.js';
import { viewWebhooks } from './views/alerts/webhooks.js';
import { viewUsers } from './views/admin/users.js';
import { viewAudit } from './views/admin/audit.js';
import { viewForecast } from './views/forecasts/area.js';
import { viewFootprint } from './views/footprint/footprint.js';
import { viewRights, rightsAllowed } from './views/rights/rights.js';
import { viewMovement } from './views/movement/movement.js';
import { viewCalls, fieldnetAllows } from './views/fieldnet/calls.js';
import { viewNetworks } from './views/fieldnet/networks.js';
import { viewParameters, parametersAllowed } from './views/parameters/parameters.js';

// Route → view, and who may open it (a key of the vocabulary's `access`, or a test).
const ROUTES = {
  login: { view: viewLogin },
  map: { view: viewMap, part: 'map' },
  triage: { view: viewTriage, part: 'triage' },
  report: { view: viewReport, part: 'submit_report' },
  'my-reports': { view: viewMyReports, allowed: ownReportsOnly },
  incident: { view: viewIncident, part: 'map' },
  reports: { view: viewReportPage, part: 'report_page' },
  alerts: { view: viewAlerts, part: 'alerts' },
  alert: { view: viewAlert, part: 'alerts' },
  'new-alert': { view: viewNewAlert, part: 'manage_alerts' },
  responses: { view: viewDashboard, part: 'alerts' },
  rules: { view: viewRules, part: 'alerts' },
  webhooks: { view: viewWebhooks, part: 'admin' },
  users: { view: viewUsers, part: 'admin' },
  audit: { view: viewAudit, part: 'admin' },
  forecast: { view: viewForecast, part: 'map' },
  footprint: { view: viewFootprint, part: 'footprint_read' },
  rights: { view: viewRights, allowed: rightsAllowed },
  movement: { view: viewMovement, part: 'map' },
  calls: { view: viewCalls, allowed: () => fieldnetAllows('calls') },
  networks: { view: viewNetworks, allowed: () => fieldnetAllows('networks_read') },
  parameters: { view: viewParameters, allowed: parametersAllowed }
};

function allowed(route) {
  if (route.allowed) return route.allowed();
  return !route.part || can(route.part);
}

function render() {
  const r = parseRoute();
  if (S.view && S.view.destroy) {
    try { S.view.destroy(); } catch (e) { /* the page is going anyway */ }
  }
  S.view = null;
  const main = $('#view');
  clear(main);
  main.className = '';
  if (!r.name) { go(defaultRoute()); return; }
  const route = ROUTES[r.name];
  if (!route) {
    main.appendChild(h('p', { 'class': 'notice' }, t('common.notFound')));
    renderChrome();
    return;
  }
  if (r.name !== 'login' && !S.user) {
    S.returnTo = location.hash;
    go('login');
    return;
  }
  if (r.name === 'login' && S.user) { go(defaultRoute()); return; }
  renderChrome();
  if (!vocab().loaded) {
    // Without the vocabulary no menu or form can be drawn: say so rather than guess.
    main.appendChild(h('p', { 'class': 'form-error', 'data-testid': 'vocabulary-error' }, t('common.error', { msg: 'GET /api/vocabulary: ' + (S.vocabError || '?') })));
    return;
  }
  if (!allowed(route)) {
    main.appendChild(h('p', { 'class': 'notice', 'data-testid': 'forbidden' }, t('common.forbidden')));
    return;
  }
  main.className = 'page-' + r.name;
  S.view = route.view(main, r) || null;
  document.title = 'Vigil' + (S.synthetic ? ' — SYNTHETIC demo' : '');
}

function boot() {
  setRenderer(render);
  $('#lang-toggle').addEventListener('click', () => {
    setLang(lang() === 'fr' ? 'en' : 'fr');
    render();
  });
  $('#logout').addEventListener('click', () => {
    // The user's waiting reports stay on the device, for the next time they log in.
    api('POST', '/api/logout', {}, { allow401: true }).catch(() => { /* gone anyway */ }).then(() => {
      signedOut();
      forgetAreas();
      go('login');
    });
  });
  window.addEventListener('hashchange', render);
  window.addEventListener('online', () => { flushOutbox(); });

  const pVocab = loadVocabulary(api).catch((e) => { S.vocabError = e.message || String(e); });
  const pDemo = api('GET', '/api/demo-info', undefined, { allow401: true })
    .then((info) => { setServerClock(info); setDemo(info); return info; })
    .catch(() => null);
  const pMe = api('GET', '/api/me', undefined, { allow401: true })
    .then((me) => {
      S.user = me.user; S.role = me.role; S.csrf = me.csrf_token;
      if (me.demo !== undefined || me.synthetic_data !== undefined) setDemo(me);
    })
    .catch(() => { S.user = null; });
  Promise.all([pDemo, pMe, pVocab])
    .then((res) => detectBasemap(Object.assign({}, S.demo || {}, res[0] || {})))
    .then(() => {
      render();
      if (S.user) flushOutbox();
    });
}

boot();
