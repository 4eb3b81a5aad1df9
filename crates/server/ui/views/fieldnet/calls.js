// #/calls: the call-centre operator screen (issue #19). A form to log a call (a call
// with outcome "report" opens a report with channel call_centre, in one request), the
// promised callbacks not yet made (marked made here), the call volumes by outcome,
// language and hour, and, for the triage roles, the SMS held from unknown senders
// (accept into a report or reject). Codes and labels come from the vocabulary
// (`fieldnet` and `categories` of GET /api/vocabulary); callers' names and numbers
// come back only to those who see restricted detail.

import { t, lang } from '../../i18n/index.js';
import { h, clear, field, formFailed, clearErrors, loadError } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { S } from '../../core/state.js';
import { vocab } from '../../core/vocabulary.js';
import { serverNow } from '../../core/clock.js';

function label(list, code) {
  var x = (list || []).find(function (v) { return v.code === code; });
  if (!x) return String(code);
  return (x.label && (x.label[lang()] || x.label.en)) || String(code);
}

function sel(id, list, withEmpty) {
  var s = h('select', { id: id, name: id });
  if (withEmpty) s.appendChild(h('option', { value: '' }, '—'));
  (list || []).forEach(function (x) { s.appendChild(h('option', { value: x.code }, label(list, x.code))); });
  return s;
}

function pad(n) { return (n < 10 ? '0' : '') + n; }
function localInput(d) {
  return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + 'T' + pad(d.getHours()) + ':' + pad(d.getMinutes());
}

/** The fieldnet vocabulary as served (lists and access). */
export function fieldnetVocab() { return vocab().fieldnet || {}; }

/** May the current role use a part of the fieldnet access lists? */
export function fieldnetAllows(part) {
  var l = fieldnetVocab()[part];
  return !!S.role && Array.isArray(l) && l.indexOf(S.role) >= 0;
}

function categoriesList() {
  return vocab().codes('categories').map(function (c) { return { code: c, label: { en: vocab().label('categories', c, 'en'), fr: vocab().label('categories', c, 'fr') } }; });
}

function callForm(fv, places, onSaved) {
  var c = {
    started: h('input', { id: 'call-started', type: 'datetime-local', value: localInput(serverNow()) }),
    duration: h('input', { id: 'call-duration', type: 'number', min: 0, step: 1 }),
    language: sel('call-language', fv.call_languages, true),
    outcome: sel('call-outcome', fv.call_outcomes),
    town: h('select', { id: 'call-town', name: 'town_id' }, [h('option', { value: '' }, '—')].concat(places.map(function (p) {
      return h('option', { value: String(p.id) }, p.name + ' (' + p.country_code + ')');
    }))),
    caller: h('input', { id: 'call-caller', type: 'text', autocomplete: 'off' }),
    callback: h('input', { id: 'call-callback', type: 'tel', autocomplete: 'off' }),
    promised: h('input', { id: 'call-promised', type: 'checkbox' }),
    category: sel('call-category', categoriesList()),
    description: h('textarea', { id: 'call-description', rows: 4 }),
    people: h('input', { id: 'call-people', type: 'number', min: 0 }),
    note: h('input', { id: 'call-note', type: 'text' })
  };
  var reportPart = h('fieldset', { 'data-testid': 'call-report-part' }, [
    h('legend', null, t('calls.reportPart')),
    field('category', 'calls.category', c.category, { required: true }),
    field('description', 'calls.description', c.description, { required: true }),
    field('people_affected', 'calls.people', c.people, { optional: true })
  ]);
  var sync = function () { reportPart.hidden = c.outcome.value !== 'report'; };
  c.outcome.addEventListener('change', sync);
  var err = h('p', { 'class': 'form-error', hidden: true, role: 'alert', 'data-testid': 'call-form-error' });
  var done = h('p', { 'class': 'notice', hidden: true, 'data-testid': 'call-saved' });
  var form = h('form', { 'data-testid': 'call-form', novalidate: true }, [
    field('started_at', 'calls.startedAt', c.started), field('duration_seconds', 'calls.duration', c.duration, { optional: true }),
    field('language', 'calls.language', c.language, { optional: true }), field('outcome', 'calls.outcome', c.outcome, { required: true }),
    field('town_id', 'calls.town', c.town, { optional: true }),
    h('fieldset', null, [h('legend', null, t('calls.restrictedPart')),
      field('caller', 'calls.caller', c.caller, { optional: true }), field('callback_number', 'calls.callbackNumber', c.callback, { optional: true }),
      h('div', { 'class': 'field', 'data-field': 'callback_promised' }, [h('label', { 'for': 'call-promised' }, [c.promised, ' ', t('calls.promised')])])]),
    reportPart,
    field('note', 'calls.note', c.note, { optional: true }),
    err, done,
    h('button', { type: 'submit', 'data-testid': 'call-submit' }, t('calls.save'))
  ]);
  sync();
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    clearErrors(form); err.hidden = true; done.hidden = true;
    var mins = c.duration.value;
    var body = {
      started_at: c.started.value ? new Date(c.started.value).toISOString().replace(/\.\d{3}Z$/, 'Z') : null,
      duration_seconds: mins === '' ? null : Math.round(Number(mins) * 60),
      language: c.language.value || null, outcome: c.outcome.value,
      town_id: c.town.value ? Number(c.town.value) : null,
      caller: c.caller.value || null, callback_number: c.callback.value || null, callback_promised: c.promised.checked,
      note: c.note.value || null
    };
    if (c.outcome.value === 'report') {
      body.category = c.category.value; body.description = c.description.value;
      body.people_affected = c.people.value === '' ? null : Number(c.people.value);
    }
    api('POST', '/api/calls', body).then(function (r) {
      done.textContent = r.report_id ? t('calls.savedReport', { id: r.id, report: r.report_id }) : t('calls.saved', { id: r.id });
      done.hidden = false;
      done.setAttribute('data-report-id', r.report_id ? String(r.report_id) : '');
      form.reset(); c.started.value = localInput(serverNow()); sync();
      onSaved();
    }).catch(function (e) { formFailed(form, err, e, 'calls.fix'); });
  });
  // the duration is typed in minutes
  c.duration.setAttribute('aria-describedby', 'call-duration-hint');
  return form;
}

function tally(title, obj, lab, testid) {
  var keys = Object.keys(obj || {});
  return h('div', { 'data-testid': testid }, [h('h3', null, title), h('table', { 'class': 'table' }, [
    h('tbody', null, keys.map(function (k) { return h('tr', { 'data-key': k }, [h('td', null, lab ? lab(k) : k), h('td', { 'data-col': 'n' }, String(obj[k]))]); }))
  ])]);
}

function volumesBlock(fv, box) {
  api('GET', '/api/calls/volumes?days=30').then(function (r) {
    clear(box);
    var v = r.volumes;
    var hours = {};
    Object.keys(v.by_hour).forEach(function (k) { if (v.by_hour[k] > 0) hours[k + ' h'] = v.by_hour[k]; });
    box.appendChild(h('p', { 'data-testid': 'calls-total' }, t('calls.total', { n: v.total, days: r.days })));
    box.appendChild(tally(t('calls.byOutcome'), v.by_outcome, function (k) { return label(fv.call_outcomes, k); }, 'calls-by-outcome'));
    box.appendChild(tally(t('calls.byLanguage'), v.by_language, function (k) { return k === 'unknown' ? '—' : label(fv.call_languages, k); }, 'calls-by-language'));
    box.appendChild(tally(t('calls.byHour'), hours, null, 'calls-by-hour'));
    box.appendChild(tally(t('calls.byDay'), v.by_day, null, 'calls-by-day'));
  }).catch(function (e) { clear(box); box.appendChild(loadError(e)); });
}

function callbacksBlock(box) {
  api('GET', '/api/calls?callbacks=pending').then(function (r) {
    clear(box);
    if (!r.calls.length) { box.appendChild(h('p', { 'class': 'muted', 'data-testid': 'callbacks-none' }, t('calls.noCallbacks'))); return; }
    box.appendChild(h('table', { 'class': 'table', 'data-testid': 'callbacks' }, [
      h('thead', null, h('tr', null, [t('calls.startedAt'), t('calls.operator'), t('calls.callbackNumber'), t('calls.report'), ''].map(function (x) { return h('th', null, x); }))),
      h('tbody', null, r.calls.map(function (c) {
        var b = h('button', { type: 'button', 'data-testid': 'callback-done' }, t('calls.markMade'));
        b.addEventListener('click', function () {
          b.disabled = true;
          api('POST', '/api/calls/' + c.id + '/callback-done', {}).then(function () { callbacksBlock(box); })
            .catch(function (e) { b.disabled = false; box.appendChild(loadError(e)); });
        });
        var num = c.contact ? (c.contact.callback_number || '—') : t('calls.restricted');
        return h('tr', { 'data-call': String(c.id) }, [h('td', null, c.started_at), h('td', null, c.operator), h('td', null, num),
          h('td', null, c.report_id ? h('a', { href: '#/reports/' + c.report_id }, '#' + c.report_id) : '—'), h('td', null, b)]);
      }))
    ]));
  }).catch(function (e) { clear(box); box.appendChild(loadError(e)); });
}

function heldBlock(box) {
  api('GET', '/api/sms?status=held').then(function (r) {
    clear(box);
    if (!r.sms.length) { box.appendChild(h('p', { 'class': 'muted' }, t('sms.noneHeld'))); return; }
    box.appendChild(h('table', { 'class': 'table', 'data-testid': 'sms-held' }, [
      h('thead', null, h('tr', null, [t('sms.received'), t('sms.text'), t('sms.confidence'), t('sms.sender'), ''].map(function (x) { return h('th', null, x); }))),
      h('tbody', null, r.sms.map(function (m) {
        var accept = h('button', { type: 'button', 'data-testid': 'sms-accept' }, t('sms.accept'));
        var reject = h('button', { type: 'button', 'class': 'secondary', 'data-testid': 'sms-reject' }, t('sms.reject'));
        accept.addEventListener('click', function () {
          accept.disabled = true;
          api('POST', '/api/sms/' + m.id + '/accept', {}).then(function () { heldBlock(box); }).catch(function (e) { accept.disabled = false; box.appendChild(loadError(e)); });
        });
        reject.addEventListener('click', function () {
          var note = window.prompt(t('sms.rejectWhy'));
          if (!note) return;
          api('POST', '/api/sms/' + m.id + '/reject', { note: note }).then(function () { heldBlock(box); }).catch(function (e) { box.appendChild(loadError(e)); });
        });
        var conf = m.parse && typeof m.parse.confidence === 'number' ? String(m.parse.confidence) : '–';
        return h('tr', { 'data-sms': String(m.id) }, [h('td', null, m.received_at), h('td', null, m.text), h('td', null, conf),
          h('td', null, m.sender || t('calls.restricted')), h('td', null, [accept, ' ', reject])]);
      }))
    ]));
  }).catch(function (e) { clear(box); box.appendChild(loadError(e)); });
}

export function viewCalls(main) {
  var fv = fieldnetVocab();
  var vol = h('div', { 'data-testid': 'calls-volumes' });
  var cbs = h('div');
  var refresh = function () { volumesBlock(fv, vol); callbacksBlock(cbs); };
  var formBox = h('div', null, h('p', { 'class': 'muted' }, t('common.loading')));
  main.appendChild(h('h2', null, t('calls.title')));
  main.appendChild(h('p', { 'class': 'muted' }, t('calls.how')));
  main.appendChild(h('section', null, [h('h3', null, t('calls.newCall')), formBox]));
  main.appendChild(h('section', null, [h('h3', null, t('calls.callbacks')), cbs]));
  main.appendChild(h('section', null, [h('h3', null, t('calls.volumes')), vol]));
  if (fieldnetAllows('sms_review')) {
    var held = h('div');
    main.appendChild(h('section', null, [h('h3', null, t('sms.heldTitle')), held]));
    heldBlock(held);
  }
  api('GET', '/api/places').then(function (places) {
    clear(formBox);
    formBox.appendChild(callForm(fv, places, refresh));
  }).catch(function (e) { clear(formBox); formBox.appendChild(loadError(e)); });
  refresh();
  return null;
}
