// The map's incidents, aggregated on the server (GET /api/incidents/map): on every
// move and zoom the view's box and zoom go to the server (debounced; a newer request
// aborts the older one), which answers with counts per grid cell, or with the
// incidents themselves when the box holds few (then lib/map.js's ClusterLayer draws
// and groups them on screen, with popups). Cells are circles sized by their count;
// a click zooms to the incidents they hold.

import { L } from '../../lib/map.js';
import { qs } from '../../core/api.js';

// Circles of counted cells, above the areas and the context layers.
export function CellLayer(map, opts) {
  this.map = map;
  this.opts = opts || {};
  this.group = L.layerGroup().addTo(map);
}

CellLayer.prototype.setVisible = function (on) {
  if (on && !this.map.hasLayer(this.group)) this.group.addTo(this.map);
  if (!on && this.map.hasLayer(this.group)) this.map.removeLayer(this.group);
};

CellLayer.prototype.clear = function () { this.group.clearLayers(); this.drawn = {}; };

// Draw the cells of one answer. A cell already drawn with the same size, count and
// place keeps its marker (a pan at the same zoom rebuilds only the cells that changed).
CellLayer.prototype.draw = function (cells, cellSize) {
  var map = this.map;
  var t = this.opts.t || function (k) { return k; };
  var fmt = this.opts.fmt || String;
  var synthetic = !!this.opts.synthetic;
  var group = this.group;
  var old = this.drawn || {};
  var now = {};
  (cells || []).forEach(function (c) {
    var n = Number(c.count) || 0;
    if (!n) return;
    var key = cellSize + ':' + c.col + ':' + c.row + ':' + n + ':' + c.lat + ':' + c.lon;
    if (old[key]) {
      now[key] = old[key];
      delete old[key];
      return;
    }
    var size = Math.round(22 + Math.min(34, Math.log(n) * 5));
    var label = document.createElement('span');
    label.textContent = n >= 10000 ? Math.round(n / 1000) + 'k' : n >= 1000 ? (Math.round(n / 100) / 10) + 'k' : String(n);
    var m = L.marker([c.lat, c.lon], {
      icon: L.divIcon({ className: 'inc-cluster inc-cell' + (synthetic ? ' synthetic' : ''), html: label, iconSize: [size, size] }),
      keyboard: true,
      title: t('map.cellTitle', { n: fmt(n), f: fmt(Number(c.fatalities) || 0) })
    });
    m.on('click', function () {
      var b = c.bbox || [c.lon, c.lat, c.lon, c.lat];
      var bounds = L.latLngBounds([b[1], b[0]], [b[3], b[2]]);
      var z = map.getZoom();
      var target = bounds.getSouthWest().equals(bounds.getNorthEast(), 1e-6)
        ? z + 2 : Math.max(z + 1, map.getBoundsZoom(bounds, false, L.point(40, 40)));
      map.setView(bounds.getCenter(), Math.min(target, map.getMaxZoom()));
    });
    m.on('add', function () {
      var el = m.getElement();
      if (el) {
        el.setAttribute('data-testid', 'incident-cluster');
        el.setAttribute('data-count', String(n));
        el.setAttribute('data-fatalities', String(Number(c.fatalities) || 0));
      }
    });
    now[key] = m;
    m.addTo(group);
  });
  Object.keys(old).forEach(function (k) { group.removeLayer(old[k]); });
  this.drawn = now;
};

CellLayer.prototype.destroy = function () { this.group.clearLayers(); this.map.removeLayer(this.group); };

// Fetch what the view holds whenever the map moves. `filters()` gives the map's
// filters; `onLoading()` is called when a request starts, `onResult(json)` with the
// newest answer only, `onError(e)` when it fails (not when a newer one replaced it).
export function viewLoader(map, api, hooks) {
  var timer = null;
  var ctrl = null;
  var seq = 0;
  function load() {
    timer = null;
    if (ctrl) ctrl.abort();
    ctrl = typeof AbortController !== 'undefined' ? new AbortController() : null;
    var my = ++seq;
    // a margin around the view, so a small pan does not leave empty edges while loading
    var b = map.getBounds().pad(0.2);
    var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (x) { return x.toFixed(4); }).join(',');
    var q = Object.assign({ bbox: bbox, zoom: String(map.getZoom()) }, hooks.filters());
    if (hooks.onLoading) hooks.onLoading();
    return api('GET', '/api/incidents/map' + qs(q), undefined, { signal: ctrl ? ctrl.signal : undefined }).then(function (res) {
      if (my !== seq) return;
      hooks.onResult(res || {});
    }).catch(function (e) {
      if (my !== seq || (e && e.name === 'AbortError')) return;
      if (hooks.onError) hooks.onError(e);
    });
  }
  function schedule(delay) {
    if (timer) clearTimeout(timer);
    timer = setTimeout(load, delay === undefined ? 150 : delay);
  }
  var onMove = function () { schedule(); };
  map.on('moveend', onMove);
  return {
    now: function () { if (timer) clearTimeout(timer); return load(); },
    schedule: schedule,
    destroy: function () {
      map.off('moveend', onMove);
      if (timer) clearTimeout(timer);
      if (ctrl) ctrl.abort();
      seq++;
    }
  };
}
