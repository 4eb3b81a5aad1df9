// Triage: coding a report into an incident (POST /api/reports/{id}/verify), with a
// form pre-filled from the report. Categories and precision levels come from the
// vocabulary.

import { t, lang } from '../../i18n/index.js';
import { h, clear, field, formFailed, clearErrors, showFieldError } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { dateOnly } from '../../core/format.js';
import { catLabel, vocabOptions } from '../../core/labels.js';
import { finishCard, verifiedLinks } from './triage-actions.js';

export function openVerify(r, panel, card) {
  clear(panel);
  var d0 = dateOnly(r.occurred_at);
  var tov = h('select', { id: 'v-tov-' + r.id, name: 'type_of_violence', required: true, 'data-testid': 'v-type' }, [
    h('option', { value: '' }, t('report.categoryChoose')),
    [1, 2, 3].map(function (n) { return h('option', { value: String(n) }, n + ' — ' + t('type.' + n)); })
  ]);
  var evt = h('input', { id: 'v-evt-' + r.id, name: 'event_type', required: true, value: catLabel(r.category), 'data-testid': 'v-event-type' });
  var catIn = h('select', { id: 'v-cat-' + r.id, name: 'category', 'data-testid': 'v-category' }, vocabOptions('categories', h));
  if (r.category) catIn.value = r.category;
  var sideA = h('input', { id: 'v-sa-' + r.id, name: 'side_a', required: true, 'data-testid': 'v-side-a' });
  var sideB = h('input', { id: 'v-sb-' + r.id, name: 'side_b', required: true, value: tov.value === '3' ? 'Civilians' : '', 'data-testid': 'v-side-b' });
  var best = h('input', { id: 'v-best-' + r.id, name: 'best', type: 'number', min: '0', value: '0', required: true, 'data-testid': 'v-best' });
  var low = h('input', { id: 'v-low-' + r.id, name: 'low', type: 'number', min: '0', value: '0', required: true, 'data-testid': 'v-low' });
  var high = h('input', { id: 'v-high-' + r.id, name: 'high', type: 'number', min: '0', value: '0', required: true, 'data-testid': 'v-high' });
  var injured = h('input', { id: 'v-inj-' + r.id, name: 'injured', type: 'number', min: '0', 'data-testid': 'v-injured' });
  // the victims' affiliation: codes and labels from the vocabulary's `movement.affiliations`
  var affil = h('select', { id: 'v-aff-' + r.id, name: 'victim_affiliation', 'data-testid': 'v-affiliation' }, h('option', { value: '' }, '—'));
  api('GET', '/api/vocabulary').then(function (v) {
    ((v && v.movement && v.movement.affiliations) || []).forEach(function (a) {
      affil.appendChild(h('option', { value: a.code }, (a.label && (a.label[lang()] || a.label.en)) || a.code));
    });
  }).catch(function () { /* the form works without it: the field stays empty */ });
  var civ = h('input', { id: 'v-civ-' + r.id, name: 'deaths_civilians', type: 'number', min: '0', 'data-testid': 'v-deaths-civilians' });
  var place = h('input', { id: 'v-place-' + r.id, name: 'place', value: r.place_name || r.place || '', 'data-testid': 'v-place' });
  var vlat = h('input', { id: 'v-lat-' + r.id, name: 'latitude', type: 'number', step: 'any', value: r.latitude != null ? r.latitude : '', 'data-testid': 'v-lat' });
  var vlon = h('input', { id: 'v-lon-' + r.id, name: 'longitude', type: 'number', step: 'any', value: r.longitude != null ? r.longitude : '', 'data-testid': 'v-lon' });
  var ds = h('input', { id: 'v-ds-' + r.id, name: 'date_start', type: 'date', value: d0, 'data-testid': 'v-date-start' });
  var de = h('input', { id: 'v-de-' + r.id, name: 'date_end', type: 'date', value: d0, 'data-testid': 'v-date-end' });
  var dp = h('select', { id: 'v-dp-' + r.id, name: 'date_prec', 'data-testid': 'v-date-prec' }, vocabOptions('date_precisions', h, true));
  var wp = h('select', { id: 'v-wp-' + r.id, name: 'where_prec', 'data-testid': 'v-where-prec' }, vocabOptions('geo_precisions', h, true));
  wp.value = r.town_id != null ? '1' : (r.latitude != null ? '2' : '4');
  // empty: the server decides (restricted when the report carries restricted detail)
  var sens = h('select', { id: 'v-sens-' + r.id, name: 'sensitivity', 'data-testid': 'v-sensitivity' },
    [h('option', { value: '' }, t('verify.sensitivityAuto'))].concat(vocabOptions('sensitivities', h)));
  var err = h('p', { 'class': 'form-error', role: 'alert', hidden: true });
  best.addEventListener('change', function () {
    var b = parseInt(best.value, 10) || 0;
    if ((parseInt(low.value, 10) || 0) > b) low.value = b;
    if ((parseInt(high.value, 10) || 0) < b) high.value = b;
  });
  tov.addEventListener('change', function () { if (tov.value === '3' && !sideB.value) sideB.value = 'Civilians'; });
  var form = h('form', { 'class': 'verify-form', novalidate: true, 'data-testid': 'verify-form' }, [
    h('h3', null, t('verify.title')),
    h('div', { 'class': 'grid' }, [
      field('type_of_violence', 'verify.typeOfViolence', tov, { required: true }),
      field('event_type', 'verify.eventType', evt, { required: true }),
      field('category', 'verify.category', catIn),
      field('side_a', 'verify.sideA', sideA, { required: true }),
      field('side_b', 'verify.sideB', sideB, { required: true }),
      h('div', { 'class': 'row3' }, [field('best', 'verify.best', best, { required: true }), field('low', 'verify.low', low), field('high', 'verify.high', high)]),
      h('div', { 'class': 'row3' }, [field('deaths_civilians', 'field.deaths_civilians', civ, { optional: true }),
        field('injured', 'field.injured', injured, { optional: true }),
        field('victim_affiliation', 'field.victim_affiliation', affil, { optional: true })]),
      field('place', 'verify.place', place),
      h('div', { 'class': 'row2' }, [field('latitude', 'report.lat', vlat), field('longitude', 'report.lon', vlon)]),
      h('div', { 'class': 'row2' }, [field('date_start', 'verify.dateStart', ds), field('date_end', 'verify.dateEnd', de)]),
      h('div', { 'class': 'row2' }, [field('date_prec', 'verify.datePrec', dp), field('where_prec', 'verify.wherePrec', wp)]),
      field('sensitivity', 'field.sensitivity', sens)
    ]),
    err,
    h('div', { 'class': 'actions' }, [
      h('button', { type: 'submit', 'class': 'primary', 'data-testid': 'v-submit' }, t('verify.submit')),
      h('button', { type: 'button', 'class': 'secondary', onclick: function () { clear(panel); } }, t('common.cancel'))
    ])
  ]);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    clearErrors(form);
    err.hidden = true;
    var body = {
      type_of_violence: parseInt(tov.value, 10),
      event_type: evt.value.trim(),
      category: catIn.value,
      side_a: sideA.value.trim(),
      side_b: sideB.value.trim(),
      best: parseInt(best.value, 10),
      low: parseInt(low.value, 10),
      high: parseInt(high.value, 10),
      date_prec: parseInt(dp.value, 10),
      where_prec: parseInt(wp.value, 10)
    };
    if (civ.value !== '') body.deaths_civilians = parseInt(civ.value, 10);
    if (injured.value !== '') body.injured = parseInt(injured.value, 10);
    if (affil.value) body.victim_affiliation = affil.value;
    if (place.value.trim()) body.place = place.value.trim();
    if (vlat.value !== '') body.latitude = parseFloat(vlat.value);
    if (vlon.value !== '') body.longitude = parseFloat(vlon.value);
    if (ds.value) body.date_start = ds.value;
    if (de.value) body.date_end = de.value;
    if (sens.value) body.sensitivity = sens.value;
    var missing = !tov.value ? 'type_of_violence' : !body.event_type ? 'event_type' : !body.side_a ? 'side_a' : !body.side_b ? 'side_b' :
      isNaN(body.best) ? 'best' : null;
    if (missing) { showFieldError(form, missing, t('common.required')); return; }
    if (!(body.low <= body.best && body.best <= body.high)) { showFieldError(form, 'best', 'low ≤ best ≤ high'); return; }
    api('POST', '/api/reports/' + encodeURIComponent(r.id) + '/verify', body).then(function (res) {
      var id = res && (res.incident_id != null ? res.incident_id : res.id);
      finishCard(card, [
        h('p', { 'class': 'success', 'data-testid': 'verified', 'data-incident-id': String(id) }, '✓ #' + r.id + ' — ' + t('triage.verified', { id: id })),
        h('p', null, verifiedLinks(id))
      ]);
    }).catch(function (e) {
      formFailed(form, err, e);
    });
  });
  panel.appendChild(form);
  tov.focus();
}
