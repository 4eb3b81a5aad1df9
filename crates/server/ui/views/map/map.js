// #/map: filters (period, UCDP type of violence, region, cercle) in the URL, admin
// areas shaded by incidents or fatalities, incidents aggregated on the server by the
// view's box and zoom (counted cells, or points with popups when few: aggregate.js),
// and the monthly timeline, which doubles as a period picker.

import { t, fmt, lang } from '../../i18n/index.js';
import { vocab } from '../../core/vocabulary.js';
import { S } from '../../core/state.js';
import { h, append, clear, syntheticBadge } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { qs } from '../../core/api.js';
import { loadAreas, areaOptions, cachedAreas } from '../../core/areas.js';
import * as M from '../../lib/map.js';
import { L } from '../../lib/map.js';
import { contextLayer } from '../../lib/context.js';
import { render as renderChart } from '../../lib/chart.js';
import { incidentPopup, incidentListPopup, loadAffiliations } from './popups.js';
import { CellLayer, viewLoader } from './aggregate.js';
import { forecastLayer } from '../forecasts/layer.js';

const mapPrefs = { measure: 'incidents', level: '1', points: true };
try {
  var saved = JSON.parse(localStorage.getItem('vigil.mapPrefs') || 'null');
  if (saved) Object.assign(mapPrefs, saved);
} catch (e) { /* ignore */ }

function filtersFromQuery(q) {
  return { from: q.from || '', to: q.to || '', type: q.type || '', category: q.category || '', admin1: q.admin1 || '', admin2: q.admin2 || '' };
}

export function viewMap(main, route) {
  var filters = filtersFromQuery(route.query);
  var focusId = route.query.incident || null;
  var seq = 0;
  loadAffiliations();

  // Filters panel.
  var fFrom = h('input', { type: 'date', id: 'f-from', name: 'from', value: filters.from, 'data-testid': 'filter-from' });
  var fTo = h('input', { type: 'date', id: 'f-to', name: 'to', value: filters.to, 'data-testid': 'filter-to' });
  var fType = h('select', { id: 'f-type', name: 'type', 'data-testid': 'filter-type' }, [
    h('option', { value: '' }, t('filters.typeAll')),
    [1, 2, 3].map(function (n) { return h('option', { value: String(n) }, n + ' — ' + t('type.' + n)); })
  ]);
  fType.value = filters.type;
  var fCategory = h('select', { id: 'f-category', name: 'category', 'data-testid': 'filter-category' }, [
    h('option', { value: '' }, t('filters.categoryAll')),
    vocab().options('categories', lang()).map(function (o) { return h('option', { value: o.value }, o.label); })
  ]);
  fCategory.value = filters.category;
  var fAdmin1 = h('select', { id: 'f-admin1', name: 'admin1', 'data-testid': 'filter-admin1' }, h('option', { value: '' }, t('filters.areaAll')));
  var fAdmin2 = h('select', { id: 'f-admin2', name: 'admin2', 'data-testid': 'filter-admin2' }, h('option', { value: '' }, t('filters.areaAll')));
  var resetBtn = h('button', { type: 'button', id: 'f-reset', 'class': 'secondary' }, t('common.reset'));

  var measureRadios = ['incidents', 'fatalities'].map(function (m) {
    return h('label', { 'class': 'inline' }, [
      h('input', { type: 'radio', name: 'measure', value: m, checked: mapPrefs.measure === m, 'data-testid': 'measure-' + m }),
      ' ', t(m === 'incidents' ? 'map.shadeIncidents' : 'map.shadeFatalities')
    ]);
  });
  var levelRadios = ['1', '2'].map(function (l) {
    return h('label', { 'class': 'inline' }, [
      h('input', { type: 'radio', name: 'level', value: l, checked: String(mapPrefs.level) === l, 'data-testid': 'level-' + l }),
      ' ', t('map.level' + l)
    ]);
  });
  var pointsBox = h('input', { type: 'checkbox', id: 'f-points', checked: !!mapPrefs.points, 'data-testid': 'toggle-points' });

  var form = h('form', { 'class': 'filters card', id: 'filters', 'data-testid': 'filters' }, [
    h('h2', null, t('filters.title')),
    h('fieldset', null, [
      h('legend', null, t('filters.period')),
      h('div', { 'class': 'row2' }, [
        h('div', { 'class': 'field' }, [h('label', { 'for': 'f-from' }, t('filters.from')), fFrom]),
        h('div', { 'class': 'field' }, [h('label', { 'for': 'f-to' }, t('filters.to')), fTo])
      ])
    ]),
    h('div', { 'class': 'field' }, [h('label', { 'for': 'f-type' }, t('filters.type')), fType]),
    h('div', { 'class': 'field' }, [h('label', { 'for': 'f-category' }, t('filters.category')), fCategory]),
    h('div', { 'class': 'field' }, [h('label', { 'for': 'f-admin1' }, t('filters.admin1')), fAdmin1]),
    h('div', { 'class': 'field' }, [h('label', { 'for': 'f-admin2' }, t('filters.admin2')), fAdmin2]),
    resetBtn,
    h('fieldset', { 'class': 'layers' }, [
      h('legend', null, t('map.shadeBy')),
      measureRadios
    ]),
    h('fieldset', { 'class': 'layers' }, [
      h('legend', null, t('map.areaLevel')),
      levelRadios
    ]),
    h('label', { 'class': 'inline' }, [pointsBox, ' ', t('map.points')]),
    h('fieldset', { 'class': 'export' }, [
      h('legend', null, t('map.export')),
      ['csv', 'hxl', 'geojson'].map(function (fmtCode) {
        // the link follows the filters at the moment it is clicked
        return h('a', { 'class': 'button secondary', href: '#', download: '', 'data-testid': 'export-' + fmtCode,
          onclick: function (ev) { ev.currentTarget.href = '/api/incidents/export' + qs(Object.assign({ format: fmtCode }, apiFilters())); } },
        t('map.export.' + fmtCode));
      }),
      h('p', { 'class': 'hint' }, t('map.exportHint'))
    ])
  ]);
  // On a phone the filters fold away behind one button, so the map is on screen.
  var foldBtn = h('button', { type: 'button', 'class': 'secondary filters-toggle', 'aria-expanded': 'false', 'data-testid': 'filters-toggle',
    onclick: function () {
      var folded = form.classList.toggle('folded');
      foldBtn.setAttribute('aria-expanded', folded ? 'false' : 'true');
    } }, t('filters.title'));
  form.classList.add('folded');
  form.insertBefore(foldBtn, form.firstChild);

  var mapDiv = h('div', { id: 'map', 'class': 'map', 'data-testid': 'map', role: 'region', 'aria-label': t('nav.map') });
  var summary = h('p', { 'class': 'map-summary', 'data-testid': 'map-summary', 'aria-live': 'polite' }, t('common.loading'));
  var basemapNote = M.hasBasemap() ? null : h('p', { 'class': 'muted small' }, t('map.noBasemap'));
  var tl = h('div', { id: 'timeline', 'class': 'timeline', 'data-testid': 'timeline' });
  var tlTitle = h('h2', null, [t('timeline.title'), S.synthetic ? [' ', syntheticBadge()] : null]);

  main.appendChild(h('div', { 'class': 'map-page' }, [
    form,
    h('div', { 'class': 'map-main' }, [
      h('div', { 'class': 'map-wrap' }, mapDiv),
      summary,
      basemapNote,
      h('section', { 'class': 'card timeline-card' }, [tlTitle, tl])
    ])
  ]));

  var map = M.createMap(mapDiv);
  // towns under the incidents (no basemap needed, nothing from the internet)
  var towns = contextLayer(map, { lang: lang() });
  var areaLayer = null;
  var legend = null;
  var lastAreas = null;
  var lastStats = null;
  var clusters = new M.ClusterLayer(map, {
    t: t,
    popup: incidentPopup,
    listPopup: incidentListPopup
  });
  var cells = new CellLayer(map, { t: t, fmt: fmt, synthetic: !!S.synthetic });
  clusters.setVisible(!!mapPrefs.points);
  cells.setVisible(!!mapPrefs.points);
  var shownKey = null;
  var loader = viewLoader(map, api, {
    filters: apiFilters,
    onLoading: function () {
      summary.classList.add('loading');
    },
    onResult: showView,
    onError: function (e) {
      summary.classList.remove('loading');
      summary.textContent = t('common.error', { msg: e.message || String(e) });
    }
  });
  var forecast = forecastLayer(map);
  form.appendChild(forecast.controls);
  var fitted = false;

  function savePrefs() {
    try { localStorage.setItem('vigil.mapPrefs', JSON.stringify(mapPrefs)); } catch (e) { /* ignore */ }
  }

  function fillAreaSelects() {
    return Promise.all([loadAreas(1), loadAreas(2)]).then(function (res) {
      var a1 = areaOptions(res[0]);
      clear(fAdmin1);
      fAdmin1.appendChild(h('option', { value: '' }, t('filters.areaAll')));
      a1.forEach(function (p) { fAdmin1.appendChild(h('option', { value: p.code }, p.name || p.code)); });
      fAdmin1.value = filters.admin1;
      fillAdmin2(res[1]);
    }).catch(function () { /* selects stay at "All" */ });
  }

  function fillAdmin2(fc) {
    var a2 = areaOptions(fc || cachedAreas(2));
    var a1 = filters.admin1;
    var within = a2.filter(function (p) {
      var parent = p.admin1 || p.parent || p.parent_code;
      return !a1 || (parent ? parent === a1 : String(p.code).indexOf(a1) === 0);
    });
    clear(fAdmin2);
    fAdmin2.appendChild(h('option', { value: '' }, t('filters.areaAll')));
    (within.length ? within : a2).forEach(function (p) { fAdmin2.appendChild(h('option', { value: p.code }, p.name || p.code)); });
    fAdmin2.value = filters.admin2;
    if (fAdmin2.value !== filters.admin2) filters.admin2 = '';
  }

  function apiFilters() {
    return { from: filters.from, to: filters.to, type: filters.type, category: filters.category, admin1: filters.admin1, admin2: filters.admin2 };
  }

  function syncUrl() {
    var q = apiFilters();
    var target = '#/map' + qs(q);
    if (location.hash !== target) history.replaceState(null, '', target);
  }

  function drawAreas() {
    if (areaLayer) { map.removeLayer(areaLayer); areaLayer = null; }
    if (legend) { map.removeControl(legend); legend = null; }
    if (!lastAreas) return;
    var measure = mapPrefs.measure;
    var level = String(mapPrefs.level);
    areaLayer = M.areasLayer(lastAreas, measure, {
      selected: level === '1' ? filters.admin1 : filters.admin2,
      tooltip: function (p) {
        return h('div', null, [
          h('strong', null, p.name || p.code),
          h('br'),
          t('timeline.incidents') + ': ' + fmt(p.incidents || 0),
          h('br'),
          t('timeline.fatalities') + ': ' + fmt(p.fatalities || 0)
        ]);
      }
    }).addTo(map);
    areaLayer.bringToBack();
    legend = M.legendControl(
      t(measure === 'incidents' ? 'map.shadeIncidents' : 'map.shadeFatalities') + (S.synthetic ? ' (' + t('common.synthetic') + ')' : ''),
      areaLayer.vigilBreaks, fmt).addTo(map);
    if (!fitted && areaLayer.getBounds().isValid() && !focusId) {
      map.fitBounds(areaLayer.getBounds(), { padding: [8, 8] });
      fitted = true;
    }
  }

  function drawTimeline() {
    renderChart(tl, lastStats || [], {
      t: t, fmt: fmt,
      // The timeline shows every month for the type and area filters; the chosen period
      // is highlighted, so that it doubles as a period picker.
      range: filters.from || filters.to ? [filters.from.slice(0, 7), filters.to.slice(0, 7)] : null,
      onMonthClick: function (m) {
        var y = parseInt(m.slice(0, 4), 10), mo = parseInt(m.slice(5, 7), 10);
        var last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
        filters.from = m + '-01';
        filters.to = m + '-' + (last < 10 ? '0' : '') + last;
        fFrom.value = filters.from;
        fTo.value = filters.to;
        refresh();
      }
    });
  }

  // What the view holds: cells or points, and the totals of the filters.
  function showView(res) {
    if (res.mode === 'points') {
      cells.clear();
      // the same incidents as drawn (a pan within the box, a popup's auto-pan): keep the
      // markers, so an open popup stays open
      var key = 'p:' + (res.features || []).map(function (f) { return f.properties && f.properties.id; }).join(',');
      if (key !== shownKey) clusters.setData(res.features || []);
      shownKey = key;
    } else {
      shownKey = null;
      clusters.setData([]);
      cells.draw(res.cells || [], res.cell_size);
    }
    var total = res.total || { count: 0, fatalities: 0 };
    var inView = res.in_view || { count: 0 };
    summary.classList.remove('loading');
    clear(summary);
    append(summary, [t('map.count', { n: fmt(total.count), f: fmt(total.fatalities) }),
      inView.count !== total.count ? [' ', h('span', { 'data-testid': 'map-in-view' }, t('map.inView', { k: fmt(inView.count) }))] : null,
      S.synthetic ? [' ', syntheticBadge()] : null]);
    summary.setAttribute('data-count', String(total.count));
    summary.setAttribute('data-shown', String(inView.count));
    summary.setAttribute('data-mode', String(res.mode));
    if (focusId) {
      var id = focusId;
      focusId = null;
      if (res.mode !== 'points' || !clusters.focus(id)) focusMissing(id);
    }
  }

  function refresh() {
    var my = ++seq;
    syncUrl();
    summary.textContent = t('common.loading');
    summary.classList.add('loading');
    var f = apiFilters();
    var pStats = api('GET', '/api/stats/monthly' + qs({ type: f.type, category: f.category, admin1: f.admin1, admin2: f.admin2 }));
    var pAreas = api('GET', '/api/areas' + qs(Object.assign({ level: mapPrefs.level }, f)));
    return Promise.all([pStats, pAreas]).then(function (res) {
      if (my !== seq) return;
      lastStats = Array.isArray(res[0]) ? res[0] : (res[0] && res[0].months) || [];
      lastAreas = res[1];
      drawAreas();
      drawTimeline();
      loader.now();
    }).catch(function (e) {
      if (my !== seq) return;
      summary.classList.remove('loading');
      summary.textContent = t('common.error', { msg: e.message || String(e) });
    });
  }

  // An incident outside the current filters: fetch it and show it on its own.
  function focusMissing(id) {
    api('GET', '/api/incidents/' + encodeURIComponent(id)).then(function (res) {
      var inc = (res && res.incident) || res;
      var lat = Number(inc.latitude), lon = Number(inc.longitude);
      if (!isFinite(lat) || !isFinite(lon)) return;
      var f = { type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: inc };
      map.setView([lat, lon], 10);
      L.popup({ maxWidth: 300 }).setLatLng([lat, lon]).setContent(incidentPopup(f)).openOn(map);
    }).catch(function () { /* not visible to this role */ });
  }

  form.addEventListener('submit', function (ev) { ev.preventDefault(); });
  form.addEventListener('change', function (ev) {
    var tgt = ev.target;
    if (tgt.name === 'measure') { mapPrefs.measure = tgt.value; savePrefs(); drawAreas(); return; }
    if (tgt.name === 'level') { mapPrefs.level = tgt.value; savePrefs(); refresh(); return; }
    if (tgt === pointsBox) { mapPrefs.points = pointsBox.checked; savePrefs(); clusters.setVisible(pointsBox.checked); cells.setVisible(pointsBox.checked); return; }
    filters.from = fFrom.value;
    filters.to = fTo.value;
    filters.type = fType.value;
    filters.category = fCategory.value;
    if (tgt === fAdmin1) {
      filters.admin1 = fAdmin1.value;
      filters.admin2 = '';
      fillAdmin2();
    } else {
      filters.admin1 = fAdmin1.value;
      filters.admin2 = fAdmin2.value;
    }
    refresh();
  });
  resetBtn.addEventListener('click', function () {
    filters = { from: '', to: '', type: '', category: '', admin1: '', admin2: '' };
    fFrom.value = ''; fTo.value = ''; fType.value = ''; fCategory.value = ''; fAdmin1.value = '';
    fillAdmin2();
    refresh();
  });

  var onResize = function () { if (lastStats) drawTimeline(); };
  window.addEventListener('resize', onResize);

  fillAreaSelects();
  refresh();

  return {
    destroy: function () {
      window.removeEventListener('resize', onResize);
      loader.destroy();
      towns.remove();
      clusters.destroy();
      cells.destroy();
      forecast.destroy();
      M.removeMap(map);
    }
  };
}
