// #/reports/{id}: one report (the evidence behind an alert links here); analysts and
// admins can raise an alert from it.

import { t } from '../../i18n/index.js';
import { h, append, clear, loadError } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { dateTime } from '../../core/format.js';
import { can } from '../../core/access.js';
import { catLabel, statusLabel } from '../../core/labels.js';
import { reportSummary, restrictedBlock } from './common.js';

export function viewReportPage(main, route) {
  var id = route.params[0];
  var box = h('div', { 'class': 'incident-page', 'data-testid': 'report-page', 'data-report-id': id }, h('p', null, t('common.loading')));
  main.appendChild(box);
  api('GET', '/api/reports/' + encodeURIComponent(id)).then(function (r) {
    clear(box);
    append(box, [
      h('p', null, h('a', { href: '#/alerts', onclick: function (e) { if (history.length > 1) { e.preventDefault(); history.back(); } } }, '← ' + t('common.back'))),
      h('h1', null, [t('reportpage.title', { id: r.id }), ' ', h('span', { 'class': 'status status-' + r.status }, statusLabel(r.status))]),
      h('section', { 'class': 'card' }, [
        h('h2', null, [catLabel(r.category), ' ', h('span', { 'class': 'muted' }, t('triage.received') + ' ' + dateTime(r.received_at))]),
        reportSummary(r),
        h('p', { 'class': 'desc', 'data-testid': 'report-text' }, r.description || ''),
        restrictedBlock(r),
        r.incident_id != null ? h('p', null, h('a', { href: '#/incident/' + r.incident_id }, t('reportpage.incident', { id: r.incident_id }))) : null,
        can('manage_alerts') ? h('p', null, h('a', { href: '#/new-alert?report=' + encodeURIComponent(r.id), 'class': 'button-link secondary', 'data-testid': 'raise-from-report' }, t('reportpage.raise'))) : null
      ])
    ]);
  }).catch(function (e) {
    clear(box);
    box.appendChild(loadError(e));
  });
}
