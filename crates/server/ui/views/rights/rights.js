// #/rights…: the human-rights module. Human-rights officers get the cases (list, form,
// a case's page), investigations and the HRDDP register; analysts and planners the
// suppressed aggregates only (the server enforces the same lists).
//   #/rights                      cases (hr_officer) or the aggregates (others)
//   #/rights/new[?report=ID]      record a case
//   #/rights/case/ID              a case
//   #/rights/investigation-new?case=ID, #/rights/investigation/ID
//   #/rights/note[?quarter=2022-Q3]   the quarterly note's tables and links
//   #/rights/hrddp                the HRDDP register

import { t } from '../../i18n/index.js';
import { h } from '../../core/dom.js';
import { rightsCan } from './common.js';
import { viewCases, viewCaseForm, viewCase, viewInvestigationForm, viewInvestigation } from './cases.js';
import { viewAggregates } from './aggregates.js';
import { viewHrddp } from './hrddp.js';

export function rightsAllowed() {
  return rightsCan('aggregates') || rightsCan('cases');
}

export function viewRights(main, route) {
  const p = route.params[0] || '';
  const hr = rightsCan('cases');
  if (p === 'note' || (!p && !hr)) return viewAggregates(main, route);
  if (p === 'hrddp' && rightsCan('hrddp_register')) return viewHrddp(main, route);
  if (!hr) { main.appendChild(h('p', { 'class': 'notice', 'data-testid': 'forbidden' }, t('common.forbidden'))); return null; }
  if (!p) return viewCases(main, route);
  if (p === 'new') return viewCaseForm(main, route);
  if (p === 'case') return viewCase(main, route);
  if (p === 'investigation-new') return viewInvestigationForm(main, route);
  if (p === 'investigation') return viewInvestigation(main, route);
  main.appendChild(h('p', { 'class': 'notice' }, t('common.notFound')));
  return null;
}
