// Shared by the human-rights views: who may use which part (the vocabulary's
// `rights.access_*` lists), labels of the rights lists, the tabs.

import { t, lang } from '../../i18n/index.js';
import { h } from '../../core/dom.js';
import { S } from '../../core/state.js';
import { vocab } from '../../core/vocabulary.js';

/** May the current role use this part of the human-rights module (cases, aggregates, hrddp_register)? */
export function rightsCan(part) {
  const list = vocab().rights['access_' + part];
  return !!S.role && Array.isArray(list) && list.indexOf(S.role) >= 0;
}

/** [{value, label}] of a rights list (act_types, perpetrators, victim_groups, case_statuses…). */
export function rightsOptions(list) {
  const l = vocab().rights[list];
  return (Array.isArray(l) ? l : []).map((x) => ({ value: x.code, label: (x.label && (x.label[lang()] || x.label.en)) || x.code }));
}

/** The label of a code in a rights list (the code itself when unknown). */
export function rightsLabel(list, code) {
  const o = rightsOptions(list).find((x) => x.value === code);
  return o ? o.label : String(code === null || code === undefined ? '' : code);
}

export function select(id, name, list, chosen, testid) {
  return h('select', { id: id, name: name, 'data-testid': testid || null }, rightsOptions(list).map((o) =>
    h('option', { value: o.value, selected: o.value === chosen }, o.label)));
}

/** The tabs of the module for the current role. */
export function rightsTabs(here) {
  const tabs = [];
  if (rightsCan('cases')) tabs.push(['rights', 'hr.cases'], ['rights/new', 'hr.newCase']);
  if (rightsCan('aggregates')) tabs.push(['rights/note', 'hr.note']);
  if (rightsCan('hrddp_register')) tabs.push(['rights/hrddp', 'hr.hrddp']);
  return h('nav', { 'class': 'tabs', 'data-testid': 'rights-tabs' }, tabs.map((x) =>
    h('a', { href: '#/' + x[0], 'class': x[0] === here ? 'active' : null }, t(x[1]))));
}
