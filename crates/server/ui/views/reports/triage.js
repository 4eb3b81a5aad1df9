// #/triage: new reports, newest first, with their suggested duplicates; verify,
// merge or discard each. #/triage?status=merged|discarded|verified lists what was
// done with the others: the incident each went into, or why it was set aside, by whom
// and when.

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

var TABS = ['new', 'verified', 'merged', 'discarded'];

function triageTabs(active) {
  return h('nav', { 'class': 'tabs', 'aria-label': t('triage.title'), 'data-testid': 'triage-tabs' }, TABS.map(function (s) {
    return h('a', {
      href: '#/triage' + (s === 'new' ? '' : qs({ status: s })),
      'class': active === s ? 'active' : null, 'aria-current': active === s ? 'page' : null,
      'data-testid': 'triage-tab-' + s
    }, t('triage.tab.' + s));
  }));
}

export function viewTriage(main, route) {
  var status = route && route.query && TABS.indexOf(route.query.status) > 0 ? route.query.status : 'new';
  var list = h('div', { 'class': 'triage-list', 'data-testid': 'triage-list', 'data-status': status }, h('p', null, t('common.loading')));
  var count = h('p', { 'class': 'muted', 'data-testid': 'triage-count' });
  main.appendChild(h('div', { 'class': 'triage-page' }, [
    h('h1', null, t('triage.title')),
    triageTabs(status),
    count,
    list
  ]));
  api('GET', '/api/reports' + qs({ status: status })).then(function (res) {
    var reports = Array.isArray(res) ? res : (res && (res.reports || res.items)) || [];
    clear(list);
    count.textContent = t('triage.count.' + status, { n: reports.length });
    if (!reports.length) {
      list.appendChild(h('p', { 'class': 'notice', 'data-testid': 'triage-empty' }, t(status === 'new' ? 'triage.empty' : 'triage.emptyDone')));
      return;
    }
    reports.forEach(function (r) { list.appendChild(status === 'new' ? triageCard(r) : doneCard(r)); });
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

/** A report already dealt with: what became of it, by whom and when. */
function doneCard(r) {
  var outcome = r.status === 'discarded'
    ? h('p', { 'data-testid': 'done-outcome' }, [h('strong', null, t('triage.discardedBecause') + ' '), r.discard_reason || '—'])
    : h('p', { 'data-testid': 'done-outcome' }, [
      t(r.status === 'merged' ? 'triage.mergedInto' : 'triage.verifiedAs') + ' ',
      r.incident_id != null ? h('a', { href: '#/incident/' + r.incident_id, 'data-testid': 'done-incident' }, t('incident.title', { id: r.incident_id })) : '—'
    ]);
  return h('article', { 'class': 'card report-card', 'data-testid': 'done-item', 'data-report-id': String(r.id), 'data-status': r.status }, [
    h('header', null, [
      h('h2', null, ['#' + r.id + ' · ', catLabel(r.category)]),
      h('span', { 'class': 'muted' }, t('triage.received') + ' ' + dateTime(r.received_at || r.created_at))
    ]),
    outcome,
    h('p', { 'class': 'muted', 'data-testid': 'done-by' }, t('triage.actionedBy', { by: r.actioned_by || '—', at: dateTime(r.actioned_at) })),
    reportSummary(r),
    h('p', { 'class': 'desc' }, r.description || ''),
    restrictedBlock(r)
  ]);
}
