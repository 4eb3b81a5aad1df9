// #/audit (admin): the audit log, newest first, filtered by who, action and record,
// and its verification (GET /api/audit/verify recomputes the keyed chain and the
// audited rows). The filters apply to the entries loaded (the newest `limit`).

import { t, fmt } from '../../i18n/index.js';
import { h, append, clear, loadError } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { dateTime } from '../../core/format.js';
import { go } from '../../core/router.js';
import { adminTabs } from './common.js';
import { errorText } from '../../core/errors.js';

const LIMITS = ['200', '1000', '10000'];

function json(v) { return v === null || v === undefined ? '' : JSON.stringify(v, null, 1); }

function options(values, chosen) {
  return [h('option', { value: '' }, t('audit.any'))].concat(values.map(function (v) {
    return h('option', { value: v, selected: v === chosen }, v);
  }));
}

export function viewAudit(main, route) {
  var q = route.query || {};
  var limit = LIMITS.indexOf(q.limit) >= 0 ? q.limit : LIMITS[0];
  var actor = h('select', { id: 'au-actor', name: 'actor', 'data-testid': 'audit-actor' });
  var action = h('select', { id: 'au-action', name: 'action', 'data-testid': 'audit-action' });
  var entity = h('input', { id: 'au-entity', name: 'entity', value: q.entity || '', placeholder: t('audit.entityHint'), 'data-testid': 'audit-entity', autocomplete: 'off' });
  var lim = h('select', { id: 'au-limit', name: 'limit', 'data-testid': 'audit-limit' }, LIMITS.map(function (l) { return h('option', { value: l, selected: l === limit }, fmt(Number(l))); }));
  var label = function (id, key, ctl) { return h('div', { 'class': 'field' }, [h('label', { 'for': id }, t(key)), ctl]); };
  var filters = h('form', { 'class': 'card audit-filters', 'data-testid': 'audit-filters' }, h('div', { 'class': 'grid' }, [
    label('au-actor', 'audit.actor', actor), label('au-action', 'audit.action', action),
    label('au-entity', 'audit.entity', entity), label('au-limit', 'audit.limit', lim)
  ]));
  function apply() {
    go('audit', { limit: lim.value, actor: actor.value || null, action: action.value || null, entity: entity.value.trim() || null });
  }
  filters.addEventListener('submit', function (ev) { ev.preventDefault(); apply(); });
  filters.addEventListener('change', apply);

  var verdict = h('p', { role: 'status', hidden: true, 'data-testid': 'audit-verdict' });
  var problems = h('ul', { 'class': 'plain error-text', 'data-testid': 'audit-problems' });
  var verify = h('button', { type: 'button', 'class': 'primary', 'data-testid': 'audit-verify' }, t('audit.verify'));
  verify.addEventListener('click', function () {
    verify.disabled = true;
    verdict.hidden = false;
    verdict.className = 'muted';
    verdict.textContent = t('audit.verifying');
    clear(problems);
    api('GET', '/api/audit/verify').then(function (v) {
      verdict.className = v.ok ? 'success' : 'form-error';
      verdict.dataset.ok = String(!!v.ok);
      verdict.textContent = v.ok ? t('audit.ok', { n: fmt(v.entries) }) : t('audit.bad', { n: fmt((v.problems || []).length), m: fmt(v.entries) });
      append(problems, (v.problems || []).map(function (p) { return h('li', null, p.message); }));
    }).catch(function (e) {
      verdict.className = 'form-error';
      verdict.textContent = errorText(e);
    }).then(function () { verify.disabled = false; });
  });

  var count = h('p', { 'class': 'muted', 'data-testid': 'audit-count' });
  var body = h('div', { 'data-testid': 'audit' }, h('p', null, t('common.loading')));
  main.appendChild(h('div', { 'class': 'admin-page' }, [
    adminTabs('audit'),
    h('h1', null, t('audit.title')),
    h('p', { 'class': 'muted' }, t('audit.intro')),
    h('section', { 'class': 'card' }, [verify, ' ', verdict, problems]),
    filters, count, body
  ]));

  api('GET', '/api/audit?limit=' + encodeURIComponent(limit)).then(function (entries) {
    entries = Array.isArray(entries) ? entries.slice().reverse() : [];
    var distinct = function (k) { return Array.from(new Set(entries.map(function (e) { return e[k]; }))).sort(); };
    append(actor, options(distinct('actor'), q.actor || ''));
    append(action, options(distinct('action'), q.action || ''));
    var shown = entries.filter(function (e) {
      return (!q.actor || e.actor === q.actor) && (!q.action || e.action === q.action) &&
        (!q.entity || String(e.entity).indexOf(q.entity) >= 0);
    });
    clear(body);
    count.textContent = t('audit.shown', { n: fmt(shown.length), m: fmt(entries.length) });
    if (!shown.length) { body.appendChild(h('p', { 'class': 'notice', 'data-testid': 'audit-empty' }, t('audit.none'))); return; }
    body.appendChild(h('div', { 'class': 'table-wrap' }, h('table', { 'class': 'data left', 'data-testid': 'audit-table' }, [
      h('thead', null, h('tr', null, ['audit.seq', 'audit.at', 'audit.actor', 'audit.action', 'audit.entity', 'audit.change'].map(function (k) { return h('th', { scope: 'col' }, t(k)); }))),
      h('tbody', null, shown.slice(0, 1000).map(function (e) {
        var change = e.before || e.after ? h('details', null, [
          h('summary', null, t('audit.change')),
          e.before ? [h('strong', null, t('audit.before')), h('pre', null, json(e.before))] : null,
          e.after ? [h('strong', null, t('audit.after')), h('pre', null, json(e.after))] : null
        ]) : '';
        return h('tr', { 'data-testid': 'audit-row', 'data-seq': String(e.seq), 'data-actor': e.actor, 'data-action': e.action, 'data-entity': e.entity }, [
          h('td', null, String(e.seq)), h('td', null, dateTime(e.at)), h('td', null, e.actor),
          h('td', null, h('code', null, e.action)), h('td', null, e.entity), h('td', null, change)
        ]);
      }))
    ])));
  }).catch(function (e) {
    clear(body);
    body.appendChild(loadError(e));
  });
}
