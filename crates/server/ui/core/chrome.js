// The page around the views: the demo banner, the navigation for the user's role,
// who is logged in, and the language switch.

import { t, lang } from '../i18n/index.js';
import { S } from './state.js';
import { h, append, $, clear } from './dom.js';
import { parseRoute } from './router.js';
import { can, ownReportsOnly } from './access.js';
import { vocab } from './vocabulary.js';
import { serverNow, clockDiffers } from './clock.js';
import { rightsAllowed } from '../views/rights/rights.js';
import { fieldnetAllows } from '../views/fieldnet/calls.js';
import { parametersAllowed } from '../views/parameters/parameters.js';

// The top bar's entries; `also` lists the routes that keep the entry lit.
const NAV = [
  { route: 'map', key: 'nav.map', show: () => can('map') },
  { route: 'triage', key: 'nav.triage', show: () => can('triage') },
  { route: 'report', key: 'nav.report', show: () => can('submit_report') },
  { route: 'my-reports', key: 'nav.myReports', show: ownReportsOnly },
  { route: 'movement', key: 'nav.movement', show: () => can('map') },
  { route: 'calls', key: 'nav.calls', show: () => fieldnetAllows('calls') },
  { route: 'networks', key: 'nav.networks', show: () => fieldnetAllows('networks_read') },
  { route: 'alerts', key: 'nav.alerts', show: () => can('alerts'), also: ['alert', 'new-alert', 'responses', 'rules', 'webhooks'] },
  { route: 'footprint', key: 'nav.footprint', show: () => can('footprint_read') },
  { route: 'users', key: 'nav.admin', show: () => can('admin'), also: ['audit'] },
  { route: 'rights', key: 'nav.rights', show: rightsAllowed },
  { route: 'parameters', key: 'nav.parameters', show: parametersAllowed }
];

/** Remember what the server said about demo data; show the banner when it is synthetic. */
export function setDemo(info) {
  if (!info || typeof info !== 'object') return;
  S.demo = Object.assign({}, S.demo || {}, info);
  if (info.synthetic_data === true || info.synthetic === true) S.synthetic = true;
  const banner = $('#demo-banner');
  if (S.synthetic) {
    clear(banner);
    append(banner, [
      h('strong', null, 'Demo data: SYNTHETIC — not real events'),
      h('span', { 'class': 'sep', 'aria-hidden': 'true' }, ' · '),
      h('strong', { lang: 'fr' }, 'Données de démonstration : SYNTHÉTIQUES')
    ]);
    banner.hidden = false;
    document.body.classList.add('is-demo');
  }
}

export function renderChrome() {
  const nav = $('#nav');
  clear(nav);
  const route = parseRoute().name;
  if (S.user) {
    NAV.forEach((n) => {
      if (!n.show()) return;
      const here = route === n.route || (n.also || []).indexOf(route) >= 0;
      nav.appendChild(h('a', {
        href: '#/' + n.route,
        'class': here ? 'active' : null,
        'aria-current': here ? 'page' : null,
        'data-testid': 'nav-' + n.route
      }, t(n.key)));
    });
  }
  const who = $('#whoami');
  clear(who);
  if (S.user) {
    append(who, [h('span', { 'class': 'user', 'data-testid': 'whoami' }, S.user),
      h('span', { 'class': 'role' }, ' (' + vocab().label('roles', S.role, lang()) + ')')]);
  }
  if (clockDiffers()) {
    // the demo lives at its own date: say which, so "today" on screen is not a surprise
    const d = serverNow().toLocaleDateString(lang() === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
    who.appendChild(h('span', { 'class': 'server-date', 'data-testid': 'server-date', title: t('clock.title') }, ' · ' + t('clock.server', { d })));
  }
  $('#logout').hidden = !S.user;
  $('#logout').textContent = t('nav.logout');
  const lt = $('#lang-toggle');
  lt.textContent = t('lang.switch');
  lt.setAttribute('lang', lang() === 'fr' ? 'en' : 'fr');
}
