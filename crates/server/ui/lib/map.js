// Leaflet helpers for Vigil: map creation with an optional local basemap, admin-area
// choropleth, a small grid clustering of incident points (no plugin), and tooltips that
// take names from boundary and place files as text, never as HTML.
// Leaflet is the ES module build npm ships, served from /vendor/leaflet/.

import * as L from '/vendor/leaflet/leaflet-src.esm.js';

export { L };

// Mali and its neighbours' border areas: the default view before any data arrives.
export var DEFAULT_BOUNDS = [[10.0, -12.5], [25.2, 4.5]];
// Sequential palette (light → dark) for area shading; zero gets its own neutral colour.
var PALETTE = ['#fde0c5', '#facba6', '#f8b58b', '#f59e72', '#f2855d', '#ef6a4c', '#d8443c', '#a8232f'];
var ZERO_COLOUR = '#eef0f2';

var basemap = null; // {url, maxZoom, attribution} when the server serves local tiles

// Ask the server whether a local basemap is configured. `info` is what /api/demo-info
// (or /api/me) returned; it may carry {basemap: {url, max_zoom, attribution}} or
// {tiles: true}. Without that, probe one tile over Mali: a 200 image means tiles exist.
export function detectBasemap(info) {
  var b = info && (info.basemap || info.tiles);
  // The server said (basemap: null → none): no need to probe.
  if (info && Object.prototype.hasOwnProperty.call(info, 'basemap') && !info.basemap) return Promise.resolve(null);
  if (b && typeof b === 'object' && b.url) {
    basemap = { url: b.url, maxZoom: b.max_zoom || b.maxzoom || 12, minZoom: b.min_zoom || b.minzoom || 0, attribution: b.attribution || '' };
    return Promise.resolve(basemap);
  }
  if (b === false) return Promise.resolve(null);
  var url = (typeof b === 'string' && b) ? b : '/tiles/{z}/{x}/{y}.png';
  var probe = url.replace('{z}', '5').replace('{x}', '15').replace('{y}', '14');
  return fetch(probe, { method: 'GET', credentials: 'same-origin' }).then(function (r) {
    var ct = r.headers.get('content-type') || '';
    if (r.ok && ct.indexOf('image') === 0) {
      basemap = { url: url, maxZoom: 12, minZoom: 0, attribution: '' };
    }
    return basemap;
  }).catch(function () { return null; });
}

export function createMap(container, opts) {
  opts = opts || {};
  var map = L.map(container, {
    zoomControl: true,
    zoomAnimation: opts.zoomAnimation !== false,
    zoomSnap: 0.25,
    zoomDelta: 0.5,
    attributionControl: !!basemap,
    minZoom: 3,
    maxZoom: basemap ? basemap.maxZoom : 14,
    worldCopyJump: false
  });
  map.fitBounds(opts.bounds || DEFAULT_BOUNDS);
  if (basemap) {
    L.tileLayer(basemap.url, {
      maxZoom: basemap.maxZoom,
      minZoom: basemap.minZoom,
      attribution: basemap.attribution
    }).addTo(map);
    container.classList.add('has-basemap');
  } else {
    container.classList.add('no-basemap');
  }
  return map;
}

// Mali's regions, simplified, shipped with the UI (ui/geo/): a background for the small
// maps when no basemap is configured. Needs no API call, so every role gets it.
var outlinePromise = null;
export function outline(map, opts) {
  opts = opts || {};
  if (!outlinePromise) {
    outlinePromise = fetch('/geo/mali-regions.geojson', { credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .catch(function () { outlinePromise = null; return null; });
  }
  return outlinePromise.then(function (fc) {
    if (!fc || !map.getContainer().isConnected) return null;
    var lyr = L.geoJSON(fc, {
      interactive: false,
      style: { color: '#7b8794', weight: 1, fillColor: basemap ? 'transparent' : '#f7f4ee', fillOpacity: basemap ? 0 : 1 }
    }).addTo(map);
    lyr.bringToBack();
    if (opts.fit) map.fitBounds(lyr.getBounds(), { padding: [6, 6] });
    return lyr;
  });
}

// Class breaks for the choropleth: quantiles of the non-zero values, rounded and unique.
function breaks(values, classes) {
  var nz = values.filter(function (v) { return v > 0; }).sort(function (a, b) { return a - b; });
  if (nz.length === 0) return [];
  var out = [];
  for (var i = 1; i < classes; i++) {
    var q = nz[Math.min(nz.length - 1, Math.floor((i / classes) * nz.length))];
    if (out.length === 0 || q > out[out.length - 1]) out.push(q);
  }
  var max = nz[nz.length - 1];
  if (out.length === 0 || out[out.length - 1] < max) out.push(max);
  return out; // upper bounds (inclusive) of each class
}

function colourFor(v, br) {
  if (!(v > 0)) return ZERO_COLOUR;
  for (var i = 0; i < br.length; i++) {
    if (v <= br[i]) {
      var idx = br.length === 1 ? PALETTE.length - 1 : Math.round(i * (PALETTE.length - 1) / (br.length - 1));
      return PALETTE[idx];
    }
  }
  return PALETTE[PALETTE.length - 1];
}

// Areas layer: GeoJSON with properties {code, name, incidents, fatalities}.
export function areasLayer(geojson, measure, opts) {
  opts = opts || {};
  var feats = (geojson && geojson.features) || [];
  var br = breaks(feats.map(function (f) { return Number(f.properties[measure]) || 0; }), 6);
  var layer = L.geoJSON(geojson, {
    style: function (f) {
      var v = Number(f.properties[measure]) || 0;
      var selected = opts.selected && opts.selected === f.properties.code;
      return {
        color: selected ? '#1d3557' : '#6b7785',
        weight: selected ? 2.5 : 0.8,
        fillColor: colourFor(v, br),
        fillOpacity: basemap ? 0.55 : 0.9,
        opacity: 1
      };
    },
    onEachFeature: function (f, lyr) {
      var p = f.properties || {};
      if (opts.tooltip) {
        // opts.tooltip gives a DOM node; a string is taken as text, never as HTML
        var tip = opts.tooltip(p);
        lyr.bindTooltip(typeof tip === 'string' ? textContent(tip) : tip, { sticky: true, direction: 'top', className: 'area-tip' });
      }
      if (opts.onClick) {
        lyr.on('click', function () { opts.onClick(p); });
      }
    }
  });
  layer.vigilBreaks = br;
  return layer;
}

export function legendControl(title, br, fmt, zeroLabel) {
  var ctl = L.control({ position: 'bottomright' });
  ctl.onAdd = function () {
    var div = L.DomUtil.create('div', 'map-legend');
    div.setAttribute('data-testid', 'map-legend');
    var h = document.createElement('strong');
    h.textContent = title;
    div.appendChild(h);
    var rows = [{ c: ZERO_COLOUR, l: zeroLabel || '0' }];
    var lo = 1;
    br.forEach(function (b) {
      rows.push({ c: colourFor(b, br), l: lo === b ? fmt(b) : fmt(lo) + '–' + fmt(b) });
      lo = b + 1;
    });
    rows.forEach(function (r) {
      var row = document.createElement('div');
      var sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = r.c;
      row.appendChild(sw);
      row.appendChild(document.createTextNode(r.l));
      div.appendChild(row);
    });
    L.DomEvent.disableClickPropagation(div);
    return div;
  };
  return ctl;
}

// Grid clustering: points closer than `cell` screen pixels at the current zoom are drawn
// as one numbered circle; clicking it zooms in (or lists the incidents when they share
// one spot). Recomputed on every zoom; a few thousand points take a few milliseconds.
export function ClusterLayer(map, opts) {
  this.map = map;
  this.opts = opts || {};
  this.cell = this.opts.cell || 56;
  this.group = L.layerGroup().addTo(map);
  this.features = [];
  this.markers = {}; // incident id → single marker (only while drawn unclustered)
  var self = this;
  this._onZoom = function () { self.redraw(); };
  map.on('zoomend', this._onZoom);
}

ClusterLayer.prototype.setData = function (features) {
  this.features = (features || []).filter(function (f) {
    return f && f.geometry && f.geometry.type === 'Point' &&
      Array.isArray(f.geometry.coordinates) &&
      isFinite(f.geometry.coordinates[0]) && isFinite(f.geometry.coordinates[1]);
  });
  this.redraw();
};

ClusterLayer.prototype.setVisible = function (on) {
  if (on && !this.map.hasLayer(this.group)) this.group.addTo(this.map);
  if (!on && this.map.hasLayer(this.group)) this.map.removeLayer(this.group);
};

ClusterLayer.prototype.redraw = function () {
  var map = this.map;
  var zoom = map.getZoom();
  var cell = this.cell;
  var groups = {};
  var order = [];
  this.group.clearLayers();
  this.markers = {};
  // 1. Bin points into square cells of `cell` pixels.
  this.features.forEach(function (f) {
    var c = f.geometry.coordinates;
    var ll = L.latLng(c[1], c[0]);
    var p = map.project(ll, zoom);
    var gx = Math.floor(p.x / cell), gy = Math.floor(p.y / cell);
    var key = gx + ':' + gy;
    var g = groups[key];
    if (!g) {
      g = groups[key] = { gx: gx, gy: gy, items: [], px: 0, py: 0, lat: 0, lng: 0, bounds: L.latLngBounds(ll, ll), absorbed: false };
      order.push(key);
    }
    g.items.push(f);
    g.px += p.x; g.py += p.y;
    g.lat += ll.lat; g.lng += ll.lng;
    g.bounds.extend(ll);
  });
  // 2. Merge neighbouring bins whose centres are closer than one cell, biggest
  //    first, so that circles in adjacent bins do not overlap.
  var sorted = order.map(function (k) { return groups[k]; })
    .sort(function (a, b) { return b.items.length - a.items.length; });
  sorted.forEach(function (g) {
    if (g.absorbed) return;
    for (var dx = -1; dx <= 1; dx++) {
      for (var dy = -1; dy <= 1; dy++) {
        if (!dx && !dy) continue;
        var o = groups[(g.gx + dx) + ':' + (g.gy + dy)];
        if (!o || o.absorbed || o === g) continue;
        var n = g.items.length, m = o.items.length;
        var d = Math.hypot(g.px / n - o.px / m, g.py / n - o.py / m);
        if (d < cell) {
          o.absorbed = true;
          g.items = g.items.concat(o.items);
          g.px += o.px; g.py += o.py; g.lat += o.lat; g.lng += o.lng;
          g.bounds.extend(o.bounds);
        }
      }
    }
  });
  var self = this;
  sorted.forEach(function (g) {
    if (g.absorbed) return;
    if (g.items.length === 1) self._single(g.items[0]);
    else self._cluster(g);
  });
};

ClusterLayer.prototype._single = function (f) {
  var p = f.properties || {};
  var c = f.geometry.coordinates;
  var cls = 'inc-marker type-' + (p.type_of_violence || 'x') + (p.synthetic ? ' synthetic' : '') +
    (p.source === 'vigil' ? ' from-report' : '');
  var m = L.marker([c[1], c[0]], {
    icon: L.divIcon({ className: cls, iconSize: [14, 14] }),
    keyboard: true,
    title: (p.place || '') + ' ' + (p.date_start || ''),
    riseOnHover: true
  });
  var popup = this.opts.popup;
  if (popup) m.bindPopup(function () { return popup(f); }, { maxWidth: 300, minWidth: 220 });
  m.on('add', function () {
    var el = m.getElement();
    if (el) {
      el.setAttribute('data-testid', 'incident-marker');
      el.setAttribute('data-incident-id', String(p.id));
    }
  });
  m.addTo(this.group);
  this.markers[String(p.id)] = m;
};

ClusterLayer.prototype._cluster = function (g) {
  var n = g.items.length;
  var size = Math.round(26 + Math.min(26, Math.log(n) * 6));
  var div = document.createElement('span');
  div.textContent = n >= 1000 ? (Math.round(n / 100) / 10) + 'k' : String(n);
  var anySynthetic = g.items.some(function (f) { return f.properties && f.properties.synthetic; });
  var t = this.opts.t || function (k) { return k; };
  var m = L.marker([g.lat / n, g.lng / n], {
    icon: L.divIcon({
      className: 'inc-cluster' + (anySynthetic ? ' synthetic' : ''),
      html: div,
      iconSize: [size, size]
    }),
    keyboard: true,
    title: t('map.clusterTitle', { n: n })
  });
  var map = this.map;
  var self = this;
  m.on('click', function () {
    var sw = g.bounds.getSouthWest();
    var ne = g.bounds.getNorthEast();
    var samePlace = sw.equals(ne, 1e-6);
    if (!samePlace && map.getZoom() < map.getMaxZoom()) {
      var target = map.getBoundsZoom(g.bounds, false, L.point(40, 40));
      target = Math.max(target, map.getZoom() + 1);
      map.setView(g.bounds.getCenter(), Math.min(target, map.getMaxZoom()));
    } else if (self.opts.listPopup) {
      L.popup({ maxWidth: 320 }).setLatLng(m.getLatLng()).setContent(self.opts.listPopup(g.items)).openOn(map);
    }
  });
  m.on('add', function () {
    var el = m.getElement();
    if (el) {
      el.setAttribute('data-testid', 'incident-cluster');
      el.setAttribute('data-count', String(n));
    }
  });
  m.addTo(this.group);
};

// Zoom to an incident and open its popup, whatever cluster it is in now.
ClusterLayer.prototype.focus = function (id) {
  var f = null;
  for (var i = 0; i < this.features.length; i++) {
    if (String(this.features[i].properties.id) === String(id)) { f = this.features[i]; break; }
  }
  if (!f) return false;
  var c = f.geometry.coordinates;
  var self = this;
  var open = function () {
    var m = self.markers[String(id)];
    if (m) {
      m.openPopup();
    } else if (self.opts.popup) {
      // Still clustered with others at the same spot: show its popup on its own.
      L.popup({ maxWidth: 300 }).setLatLng([c[1], c[0]]).setContent(self.opts.popup(f)).openOn(self.map);
    }
  };
  var targetZoom = Math.max(this.map.getZoom(), Math.min(this.map.getMaxZoom(), 11));
  if (this.map.getZoom() === targetZoom) {
    this.map.panTo([c[1], c[0]]);
    open();
  } else {
    this.map.once('zoomend', function () { setTimeout(open, 0); });
    this.map.setView([c[1], c[0]], targetZoom);
  }
  return true;
};

ClusterLayer.prototype.destroy = function () {
  this.map.off('zoomend', this._onZoom);
  this.group.clearLayers();
};

// Remove a map whose page is going away. Leaflet 1.9 keeps a zoom-animation timer
// that fails if the map is removed mid-animation, so wait for the zoom to end.
export function removeMap(map) {
  if (!map || map._vigilRemoved) return;
  map._vigilRemoved = true;
  var done = function () { try { map.remove(); } catch (e) { /* already gone */ } };
  try { map.stop(); } catch (e) { /* nothing running */ }
  if (map._animatingZoom) {
    map.once('zoomend', done);
    setTimeout(done, 1000);
  } else {
    done();
  }
}

export function hasBasemap() { return !!basemap; }

/**
 * A DOM node for a tooltip or popup holding `text` as text: Leaflet sets a string's
 * content as HTML, so names from boundary and place files must never go in as strings.
 */
export function textContent(text) {
  var e = document.createElement('span');
  e.textContent = text === null || text === undefined ? '' : String(text);
  return e;
}

/** Bind a tooltip that shows `text` as text. */
export function textTooltip(layer, text, opts) {
  return layer.bindTooltip(textContent(text), opts);
}
