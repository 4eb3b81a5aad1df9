// The maps' offline context layer: the towns Vigil ships (GET /api/map/towns, from
// GeoNames), a dot and a name each, labelled by zoom (big towns at low zoom, smaller
// ones as the map zooms in), names in the reader's language (Tombouctou / Timbuktu)
// and with their accents. Drawn in a pane of its own below the incidents (Leaflet's
// marker pane is 600), above the shaded areas; not interactive, so clicks go through.
// Names go in as text, never as HTML.

import * as L from '/vendor/leaflet/leaflet-src.esm.js';

var townsPromise = null;

function loadTowns() {
  if (!townsPromise) {
    townsPromise = fetch('/api/map/towns', { credentials: 'same-origin' })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .catch(function () { townsPromise = null; return null; });
  }
  return townsPromise;
}

/** The name of a town in `lang` (the towns file's own name when it has no other). */
export function townName(props, lang) {
  var n = props && props.names;
  return (n && (n[lang] || n.en)) || (props && props.name) || '';
}

/**
 * Add the towns to `map`; `opts.lang` is the reader's language, `opts.minZoomOffset`
 * shows labels that many zoom levels earlier (small maps). Returns a handle with
 * `remove()`; the towns appear once loaded.
 */
export function contextLayer(map, opts) {
  opts = opts || {};
  var offset = opts.minZoomOffset || 0;
  if (!map.getPane('vigilTowns')) {
    var pane = map.createPane('vigilTowns');
    pane.style.zIndex = 550;
    pane.style.pointerEvents = 'none';
  }
  var group = L.layerGroup().addTo(map);
  var items = [];
  var removed = false;
  function update() {
    var z = map.getZoom();
    items.forEach(function (it) {
      var on = z >= it.zoom - offset;
      if (on && !group.hasLayer(it.marker)) group.addLayer(it.marker);
      if (!on && group.hasLayer(it.marker)) group.removeLayer(it.marker);
    });
  }
  loadTowns().then(function (fc) {
    if (!fc || removed || !map.getContainer().isConnected) return;
    (fc.features || []).forEach(function (f) {
      var p = f.properties || {};
      var c = f.geometry && f.geometry.coordinates;
      if (!c || !isFinite(c[0]) || !isFinite(c[1])) return;
      var el = document.createElement('div');
      var dot = document.createElement('span');
      dot.className = 'town-dot';
      var label = document.createElement('span');
      label.className = 'town-label';
      label.textContent = townName(p, opts.lang || 'en');
      el.appendChild(dot);
      el.appendChild(label);
      var big = (p.label_zoom || 8) <= 5;
      var marker = L.marker([c[1], c[0]], {
        pane: 'vigilTowns',
        interactive: false,
        keyboard: false,
        icon: L.divIcon({ className: 'town' + (big ? ' town-big' : ''), html: el, iconSize: [8, 8], iconAnchor: [4, 4] })
      });
      marker.on('add', function () {
        var e = marker.getElement();
        if (e) {
          e.setAttribute('data-testid', 'town');
          e.setAttribute('data-geonameid', String(p.geonameid));
        }
      });
      items.push({ marker: marker, zoom: p.label_zoom || 8 });
    });
    update();
  });
  map.on('zoomend', update);
  return {
    remove: function () {
      removed = true;
      map.off('zoomend', update);
      group.clearLayers();
      if (map.hasLayer(group)) map.removeLayer(group);
    }
  };
}
