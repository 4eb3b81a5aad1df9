// Triage: merging a report into an incident, discarding it with a reason, and the
// card a handled report leaves behind.

import { t } from '../../i18n/index.js';
import { h, append, clear, field, formFailed, showFieldError } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { errorText } from '../../core/errors.js';

export function finishCard(card, children) {
  clear(card);
  card.classList.add('done');
  append(card, children);
}

export function verifiedLinks(id) {
  return [
    h('a', { href: '#/incident/' + id, 'class': 'button-link', 'data-testid': 'open-incident' }, t('triage.openIncident', { id: id })), ' ',
    h('a', { href: '#/map?incident=' + id, 'class': 'button-link secondary', 'data-testid': 'show-on-map' }, t('triage.showOnMap'))
  ];
}


export function doMerge(r, incidentId, card, errEl) {
  return api('POST', '/api/reports/' + encodeURIComponent(r.id) + '/merge', { incident_id: Number(incidentId) }).then(function () {
    finishCard(card, [
      h('p', { 'class': 'success', 'data-testid': 'merged' }, '✓ #' + r.id + ' — ' + t('triage.merged', { id: incidentId })),
      h('p', null, verifiedLinks(incidentId))
    ]);
  }).catch(function (e) {
    if (errEl) { errEl.textContent = errorText(e); errEl.hidden = false; }
    else window.alert(errorText(e));
  });
}

export function openMerge(r, panel, card) {
  clear(panel);
  var dups = (r.suggested_duplicates || []).filter(function (d) { return d.incident_id != null; });
  var input = h('input', { id: 'm-id-' + r.id, type: 'number', min: '1', required: true, value: dups.length ? dups[0].incident_id : '', 'data-testid': 'm-incident-id' });
  var err = h('p', { 'class': 'form-error', role: 'alert', hidden: true });
  var form = h('form', { 'class': 'inline-form', novalidate: true }, [
    field('incident_id', 'triage.mergeInto', input, { required: true }),
    err,
    h('div', { 'class': 'actions' }, [
      h('button', { type: 'submit', 'class': 'primary' }, t('triage.merge')),
      h('button', { type: 'button', 'class': 'secondary', onclick: function () { clear(panel); } }, t('common.cancel'))
    ])
  ]);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (!input.value) { showFieldError(form, 'incident_id', t('common.required')); return; }
    doMerge(r, input.value, card, err);
  });
  panel.appendChild(form);
  input.focus();
}

export function openDiscard(r, panel, card) {
  clear(panel);
  var reason = h('input', { id: 'd-reason-' + r.id, required: true, 'data-testid': 'd-reason' });
  var err = h('p', { 'class': 'form-error', role: 'alert', hidden: true });
  var form = h('form', { 'class': 'inline-form', novalidate: true }, [
    field('reason', 'triage.discardReason', reason, { required: true }),
    err,
    h('div', { 'class': 'actions' }, [
      h('button', { type: 'submit', 'class': 'danger' }, t('triage.discard')),
      h('button', { type: 'button', 'class': 'secondary', onclick: function () { clear(panel); } }, t('common.cancel'))
    ])
  ]);
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (!reason.value.trim()) { showFieldError(form, 'reason', t('common.required')); return; }
    api('POST', '/api/reports/' + encodeURIComponent(r.id) + '/discard', { reason: reason.value.trim() }).then(function () {
      finishCard(card, h('p', { 'class': 'muted', 'data-testid': 'discarded' }, '#' + r.id + ' — ' + t('triage.discarded')));
    }).catch(function (e) {
      formFailed(form, err, e);
    });
  });
  panel.appendChild(form);
  reason.focus();
}
