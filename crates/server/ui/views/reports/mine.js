// #/my-reports: a reporter's own reports and their status (the server decides what
// the list holds), and those still waiting on this device.

import { t } from '../../i18n/index.js';
import { h, clear } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { go } from '../../core/router.js';
import { catLabel, statusLabel } from '../../core/labels.js';
import { reportSummary } from './common.js';
import { outboxPanel } from './outbox.js';
import { errorText } from '../../core/errors.js';

export function viewMyReports(main) {
  const waiting = outboxPanel((item) => go('report', { edit: item.client_id }));
  const list = h('div', { 'class': 'my-reports', 'data-testid': 'my-reports' }, h('p', null, t('common.loading')));
  main.appendChild(h('div', null, [h('h1', null, t('myreports.title')), waiting.el, list]));
  api('GET', '/api/reports').then((res) => {
    const reports = Array.isArray(res) ? res : (res && (res.reports || res.items)) || [];
    clear(list);
    if (!reports.length) { list.appendChild(h('p', { 'class': 'notice' }, t('myreports.empty'))); return; }
    list.appendChild(h('ul', { 'class': 'plain' }, reports.map((r) => h('li', { 'class': 'card report-card', 'data-testid': 'my-report', 'data-report-id': String(r.id) }, [
      h('h2', null, ['#' + r.id + ' · ', catLabel(r.category), ' ',
        h('span', { 'class': 'status status-' + r.status }, statusLabel(r.status))]),
      reportSummary(r),
      h('p', { 'class': 'desc' }, r.description || '')
    ]))));
  }).catch((e) => {
    clear(list);
    list.appendChild(h('p', { 'class': 'form-error' }, errorText(e)));
  });
  return { destroy: waiting.destroy };
}
