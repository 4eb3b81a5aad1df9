// One scenario on a map: the reach raster (0.25° cells: within 1 h, within 2 h at
// surgery, ground QRF only), 1-h circles around CASEVAC bases, sites by kind (closed
// ones hollow), and a legend. Everything from GET /api/footprint/scenarios/{id}/map.

import { t, lang } from '../../i18n/index.js';
import { L, createMap, outline, removeMap, textTooltip } from '../../lib/map.js';
import { vocab } from '../../core/vocabulary.js';

var KIND_COLOUR = {
  mission_hq: '#1b365d', sector_hq: '#2166ac', camp: '#4393c3', police_unit_base: '#762a83',
  temporary_operating_base: '#e08214', proposed_camp: '#1a9850'
};

function cellStyle(bits) {
  if (bits & 1) return { color: '#1a9850', fillColor: '#1a9850', fillOpacity: 0.45, weight: 0 };
  if (bits & 2) return { color: '#91cf60', fillColor: '#91cf60', fillOpacity: 0.35, weight: 0 };
  return { color: '#fee08b', fillColor: '#fee08b', fillOpacity: 0.35, weight: 0 };
}

/** Draw scenario `m` in `box`, reusing `prev` (the object this returned before). */
export function drawScenarioMap(box, prev, m) {
  var map, group;
  if (prev && prev.map) {
    map = prev.map;
    group = prev.group;
    group.clearLayers();
  } else {
    map = createMap(box, { zoomAnimation: false });
    outline(map);
    group = L.layerGroup().addTo(map);
    var legend = L.control({ position: 'bottomright' });
    legend.onAdd = function () {
      var d = L.DomUtil.create('div', 'legend fp-legend');
      [['#1a9850', t('fp.legend1h')], ['#91cf60', t('fp.legend2h')], ['#fee08b', t('fp.legendGround')], ['#ffffff', t('fp.legendClosed')]].forEach(function (x) {
        var row = L.DomUtil.create('div', '', d);
        var sw = L.DomUtil.create('span', 'swatch', row);
        sw.style.background = x[0];
        sw.style.display = 'inline-block'; sw.style.width = '12px'; sw.style.height = '12px'; sw.style.border = '1px solid #555';
        row.appendChild(document.createTextNode(' ' + x[1]));
      });
      return d;
    };
    legend.addTo(map);
  }
  var step = m.step || 0.25;
  (m.grid || []).forEach(function (c) {
    L.rectangle([[c[0], c[1]], [c[0] + step, c[1] + step]], Object.assign({ interactive: false, className: 'fp-cell fp-cell-' + c[2] }, cellStyle(c[2]))).addTo(group);
  });
  (m.sources || []).forEach(function (s) {
    if (s.radius_1h_km > 0) {
      L.circle([s.lat, s.lon], { radius: s.radius_1h_km * 1000, color: '#006837', weight: 2, fill: false, interactive: false, 'className': 'fp-circle-1h' }).addTo(group);
    }
    if (s.radius_2h_km) {
      L.circle([s.lat, s.lon], { radius: s.radius_2h_km * 1000, color: '#66bd63', weight: 1, dashArray: '4 4', fill: false, interactive: false }).addTo(group);
    }
  });
  (m.sites || []).forEach(function (s) {
    var colour = KIND_COLOUR[s.kind] || '#555';
    var mk = L.circleMarker([s.lat, s.lon], {
      radius: s.level2 ? 8 : 6, color: colour, weight: 2,
      fillColor: s.open ? colour : '#ffffff', fillOpacity: s.open ? 0.9 : 1,
      className: 'fp-site fp-site-' + (s.open ? 'open' : 'closed')
    }).addTo(group);
    var kind = vocab().label('footprint_site_kinds', s.kind, lang());
    var units = (s.units || []).map(function (u) { return u.count + ' × ' + vocab().label('footprint_unit_kinds', u.kind, lang()) + ' [' + u.tag + ']'; }).join('; ');
    textTooltip(mk, s.name + ' — ' + kind + ' — ' + s.status + (s.level2 ? ' — Level 2' : '') + (units ? ' — ' + units : '') +
      (s.coord_quality ? ' — ' + s.coord_quality : ''));
  });
  return {
    map: map,
    group: group,
    destroy: function () { removeMap(map); }
  };
}
