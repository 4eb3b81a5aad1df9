// The HRDDP register: assessments by month, force and decision, overdue mitigation
// measures, open follow-ups; the requests with their assessments for human-rights
// officers (GET /api/hrddp).

import { t } from '../../i18n/index.js';
import { h, clear, loadError } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { rightsLabel, rightsTabs } from './common.js';

function tbl(testid, heads, rows) {
  return h('table', { 'class': 'data', 'data-testid': testid }, [h('thead', null, h('tr', null, heads.map((x) => h('th', null, t(x))))),
    h('tbody', null, rows.map((r) => h('tr', null, r.map((c) => h('td', null, String(c === null || c === undefined ? '' : c))))))]);
}

export function viewHrddp(main) {
  main.appendChild(rightsTabs('rights/hrddp'));
  const box = h('section', { 'class': 'card', 'data-testid': 'hrddp-register' }, h('p', { 'class': 'muted' }, t('common.loading')));
  main.appendChild(box);
  api('GET', '/api/hrddp').then((r) => {
    clear(box);
    box.appendChild(h('h1', null, t('hr.hrddp')));
    box.appendChild(h('h2', null, t('hr.byMonth')));
    box.appendChild(tbl('hrddp-by-month', ['hr.month', 'hr.force', 'hr.decision', 'hr.count'],
      r.by_month.map((l) => [l.month, l.force, l.decision === 'pending' ? 'pending' : rightsLabel('decisions', l.decision), l.assessments])));
    box.appendChild(h('h2', null, t('hr.overdue')));
    box.appendChild(tbl('hrddp-overdue', ['hr.unit', 'hr.measure', 'hr.owner', 'hr.due'], r.overdue.map((o) => [o.unit, o.measure, o.owner, o.due])));
    box.appendChild(h('p', { 'data-testid': 'hrddp-followups' }, t('hr.followups') + ': ' + r.open_followups));
    if (r.requests) {
      box.appendChild(h('h2', null, t('hr.requests')));
      box.appendChild(tbl('hrddp-requests', ['hr.unit', 'hr.type', 'hr.date', 'hr.risk', 'hr.decision', 'hr.status'], r.requests.map((x) => [
        x.request.unit, rightsLabel('support_types', x.request.support_type), x.request.requested_on,
        x.assessment ? rightsLabel('risk_levels', x.assessment.risk_level) + (x.assessment.needs_review ? ' (' + t('hr.review') + ')' : '') : '—',
        x.assessment && x.assessment.decision ? rightsLabel('decisions', x.assessment.decision) : '—', x.request.status])));
    }
  }).catch((e) => { clear(box); box.appendChild(loadError(e)); });
}
