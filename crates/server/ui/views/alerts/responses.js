// An alert's responses: the list with each time's delay after the request, the form to
// record one, and changes to one (PATCH sends only what changed).

import { t } from '../../i18n/index.js';
import { h, clear, field, formFailed, clearErrors, showFieldError } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { dateTime, minutesText, toLocalInput, fromLocalInput } from '../../core/format.js';
import { serverNow } from '../../core/clock.js';
import { can } from '../../core/access.js';
import { responseActions, RESPONSE_TIMES, actionLabel } from './common.js';

function responseItem(r, canEdit, reload) {
  var panel = h('div', { 'class': 'action-panel' });
  var req = Date.parse(r.requested_at);
  var times = RESPONSE_TIMES.map(function (k) {
    var v = r[k];
    var after = v && k !== 'requested_at' && isFinite(req) ? ' (' + t('resp.after', { d: minutesText((Date.parse(v) - req) / 60000) }) + ')' : '';
    return [h('dt', null, t('resp.' + k)), h('dd', { 'data-field': k }, v ? dateTime(v) + after : h('span', { 'class': 'muted' }, t('resp.notYet')))];
  });
  return h('li', { 'class': 'response-item', 'data-testid': 'response-item', 'data-response-id': String(r.id) }, [
    h('h3', null, [h('span', { 'data-testid': 'response-action' }, actionLabel(r.action)), ' — ', h('span', { 'data-testid': 'response-responder' }, r.responder)]),
    h('dl', { 'class': 'kv' }, [times,
      r.outcome ? [h('dt', null, t('resp.outcome')), h('dd', { 'data-field': 'outcome', 'data-testid': 'response-outcome' }, r.outcome)] : null]),
    h('p', { 'class': 'muted small' }, t('resp.by', { user: r.created_by })),
    canEdit ? h('button', {
      type: 'button', 'class': 'secondary small', 'data-testid': 'response-edit',
      onclick: function () { clear(panel); panel.appendChild(responseForm(null, r, reload, function () { clear(panel); })); }
    }, t('resp.edit')) : null,
    panel
  ]);
}

// New response for alert `a`, or changes to response `r` (PATCH: only what changed).
function responseForm(a, r, reload, onCancel) {
  var p = r ? 're' + r.id + '-' : 'rn-';
  var responder = h('input', { id: p + 'responder', name: 'responder', maxlength: '200', required: true, value: r ? r.responder : '', 'data-testid': 'resp-responder', autocomplete: 'off' });
  var action = h('select', { id: p + 'action', name: 'action', required: true, 'data-testid': 'resp-action' }, [
    r ? null : h('option', { value: '' }, t('report.categoryChoose')),
    responseActions().map(function (x) { return h('option', { value: x }, actionLabel(x)); })
  ]);
  if (r) action.value = r.action;
  var inputs = {};
  RESPONSE_TIMES.forEach(function (k) {
    // a new response is requested at the server's now (the demo clock under `vigil demo`)
    var value = r && r[k] ? toLocalInput(r[k]) : (!r && k === 'requested_at' ? toLocalInput(serverNow().toISOString()) : '');
    inputs[k] = h('input', { id: p + k, name: k, type: 'datetime-local', value: value, 'data-testid': 'resp-' + k });
  });
  var outcome = h('textarea', { id: p + 'outcome', name: 'outcome', rows: '3', maxlength: '4000', value: r && r.outcome ? r.outcome : '', 'data-testid': 'resp-outcome' });
  var err = h('p', { 'class': 'form-error', role: 'alert', hidden: true, 'data-testid': 'resp-form-error' });
  var submit = h('button', { type: 'submit', 'class': 'primary', 'data-testid': 'resp-submit' }, t(r ? 'resp.update' : 'resp.save'));
  var form = h('form', { 'class': 'response-form', novalidate: true, 'data-testid': r ? 'response-edit-form' : 'response-form' }, [
    r ? null : h('h3', null, t('resp.new')),
    h('div', { 'class': 'grid' }, [
      field('responder', 'resp.responder', responder, { required: true, hint: r ? null : t('resp.responderHint') }),
      field('action', 'resp.action', action, { required: true }),
      field('requested_at', 'resp.requested_at', inputs.requested_at, { hint: r ? null : t('resp.requestedHint') }),
      field('dispatched_at', 'resp.dispatched_at', inputs.dispatched_at, { optional: true }),
      field('on_scene_at', 'resp.on_scene_at', inputs.on_scene_at, { optional: true }),
      field('completed_at', 'resp.completed_at', inputs.completed_at, { optional: true })
    ]),
    field('outcome', 'resp.outcome', outcome, { optional: true }),
    err,
    h('div', { 'class': 'actions' }, [submit,
      onCancel ? h('button', { type: 'button', 'class': 'secondary', onclick: onCancel }, t('common.cancel')) : null])
  ]);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    clearErrors(form);
    err.hidden = true;
    var body = {};
    var who = responder.value.trim();
    if (!who) { showFieldError(form, 'responder', t('common.required')); return; }
    if (!action.value) { showFieldError(form, 'action', t('common.required')); return; }
    if (!r || who !== r.responder) body.responder = who;
    if (!r || action.value !== r.action) body.action = action.value;
    for (var i = 0; i < RESPONSE_TIMES.length; i++) {
      var k = RESPONSE_TIMES[i];
      var v = inputs[k].value;
      // emptied in an edit: clear it (the server keeps the request time)
      if (!v && r && r[k] && k !== 'requested_at') { body[k] = null; continue; }
      if (!v || (r && r[k] && v === toLocalInput(r[k]))) continue;
      var iso = fromLocalInput(v);
      if (!iso) { showFieldError(form, k, t('common.required')); return; }
      body[k] = iso;
    }
    var o = outcome.value.trim();
    if (o && (!r || o !== (r.outcome || ''))) body.outcome = o;
    if (!o && r && r.outcome) body.outcome = null;
    if (r && !Object.keys(body).length) { if (onCancel) onCancel(); return; }
    submit.disabled = true;
    var req = r ? api('PATCH', '/api/responses/' + encodeURIComponent(r.id), body)
      : api('POST', '/api/alerts/' + encodeURIComponent(a.id) + '/responses', body);
    req.then(function (res) {
      reload(t('resp.saved', { id: res && res.id }));
    }).catch(function (e) {
      submit.disabled = false;
      formFailed(form, err, e, 'resp.fix');
    });
  });
  return form;
}

export function responsesCard(a, reload) {
  var list = a.responses || [];
  var canRecord = can('record_response');
  return h('section', { 'class': 'card responses', 'data-testid': 'alert-responses' }, [
    h('h2', null, t('resp.title') + ' (' + list.length + ')'),
    list.length ? h('ul', { 'class': 'plain' }, list.map(function (r) { return responseItem(r, canRecord, reload); }))
      : h('p', { 'class': 'muted', 'data-testid': 'responses-empty' }, t('resp.none')),
    canRecord ? (a.status === 'draft' ? h('p', { 'class': 'muted', 'data-testid': 'responses-draft' }, t('resp.draftNote'))
      : h('div', { 'class': 'new-response' }, responseForm(a, null, reload))) : null
  ]);
}
