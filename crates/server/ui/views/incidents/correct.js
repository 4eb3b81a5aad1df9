// On an incident's page, for the triage roles: correct the coding with a reason
// (PATCH /api/incidents/{id}) or retract the incident (POST …/retract). The server
// keeps each version in the history and says which field is wrong; this form only
// shows the current values and sends what changed.

import { t } from '../../i18n/index.js';
import { h, field, formFailed, clearErrors } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { vocabOptions } from '../../core/labels.js';

// The editable fields, as the server's `vigil_store::corrections::EDITABLE` lists
// them (the server refuses any other), with the control each takes.
var NUMBERS = ['best', 'low', 'high', 'deaths_civilians'];
var DATES = ['date_start', 'date_end'];
var COORDS = ['latitude', 'longitude'];

function control(id, k, inc) {
  var v = inc[k] == null ? '' : String(inc[k]);
  var attrs = { id: 'c-' + k + '-' + id, name: k, 'data-testid': 'c-' + k };
  var c;
  if (NUMBERS.indexOf(k) >= 0) c = h('input', Object.assign(attrs, { type: 'number', min: '0' }));
  else if (DATES.indexOf(k) >= 0) c = h('input', Object.assign(attrs, { type: 'date' }));
  else if (COORDS.indexOf(k) >= 0) c = h('input', Object.assign(attrs, { type: 'number', step: 'any' }));
  else if (k === 'type_of_violence') {
    c = h('select', attrs, [1, 2, 3].map(function (n) { return h('option', { value: String(n) }, n + ' — ' + t('type.' + n)); }));
  } else if (k === 'category') c = h('select', attrs, vocabOptions('categories', h));
  else if (k === 'sensitivity') c = h('select', attrs, vocabOptions('sensitivities', h));
  else if (k === 'date_prec') c = h('select', attrs, vocabOptions('date_precisions', h, true));
  else if (k === 'where_prec') c = h('select', attrs, vocabOptions('geo_precisions', h, true));
  else c = h('input', attrs);
  c.value = v;
  return c;
}

function valueOf(k, c) {
  var s = c.value.trim();
  if (s === '') return null;
  if (NUMBERS.indexOf(k) >= 0 || ['type_of_violence', 'date_prec', 'where_prec'].indexOf(k) >= 0) return parseInt(s, 10);
  if (COORDS.indexOf(k) >= 0) return parseFloat(s);
  return s;
}

/** The "correct or retract" card for incident `inc`; `reload` re-renders the page. */
export function correctionCard(inc, reload) {
  var id = inc.id;
  var keys = ['type_of_violence', 'event_type', 'category', 'side_a', 'side_b'].concat(NUMBERS, DATES,
    ['date_prec', 'where_prec', 'place'], COORDS, ['sensitivity']);
  var controls = {};
  keys.forEach(function (k) { controls[k] = control(id, k, inc); });
  var reason = h('textarea', { id: 'c-reason-' + id, name: 'reason', rows: '2', required: true, 'data-testid': 'c-reason' });
  var err = h('p', { 'class': 'form-error', role: 'alert', hidden: true });
  var form = h('form', { 'class': 'correct-form', novalidate: true, 'data-testid': 'correct-form', hidden: true }, [
    h('div', { 'class': 'grid' }, keys.map(function (k) { return field(k, 'field.' + k, controls[k]); })),
    field('reason', 'correct.reason', reason, { required: true }),
    err,
    h('div', { 'class': 'actions' }, [
      h('button', { type: 'submit', 'class': 'primary', 'data-testid': 'c-submit' }, t('correct.save')),
      h('button', { type: 'button', 'class': 'secondary', onclick: function () { form.hidden = true; } }, t('common.cancel'))
    ])
  ]);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    clearErrors(form);
    err.hidden = true;
    var body = { reason: reason.value.trim() };
    keys.forEach(function (k) {
      var now = valueOf(k, controls[k]);
      var was = inc[k] == null || inc[k] === '' ? null : inc[k];
      if (String(now) !== String(was)) body[k] = now;
    });
    api('PATCH', '/api/incidents/' + encodeURIComponent(id), body).then(reload).catch(function (e) { formFailed(form, err, e); });
  });

  var why = h('textarea', { id: 'r-reason-' + id, name: 'reason', rows: '2', required: true, 'data-testid': 'r-reason' });
  var rerr = h('p', { 'class': 'form-error', role: 'alert', hidden: true });
  var retract = h('form', { 'class': 'retract-form', novalidate: true, 'data-testid': 'retract-form', hidden: true }, [
    h('p', { 'class': 'hint' }, t('retract.explain')),
    field('reason', 'correct.reason', why, { required: true }),
    rerr,
    h('div', { 'class': 'actions' }, [
      h('button', { type: 'submit', 'class': 'danger', 'data-testid': 'r-submit' }, t('retract.confirm')),
      h('button', { type: 'button', 'class': 'secondary', onclick: function () { retract.hidden = true; } }, t('common.cancel'))
    ])
  ]);
  retract.addEventListener('submit', function (ev) {
    ev.preventDefault();
    clearErrors(retract);
    rerr.hidden = true;
    api('POST', '/api/incidents/' + encodeURIComponent(id) + '/retract', { reason: why.value.trim() })
      .then(reload).catch(function (e) { formFailed(retract, rerr, e); });
  });
  return h('section', { 'class': 'card', 'data-testid': 'correction-card' }, [
    h('h2', null, t('correct.title')),
    h('div', { 'class': 'actions' }, [
      h('button', { type: 'button', 'class': 'secondary', 'data-testid': 'open-correct',
        onclick: function () { retract.hidden = true; form.hidden = false; } }, t('correct.open')),
      h('button', { type: 'button', 'class': 'secondary', 'data-testid': 'open-retract',
        onclick: function () { form.hidden = true; retract.hidden = false; } }, t('retract.open'))
    ]),
    form,
    retract
  ]);
}
