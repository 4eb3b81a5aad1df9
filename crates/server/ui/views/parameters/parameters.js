// #/parameters: the four parameters (issue #20). Each parameter's indicators with the
// quarter's value, the previous one and the change, baseline, target, status (set by
// a person, with who and why, or suggested by the figures), a trend by quarter, and a
// link to the records behind every figure; the milestones of (a) and (b); what changed
// since the last quarter; the report's figures (the same numbers as
// `vigil report`), with the report itself as HTML (print to PDF), JSON and CSV.
// Planners and admins set a status with its reason. Every number comes from the API.

import { t, lang } from '../../i18n/index.js';
import { h, clear, syntheticBadge, loadError } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { S } from '../../core/state.js';
import { vocab } from '../../core/vocabulary.js';
import { go } from '../../core/router.js';

/** Whether the role may read the dashboard (vocabulary `parameters.read`). */
export function parametersAllowed() {
  const list = vocab().parameters.read;
  return !!S.role && Array.isArray(list) && list.indexOf(S.role) >= 0;
}

function canEdit() {
  const list = vocab().parameters.edit;
  return !!S.role && Array.isArray(list) && list.indexOf(S.role) >= 0;
}

function show(v) {
  if (v === null || v === undefined) return '–';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 10) / 10);
  return String(v);
}

function statusLabel(code) {
  const list = vocab().parameters.statuses || [];
  const x = list.find(function (s) { return s.code === code; });
  return x ? ((x.label && (x.label[lang()] || x.label.en)) || code) : (code || '–');
}

/** A figure's value as a link to the records behind it (a route of this UI). */
function figureLink(value, link, testid) {
  if (!link || link.charAt(0) !== '#') return h('span', { 'data-testid': testid }, show(value));
  return h('a', { href: link, 'data-testid': testid, title: t('par.toRecords') }, show(value));
}

/** A small inline bar chart of a trend; points with no value drawn as gaps. */
function sparkline(series) {
  const NS = 'http://www.w3.org/2000/svg';
  const w = 120, hgt = 28;
  const vals = series.map(function (p) { return typeof p.value === 'number' ? p.value : null; });
  const max = Math.max.apply(null, vals.filter(function (v) { return v !== null; }).concat([1]));
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('width', String(w));
  svg.setAttribute('height', String(hgt));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', series.map(function (p) { return p.quarter + ': ' + show(p.value); }).join(', '));
  const bw = w / Math.max(series.length, 1);
  vals.forEach(function (v, i) {
    if (v === null) return;
    const r = document.createElementNS(NS, 'rect');
    const bh = Math.max(1, v / max * (hgt - 2));
    r.setAttribute('x', String(i * bw + 1));
    r.setAttribute('y', String(hgt - bh));
    r.setAttribute('width', String(bw - 2));
    r.setAttribute('height', String(bh));
    r.setAttribute('fill', i === vals.length - 1 ? '#1f5f8b' : '#8fb8d6');
    const tt = document.createElementNS(NS, 'title');
    tt.textContent = series[i].quarter + ': ' + show(v);
    r.appendChild(tt);
    svg.appendChild(r);
  });
  return svg;
}

function indicatorRow(i) {
  const ind = i.indicator;
  const st = i.status || i.suggested;
  return h('tr', { 'data-indicator': ind.code }, [
    h('td', null, [h('strong', null, lang() === 'fr' ? ind.name_fr : ind.name), h('div', { 'class': 'muted small' }, ind.definition),
      ind.source && ind.source.kind === 'manual' ? h('div', { 'class': 'muted small' }, t('par.manual')) : null,
      (i.notes || []).map(function (n) { return h('div', { 'class': 'notice small' }, n); })]),
    h('td', { 'data-col': 'value' }, [figureLink(i.value, i.link, 'ind-' + ind.code), ' ', h('span', { 'class': 'muted' }, ind.unit)]),
    h('td', null, show(i.previous)),
    h('td', null, i.change || '–'),
    h('td', null, show(ind.baseline)),
    h('td', null, show(ind.target)),
    h('td', { 'class': 'status-' + (st || ''), 'data-col': 'status' }, [statusLabel(st),
      i.status ? h('div', { 'class': 'muted small' }, t('par.setBy', { who: i.status_set_by || '', why: i.status_reason || '' }))
        : (i.suggested ? h('div', { 'class': 'muted small' }, t('par.suggested')) : null)]),
    h('td', null, sparkline(i.trend || []))
  ]);
}

function milestoneTable(ms) {
  if (!ms.length) return null;
  return h('table', { 'class': 'table', 'data-testid': 'milestones' }, [
    h('thead', null, h('tr', null, [t('par.milestone'), t('par.planned'), t('par.actual'), t('par.mStatus'), t('par.quantity'), t('par.sources')]
      .map(function (x) { return h('th', null, x); }))),
    h('tbody', null, ms.map(function (m) {
      return h('tr', null, [h('td', null, [m.title, m.provenance === 'synthetic' ? [' ', syntheticBadge()] : null]), h('td', null, m.planned),
        h('td', null, m.actual || '–'), h('td', null, m.status), h('td', null, m.quantity || ''), h('td', { 'class': 'small' }, m.sources)]);
    }))
  ]);
}

function statusForm(d, done) {
  const inds = [];
  d.parameters.forEach(function (p) { p.indicators.forEach(function (i) { inds.push(i.indicator); }); });
  const sel = h('select', { name: 'indicator', 'data-testid': 'status-indicator' }, inds.map(function (i) { return h('option', { value: i.code }, i.name); }));
  const st = h('select', { name: 'status', 'data-testid': 'status-status' }, (vocab().parameters.statuses || []).map(function (s) {
    return h('option', { value: s.code }, statusLabel(s.code));
  }));
  const reason = h('input', { type: 'text', name: 'reason', 'data-testid': 'status-reason', required: true });
  const err = h('p', { 'class': 'form-error', hidden: true });
  const form = h('form', { 'class': 'card', 'data-testid': 'status-form' }, [
    h('h3', null, t('par.setStatus', { period: d.period })),
    h('label', null, [t('par.indicator'), ' ', sel]), ' ', h('label', null, [t('par.mStatus'), ' ', st]), ' ',
    h('label', null, [t('par.reason'), ' ', reason]), ' ', h('button', { type: 'submit' }, t('par.save')), err
  ]);
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    api('POST', '/api/parameters/status', { indicator: sel.value, period: d.period, status: st.value, reason: reason.value })
      .then(done, function (x) { err.hidden = false; err.textContent = x.message; });
  });
  return form;
}

function figuresTable(d) {
  return h('table', { 'class': 'table', 'data-testid': 'figures' }, [
    h('thead', null, h('tr', null, [t('par.figure'), d.period, d.previous, d.year_before, t('par.sources')].map(function (x) { return h('th', null, x); }))),
    h('tbody', null, d.figures.map(function (f) {
      return h('tr', { 'data-figure': f.id }, [h('td', null, [f.section + ' — ' + f.title, f.unit ? ' (' + f.unit + ')' : '']),
        h('td', null, figureLink(f.current, f.link, 'fig-' + f.id)), h('td', null, show(f.previous)), h('td', null, show(f.year_before)),
        h('td', { 'class': 'small' }, f.complete ? '' : f.notes.join('; '))]);
    }))
  ]);
}

export function viewParameters(main, route) {
  let alive = true;
  const quarter = route.query.quarter || '';
  main.appendChild(h('p', { 'class': 'muted' }, t('common.loading')));
  function load() {
    return api('GET', '/api/parameters' + (quarter ? '?quarter=' + encodeURIComponent(quarter) : ''));
  }
  function render(d) {
    if (!alive) return;
    clear(main);
    const q = encodeURIComponent(d.period);
    const pick = h('select', { 'data-testid': 'quarter', 'aria-label': t('par.quarter') }, d.quarters.slice().reverse().map(function (x) {
      return h('option', { value: x, selected: x === d.period }, x);
    }));
    pick.addEventListener('change', function () { go('parameters', { quarter: pick.value }); });
    main.appendChild(h('section', { 'class': 'card', 'data-testid': 'param-dashboard' }, [
      h('h1', null, [t('par.title', { period: d.period }), d.synthetic ? [' ', syntheticBadge()] : null]),
      h('p', null, [t('par.quarter'), ' ', pick, ' · ',
        h('a', { href: '/api/parameters/report?quarter=' + q, target: '_blank', 'data-testid': 'report-html' }, t('par.reportHtml')), ' · ',
        h('a', { href: '/api/parameters/report?quarter=' + q + '&format=json', 'data-testid': 'report-json' }, t('par.reportJson')), ' · ',
        h('a', { href: '/api/parameters/report?quarter=' + q + '&format=csv', 'data-testid': 'report-csv' }, t('par.reportCsv'))]),
      h('p', { 'class': 'muted' }, t('par.how', { prev: d.previous }))
    ]));
    d.parameters.forEach(function (p) {
      main.appendChild(h('section', { 'class': 'card', 'data-param': p.param }, [
        h('h2', null, lang() === 'fr' ? p.title_fr : p.title),
        h('table', { 'class': 'table' }, [
          h('thead', null, h('tr', null, [t('par.indicator'), d.period, d.previous, t('par.change'), t('par.baseline'), t('par.target'), t('par.mStatus'), t('par.trend')]
            .map(function (x) { return h('th', null, x); }))),
          h('tbody', null, p.indicators.map(indicatorRow))
        ]),
        milestoneTable(p.milestones || [])
      ]));
    });
    main.appendChild(h('section', { 'class': 'card', 'data-testid': 'changed' }, [
      h('h2', null, t('par.changed', { prev: d.previous })),
      d.changed.length ? h('ul', null, d.changed.map(function (c) {
        return h('li', null, [c.title + ': ', figureLink(c.current, c.link, 'chg-' + c.id), ' (' + show(c.previous) + ', ' + c.change + ')']);
      })) : h('p', { 'class': 'muted' }, t('par.nothingChanged'))
    ]));
    main.appendChild(h('section', { 'class': 'card' }, [h('h2', null, t('par.figures')), figuresTable(d)]));
    if (canEdit()) main.appendChild(statusForm(d, function () { load().then(render); }));
  }
  load().then(render, function (e) { if (alive) { clear(main); main.appendChild(loadError(e)); } });
  return { destroy: function () { alive = false; } };
}
