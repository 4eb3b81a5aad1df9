// #/networks: the early-warning networks register (issue #19): each network, the
// places it covers, its focal points and when each last reported (contact details only
// for those who see restricted detail), and the silent areas: covered places with no
// report for N days (never heard from first).

import { t } from '../../i18n/index.js';
import { h, clear, loadError, syntheticBadge } from '../../core/dom.js';
import { api } from '../../core/client.js';

function silentBlock(box, days) {
  api('GET', '/api/networks/silent?days=' + encodeURIComponent(days)).then(function (r) {
    clear(box);
    if (!r.silent.length) { box.appendChild(h('p', { 'class': 'muted' }, t('nets.noneSilent', { days: r.days }))); return; }
    box.appendChild(h('table', { 'class': 'table', 'data-testid': 'silent-areas' }, [
      h('thead', null, h('tr', null, [t('nets.place'), t('nets.networks'), t('nets.lastReport'), t('nets.daysSilent')].map(function (x) { return h('th', null, x); }))),
      h('tbody', null, r.silent.map(function (p) {
        return h('tr', { 'data-place': String(p.place_id) }, [h('td', null, p.name), h('td', null, p.networks.join(', ')),
          h('td', null, p.last_report || t('nets.never')), h('td', null, p.days_silent === null ? t('nets.never') : String(p.days_silent))]);
      }))
    ]));
  }).catch(function (e) { clear(box); box.appendChild(loadError(e)); });
}

export function viewNetworks(main) {
  var days = h('input', { id: 'silent-days', type: 'number', min: 1, value: '14' });
  var silent = h('div');
  var list = h('div', null, h('p', { 'class': 'muted' }, t('common.loading')));
  days.addEventListener('change', function () { silentBlock(silent, days.value || '14'); });
  main.appendChild(h('h2', null, t('nets.title')));
  main.appendChild(h('section', null, [h('h3', null, t('nets.silentTitle')),
    h('label', { 'for': 'silent-days' }, [t('nets.days'), ' ', days]), silent]));
  main.appendChild(h('section', null, [h('h3', null, t('nets.register')), list]));
  silentBlock(silent, '14');
  api('GET', '/api/networks').then(function (r) {
    clear(list);
    r.networks.forEach(function (n) {
      list.appendChild(h('article', { 'class': 'card', 'data-network': String(n.id) }, [
        h('h4', null, [n.name, n.synthetic ? ' ' : '', n.synthetic ? syntheticBadge() : null]),
        h('p', null, t('nets.covers', { places: n.places.map(function (p) { return p.name; }).join(', ') || '—' })),
        h('p', null, t('nets.lastReported', { at: n.last_reported || t('nets.never') })),
        h('table', { 'class': 'table' }, [
          h('thead', null, h('tr', null, [t('nets.focalPoint'), t('nets.lastReport'), t('nets.contact')].map(function (x) { return h('th', null, x); }))),
          h('tbody', null, n.focal_points.map(function (f) {
            return h('tr', null, [h('td', null, f.label), h('td', null, f.last_reported || t('nets.never')),
              h('td', null, f.contact ? [f.contact.full_name || '', ' ', f.contact.phone].join('') : t('calls.restricted'))]);
          }))
        ])
      ]));
    });
    if (!r.networks.length) list.appendChild(h('p', { 'class': 'muted' }, t('nets.none')));
  }).catch(function (e) { clear(list); list.appendChild(loadError(e)); });
  return null;
}
