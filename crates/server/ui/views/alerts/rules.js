// #/rules: the alert rules in force, read-only (the rules file is the server's
// configuration).

import { t, fmt } from '../../i18n/index.js';
import { h, clear } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { typeLabel } from '../../core/labels.js';
import { alertTabs, capv, alertStatusBadge } from './common.js';
import { errorText } from '../../core/errors.js';

var RULE_FIELDS = ['id', 'name', 'description', 'enabled', 'status_on_fire', 'category', 'urgency', 'severity', 'certainty', 'dedup_window_hours', 'expires_hours', 'kind'];

function paramValue(k, v) {
  if (Array.isArray(v)) {
    // an empty list sets no condition
    if (!v.length) return t('rules.any');
    return v.map(function (x) { return k === 'types' ? typeLabel(x) : String(x); }).join(', ');
  }
  if (v === 'Admin1') return t('filters.admin1');
  if (v === 'Admin2') return t('filters.admin2');
  if (typeof v === 'number') return fmt(v);
  if (v && typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export function viewRules(main) {
  var list = h('div', { 'data-testid': 'rule-list' }, h('p', null, t('common.loading')));
  main.appendChild(h('div', { 'class': 'alerts-page' }, [alertTabs('rules'), h('h1', null, t('rules.title')), h('p', { 'class': 'muted' }, t('rules.intro')), list]));
  api('GET', '/api/rules').then(function (res) {
    var rules = Array.isArray(res) ? res : (res && res.rules) || [];
    clear(list);
    if (!rules.length) { list.appendChild(h('p', { 'class': 'notice' }, t('rules.empty'))); return; }
    rules.forEach(function (r) {
      var params = Object.keys(r).filter(function (k) { return RULE_FIELDS.indexOf(k) < 0; });
      list.appendChild(h('article', { 'class': 'card rule-card' + (r.enabled === false ? ' disabled' : ''), 'data-testid': 'rule-item', 'data-rule-id': r.id }, [
        h('h2', null, [r.name, r.enabled === false ? [' ', h('span', { 'class': 'astatus astatus-cancelled' }, t('rules.disabled'))] : null]),
        h('p', { 'class': 'muted small' }, h('code', null, r.id)),
        r.description ? h('p', { 'data-testid': 'rule-description' }, r.description) : null,
        h('dl', { 'class': 'kv' }, [
          h('dt', null, t('rules.kind')), h('dd', { 'data-testid': 'rule-kind' }, t('kind.' + r.kind) === 'kind.' + r.kind ? r.kind : t('kind.' + r.kind)),
          h('dt', null, t('rules.statusOnFire')), h('dd', null, alertStatusBadge(r.status_on_fire)),
          h('dt', null, t('cap.category')), h('dd', null, r.category),
          h('dt', null, t('cap.urgency')), h('dd', null, capv(r.urgency)),
          h('dt', null, t('cap.severity')), h('dd', null, capv(r.severity)),
          h('dt', null, t('cap.certainty')), h('dd', null, capv(r.certainty)),
          h('dt', null, t('rules.dedup')), h('dd', null, t('rules.hours', { n: fmt(r.dedup_window_hours) })),
          h('dt', null, t('rules.expiry')), h('dd', null, t('rules.hours', { n: fmt(r.expires_hours) }))
        ]),
        params.length ? h('details', { 'class': 'rule-params', open: true }, [
          h('summary', null, t('rules.params')),
          h('dl', { 'class': 'kv', 'data-testid': 'rule-params' }, params.map(function (k) {
            var label = t('param.' + k) === 'param.' + k ? k : t('param.' + k);
            return [h('dt', null, label), h('dd', { 'data-param': k }, paramValue(k, r[k]))];
          }))
        ]) : null
      ]));
    });
  }).catch(function (e) {
    clear(list);
    list.appendChild(h('p', { 'class': 'form-error' }, errorText(e)));
  });
}
