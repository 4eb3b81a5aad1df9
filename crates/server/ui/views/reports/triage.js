// #/triage: new reports, newest first, with their suggested duplicates; verify,
// merge or discard each.

import { t } from '../../i18n/index.js';
import { h, clear } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { qs } from '../../core/api.js';
import { dateTime } from '../../core/format.js';
import { catLabel } from '../../core/labels.js';
import { reportSummary, restrictedBlock } from './common.js';
import { openVerify } from './verify.js';
import { doMerge, openMerge, openDiscard } from './triage-actions.js';
import { errorText } from '../../core/errors.js';

export function viewTriage(main) {
  var list = h('div', { 'class': 'triage-list', 'data-testid': 'triage-list' }, h('p', null, t('common.loading')));
  var count = h('p', { 'class': 'muted', 'data-testid': 'triage-count' });
  main.appendChild(h('div', { 'class': 'triage-page' }, [
    h('h1', null, t('triage.title')),
    count,
    list
  ]));
  api('GET', '/api/reports' + qs({ status: 'new' })).then(function (res) {
    var reports = Array.isArray(res) ? res : (res && (res.reports || res.items)) || [];
    clear(list);
    count.textContent = t('triage.count', { n: reports.length });
    if (!reports.length) {
      list.appendChild(h('p', { 'class': 'notice', 'data-testid': 'triage-empty' }, t('triage.empty')));
      return;
    }
    reports.forEach(function (r) { list.appendChild(triageCard(r)); });
  }).catch(function (e) {
    clear(list);
    list.appendChild(h('p', { 'class': 'form-error' }, errorText(e)));
  });
}


function triageCard(r) {
  var panel = h('div', { 'class': 'action-panel' });
  var dups = r.suggested_duplicates || [];
  var card = h('article', { 'class': 'card report-card', 'data-testid': 'triage-item', 'data-report-id': String(r.id) }, [
    h('header', null, [
      h('h2', null, ['#' + r.id + ' · ', catLabel(r.category)]),
      h('span', { 'class': 'muted' }, t('triage.received') + ' ' + dateTime(r.received_at || r.created_at))
    ]),
    reportSummary(r),
    h('p', { 'class': 'desc' }, r.description || ''),
    restrictedBlock(r),
    h('div', { 'class': 'dups' }, [
      h('strong', null, t('triage.duplicates') + ': '),
      dups.length ? h('ul', null, dups.map(function (d) {
        var label = d.incident_id != null ? 'incident #' + d.incident_id : 'report #' + d.report_id;
        return h('li', { 'data-testid': 'duplicate' }, [
          d.incident_id != null ? h('a', { href: '#/incident/' + d.incident_id }, label) : label,
          ' — ', t('triage.score', { s: typeof d.score === 'number' ? d.score.toFixed(2) : d.score }),
          d.reason ? ' — ' + d.reason : '',
          d.incident_id != null ? [' ', h('button', {
            type: 'button', 'class': 'secondary small', onclick: function () { doMerge(r, d.incident_id, card); }
          }, t('triage.merge'))] : null
        ]);
      })) : h('span', { 'class': 'muted' }, t('triage.noDuplicates'))
    ]),
    h('div', { 'class': 'actions' }, [
      h('button', { type: 'button', 'class': 'primary', 'data-testid': 'triage-verify', onclick: function () { openVerify(r, panel, card); } }, t('triage.verify')),
      h('button', { type: 'button', 'class': 'secondary', 'data-testid': 'triage-merge', onclick: function () { openMerge(r, panel, card); } }, t('triage.merge')),
      h('button', { type: 'button', 'class': 'danger', 'data-testid': 'triage-discard', onclick: function () { openDiscard(r, panel, card); } }, t('triage.discard'))
    ]),
    panel
  ]);
  return card;
}
