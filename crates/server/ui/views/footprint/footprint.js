// #/footprint: footprint options (issue #17). The comparison table of every stored
// scenario (rows: measures; columns: scenarios; deltas against the baseline), by day
// or night; a map per scenario (1-h and 2-h reach, sites by kind, what falls outside);
// the assumptions each figure rests on, shown as assumptions with their defaults and
// where to change them; the sensitivity of a measure; and, for planners, copying an
// option and editing the copy (views/footprint/editor.js).

import { t, fmt, lang } from '../../i18n/index.js';
import { h, clear, append, loadError, syntheticBadge } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { qs } from '../../core/api.js';
import { vocab } from '../../core/vocabulary.js';
import { drawScenarioMap } from './map.js';
import { scenarioList } from './editor.js';

function num(v) {
  if (v === null || v === undefined || isNaN(v)) return '–';
  return Math.abs(v - Math.round(v)) < 1e-9 ? fmt(Math.round(v)) : fmt(Math.round(v * 10) / 10);
}

function delta(d) {
  if (!d || Math.abs(d) < 0.05) return null;
  return h('span', { 'class': d > 0 ? 'fp-delta fp-up' : 'fp-delta fp-down' }, ' (' + (d > 0 ? '+' : '') + num(d) + ')');
}

function tagBadge(tag) {
  return h('span', { 'class': 'badge fp-tag fp-tag-' + tag, 'data-testid': 'fp-tag' }, vocab().label('footprint_tags', tag, lang()));
}

function table(c) {
  return h('table', { 'class': 'table fp-table', 'data-testid': 'fp-table' }, [
    h('thead', null, h('tr', null, [h('th', null, t('fp.measure'))].concat(
      c.scenarios.map(function (s, i) { return h('th', { 'data-scenario': s, title: c.titles[i] }, s); }),
      [h('th', null, t('fp.restsOn'))]))),
    h('tbody', null, c.rows.map(function (r) {
      return h('tr', { 'data-key': r.key }, [h('td', null, r.label)].concat(
        r.values.map(function (v, i) {
          return h('td', { 'class': 'num', 'data-scenario': c.scenarios[i] }, [num(v), i > 0 ? delta(r.deltas[i]) : null]);
        }),
        [h('td', null, r.rests_on === 'assumptions' ? tagBadge('assumption') : r.rests_on)]));
    }))
  ]);
}

function assumptions(c, where) {
  return h('section', { 'class': 'card fp-assumptions', 'data-testid': 'fp-assumptions' }, [
    h('h2', null, t('fp.assumptions')),
    h('p', null, [t('fp.assumptionsNote'), ' ', c.assumptions_note]),
    h('table', { 'class': 'table' }, [
      h('thead', null, h('tr', null, [t('fp.setting'), t('fp.value'), t('fp.default'), t('fp.unit'), t('fp.tag'), t('fp.ref')].map(function (x) { return h('th', null, x); }))),
      h('tbody', null, c.settings_described.map(function (s) {
        return h('tr', { 'data-setting': s.key }, [
          h('td', null, [s.label, h('br'), h('code', null, s.key)]),
          h('td', { 'class': 'num' }, JSON.stringify(s.value)),
          h('td', { 'class': 'num' }, JSON.stringify(s.default)),
          h('td', null, s.unit), h('td', null, tagBadge(s.tag)), h('td', null, s.reference)
        ]);
      }))
    ]),
    h('p', { 'class': 'muted' }, t('fp.whereToChange', { w: where || c.where_to_change || '' }))
  ]);
}

function gaps(cov) {
  if (!cov || !cov.gaps || cov.gaps.length === 0) return h('p', { 'data-testid': 'fp-gaps' }, t('fp.noGaps'));
  return h('table', { 'class': 'table', 'data-testid': 'fp-gaps' }, [
    h('thead', null, h('tr', null, [t('fp.gapRank'), t('fp.gapWhere'), t('fp.gapDeaths'), t('fp.gapExpected'), t('fp.gapNearest')].map(function (x) { return h('th', null, x); }))),
    h('tbody', null, cov.gaps.map(function (g) {
      return h('tr', null, [h('td', null, String(g.rank)), h('td', null, g.lat.toFixed(2) + ', ' + g.lon.toFixed(2)),
        h('td', { 'class': 'num' }, num(g.fatalities)), h('td', { 'class': 'num' }, num(g.expected_fatalities)),
        h('td', null, g.nearest_site + ' (' + num(g.nearest_km) + ' km)')]);
    }))
  ]);
}

function sensitivityTable(s) {
  return h('section', { 'class': 'card', 'data-testid': 'fp-sensitivity' }, [
    h('h2', null, [t('fp.sensitivity', { m: s.measure }), ' ', tagBadge('assumption')]),
    s.scenarios.map(function (p) {
      return h('table', { 'class': 'table fp-sens', 'data-scenario': p[0] }, [
        h('caption', null, p[0]),
        h('thead', null, h('tr', null, [h('th', null, '')].concat(s.speeds_kmh.map(function (v) { return h('th', null, String(v)); })))),
        h('tbody', null, p[1].map(function (row, i) {
          return h('tr', null, [h('th', null, String(s.launch_delays_min[i]))].concat(row.map(function (v) { return h('td', { 'class': 'num' }, num(v)); })));
        }))
      ]);
    })
  ]);
}

export function viewFootprint(main) {
  var state = { night: false, mapScenario: 'baseline', alive: true, map: null, scenarios: [], comparison: null };
  var head = h('section', { 'class': 'card' }, [
    h('h1', null, t('fp.title')),
    h('p', null, t('fp.intro'))
  ]);
  var when = h('select', { 'data-testid': 'fp-night', 'aria-label': t('fp.when') }, [
    h('option', { value: 'day' }, t('fp.day')), h('option', { value: 'night' }, t('fp.night'))
  ]);
  var tableBox = h('div', { 'data-testid': 'fp-table-box' }, h('p', { 'class': 'muted' }, t('common.loading')));
  var mapSelect = h('select', { 'data-testid': 'fp-map-scenario', 'aria-label': t('fp.mapScenario') });
  var mapBox = h('div', { 'class': 'fp-map', id: 'fp-map', 'data-testid': 'fp-map', style: 'height: 460px' });
  var mapInfo = h('div', { 'data-testid': 'fp-map-info' });
  var gapsBox = h('div');
  var sensBox = h('div');
  var assumptionsBox = h('div');
  var listBox = h('div');
  append(main, [head,
    h('section', { 'class': 'card' }, [h('h2', null, t('fp.table')), h('label', null, [t('fp.when'), ' ', when]), tableBox]),
    h('section', { 'class': 'card' }, [h('h2', null, t('fp.map')), h('label', null, [t('fp.mapScenario'), ' ', mapSelect]), mapBox, mapInfo,
      h('h3', null, t('fp.gaps')), gapsBox]),
    sensBox, assumptionsBox, listBox]);

  function drawMap() {
    var id = mapSelect.value || 'baseline';
    state.mapScenario = id;
    mapInfo.setAttribute('data-loaded', '');
    api('GET', '/api/footprint/scenarios/' + encodeURIComponent(id) + '/map' + qs({ night: state.night ? 'true' : '' })).then(function (m) {
      if (!state.alive) return;
      state.map = drawScenarioMap(mapBox, state.map, m);
      clear(mapInfo);
      var open = m.sites.filter(function (s) { return s.open; }).length;
      append(mapInfo, h('p', { 'class': 'muted', 'data-testid': 'fp-map-caption' }, [m.title + ' — ' + t('fp.sites', { n: open }) + ' — ' + (m.night ? t('fp.night') : t('fp.day'))]));
      mapInfo.setAttribute('data-loaded', id);
      var cov = state.comparison && state.comparison.coverage.find(function (c) { return c.scenario === id; });
      clear(gapsBox);
      gapsBox.appendChild(gaps(cov));
    }).catch(function (e) { if (state.alive) { clear(mapInfo); mapInfo.appendChild(loadError(e)); } });
  }

  function load() {
    clear(tableBox);
    tableBox.appendChild(h('p', { 'class': 'muted' }, t('common.loading')));
    api('GET', '/api/footprint/scenarios').then(function (l) {
      state.scenarios = l.scenarios || [];
      var ids = state.scenarios.map(function (s) { return s.id; });
      clear(mapSelect);
      state.scenarios.forEach(function (s) { mapSelect.appendChild(h('option', { value: s.id }, s.id + ' — ' + s.title)); });
      if (ids.indexOf(state.mapScenario) >= 0) mapSelect.value = state.mapScenario;
      clear(listBox);
      listBox.appendChild(scenarioList(state.scenarios, function (focus) { if (focus) state.mapScenario = focus; load(); }));
      return api('GET', '/api/footprint/compare' + qs({ scenarios: ids.join(','), night: state.night ? 'true' : '' }));
    }).then(function (c) {
      if (!state.alive) return;
      state.comparison = c;
      clear(tableBox);
      var synthetic = (c.inputs || []).some(function (n) { return n.indexOf('SYNTHETIC') >= 0; });
      append(tableBox, [table(c),
        h('p', { 'class': 'muted', 'data-testid': 'fp-inputs' }, [synthetic ? [syntheticBadge(), ' '] : null, t('fp.inputs') + ': ' + (c.inputs || []).join(' · ')]),
        h('p', { 'class': 'muted', 'data-testid': 'fp-elapsed' }, t('fp.elapsed', { ms: Math.round(c.elapsed_ms) })),
        h('p', { 'class': 'muted' }, t('fp.attribution') + ': ' + c.attribution)]);
      clear(assumptionsBox);
      assumptionsBox.appendChild(assumptions(c));
      drawMap();
      return api('GET', '/api/footprint/sensitivity' + qs({ scenarios: c.scenarios.join(','), night: state.night ? 'true' : '' }));
    }).then(function (s) {
      if (!state.alive || !s) return;
      clear(sensBox);
      sensBox.appendChild(sensitivityTable(s));
    }).catch(function (e) {
      if (!state.alive) return;
      clear(tableBox);
      tableBox.appendChild(loadError(e));
    });
  }

  when.addEventListener('change', function () { state.night = when.value === 'night'; load(); });
  mapSelect.addEventListener('change', drawMap);
  load();
  return { destroy: function () { state.alive = false; if (state.map) { state.map.destroy(); state.map = null; } } };
}
