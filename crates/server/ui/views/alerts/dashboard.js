// #/responses: response times — the median time from issue to acknowledgement and to
// the first dispatched response, overall, by area and by month; alerts with no response
// N hours after issue.

import { t, fmt } from '../../i18n/index.js';
import { h, append, clear, field, clearErrors, showFieldError } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { S } from '../../core/state.js';
import { qs } from '../../core/api.js';
import { go, parseRoute } from '../../core/router.js';
import { dateTime, decimal, minutesText } from '../../core/format.js';
import { areaName } from '../../core/areas.js';
import { alertTabs, pageTitle, alertStatusBadge } from './common.js';
import { errorText } from '../../core/errors.js';

export function viewDashboard(main, route) {
  var hours = parseInt(route.query.hours, 10);
  if (!(hours >= 1 && hours <= 8760)) hours = 24;
  var level = route.query.level === '2' ? '2' : '1';
  var hoursIn = h('input', { id: 'dash-hours', name: 'hours', type: 'number', min: '1', max: '8760', step: '1', value: String(hours), inputmode: 'numeric', 'data-testid': 'dash-hours' });
  var levelSel = h('select', { id: 'dash-level', name: 'level', 'data-testid': 'dash-level' }, [
    h('option', { value: '1' }, t('filters.admin1')), h('option', { value: '2' }, t('filters.admin2'))
  ]);
  levelSel.value = level;
  var form = h('form', { 'class': 'card dash-controls', novalidate: true, 'data-testid': 'dash-controls' }, [
    h('div', { 'class': 'row2' }, [field('hours', 'dash.hours', hoursIn), field('level', 'dash.level', levelSel)])
  ]);
  function apply() {
    clearErrors(form);
    var n = parseInt(hoursIn.value, 10);
    if (!(n >= 1 && n <= 8760)) { showFieldError(form, 'hours', '1 … 8760'); return; }
    // A second change event (the input losing focus as the page is redrawn) must not
    // redraw the page again.
    var now = parseRoute();
    if (now.name === 'responses' && String(n) === (now.query.hours || '24') && levelSel.value === (now.query.level || '1')) return;
    go('responses', { hours: String(n), level: levelSel.value });
  }
  form.addEventListener('submit', function (ev) { ev.preventDefault(); apply(); });
  form.addEventListener('change', apply);
  var body = h('div', { 'class': 'dashboard', 'data-testid': 'dashboard' }, h('p', null, t('common.loading')));
  main.appendChild(h('div', { 'class': 'alerts-page' }, [
    alertTabs('responses'),
    pageTitle('dash.title', null, S.synthetic),
    h('p', { 'class': 'muted' }, t('dash.intro')),
    form,
    body
  ]));
  api('GET', '/api/responses/dashboard' + qs({ hours: hours, level: level })).then(function (d) {
    clear(body);
    var o = d.overall || {};
    append(body, [
      h('section', { 'class': 'card' }, [
        h('h2', null, t('dash.overall')),
        o.alerts ? h('dl', { 'class': 'kv figures', 'data-testid': 'dash-overall' }, [
          h('dt', null, t('dash.alerts')), h('dd', null, fmt(o.alerts)),
          h('dt', null, t('dash.acknowledged')), h('dd', null, fmt(o.acknowledged)),
          h('dt', null, t('dash.tta')), h('dd', { 'data-testid': 'dash-tta' }, minutesText(o.median_minutes_to_acknowledge)),
          h('dt', null, t('dash.responded')), h('dd', null, fmt(o.responded)),
          h('dt', null, t('dash.ttr')), h('dd', { 'data-testid': 'dash-ttr' }, minutesText(o.median_minutes_to_respond))
        ]) : h('p', { 'class': 'muted', 'data-testid': 'dash-empty' }, t('dash.empty'))
      ]),
      dashTable('dash.byArea', 'dash.area', d.by_area || [], function (g) { return g.name || (g.code ? areaName(g.code) : t('dash.noArea')); }, 'area'),
      dashTable('dash.byMonth', 'dash.month', (d.by_month || []).slice().reverse(), function (g) { return g.month; }, 'month'),
      unansweredCard(d)
    ]);
  }).catch(function (e) {
    clear(body);
    if (e.status === 422 && showFieldError(form, e.field, e.message)) return;
    body.appendChild(h('p', { 'class': 'form-error' }, errorText(e)));
  });
}

function dashTable(titleKey, firstKey, rows, label, kind) {
  if (!rows.length) return null;
  return h('section', { 'class': 'card' }, [
    h('h2', null, t(titleKey)),
    h('div', { 'class': 'table-wrap' }, h('table', { 'class': 'data', 'data-testid': 'dash-by-' + kind }, [
      h('thead', null, h('tr', null, [t(firstKey), t('dash.alerts'), t('dash.acknowledged'), t('dash.tta'), t('dash.responded'), t('dash.ttr')]
        .map(function (x) { return h('th', { scope: 'col' }, x); }))),
      h('tbody', null, rows.map(function (g) {
        return h('tr', { 'data-testid': 'dash-' + kind + '-row', 'data-key': kind === 'area' ? (g.code || '') : g.month }, [
          h('th', { scope: 'row', 'data-testid': 'dash-label' }, label(g)),
          h('td', null, fmt(g.alerts)),
          h('td', null, fmt(g.acknowledged)),
          h('td', { 'data-testid': 'dash-tta' }, minutesText(g.median_minutes_to_acknowledge)),
          h('td', null, fmt(g.responded)),
          h('td', { 'data-testid': 'dash-ttr' }, minutesText(g.median_minutes_to_respond))
        ]);
      }))
    ]))
  ]);
}

function unansweredCard(d) {
  var list = d.no_response_after_hours || [];
  var hrs = fmt(d.hours);
  return h('section', { 'class': 'card', 'data-testid': 'dash-unanswered' }, [
    h('h2', null, t('dash.unanswered', { h: hrs })),
    list.length ? h('ul', { 'class': 'plain' }, list.map(function (u) {
      return h('li', { 'class': 'unanswered', 'data-testid': 'dash-unanswered-item', 'data-alert-id': String(u.id) }, [
        h('a', { href: '#/alert/' + u.id }, '#' + u.id + ' · ' + (u.headline || '')), ' ', alertStatusBadge(u.status), h('br'),
        h('span', { 'class': 'muted small' }, [t('alerts.issuedAt') + ' ' + dateTime(u.issued_at), ' · ', t('dash.since', { h: decimal(u.hours_since_issue) }),
          u.first_response_at ? ' · ' + t('dash.late', { t: dateTime(u.first_response_at) }) : null])
      ]);
    })) : h('p', { 'class': 'muted' }, t('dash.unansweredNone', { h: hrs }))
  ]);
}
