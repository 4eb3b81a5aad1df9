// The quarterly note's tables as any role with `rights.access_aggregates` sees them:
// counts only, suppressed (GET /api/cases/aggregates), with links to the note as HTML
// and to each table as CSV. Analysts and planners see nothing else of the cases.

import { t } from '../../i18n/index.js';
import { h, clear, loadError } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { go } from '../../core/router.js';
import { rightsLabel, rightsTabs } from './common.js';

function labelOf(code, regions) {
  if (code === 'total') return 'Total';
  if (regions && regions[code]) return regions[code];
  for (const list of ['act_types', 'perpetrators', 'victim_groups']) {
    const l = rightsLabel(list, code);
    if (l !== code) return l;
  }
  return code;
}

function table(nt, regions) {
  const tb = nt.table;
  const head = h('tr', null, [h('th', null, nt.rows_are)].concat(tb.columns.map((c) => h('th', null, labelOf(c, regions))),
    tb.totals ? [h('th', null, 'Total')] : []));
  const rows = tb.rows.concat(tb.totals ? [tb.totals] : []).map((r) => h('tr', { 'class': r.key === 'total' ? 'total' : null },
    [h('td', null, labelOf(r.key, regions))].concat(r.cells.concat(r.total !== null && r.total !== undefined ? [r.total] : []).map((c) =>
      h('td', { 'class': typeof c === 'string' ? 'suppressed' : null }, String(c))))));
  return h('table', { 'class': 'data', 'data-testid': 'note-table-' + nt.name }, [h('thead', null, head), h('tbody', null, rows)]);
}

export function viewAggregates(main, route) {
  const q = route.query.quarter || '';
  main.appendChild(rightsTabs('rights/note'));
  const input = h('input', { id: 'hr-quarter', name: 'quarter', value: q, placeholder: '2022-Q3', 'data-testid': 'note-quarter' });
  const form = h('form', { 'class': 'card', 'data-testid': 'note-form' }, [
    h('div', { 'class': 'field' }, [h('label', { 'for': 'hr-quarter' }, t('hr.quarter')), input]),
    h('button', { type: 'submit', 'class': 'primary', 'data-testid': 'note-produce' }, t('hr.produce'))
  ]);
  form.addEventListener('submit', (ev) => { ev.preventDefault(); go('rights/note', { quarter: input.value.trim() || null }); });
  main.appendChild(form);
  const out = h('section', { 'class': 'card', 'data-testid': 'note-result' }, h('p', { 'class': 'muted' }, t('common.loading')));
  main.appendChild(out);
  api('GET', '/api/cases/aggregates' + (q ? '?quarter=' + encodeURIComponent(q) : '')).then((a) => {
    clear(out);
    const n = a.note;
    const qs = '?quarter=' + encodeURIComponent(n.quarter.year + '-Q' + n.quarter.q);
    out.setAttribute('data-quarter', n.quarter.year + '-Q' + n.quarter.q);
    out.appendChild(h('h1', null, t('hr.note') + ' ' + n.quarter.year + '-Q' + n.quarter.q));
    out.appendChild(h('p', { 'class': 'muted', 'data-testid': 'note-rule' }, t('hr.aggregatesOnly', { t: n.threshold })));
    out.appendChild(h('p', { 'class': 'muted' }, t('hr.unverified', { n: n.unverified })));
    out.appendChild(h('p', null, [h('a', { href: '/api/cases/note' + qs, target: '_blank', rel: 'noopener', 'data-testid': 'note-html' }, t('hr.noteHtml'))]));
    n.tables.forEach((nt) => {
      out.appendChild(h('h2', null, nt.title));
      out.appendChild(table(nt, a.regions));
      out.appendChild(h('p', null, h('a', { href: '/api/cases/note.csv' + qs + '&table=' + nt.name, 'data-testid': 'note-csv-' + nt.name }, t('hr.csv'))));
    });
  }).catch((e) => { clear(out); out.appendChild(loadError(e)); });
}
