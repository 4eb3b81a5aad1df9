// #/report: the report form, built for a phone at 360 px. Where: a town from the
// places list, a tap on the map or typed coordinates, kept in step. Categories and the
// source grading come from the vocabulary. A report that cannot be sent (no network, or
// the session ended) waits on the device for its author, unless it holds restricted
// detail or a file (those never stay on the phone); the author's waiting reports are
// listed above the form (views/reports/outbox.js).

import { t, lang } from '../../i18n/index.js';
import { S } from '../../core/state.js';
import { h, clear, field, formFailed, clearErrors, showFieldError, restrictedBadge } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { errorKind, errorReason } from '../../core/api.js';
import { render } from '../../core/router.js';
import { todayISO, occurredAt } from '../../core/format.js';
import { serverNow } from '../../core/clock.js';
import { loadPlaces, placeName } from '../../core/areas.js';
import { ownReportsOnly } from '../../core/access.js';
import { statusLabel, vocabOptions } from '../../core/labels.js';
import { newClientId, sendReport } from '../../core/outbox.js';
import * as M from '../../lib/map.js';
import { L } from '../../lib/map.js';
import { outboxPanel, queueReport, dropFromOutbox, myOutbox } from './outbox.js';

export function viewReport(main, route) {
  var cat = h('select', { id: 'rf-category', name: 'category', required: true, 'data-testid': 'rf-category' }, [
    h('option', { value: '' }, t('report.categoryChoose')),
    vocabOptions('categories', h)
  ]);
  var town = h('input', { id: 'rf-town', name: 'place_name', list: 'rf-towns', autocomplete: 'off', 'data-testid': 'rf-town' });
  var towns = h('datalist', { id: 'rf-towns' });
  var lat = h('input', { id: 'rf-lat', name: 'latitude', type: 'number', step: 'any', min: '-90', max: '90', inputmode: 'decimal', 'data-testid': 'rf-lat' });
  var lon = h('input', { id: 'rf-lon', name: 'longitude', type: 'number', step: 'any', min: '-180', max: '180', inputmode: 'decimal', 'data-testid': 'rf-lon' });
  var miniMap = h('div', { id: 'rf-map', 'class': 'mini-map', 'data-testid': 'rf-map', 'aria-label': t('report.mapHint') });
  var date = h('input', { id: 'rf-date', name: 'occurred_at', type: 'date', required: true, max: todayISO(serverNow()), value: todayISO(serverNow()), 'data-testid': 'rf-date' });
  var time = h('input', { id: 'rf-time', name: 'time', type: 'time', 'data-testid': 'rf-time' });
  var people = h('input', { id: 'rf-people', name: 'people_affected', type: 'number', min: '0', step: '1', inputmode: 'numeric', 'data-testid': 'rf-people' });
  var desc = h('textarea', { id: 'rf-description', name: 'description', rows: '5', required: true, 'data-testid': 'rf-description', 'aria-describedby': 'rf-description-hint' });
  var rel = h('select', { id: 'rf-reliability', name: 'reliability', required: true, 'data-testid': 'rf-reliability' }, [
    h('option', { value: '' }, t('report.categoryChoose')),
    vocabOptions('reliability', h, true)
  ]);
  var cred = h('select', { id: 'rf-credibility', name: 'credibility', required: true, 'data-testid': 'rf-credibility' }, [
    h('option', { value: '' }, t('report.categoryChoose')),
    vocabOptions('credibility', h, true)
  ]);
  var victims = h('textarea', { id: 'rf-victims', name: 'victims', rows: '2', 'data-testid': 'rf-victims' });
  var witnesses = h('textarea', { id: 'rf-witnesses', name: 'witnesses', rows: '2', 'data-testid': 'rf-witnesses' });
  var contacts = h('textarea', { id: 'rf-contacts', name: 'contacts', rows: '2', 'data-testid': 'rf-contacts' });
  var attach = h('input', { id: 'rf-attachment', name: 'attachment', type: 'file', accept: 'image/*,application/pdf,audio/*', 'data-testid': 'rf-attachment' });
  var formErr = h('p', { 'class': 'form-error', role: 'alert', 'data-testid': 'rf-form-error', hidden: true });
  var submit = h('button', { type: 'submit', id: 'rf-submit', 'class': 'primary big', 'data-testid': 'rf-submit' }, t('report.submit'));
  // The id the server knows this report by, so that sending it twice stores it once
  // (a new one for each report; an edited waiting report gets a new one too).
  var clientId = newClientId();
  // The waiting report being edited, replaced once this one is sent or queued.
  var editing = null;
  var editNote = h('p', { 'class': 'notice', 'data-testid': 'outbox-editing', hidden: true }, t('outbox.editing'));
  var queuePanel = outboxPanel(editQueued);

  var form = h('form', { id: 'report-form', 'class': 'report-form card', novalidate: true, 'data-testid': 'report-form' }, [
    h('h1', null, t('report.title')),
    h('p', { 'class': 'muted' }, t('report.intro')),
    editNote,
    field('category', 'report.category', cat, { required: true }),
    h('fieldset', null, [
      h('legend', null, t('report.where')),
      field('place_name', 'report.town', town, { aliases: 'town_id', hint: t('report.townHint') }),
      towns,
      h('div', { 'class': 'row2' }, [
        field('latitude', 'report.lat', lat),
        field('longitude', 'report.lon', lon)
      ]),
      h('p', { 'class': 'hint' }, t('report.mapHint')),
      miniMap
    ]),
    h('fieldset', null, [
      h('legend', null, t('report.when')),
      h('div', { 'class': 'row2' }, [
        field('occurred_at', 'report.date', date, { required: true }),
        field('time', 'report.time', time, { optional: true })
      ])
    ]),
    field('people_affected', 'report.people', people, { optional: true }),
    field('description', 'report.description', desc, { required: true, hint: t('report.descriptionHint') }),
    h('fieldset', null, [
      h('legend', null, t('report.grading')),
      h('p', { 'class': 'hint' }, t('report.gradingHint')),
      field('reliability', 'report.reliability', rel, { required: true }),
      field('credibility', 'report.credibility', cred, { required: true })
    ]),
    h('fieldset', { 'class': 'restricted', 'data-testid': 'rf-restricted', 'data-field': 'restricted' }, [
      h('legend', null, [restrictedBadge(), ' ', t('report.restricted')]),
      h('p', { 'class': 'hint' }, t('report.restrictedHint')),
      field('victims', 'report.victims', victims, { optional: true, aliases: 'restricted.victims' }),
      field('witnesses', 'report.witnesses', witnesses, { optional: true, aliases: 'restricted.witnesses' }),
      field('contacts', 'report.contacts', contacts, { optional: true, aliases: 'restricted.contacts' })
    ]),
    field('attachment', 'report.attachment', attach, { optional: true }),
    formErr,
    submit
  ]);
  main.appendChild(queuePanel.el);
  main.appendChild(form);

  // Location: town list, map click and typed coordinates all stay in step.
  var map = M.createMap(miniMap, { zoomAnimation: false });
  var pin = null;
  var townId = null;
  var byLabel = {};
  function placeLabel(p) { return placeName(p) + (p.country_code ? ' (' + p.country_code + ')' : ''); }
  function setPin(la, lo, pan) {
    if (!isFinite(la) || !isFinite(lo)) return;
    if (!pin) pin = L.marker([la, lo], { keyboard: false, icon: L.divIcon({ className: 'pin-marker', iconSize: [18, 18] }) }).addTo(map);
    else pin.setLatLng([la, lo]);
    if (pan) map.setView([la, lo], Math.max(map.getZoom(), 7));
  }
  M.outline(map, { fit: true });
  function chooseTown(p) {
    town.value = placeLabel(p);
    townId = p.id;
    lat.value = Number(p.latitude).toFixed(4);
    lon.value = Number(p.longitude).toFixed(4);
    setPin(Number(p.latitude), Number(p.longitude), true);
  }
  loadPlaces().then(function (places) {
    var dots = L.layerGroup();
    places.forEach(function (p) {
      var label = placeLabel(p);
      byLabel[label.toLowerCase()] = p;
      // typed without the country, or under its other language's name, it is found too
      [p.name, p.name_fr].forEach(function (n) {
        if (n && !byLabel[String(n).toLowerCase()]) byLabel[String(n).toLowerCase()] = p;
      });
      towns.appendChild(h('option', { value: label }));
      if (isFinite(p.latitude) && isFinite(p.longitude)) {
        L.circleMarker([p.latitude, p.longitude], { radius: 3, color: '#52606d', weight: 1, fillColor: '#fff', fillOpacity: 1 })
          .bindTooltip(M.textContent(placeName(p)), { direction: 'top' })
          .on('click', function (ev) { L.DomEvent.stopPropagation(ev); chooseTown(p); })
          .addTo(dots);
      }
    });
    if (map.getContainer().isConnected) dots.addTo(map);
  });
  town.addEventListener('change', function () {
    var p = byLabel[town.value.trim().toLowerCase()];
    townId = null;
    if (p) chooseTown(p);
  });
  map.on('click', function (ev) {
    lat.value = ev.latlng.lat.toFixed(4);
    lon.value = ev.latlng.lng.toFixed(4);
    townId = null;
    setPin(ev.latlng.lat, ev.latlng.lng, false);
  });
  function coordsTyped() {
    var la = parseFloat(lat.value), lo = parseFloat(lon.value);
    if (isFinite(la) && isFinite(lo) && Math.abs(la) <= 90 && Math.abs(lo) <= 180) { townId = null; setPin(la, lo, true); }
  }
  lat.addEventListener('change', coordsTyped);
  lon.addEventListener('change', coordsTyped);

  function payload() {
    var body = {
      category: cat.value,
      occurred_at: date.value,
      description: desc.value.trim(),
      reliability: rel.value,
      credibility: cred.value ? parseInt(cred.value, 10) : null,
      language: lang(),
      channel: 'web'
    };
    body.occurred_at = occurredAt(date.value, time.value);
    if (town.value.trim()) body.place_name = town.value.trim().replace(/ \([A-Z]{2}\)$/, '');
    if (townId !== null && townId !== undefined) body.town_id = townId;
    if (lat.value !== '') body.latitude = parseFloat(lat.value);
    if (lon.value !== '') body.longitude = parseFloat(lon.value);
    if (people.value !== '') body.people_affected = parseInt(people.value, 10);
    var r = {};
    if (victims.value.trim()) r.victims = victims.value.trim();
    if (witnesses.value.trim()) r.witnesses = witnesses.value.trim();
    if (contacts.value.trim()) r.contacts = contacts.value.trim();
    if (Object.keys(r).length) body.restricted = r;
    return body;
  }

  // Checks the browser can make before sending; the server checks again.
  function localCheck(body) {
    if (!body.category) return ['category', t('common.required')];
    if (!date.value) return ['occurred_at', t('common.required')];
    if (lat.value !== '' && !(body.latitude >= -90 && body.latitude <= 90)) return ['latitude', '−90 … 90'];
    if (lon.value !== '' && !(body.longitude >= -180 && body.longitude <= 180)) return ['longitude', '−180 … 180'];
    if ((lat.value === '') !== (lon.value === '')) return [lat.value === '' ? 'latitude' : 'longitude', t('common.required')];
    if (people.value !== '' && !(body.people_affected >= 0)) return ['people_affected', '≥ 0'];
    if (!body.description) return ['description', t('common.required')];
    if (!body.reliability) return ['reliability', t('common.required')];
    if (!body.credibility) return ['credibility', t('common.required')];
    return null;
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    clearErrors(form);
    formErr.hidden = true;
    var body = payload();
    var bad = localCheck(body);
    if (bad) { showFieldError(form, bad[0], bad[1]); return; }
    submit.disabled = true;
    submit.textContent = t('report.sending');
    var req;
    if (attach.files && attach.files.length) {
      var fd = new FormData();
      Object.keys(body).forEach(function (k) {
        if (k === 'restricted') {
          Object.keys(body.restricted).forEach(function (rk) { fd.append('restricted.' + rk, body.restricted[rk]); });
        } else {
          fd.append(k, String(body[k]));
        }
      });
      fd.append('attachment', attach.files[0]);
      req = api('POST', '/api/reports', fd, { allow401: true });
    } else {
      req = sendReport(api, body, clientId, { allow401: true });
    }
    var author = S.user;
    var storable = !body.restricted && !(attach.files && attach.files.length);
    req.then(function (res) {
      if (editing) dropFromOutbox(editing);
      queuePanel.destroy();
      M.removeMap(map);
      clear(main);
      main.appendChild(h('div', { 'class': 'card done', 'data-testid': 'report-sent', 'data-report-id': String(res && res.id) }, [
        h('h1', null, '✓'),
        h('p', { 'class': 'big' }, t('report.sent', { id: res && res.id, status: statusLabel((res && res.status) || 'new') })),
        h('p', null, h('a', { href: '#/report', 'class': 'button-link', onclick: function (e) { e.preventDefault(); render(); } }, t('report.another'))),
        ownReportsOnly() ? h('p', null, h('a', { href: '#/my-reports' }, t('nav.myReports'))) : null
      ]));
    }).catch(function (e) {
      submit.disabled = false;
      submit.textContent = t('report.submit');
      var kind = errorKind(e);
      if (kind === 'network' || kind === 'server' || kind === 'session') {
        // No answer, or no session any more: keep the report on the device for its
        // author, only if it holds nothing restricted and no file; otherwise leave it
        // in the form to send again.
        if (storable && author && queueReport(body, clientId, author)) {
          if (editing && editing !== clientId) dropFromOutbox(editing, author);
          formErr.textContent = t(kind === 'session' ? 'report.queuedSession' : 'report.queued');
          formErr.hidden = false;
          form.reset();
          editing = null;
          editNote.hidden = true;
          clientId = newClientId();
          return;
        }
        formErr.textContent = kind === 'network' ? t('login.offline') : t('common.error', { msg: errorReason(e) });
        formErr.hidden = false;
        return;
      }
      formFailed(form, formErr, e, 'report.fix');
    });
  });

  // A waiting report back in the form, to correct what the server refused.
  function editQueued(item) {
    var b = item.body || {};
    form.reset();
    clearErrors(form);
    cat.value = b.category || '';
    var when = String(b.occurred_at || '');
    date.value = when.slice(0, 10);
    time.value = when.length > 10 ? when.slice(11, 16) : '';
    town.value = b.place_name || '';
    townId = b.town_id != null ? b.town_id : null;
    lat.value = b.latitude != null ? b.latitude : '';
    lon.value = b.longitude != null ? b.longitude : '';
    people.value = b.people_affected != null ? b.people_affected : '';
    desc.value = b.description || '';
    rel.value = b.reliability || '';
    cred.value = b.credibility != null ? String(b.credibility) : '';
    coordsTyped();
    editing = item.client_id;
    clientId = newClientId();
    editNote.hidden = false;
    formErr.hidden = true;
    if (item.field) showFieldError(form, item.field, item.reason || '');
    else cat.focus();
  }

  // #/report?edit={client_id}: "Edit" on a waiting report from another page.
  var toEdit = route && route.query.edit ? myOutbox().filter(function (x) { return x.client_id === route.query.edit; })[0] : null;
  if (toEdit) editQueued(toEdit);

  return { destroy: function () { queuePanel.destroy(); M.removeMap(map); } };
}
