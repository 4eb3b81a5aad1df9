// #/alerts: alerts filtered by status (the active ones by default; the choice lives
// in the URL), each as a card with its CAP fields, threat, area and times.

import { t, fmt } from '../../i18n/index.js';
import { h, clear } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { S } from '../../core/state.js';
import { qs } from '../../core/api.js';
import { go } from '../../core/router.js';
import { dateTime, colon } from '../../core/format.js';
import { loadAllAreas } from '../../core/areas.js';
import { can } from '../../core/access.js';
import { alertStatusLabel } from '../../core/labels.js';
import { alertStatuses, activeStatuses, alertTabs, pageTitle, ruleLabel, alertText, alertStatusBadge, isExpired, areaSummary, capFields } from './common.js';
import { errorText } from '../../core/errors.js';

export function viewAlerts(main, route) {
  var chosen = (route.query.status || '').split(',').filter(function (s) { return alertStatuses().indexOf(s) >= 0; });
  if (!chosen.length) chosen = activeStatuses();
  var boxes = alertStatuses().map(function (s) {
    return h('label', { 'class': 'inline' }, [
      h('input', { type: 'checkbox', name: 'status', value: s, checked: chosen.indexOf(s) >= 0, 'data-testid': 'alert-filter-' + s }),
      ' ', alertStatusLabel(s)
    ]);
  });
  function setStatuses(list) { go('alerts', { status: list.join(',') }); }
  var form = h('form', { 'class': 'card alert-filters', 'data-testid': 'alert-filters' }, h('fieldset', null, [
    h('legend', null, t('alerts.statusFilter')),
    h('div', { 'class': 'checks' }, boxes),
    h('div', { 'class': 'actions' }, [
      h('button', { type: 'button', 'class': 'secondary small', 'data-testid': 'alert-filter-active', onclick: function () { setStatuses(activeStatuses()); } }, t('alerts.activeOnly')),
      h('button', { type: 'button', 'class': 'secondary small', 'data-testid': 'alert-filter-all', onclick: function () { setStatuses(alertStatuses()); } }, t('alerts.all'))
    ])
  ]));
  form.addEventListener('submit', function (ev) { ev.preventDefault(); });
  form.addEventListener('change', function () {
    var sel = Array.prototype.filter.call(form.querySelectorAll('input[name="status"]'), function (i) { return i.checked; })
      .map(function (i) { return i.value; });
    setStatuses(sel.length ? sel : activeStatuses());
  });
  var count = h('p', { 'class': 'muted', 'data-testid': 'alerts-count' });
  var list = h('div', { 'class': 'alert-list', 'data-testid': 'alert-list' }, h('p', null, t('common.loading')));
  main.appendChild(h('div', { 'class': 'alerts-page' }, [
    alertTabs('alerts'),
    h('div', { 'class': 'title-row' }, [
      pageTitle('alerts.title', null, S.synthetic),
      can('manage_alerts') ? h('a', { href: '#/new-alert', 'class': 'button-link', 'data-testid': 'alert-new' }, '+ ' + t('alerts.new')) : null
    ]),
    form,
    h('p', { 'class': 'small' }, h('a', { href: '/cap/alerts.atom', 'data-testid': 'atom-link', type: 'application/atom+xml' }, t('alerts.atom'))),
    count,
    list
  ]));
  var status = chosen.length === alertStatuses().length ? null : chosen.join(',');
  Promise.all([api('GET', '/api/alerts' + qs({ status: status })), loadAllAreas()]).then(function (res) {
    var alerts = Array.isArray(res[0]) ? res[0] : [];
    clear(list);
    count.textContent = alerts.length === 1 ? t('alerts.count1') : t('alerts.count', { n: fmt(alerts.length) });
    if (!alerts.length) { list.appendChild(h('p', { 'class': 'notice', 'data-testid': 'alerts-empty' }, t('alerts.empty'))); return; }
    alerts.forEach(function (a) { list.appendChild(alertCard(a)); });
  }).catch(function (e) {
    clear(list);
    list.appendChild(h('p', { 'class': 'form-error' }, errorText(e)));
  });
}

function alertCard(a) {
  return h('article', { 'class': 'card alert-card sev-' + a.severity, 'data-testid': 'alert-item', 'data-alert-id': String(a.id), 'data-status': a.status }, [
    h('h2', null, [
      h('a', { href: '#/alert/' + a.id, 'data-testid': 'alert-open', title: t('alerts.open', { id: a.id }) }, '#' + a.id + ' · ' + ruleLabel(a)),
      ' ', alertStatusBadge(a.status),
      isExpired(a) ? [' ', h('span', { 'class': 'astatus astatus-expired', 'data-testid': 'alert-expired' }, t('alerts.expired'))] : null
    ]),
    capFields(a),
    h('p', { 'class': 'threat', 'data-testid': 'alert-threat' }, alertText(a, 'threat') || alertText(a, 'headline') || ''),
    h('dl', { 'class': 'kv' }, [
      h('dt', null, t('alerts.area')), h('dd', { 'data-testid': 'alert-area' }, areaSummary(a)),
      h('dt', null, t('alerts.firstFired')), h('dd', null, dateTime(a.created_at)),
      h('dt', null, t('alerts.lastFired')), h('dd', null, dateTime(a.updated_at) + (a.firings > 1 ? ' · ' + t('alerts.firings') + colon() + fmt(a.firings) : '')),
      h('dt', null, t('alerts.expires')), h('dd', null, dateTime(a.expires_at))
    ])
  ]);
}
