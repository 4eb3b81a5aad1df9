// #/movement: "Movement and safety" (issue #18). A map with three layers (denied or
// delayed movements at their destination, attacks on the mission, the named routes),
// the sector table of movement requests, the attack figures in the review's form, the
// overlap of restrictions with protection needs, and a form to record a movement
// request with its decision. Codes and labels come from the server's vocabulary
// (`movement` of GET /api/vocabulary); every figure from the API.

import { t, lang } from '../../i18n/index.js';
import { h, clear, field, formFailed, clearErrors, syntheticBadge, loadError } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { S } from '../../core/state.js';
import { L, createMap, outline, removeMap, textTooltip } from '../../lib/map.js';

function label(list, code) {
  var x = (list || []).find(function (v) { return v.code === code; });
  if (!x) return String(code);
  return (x.label && (x.label[lang()] || x.label.en)) || String(code);
}

function pct(v) { return v === null || v === undefined ? '–' : (Math.round(v * 1000) / 10) + ' %'; }
function num(v) { return v === null || v === undefined ? '–' : String(Math.round(v * 10) / 10); }

var OUTCOME_COLOUR = { denied: '#b10026', delayed: '#fd8d3c', no_answer: '#807dba' };

function sectorTable(voc, rows) {
  return h('table', { 'class': 'table', 'data-testid': 'mv-sector-table' }, [
    h('thead', null, h('tr', null, [t('mv.sector'), t('mv.requests'), t('mv.pending'), t('mv.granted'), t('mv.delayed'), t('mv.denied'),
      t('mv.noAnswer'), t('mv.shareRestricted'), t('mv.medianDelay'), t('mv.p90Delay'), t('mv.casevacDenied')]
      .map(function (x) { return h('th', null, x); }))),
    h('tbody', null, rows.map(function (r) {
      return h('tr', { 'data-key': r.key }, [
        h('td', null, r.key === 'all' ? t('mv.all') : label(voc.sectors, r.key)),
        h('td', { 'data-col': 'requests' }, String(r.requests)), h('td', null, String(r.pending)),
        h('td', null, String(r.granted + r.granted_with_conditions)), h('td', { 'data-col': 'delayed' }, String(r.delayed)),
        h('td', { 'data-col': 'denied' }, String(r.denied)), h('td', null, String(r.no_answer)),
        h('td', null, pct(r.share_denied_or_delayed)), h('td', null, num(r.median_delay_minutes)), h('td', null, num(r.p90_delay_minutes)),
        h('td', { 'data-col': 'casevac_denied' }, r.casevac_denied + ' / ' + r.casevac_requests)
      ]);
    }))
  ]);
}

function attackBlock(voc, f) {
  var tally = function (title, rows, lab) {
    return [h('h3', null, title), h('table', { 'class': 'table' }, [
      h('thead', null, h('tr', null, ['', t('mv.attacks'), t('mv.pkKilled'), t('mv.pkInjured'), t('mv.civKilled'), t('mv.civInjured')]
        .map(function (x) { return h('th', null, x); }))),
      h('tbody', null, rows.map(function (r) {
        return h('tr', { 'data-key': r.key }, [h('td', null, lab ? lab(r.key) : r.key), h('td', null, String(r.attacks)),
          h('td', null, String(r.peacekeepers_killed)), h('td', null, String(r.peacekeepers_injured)),
          h('td', null, String(r.civilians_killed)), h('td', null, String(r.civilians_injured))]);
      }))
    ])];
  };
  return h('div', { 'data-testid': 'mv-attack-figures' }, [
    h('ul', { 'data-testid': 'mv-attack-sentences' }, (f.sentences || []).map(function (s) { return h('li', null, s); })),
    tally(t('mv.byKind'), f.by_kind || [], function (k) { return label(voc.attack_kinds, k); }),
    tally(t('mv.byYear'), f.by_year || []),
    tally(t('mv.bySector'), f.by_sector || [], function (k) { return label(voc.sectors, k); })
  ]);
}

function overlapBlock(o) {
  var row = function (name, g) {
    return h('tr', { 'data-key': name }, [h('td', null, t('mv.group.' + name)), h('td', null, String(g.movements)),
      h('td', null, num(g.mean_incidents)), h('td', null, num(g.mean_civilian_deaths)), h('td', null, pct(g.share_with_incident)),
      h('td', null, num(g.mean_active_alerts)), h('td', null, g.mean_risk === null || g.mean_risk === undefined ? '–' : pct(g.mean_risk))]);
  };
  return h('div', { 'data-testid': 'mv-overlap' }, [
    h('p', { 'class': 'muted' }, t('mv.overlapHow', { km: o.params.km, days: o.params.days })),
    h('table', { 'class': 'table' }, [
      h('thead', null, h('tr', null, ['', t('mv.movements'), t('mv.meanIncidents'), t('mv.meanCivDeaths'), t('mv.shareWithIncident'), t('mv.meanAlerts'), t('mv.meanRisk')]
        .map(function (x) { return h('th', null, x); }))),
      h('tbody', null, [row('restricted', o.restricted), row('granted', o.granted)])
    ])
  ]);
}

function sel(id, list, withEmpty) {
  var s = h('select', { id: id, name: id });
  if (withEmpty) s.appendChild(h('option', { value: '' }, '—'));
  (list || []).forEach(function (x) { s.appendChild(h('option', { value: x.code }, label(list, x.code))); });
  return s;
}

function isoLocal(d) { return d.toISOString().slice(0, 16); }

function movementForm(voc, onSaved) {
  var now = new Date();
  var c = {
    mode: sel('mv-mode', voc.modes), kind: sel('mv-kind', voc.kinds), sector: sel('mv-sector', voc.sectors),
    from_place: h('input', { id: 'mv-from', type: 'text' }), to_place: h('input', { id: 'mv-to', type: 'text', required: true }),
    lat: h('input', { id: 'mv-lat', type: 'number', step: 'any', required: true }), lon: h('input', { id: 'mv-lon', type: 'number', step: 'any', required: true }),
    requested_at: h('input', { id: 'mv-requested', type: 'datetime-local', value: isoLocal(now) }),
    planned_at: h('input', { id: 'mv-planned', type: 'datetime-local', value: isoLocal(now) }),
    asset: h('input', { id: 'mv-asset', type: 'text' }), purpose: h('input', { id: 'mv-purpose', type: 'text' }),
    outcome: sel('mv-outcome', voc.outcomes, true), decided_at: h('input', { id: 'mv-decided', type: 'datetime-local', value: isoLocal(now) }),
    delay: h('input', { id: 'mv-delay', type: 'number', min: 0 }), authority: h('input', { id: 'mv-authority', type: 'text' }),
    reason: sel('mv-reason', voc.reasons)
  };
  var err = h('p', { 'class': 'form-error', hidden: true, role: 'alert', 'data-testid': 'mv-form-error' });
  var utc = function (v) { return v ? new Date(v).toISOString() : null; };
  var form = h('form', { 'data-testid': 'mv-form', novalidate: true }, [
    field('mode', 'mv.mode', c.mode), field('kind', 'mv.kind', c.kind), field('sector', 'mv.sector', c.sector),
    field('from_place', 'mv.from', c.from_place, { optional: true }), field('to_place', 'mv.to', c.to_place, { required: true }),
    field('to', 'mv.lat', c.lat, { required: true }), field('to_lon', 'mv.lon', c.lon, { required: true }),
    field('requested_at', 'mv.requestedAt', c.requested_at), field('planned_at', 'mv.plannedAt', c.planned_at),
    field('asset', 'mv.asset', c.asset, { optional: true }), field('purpose', 'mv.purpose', c.purpose, { optional: true }),
    h('h3', null, t('mv.decision')),
    field('outcome', 'mv.outcome', c.outcome, { optional: true }), field('decided_at', 'mv.decidedAt', c.decided_at),
    field('delay_minutes', 'mv.delay', c.delay, { optional: true }), field('authority', 'mv.authority', c.authority),
    field('reason', 'mv.reason', c.reason),
    err,
    h('button', { type: 'submit', 'data-testid': 'mv-submit' }, t('mv.save'))
  ]);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    clearErrors(form); err.hidden = true;
    var body = {
      mode: c.mode.value, kind: c.kind.value, sector: c.sector.value, from_place: c.from_place.value, to_place: c.to_place.value,
      to: [Number(c.lon.value), Number(c.lat.value)], requested_at: utc(c.requested_at.value), planned_at: utc(c.planned_at.value),
      asset: c.asset.value, purpose: c.purpose.value
    };
    if (c.outcome.value) {
      body.decision = { outcome: c.outcome.value, authority: c.authority.value, reason: c.reason.value };
      if (c.outcome.value !== 'no_answer') body.decision.decided_at = utc(c.decided_at.value);
      if (c.delay.value !== '') body.decision.delay_minutes = Number(c.delay.value);
    }
    api('POST', '/api/movements', body).then(function (r) {
      onSaved(r.id);
    }).catch(function (e) {
      var f = e.field ? String(e.field).replace(/^decision\./, '') : e.field;
      formFailed(form, err, e, 'mv.fix', f === 'to' ? 'to' : f);
    });
  });
  return form;
}

export function viewMovement(main) {
  var alive = true;
  var map = null;
  var lastSaved = null;
  main.appendChild(h('p', { 'class': 'muted' }, t('common.loading')));
  function load() {
    return Promise.all([
      api('GET', '/api/vocabulary'),
      api('GET', '/api/movements'),
      api('GET', '/api/attacks'),
      api('GET', '/api/routes'),
      api('GET', '/api/movements/figures?by=sector'),
      api('GET', '/api/attacks/figures?since=2013-07-01'),
      api('GET', '/api/movements/overlap?km=20&days=30')
    ]);
  }
  function render(res) {
    if (!alive) return;
    var voc = res[0].movement || {};
    var movements = res[1].movements || [], attacks = res[2].attacks || [], routes = res[3].features || [];
    var synthetic = movements.some(function (m) { return m.synthetic; }) || attacks.some(function (a) { return a.synthetic; });
    if (map) { removeMap(map); map = null; }
    clear(main);
    var mapDiv = h('div', { 'class': 'map', id: 'mv-map', 'data-testid': 'mv-map', style: 'height: 420px' });
    var canSubmit = (voc.submit || []).indexOf(S.role) >= 0;
    main.appendChild(h('section', { 'class': 'card', 'data-testid': 'movement-page' }, [
      h('h1', null, [t('mv.title'), synthetic ? [' ', syntheticBadge()] : null]),
      synthetic ? h('p', { 'class': 'notice', 'data-testid': 'mv-synthetic' }, t('mv.syntheticNote')) : null,
      h('p', { 'class': 'muted' }, t('mv.mapHow')),
      mapDiv,
      h('h2', null, t('mv.sectorTitle')), sectorTable(voc, res[4].rows || []),
      h('h2', null, t('mv.overlapTitle')), overlapBlock(res[6]),
      h('h2', null, t('mv.attackTitle')), attackBlock(voc, res[5]),
      canSubmit ? [h('h2', null, t('mv.formTitle')),
        lastSaved ? h('p', { 'class': 'notice', 'data-testid': 'mv-form-done' }, t('mv.saved', { id: lastSaved })) : null,
        movementForm(voc, function (id) { lastSaved = id; load().then(render); })] : null
    ]));
    map = createMap(mapDiv);
    outline(map);
    var denials = L.layerGroup(), attackLayer = L.layerGroup(), routeLayer = L.layerGroup();
    movements.forEach(function (m) {
      var o = m.decision && m.decision.outcome;
      if (!o || !OUTCOME_COLOUR[o]) return;
      var mk = L.circleMarker([m.to[1], m.to[0]], { radius: 6, color: OUTCOME_COLOUR[o], weight: 2, fillOpacity: 0.6,
        className: 'mv-denial mv-' + o + ' mv-id-' + m.id });
      textTooltip(mk, label(voc.kinds, m.kind) + ' → ' + m.to_place + ': ' + label(voc.outcomes, o) + ' (' + String(m.planned_at).slice(0, 10) + ')');
      denials.addLayer(mk);
    });
    attacks.forEach(function (a) {
      if (!a.location) return;
      var mk = L.circleMarker([a.location[1], a.location[0]], { radius: 5, color: '#252525', weight: 1, fillColor: '#737373', fillOpacity: 0.8,
        className: 'mv-attack mv-attack-' + a.kind });
      textTooltip(mk, label(voc.attack_kinds, a.kind) + ', ' + a.place + ', ' + a.date + ': ' + t('mv.attackTip', { k: a.peacekeepers_killed, w: a.peacekeepers_injured }));
      attackLayer.addLayer(mk);
    });
    routes.forEach(function (f) {
      var ll = f.geometry.coordinates.map(function (c) { return [c[1], c[0]]; });
      var p = f.properties;
      var line = L.polyline(ll, { color: '#2171b5', weight: 3, dashArray: p.approximate ? '6 6' : null, className: 'mv-route' });
      textTooltip(line, p.name + (p.approximate ? ' — ' + t('mv.approx') : '') + ' (' + Math.round(p.length_km) + ' km)');
      routeLayer.addLayer(line);
    });
    denials.addTo(map); attackLayer.addTo(map); routeLayer.addTo(map);
    var overlays = {};
    overlays[t('mv.layerDenials')] = denials;
    overlays[t('mv.layerAttacks')] = attackLayer;
    overlays[t('mv.layerRoutes')] = routeLayer;
    L.control.layers(null, overlays, { collapsed: false }).addTo(map);
  }
  load().then(render).catch(function (e) {
    if (!alive) return;
    clear(main);
    main.appendChild(loadError(e));
  });
  return { destroy: function () { alive = false; if (map) removeMap(map); } };
}
