// #/new-alert[?report={id}]: raising an alert by hand (POST /api/alerts,
// alerts_api::create_manual) — a call to the hotline or a patrol's word that no rule
// would see in time. The area is a circle (a click on the map places its centre) or
// regions / cercles ticked in a list or clicked on the map; boundary names show as text.

import { t, lang } from '../../i18n/index.js';
import { S } from '../../core/state.js';
import { h, clear, field, formFailed, clearErrors, showFieldError } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { go } from '../../core/router.js';
import { areaName, areaOptions, loadAreas } from '../../core/areas.js';
import * as M from '../../lib/map.js';
import { L } from '../../lib/map.js';
import { contextLayer } from '../../lib/context.js';
import { alertTabs, pageTitle, capv } from './common.js';
import { ALERT_AREA_STYLE } from './area.js';
import { vocab } from '../../core/vocabulary.js';
import { errorText } from '../../core/errors.js';

// CAP's value lists, from the vocabulary (GET /api/vocabulary), in CAP's spelling.
var CAP_FIELDS = ['urgency', 'severity', 'certainty'];
function capChoices(k) { return vocab().capValues(k); }

function capCatLabel(c) {
  var k = 'capcat.' + c;
  return t(k) === k ? String(c) : t(k);
}

export function viewNewAlert(main, route) {
  var fromReport = /^\d+$/.test(route.query.report || '') ? route.query.report : '';
  var headline = h('input', { id: 'na-headline', name: 'headline', maxlength: '160', required: true, autocomplete: 'off', 'data-testid': 'na-headline' });
  var threat = h('textarea', { id: 'na-threat', name: 'threat', rows: '4', maxlength: '4000', required: true, 'data-testid': 'na-threat' });
  var headlineFr = h('input', { id: 'na-headline-fr', name: 'headline_fr', lang: 'fr', maxlength: '160', autocomplete: 'off', 'data-testid': 'na-headline-fr' });
  var threatFr = h('textarea', { id: 'na-threat-fr', name: 'threat_fr', lang: 'fr', rows: '4', maxlength: '4000', 'data-testid': 'na-threat-fr' });
  var kindCircle = h('input', { type: 'radio', name: 'area_kind', value: 'circle', checked: true, 'data-testid': 'na-kind-circle' });
  var kindAdmin = h('input', { type: 'radio', name: 'area_kind', value: 'admin', 'data-testid': 'na-kind-admin' });
  var lat = h('input', { id: 'na-lat', name: 'lat', type: 'number', step: 'any', min: '-90', max: '90', inputmode: 'decimal', 'data-testid': 'na-lat' });
  var lon = h('input', { id: 'na-lon', name: 'lon', type: 'number', step: 'any', min: '-180', max: '180', inputmode: 'decimal', 'data-testid': 'na-lon' });
  var radius = h('input', { id: 'na-radius', name: 'radius_km', type: 'number', step: 'any', min: '0.1', max: '500', value: '15', inputmode: 'decimal', 'data-testid': 'na-radius' });
  var level = h('select', { id: 'na-level', name: 'level', 'data-testid': 'na-level' }, [
    h('option', { value: '1' }, t('filters.admin1')), h('option', { value: '2' }, t('filters.admin2'))
  ]);
  var filter = h('input', { id: 'na-area-filter', type: 'search', autocomplete: 'off', placeholder: t('na.areaFilter'), 'aria-label': t('na.areaFilter'), 'data-testid': 'na-area-filter' });
  var picks = h('div', { 'class': 'area-picks', role: 'group', 'aria-labelledby': 'na-areas-label', 'data-testid': 'na-areas' }, h('p', { 'class': 'muted' }, t('common.loading')));
  var chosenCount = h('span', { 'class': 'muted', 'data-testid': 'na-areas-count' });
  var mapHint = h('p', { 'class': 'hint', id: 'na-map-hint' });
  var mini = h('div', { 'class': 'mini-map', id: 'na-map', 'data-testid': 'na-map', 'aria-describedby': 'na-map-hint' });
  var areaDesc = h('input', { id: 'na-area-desc', name: 'area_desc', maxlength: '300', autocomplete: 'off', 'data-testid': 'na-area-desc' });
  var caps = {};
  CAP_FIELDS.forEach(function (k) {
    caps[k] = h('select', { id: 'na-' + k, name: k, required: true, 'data-testid': 'na-' + k }, [
      h('option', { value: '' }, t('report.categoryChoose')),
      capChoices(k).map(function (v) { return h('option', { value: v }, capv(v) + ' — ' + t('capd.' + k + '.' + v)); })
    ]);
  });
  var category = h('select', { id: 'na-category', name: 'category', 'data-testid': 'na-category' },
    capChoices('categories').map(function (c) { return h('option', { value: c }, capCatLabel(c)); }));
  var expires = h('input', { id: 'na-expires', name: 'expires_hours', type: 'number', min: '1', max: '2160', step: '1', value: '72', inputmode: 'numeric', 'data-testid': 'na-expires' });
  var reports = h('input', { id: 'na-reports', name: 'report_ids', value: fromReport, autocomplete: 'off', inputmode: 'numeric', 'data-testid': 'na-reports' });
  var issue = h('input', { id: 'na-issue', name: 'issue', type: 'checkbox', 'data-testid': 'na-issue', 'aria-describedby': 'na-issue-hint' });
  var err = h('p', { 'class': 'form-error', role: 'alert', hidden: true, 'data-testid': 'na-form-error' });
  var submit = h('button', { type: 'submit', 'class': 'primary', 'data-testid': 'na-submit' });
  function submitLabel() { submit.textContent = t(issue.checked ? 'na.submitIssue' : 'na.submitDraft'); }
  submitLabel();
  issue.addEventListener('change', submitLabel);

  var circleBox = h('div', { 'data-testid': 'na-circle' }, [
    h('div', { 'class': 'row2' }, [field('lat', 'report.lat', lat, { required: true }), field('lon', 'report.lon', lon, { required: true })]),
    field('radius_km', 'na.radius', radius, { required: true, hint: t('na.radiusHint') })
  ]);
  var adminBox = h('div', { 'data-testid': 'na-admin', hidden: true }, [
    field('level', 'na.level', level),
    h('div', { 'class': 'field', 'data-field': 'codes' }, [
      h('span', { 'class': 'label', id: 'na-areas-label' }, [t('na.areas'), h('span', { 'class': 'req', 'aria-hidden': 'true' }, ' *'), ' ', chosenCount]),
      filter,
      picks,
      h('p', { 'class': 'field-error', id: 'na-codes-error', role: 'alert', 'data-testid': 'error-codes', hidden: true })
    ])
  ]);
  var form = h('form', { 'class': 'card new-alert-form', novalidate: true, 'data-testid': 'new-alert-form' }, [
    h('p', { 'class': 'muted' }, t('na.intro')),
    fromReport ? h('p', { 'class': 'notice', 'data-testid': 'na-from-report' }, [t('na.fromReport', { id: fromReport }), ' ',
      h('a', { href: '#/reports/' + fromReport }, t('na.openReport'))]) : null,
    field('headline', 'na.headline', headline, { required: true, hint: t('na.headlineHint') }),
    field('threat', 'na.threat', threat, { required: true, hint: t('na.threatHint') }),
    h('fieldset', { 'class': 'na-french' }, [
      h('legend', null, t('na.french')),
      h('p', { 'class': 'hint' }, t('na.frenchHint')),
      field('headline_fr', 'na.headlineFr', headlineFr, { optional: true }),
      field('threat_fr', 'na.threatFr', threatFr, { optional: true })
    ]),
    h('fieldset', { 'class': 'na-area' }, [
      h('legend', null, t('na.area')),
      h('div', { 'class': 'checks' }, [
        h('label', { 'class': 'inline' }, [kindCircle, ' ', t('na.kindCircle')]),
        h('label', { 'class': 'inline' }, [kindAdmin, ' ', t('na.kindAdmin')])
      ]),
      mapHint,
      mini,
      circleBox,
      adminBox,
      field('area_desc', 'na.areaDesc', areaDesc, { optional: true, hint: t('na.areaDescHint') })
    ]),
    h('fieldset', null, [
      h('legend', null, t('na.cap')),
      h('div', { 'class': 'cap-grid' }, CAP_FIELDS.map(function (k) {
        return field(k, 'cap.' + k, caps[k], { required: true, hint: t('na.' + k + 'Hint') });
      })),
      field('category', 'cap.category', category)
    ]),
    field('expires_hours', 'na.expires', expires, { hint: t('na.expiresHint') }),
    field('report_ids', 'na.reports', reports, { optional: true, hint: t('na.reportsHint') }),
    h('div', { 'class': 'field issue-now', 'data-field': 'issue' }, [
      h('label', { 'class': 'inline', 'for': 'na-issue' }, [issue, ' ', t('na.issue')]),
      h('p', { 'class': 'hint', id: 'na-issue-hint' }, t('na.issueHint')),
      h('p', { 'class': 'field-error', id: 'na-issue-error', role: 'alert', hidden: true })
    ]),
    err,
    h('div', { 'class': 'actions' }, [submit, h('a', { href: '#/alerts', 'class': 'button-link secondary', 'data-testid': 'na-cancel' }, t('common.cancel'))])
  ]);
  main.appendChild(h('div', { 'class': 'alerts-page' }, [alertTabs('alerts'), pageTitle('na.title'), form]));

  // The map: a click places the circle's centre; in the admin mode it picks areas.
  var map = M.createMap(mini, { zoomAnimation: false });
  M.outline(map, { fit: !fromReport });
  contextLayer(map, { lang: lang(), minZoomOffset: 1 });
  var pin = null, circle = null, adminLayer = null;
  var chosen = {};
  function kind() { return kindAdmin.checked ? 'admin' : 'circle'; }
  function drawCircle(pan) {
    var la = parseFloat(lat.value), lo = parseFloat(lon.value), r = parseFloat(radius.value);
    if (!(isFinite(la) && isFinite(lo) && Math.abs(la) <= 90 && Math.abs(lo) <= 180)) return;
    if (!pin) pin = L.marker([la, lo], { keyboard: false, interactive: false, icon: L.divIcon({ className: 'pin-marker', iconSize: [18, 18] }) }).addTo(map);
    else pin.setLatLng([la, lo]);
    var rm = isFinite(r) && r > 0 ? Math.min(r, 500) * 1000 : 0;
    if (!circle) circle = L.circle([la, lo], Object.assign({ radius: rm, interactive: false }, ALERT_AREA_STYLE)).addTo(map);
    else { circle.setLatLng([la, lo]); circle.setRadius(rm); }
    // the whole circle, not closer than zoom 8 (as on the alert page)
    if (pan) map.fitBounds(circle.getBounds(), { padding: [24, 24], maxZoom: 8 });
  }
  map.on('click', function (ev) {
    if (kind() !== 'circle') return;
    lat.value = ev.latlng.lat.toFixed(4);
    lon.value = ev.latlng.lng.toFixed(4);
    drawCircle(false);
  });
  lat.addEventListener('change', function () { drawCircle(true); });
  lon.addEventListener('change', function () { drawCircle(true); });
  radius.addEventListener('input', function () { drawCircle(false); });

  function chosenCodes() { return Object.keys(chosen).filter(function (c) { return chosen[c]; }).sort(); }
  function restyle() {
    if (adminLayer) adminLayer.setStyle(function (f) { return areaStyle(f.properties.code); });
    chosenCount.textContent = t('na.areasChosen', { n: chosenCodes().length });
  }
  function areaStyle(code) {
    return chosen[code] ? { color: '#b3261e', weight: 2, fillColor: '#b3261e', fillOpacity: 0.25 } : { color: '#52606d', weight: 1, fillColor: '#ffffff', fillOpacity: 0.05 };
  }
  function setChosen(code, on) {
    chosen[code] = on;
    var box = picks.querySelector('input[value="' + code.replace(/"/g, '') + '"]');
    if (box) box.checked = on;
    restyle();
  }
  var areasShown = 0;
  function showAreas() {
    var lv = level.value;
    var ticket = ++areasShown;
    clear(picks);
    picks.appendChild(h('p', { 'class': 'muted' }, t('common.loading')));
    loadAreas(lv).then(function (fc) {
      if (ticket !== areasShown || !map) return;
      return (lv === '2' ? loadAreas(1).catch(function () { return null; }) : Promise.resolve(null)).then(function () {
        if (ticket !== areasShown || !map) return;
        clear(picks);
        areaOptions(fc).forEach(function (p) {
          // cercle P-codes start with their region's (ML0101 in ML01)
          var region = lv === '2' ? areaName(String(p.code).slice(0, 4)) : '';
          var box = h('input', { type: 'checkbox', name: 'codes', value: p.code, checked: !!chosen[p.code], 'data-testid': 'na-area-' + p.code });
          box.addEventListener('change', function () { setChosen(p.code, box.checked); });
          picks.appendChild(h('label', { 'class': 'inline area-pick', 'data-name': (p.name + ' ' + region).toLowerCase() }, [box, ' ', p.name,
            region && region !== String(p.code).slice(0, 4) ? h('span', { 'class': 'muted small' }, ' · ' + region) : null]));
        });
        applyFilter();
        if (adminLayer) { map.removeLayer(adminLayer); adminLayer = null; }
        adminLayer = L.geoJSON(fc, {
          style: function (f) { return areaStyle(f.properties.code); },
          onEachFeature: function (f, layer) {
            M.textTooltip(layer, f.properties.name, { sticky: true });
            layer.on('click', function () { setChosen(f.properties.code, !chosen[f.properties.code]); });
          }
        });
        if (kind() === 'admin') adminLayer.addTo(map);
        map.fitBounds(adminLayer.getBounds(), { padding: [6, 6] });
        restyle();
      });
    }).catch(function (e) {
      clear(picks);
      picks.appendChild(h('p', { 'class': 'form-error' }, errorText(e)));
    });
  }
  function applyFilter() {
    var q = filter.value.trim().toLowerCase();
    Array.prototype.forEach.call(picks.querySelectorAll('.area-pick'), function (l) {
      l.hidden = !!q && l.getAttribute('data-name').indexOf(q) < 0;
    });
  }
  filter.addEventListener('input', applyFilter);
  level.addEventListener('change', function () { chosen = {}; filter.value = ''; showAreas(); });

  function setKind() {
    var admin = kind() === 'admin';
    circleBox.hidden = admin;
    adminBox.hidden = !admin;
    mapHint.textContent = t(admin ? 'na.mapHintAdmin' : 'na.mapHintCircle');
    [pin, circle].forEach(function (l) { if (l) { if (admin) map.removeLayer(l); else l.addTo(map); } });
    if (admin) {
      if (adminLayer) adminLayer.addTo(map);
      else showAreas();
    } else if (adminLayer) {
      map.removeLayer(adminLayer);
    }
  }
  kindCircle.addEventListener('change', setKind);
  kindAdmin.addEventListener('change', setKind);
  setKind();

  // From a report: start the circle where the report places the event.
  if (fromReport) {
    api('GET', '/api/reports/' + encodeURIComponent(fromReport)).then(function (r) {
      if (!map || lat.value !== '' || lon.value !== '') return;
      if (r && r.latitude != null && r.longitude != null) {
        lat.value = Number(r.latitude).toFixed(4);
        lon.value = Number(r.longitude).toFixed(4);
        drawCircle(true);
      } else {
        M.outline(map, { fit: true });
      }
    }).catch(function () { if (map) M.outline(map, { fit: true }); });
  }

  // An error the server gives for `area` goes under the part of it that is wrong.
  function errorField(e) {
    if (e.field !== 'area') return e.field;
    if (kind() === 'admin') return 'codes';
    return /radius/.test(e.message) ? 'radius_km' : 'lat';
  }

  // A field's error goes once it is edited (the rest stay until the next submit).
  form.addEventListener('input', function (ev) {
    var wrap = ev.target.closest ? ev.target.closest('.field.invalid') : null;
    if (!wrap) return;
    wrap.classList.remove('invalid');
    var fe = wrap.querySelector('.field-error');
    fe.hidden = true;
    fe.textContent = '';
    ev.target.removeAttribute('aria-invalid');
    if (!form.querySelector('.field.invalid')) err.hidden = true;
  });

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    clearErrors(form);
    err.hidden = true;
    var body = {
      headline: headline.value.trim(),
      threat: threat.value.trim(),
      category: category.value,
      issue: issue.checked
    };
    var bad = null;
    function need(cond, name, msg) { if (!bad && !cond) bad = [name, msg || t('common.required')]; }
    need(body.headline, 'headline');
    need(body.threat, 'threat');
    var hFr = headlineFr.value.trim(), tFr = threatFr.value.trim();
    need(!hFr || tFr, 'threat_fr', t('na.frenchBoth'));
    need(!tFr || hFr, 'headline_fr', t('na.frenchBoth'));
    if (hFr) body.headline_fr = hFr;
    if (tFr) body.threat_fr = tFr;
    if (kind() === 'circle') {
      var la = parseFloat(lat.value), lo = parseFloat(lon.value), r = parseFloat(radius.value);
      need(lat.value !== '' && lon.value !== '', lat.value === '' ? 'lat' : 'lon', t('na.placeCentre'));
      need(isFinite(la) && la >= -90 && la <= 90, 'lat', '−90 … 90');
      need(isFinite(lo) && lo >= -180 && lo <= 180, 'lon', '−180 … 180');
      need(isFinite(r), 'radius_km');
      body.area = { type: 'circle', center: { lat: la, lon: lo }, radius_km: r };
    } else {
      need(chosenCodes().length, 'codes', t('na.pickArea'));
      body.area = { type: 'admin', level: Number(level.value), codes: chosenCodes() };
    }
    if (areaDesc.value.trim()) body.area_desc = areaDesc.value.trim();
    CAP_FIELDS.forEach(function (k) { need(caps[k].value, k); body[k] = caps[k].value; });
    var ex = expires.value.trim();
    if (ex) body.expires_hours = /^\d+$/.test(ex) ? Number(ex) : ex;
    var ids = reports.value.split(/[\s,;]+/).map(function (s) { return s.replace(/^#/, ''); }).filter(Boolean);
    need(ids.every(function (s) { return /^\d+$/.test(s); }), 'report_ids', t('na.badReports'));
    if (ids.length) body.report_ids = ids.map(Number);
    if (bad) { showFieldError(form, bad[0], bad[1]); return; }
    submit.disabled = true;
    submit.textContent = t('na.sending');
    api('POST', '/api/alerts', body).then(function (a) {
      S.flash = t(a.status === 'issued' ? 'na.doneIssued' : 'na.doneDraft', { id: a.id });
      go('alert/' + a.id);
    }).catch(function (e) {
      submit.disabled = false;
      submitLabel();
      formFailed(form, err, e, 'na.fix', errorField(e));
    });
  });
  setTimeout(function () { if (map) headline.focus(); }, 0);
  return { destroy: function () { if (map) { M.removeMap(map); map = null; } } };
}
