// #/forecast/area/{code}: an admin area's forecast from the latest stored cell run,
// the band per month against the deaths then recorded (chart and table), the deaths
// of the year before, and the guard's skill by horizon. How cells add up to the
// area is said on the page (quantiles do not add).

import { t, fmt } from '../../i18n/index.js';
import { h, clear, syntheticBadge, loadError } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { latestCellRun, pct, num, signedPct } from './common.js';

var SVG = 'http://www.w3.org/2000/svg';

function svg(tag, attrs, text) {
  var e = document.createElementNS(SVG, tag);
  Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, String(attrs[k])); });
  if (text !== undefined) e.textContent = text;
  return e;
}

// The band (5–95 %) as bars, the expected deaths as a tick, the recorded deaths as dots.
function bandChart(rows) {
  var W = 640, H = 220, L0 = 40, B = 30, T = 10;
  var max = 1;
  rows.forEach(function (r) { max = Math.max(max, Number(r.high) || 0, Number(r.observed) || 0, Number(r.mean) || 0); });
  var n = rows.length || 1;
  var step = (W - L0 - 10) / n;
  var y = function (v) { return H - B - (Number(v) / max) * (H - B - T); };
  var s = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, width: '100%', role: 'img', 'aria-label': t('fc.bandVsObserved'), 'data-testid': 'forecast-chart' });
  s.appendChild(svg('line', { x1: L0, y1: H - B, x2: W - 10, y2: H - B, stroke: '#888' }));
  s.appendChild(svg('text', { x: 2, y: T + 8, 'font-size': 10 }, fmt(Math.round(max))));
  s.appendChild(svg('text', { x: 2, y: H - B, 'font-size': 10 }, '0'));
  rows.forEach(function (r, i) {
    var x = L0 + i * step + step * 0.2, w = step * 0.6;
    var top = y(r.high), bot = y(r.low);
    s.appendChild(svg('rect', { x: x, y: top, width: w, height: Math.max(1, bot - top), fill: '#fdae6b', 'fill-opacity': 0.7, 'class': 'forecast-band', 'data-month': r.month }));
    s.appendChild(svg('line', { x1: x, x2: x + w, y1: y(r.mean), y2: y(r.mean), stroke: '#a63603', 'stroke-width': 2 }));
    if (r.observed !== null && r.observed !== undefined) {
      s.appendChild(svg('circle', { cx: x + w / 2, cy: y(r.observed), r: 4, fill: '#08306b', 'class': 'forecast-observed' }));
    }
    s.appendChild(svg('text', { x: x + w / 2, y: H - B + 14, 'font-size': 9, 'text-anchor': 'middle' }, String(r.month).slice(2)));
  });
  return s;
}

export function viewForecast(main, route) {
  var code = route.params[0] === 'area' ? route.params[1] : '';
  main.appendChild(h('p', { 'class': 'muted' }, t('common.loading')));
  var alive = true;
  latestCellRun().then(function (run) {
    if (!run) return { none: true };
    return api('GET', '/api/forecasts/' + run.id + '/areas/' + encodeURIComponent(code || ''));
  }).then(function (a) {
    if (!alive) return;
    clear(main);
    if (a.none) { main.appendChild(h('p', { 'data-testid': 'forecast-none' }, t('fc.none'))); return; }
    var run = a.run;
    var rows = a.forecast || [];
    main.appendChild(h('section', { 'class': 'card', 'data-testid': 'forecast-page' }, [
      h('h1', null, [t('fc.title', { name: a.area.name }), run.synthetic ? [' ', syntheticBadge()] : null]),
      h('p', { 'class': 'muted', 'data-testid': 'forecast-run' }, [t('fc.run', { id: run.id, origin: run.origin, model: run.model }), ' · ',
        h('a', { href: '/api/forecasts/' + run.id + '/views.csv', download: '' }, t('fc.views'))]),
      h('h2', null, t('fc.bandVsObserved')),
      bandChart(rows),
      h('table', { 'class': 'table', 'data-testid': 'forecast-band-table' }, [
        h('thead', null, h('tr', null, [t('fc.month'), t('fc.horizon'), t('fc.band'), t('fc.median'), t('fc.mean'), t('fc.pAny'), t('fc.observed'), t('fc.inside')]
          .map(function (x) { return h('th', null, x); }))),
        h('tbody', null, rows.map(function (r) {
          return h('tr', { 'data-month': r.month, 'class': r.fell_back ? 'fell-back' : null }, [
            h('td', null, r.month), h('td', null, String(r.horizon)),
            h('td', { 'data-testid': 'band' }, num(r.low) + ' – ' + num(r.high)),
            h('td', null, num(r.median)), h('td', null, num(r.mean)), h('td', null, pct(r.p_any)),
            h('td', { 'data-testid': 'observed' }, r.observed === null || r.observed === undefined ? t('fc.noData') : fmt(r.observed)),
            h('td', null, r.inside_band === null || r.inside_band === undefined ? '' : t(r.inside_band ? 'fc.yes' : 'fc.no'))
          ]);
        }))
      ]),
      h('h2', null, t('fc.skillTitle')),
      h('table', { 'class': 'table', 'data-testid': 'forecast-skill-table' }, [
        h('thead', null, h('tr', null, [t('fc.horizon'), t('fc.bestBenchmark'), t('fc.skill'), t('fc.origins'), t('fc.guard')]
          .map(function (x) { return h('th', null, x); }))),
        h('tbody', null, (run.skill || []).map(function (s) {
          return h('tr', { 'data-horizon': String(s.horizon) }, [
            h('td', null, String(s.horizon)), h('td', null, s.best_benchmark), h('td', null, signedPct(s.skill)),
            h('td', null, fmt(s.origins)),
            h('td', { 'data-testid': 'guard' }, s.fell_back ? t('fc.guardFell', { b: s.best_benchmark }) : t('fc.guardModel'))
          ]);
        }))
      ]),
      h('h2', null, t('fc.history')),
      h('p', { 'data-testid': 'forecast-history' }, (a.history || []).map(function (m) { return m.month + ': ' + fmt(m.observed); }).join(' · ')),
      h('h2', null, t('fc.method')),
      h('p', { 'data-testid': 'forecast-method' }, t('fc.methodText'))
    ]));
  }).catch(function (e) {
    if (!alive) return;
    clear(main);
    main.appendChild(loadError(e));
  });
  return { destroy: function () { alive = false; } };
}
