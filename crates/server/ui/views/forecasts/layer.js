// The forecast layer of the map: the latest stored cell run's PRIO-GRID cells,
// coloured by P(at least one death) or expected deaths, for next month (horizon 1)
// or the next 12 months (horizons 1–12 together: expected deaths summed, P(any) =
// 1 − ∏(1 − p), band = sums of the 5 % and 95 % quantiles, as on the area page).
// Each cell's popup gives the band, the model used and the guard's backtest skill.

import { t, fmt } from '../../i18n/index.js';
import { h, append, clear, syntheticBadge } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { loadAreas, areaOptions } from '../../core/areas.js';
import { L } from '../../lib/map.js';
import { latestCellRun, pct, num, signedPct, skillText } from './common.js';
import { errorText } from '../../core/errors.js';

var prefs = { on: false, measure: 'p_any', when: '1' };
try {
  var saved = JSON.parse(localStorage.getItem('vigil.forecastPrefs') || 'null');
  if (saved) Object.assign(prefs, saved);
} catch (e) { /* ignore */ }

var P_BREAKS = [0.05, 0.1, 0.25, 0.5, 0.75, 1];
var M_BREAKS = [0.1, 0.5, 1, 5, 20, Infinity];
var COLOURS = ['#fff5eb', '#fdd0a2', '#fdae6b', '#fd8d3c', '#e6550d', '#a63603'];

function colour(v, breaks) {
  for (var i = 0; i < breaks.length; i++) if (v <= breaks[i]) return COLOURS[i];
  return COLOURS[COLOURS.length - 1];
}

function gidBounds(gid) {
  var i = Number(gid) - 1;
  var row = Math.floor(i / 720), col = i % 720;
  var s = row * 0.5 - 90, w = col * 0.5 - 180;
  return [[s, w], [s + 0.5, w + 0.5]];
}

// Per cell, horizon 1 as stored, or horizons 1..12 combined.
function combine(cells, when) {
  if (when === '1') {
    return cells.filter(function (c) { return Number(c.horizon) === 1; }).map(function (c) {
      return { unit: c.unit, p_any: c.p_any, mean: c.mean, low: c.q05, high: c.q95, median: c.q50,
        months: c.month, model_used: c.model_used, fallback_reason: c.fallback_reason, fell: c.fallback_reason ? 1 : 0, k: 1 };
    });
  }
  var by = {};
  cells.forEach(function (c) {
    if (Number(c.horizon) > 12) return;
    var a = by[c.unit] || (by[c.unit] = { unit: c.unit, q: 1, mean: 0, low: 0, high: 0, first: c.month, last: c.month, fell: 0, k: 0 });
    a.q *= 1 - Math.min(1, Math.max(0, Number(c.p_any)));
    a.mean += Number(c.mean);
    a.low += Number(c.q05);
    a.high += Number(c.q95);
    if (c.month < a.first) a.first = c.month;
    if (c.month > a.last) a.last = c.month;
    if (c.fallback_reason) a.fell += 1;
    a.k += 1;
  });
  return Object.keys(by).map(function (u) {
    var a = by[u];
    return { unit: u, p_any: 1 - a.q, mean: a.mean, low: a.low, high: a.high, months: a.first + ' – ' + a.last, fell: a.fell, k: a.k };
  });
}

function cellPopup(run, c, when) {
  var skillLine;
  if (when === '1') {
    skillLine = skillText(run, 1);
  } else {
    var s = (run.skill || []).filter(function (x) { return Number(x.horizon) <= 12; }).map(function (x) { return Number(x.skill); });
    skillLine = s.length ? t('fc.skillRange', { lo: signedPct(Math.min.apply(null, s)), hi: signedPct(Math.max.apply(null, s)) }) : '';
  }
  var guard;
  if (when === '1') guard = c.fallback_reason ? t('fc.fellBack', { b: c.model_used }) : t('fc.noFallback');
  else guard = c.fell ? t('fc.fellBackSome', { n: c.fell, k: c.k }) : t('fc.noFallback');
  return h('div', { 'class': 'popup', 'data-testid': 'forecast-popup', 'data-gid': String(c.unit) }, [
    run.synthetic ? h('p', { 'class': 'popup-synthetic' }, [syntheticBadge(), ' ', t('common.syntheticLong')]) : null,
    h('h3', null, 'PRIO-GRID ' + c.unit),
    h('dl', null, [
      h('dt', null, when === '1' ? t('fc.month') : t('fc.months')), h('dd', null, c.months),
      h('dt', null, t('fc.pAny')), h('dd', { 'data-testid': 'forecast-p-any' }, pct(c.p_any)),
      h('dt', null, t('fc.mean')), h('dd', { 'data-testid': 'forecast-mean' }, num(c.mean)),
      h('dt', null, t('fc.band')), h('dd', { 'data-testid': 'forecast-band' }, num(c.low) + ' – ' + num(c.high)),
      when === '1' ? [h('dt', null, t('fc.modelUsed')), h('dd', null, c.model_used)] : null
    ]),
    h('p', { 'data-testid': 'forecast-guard' }, guard),
    skillLine ? h('p', { 'class': 'muted', 'data-testid': 'forecast-skill' }, skillLine) : null
  ]);
}

/** The layer's controls (a fieldset for the map's filter panel) and its drawing. */
export function forecastLayer(map) {
  var group = null;
  var legend = null;
  var cells = null;
  var run = null;
  var note = h('p', { 'class': 'muted small', 'data-testid': 'forecast-note' });
  var box = h('input', { type: 'checkbox', id: 'f-forecast', checked: !!prefs.on, 'data-testid': 'toggle-forecast' });
  var radios = function (name, opts) {
    return opts.map(function (o) {
      return h('label', { 'class': 'inline' }, [
        h('input', { type: 'radio', name: name, value: o[0], checked: prefs[name === 'fc-measure' ? 'measure' : 'when'] === o[0], 'data-testid': name + '-' + o[0] }),
        ' ', t(o[1])
      ]);
    });
  };
  var areaSel = h('select', { id: 'fc-area', 'data-testid': 'forecast-area-select', 'aria-label': t('fc.areaPage') });
  var openLink = h('a', { href: '#/map', 'class': 'button-link', 'data-testid': 'forecast-area-open' }, t('fc.open'));
  var controls = h('fieldset', { 'class': 'layers', 'data-testid': 'forecast-controls' }, [
    h('legend', null, t('fc.layer')),
    h('label', { 'class': 'inline' }, [box, ' ', t('fc.show')]),
    h('div', null, [h('span', { 'class': 'muted small' }, t('fc.colourBy')), ' ', radios('fc-measure', [['p_any', 'fc.pAny'], ['mean', 'fc.mean']])]),
    h('div', null, [h('span', { 'class': 'muted small' }, t('fc.when')), ' ', radios('fc-when', [['1', 'fc.h1'], ['12', 'fc.h12']])]),
    note,
    h('div', { 'class': 'field' }, [h('label', { 'for': 'fc-area' }, t('fc.areaPage')), areaSel, ' ', openLink])
  ]);

  loadAreas(1).then(function (fc) {
    areaOptions(fc).forEach(function (p) { areaSel.appendChild(h('option', { value: p.code }, p.name || p.code)); });
    syncLink();
  }).catch(function () { /* no regions loaded */ });
  function syncLink() {
    openLink.setAttribute('href', areaSel.value ? '#/forecast/area/' + encodeURIComponent(areaSel.value) : '#/map');
  }
  areaSel.addEventListener('change', syncLink);

  function save() {
    try { localStorage.setItem('vigil.forecastPrefs', JSON.stringify(prefs)); } catch (e) { /* ignore */ }
  }

  function remove() {
    if (group) { map.removeLayer(group); group = null; }
    if (legend) { map.removeControl(legend); legend = null; }
  }

  function draw() {
    remove();
    if (!prefs.on || !run || !cells) return;
    var rows = combine(cells, prefs.when);
    var breaks = prefs.measure === 'p_any' ? P_BREAKS : M_BREAKS;
    group = L.featureGroup(rows.map(function (c) {
      var v = Number(prefs.measure === 'p_any' ? c.p_any : c.mean);
      var r = L.rectangle(gidBounds(c.unit), {
        color: '#7f2704', weight: c.fell ? 1.5 : 0.3, dashArray: c.fell ? '3' : null,
        fillColor: colour(v, breaks), fillOpacity: 0.6, className: 'forecast-cell'
      });
      r.on('add', function () {
        var el = r.getElement && r.getElement();
        if (el) {
          el.setAttribute('data-gid', String(c.unit));
          el.setAttribute('data-value', String(v));
        }
      });
      r.bindPopup(function () { return cellPopup(run, c, prefs.when); }, { maxWidth: 320 });
      return r;
    })).addTo(map);
    legend = L.control({ position: 'bottomleft' });
    legend.onAdd = function () {
      var div = L.DomUtil.create('div', 'map-legend');
      div.setAttribute('data-testid', 'forecast-legend');
      var title = document.createElement('strong');
      title.textContent = t(prefs.measure === 'p_any' ? 'fc.pAny' : 'fc.mean') + ' · ' + t(prefs.when === '1' ? 'fc.h1' : 'fc.h12') +
        (run.synthetic ? ' (' + t('common.synthetic') + ')' : '');
      div.appendChild(title);
      var lo = 0;
      breaks.forEach(function (b, i) {
        var row = document.createElement('div');
        var sw = document.createElement('span');
        sw.className = 'swatch';
        sw.style.background = COLOURS[i];
        row.appendChild(sw);
        var f = prefs.measure === 'p_any' ? pct : num;
        row.appendChild(document.createTextNode(isFinite(b) ? f(lo) + '–' + f(b) : '> ' + f(lo)));
        div.appendChild(row);
        lo = b;
      });
      L.DomEvent.disableClickPropagation(div);
      return div;
    };
    legend.addTo(map);
  }

  function load() {
    if (!prefs.on) { remove(); return; }
    if (cells) { draw(); return; }
    note.textContent = t('common.loading');
    latestCellRun().then(function (r) {
      run = r;
      if (!r) { note.textContent = t('fc.none'); return null; }
      return api('GET', '/api/forecasts/' + r.id + '/cells').then(function (res) {
        cells = (res && res.cells) || [];
        clear(note);
        append(note, [t('fc.run', { id: r.id, origin: r.origin, model: r.model }), ' · ',
          h('a', { href: '/api/forecasts/' + r.id + '/views.csv', download: '' }, t('fc.views')),
          r.synthetic ? [' ', syntheticBadge()] : null]);
        note.setAttribute('data-run', String(r.id));
        note.setAttribute('data-cells', String(cells.length));
        draw();
      });
    }).catch(function (e) { note.textContent = errorText(e); });
  }

  controls.addEventListener('change', function (ev) {
    var tgt = ev.target;
    ev.stopPropagation();
    if (tgt === box) { prefs.on = box.checked; save(); load(); return; }
    if (tgt.name === 'fc-measure') { prefs.measure = tgt.value; save(); draw(); return; }
    if (tgt.name === 'fc-when') { prefs.when = tgt.value; save(); draw(); }
  });
  load();
  return { controls: controls, destroy: remove, count: function () { return fmt(cells ? cells.length : 0); } };
}
