// An alert's area (vigil_warn::Area as JSON): drawn on a map — circle, polygon, admin
// areas or PRIO-GRID cells — and described in words.

import { t, fmt } from '../../i18n/index.js';
import { h } from '../../core/dom.js';
import { colon } from '../../core/format.js';
import { areaName, loadAreas } from '../../core/areas.js';
import { L } from '../../lib/map.js';
import { areaNamesOf } from './common.js';

export var ALERT_AREA_STYLE = { color: '#b3261e', weight: 2, fillColor: '#b3261e', fillOpacity: 0.15, className: 'alert-area' };

function gidBounds(gid) {
  var i = Number(gid) - 1;
  var row = Math.floor(i / 720), col = i % 720;
  var s = row * 0.5 - 90, w = col * 0.5 - 180;
  return [[s, w], [s + 0.5, w + 0.5]];
}

// Draw an alert's area (vigil_warn::Area as JSON) on a map; resolves to the layer.
export function drawAlertArea(map, area) {
  if (!area || !area.type || area.type === 'unlocated') return Promise.resolve(null);
  var p;
  if (area.type === 'circle' && area.center) {
    p = Promise.resolve(L.circle([area.center.lat, area.center.lon], Object.assign({ radius: Number(area.radius_km) * 1000 }, ALERT_AREA_STYLE)));
  } else if (area.type === 'polygon' && area.points && area.points.length) {
    p = Promise.resolve(L.polygon(area.points.map(function (x) { return [x.lat, x.lon]; }), ALERT_AREA_STYLE));
  } else if (area.type === 'cells' && area.gids && area.gids.length) {
    p = Promise.resolve(L.featureGroup(area.gids.map(function (g) { return L.rectangle(gidBounds(g), ALERT_AREA_STYLE); })));
  } else if (area.type === 'admin' && area.codes) {
    p = loadAreas(area.level).then(function (fc) {
      var feats = ((fc && fc.features) || []).filter(function (f) { return f.properties && area.codes.indexOf(f.properties.code) >= 0; });
      return feats.length ? L.geoJSON({ type: 'FeatureCollection', features: feats }, { style: function () { return ALERT_AREA_STYLE; } }) : null;
    });
  } else {
    return Promise.resolve(null);
  }
  return p.then(function (layer) {
    if (!layer || !map.getContainer().isConnected) return null;
    layer.addTo(map);
    var b = layer.getBounds();
    // not closer than zoom 8, so that the region around stays in view
    if (b.isValid()) map.fitBounds(b, { padding: [16, 16], maxZoom: 8 });
    return layer;
  });
}

export function areaDetail(a) {
  var area = a.area || {};
  var what;
  if (area.type === 'circle' && area.center) {
    what = t('alerts.circle', { km: fmt(area.radius_km), lat: Number(area.center.lat).toFixed(3), lon: Number(area.center.lon).toFixed(3) });
  } else if (area.type === 'polygon') {
    what = t('alerts.polygon', { n: (area.points || []).length });
  } else if (area.type === 'admin') {
    what = t('alerts.adminAreas') + colon() + (area.codes || []).map(function (c) { return areaName(c) + (areaName(c) !== c ? ' (' + c + ')' : ''); }).join(', ');
  } else if (area.type === 'cells') {
    what = t('alerts.cells') + colon() + (area.gids || []).join(', ');
  } else {
    what = t('alerts.unlocated');
  }
  var names = areaNamesOf(a);
  return h('p', { 'data-testid': 'alert-area-detail' }, [names ? [h('strong', null, names), h('br')] : null, what]);
}
