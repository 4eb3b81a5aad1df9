// #/alert/{id}: one alert — its area on a small map, evidence, lifecycle buttons for
// the steps this role may take, responses, status history and CAP link.

import { t, fmt, lang } from '../../i18n/index.js';
import { S } from '../../core/state.js';
import { h, append, clear, field, loadError } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { dateTime } from '../../core/format.js';
import { loadAllAreas } from '../../core/areas.js';
import { can } from '../../core/access.js';
import { alertStatusLabel } from '../../core/labels.js';
import * as M from '../../lib/map.js';
import { contextLayer } from '../../lib/context.js';
import { nextStep, stepPart, isOpen, alertTabs, ruleLabel, alertText, alertStatusBadge, isExpired, capFields } from './common.js';
import { drawAlertArea, areaDetail } from './area.js';
import { responsesCard } from './responses.js';
import { errorText } from '../../core/errors.js';

function triggerItem(tr) {
  var id = tr.target_id != null ? String(tr.target_id) : null;
  var attrs = { 'data-testid': 'alert-trigger', 'data-kind': tr.kind, 'data-target-id': id };
  if (tr.kind === 'report') {
    var label = t('trigger.report', { id: id || tr.reference });
    if (id && can('report_page')) return h('li', attrs, h('a', { href: '#/reports/' + id, 'data-testid': 'trigger-link' }, label));
    return h('li', attrs, [label, ' ', h('span', { 'class': 'muted small' }, t('trigger.reportNoAccess'))]);
  }
  if (tr.kind === 'incident') {
    if (id) return h('li', attrs, [h('a', { href: '#/incident/' + id, 'data-testid': 'trigger-link' }, t('trigger.incident', { id: id })), ' ', h('span', { 'class': 'muted small' }, tr.reference)]);
    return h('li', attrs, t('trigger.incidentRef', { ref: tr.reference }));
  }
  return h('li', attrs, t('trigger.forecast', { ref: tr.reference }));
}

function historyList(a) {
  return h('ol', { 'class': 'history', 'data-testid': 'alert-history' }, (a.history || []).map(function (c) {
    var rule = /^rule:/.test(c.actor || '') ? String(c.actor).slice(5) : null;
    return h('li', { 'data-to': c.to }, [
      h('span', { 'class': 'when' }, dateTime(c.at)), ' ',
      c.from ? [alertStatusLabel(c.from), ' → '] : null, h('strong', null, alertStatusLabel(c.to)), ' — ',
      rule ? h('span', { 'class': 'muted' }, t('alerts.createdBy', { rule: rule })) : h('span', { 'class': 'actor', 'data-testid': 'history-actor' }, c.actor),
      c.note ? [' — ', h('q', null, c.note)] : null
    ]);
  }));
}

// The lifecycle buttons this role may use from this status; null when there is none.
function lifecycleCard(a, done) {
  var next = nextStep(a.status);
  var steps = next && can(stepPart(next)) ? [next] : [];
  var canCancel = isOpen(a.status) && can('manage_alerts');
  if (!steps.length && !canCancel) return null;
  var note = h('input', { id: 'tr-note', name: 'note', maxlength: '2000', 'data-testid': 'transition-note' });
  var err = h('p', { 'class': 'form-error', role: 'alert', hidden: true, 'data-testid': 'transition-error' });
  var buttons = [];
  function step(to, btn) {
    err.hidden = true;
    btn.disabled = true;
    var body = { to: to };
    if (note.value.trim()) body.note = note.value.trim();
    api('POST', '/api/alerts/' + encodeURIComponent(a.id) + '/transition', body).then(function (res) {
      done(res, t('alerts.done', { id: a.id, status: alertStatusLabel(to) }));
    }).catch(function (e) {
      btn.disabled = false;
      err.textContent = errorText(e);
      err.hidden = false;
    });
  }
  steps.forEach(function (to) {
    var b = h('button', { type: 'button', 'class': 'primary', 'data-testid': 'transition-' + to }, t('transition.' + to));
    b.addEventListener('click', function () { step(to, b); });
    buttons.push(b);
  });
  if (canCancel) {
    // Two clicks: cancelling an issued alert publishes a CAP Cancel.
    var confirmBtn = h('button', { type: 'button', 'class': 'danger', hidden: true, 'data-testid': 'transition-cancelled-confirm' }, t('transition.confirmCancel'));
    var cancelBtn = h('button', { type: 'button', 'class': 'danger', 'data-testid': 'transition-cancelled' }, t('transition.cancelled'));
    cancelBtn.addEventListener('click', function () { cancelBtn.hidden = true; confirmBtn.hidden = false; confirmBtn.focus(); });
    confirmBtn.addEventListener('click', function () { step('cancelled', confirmBtn); });
    buttons.push(cancelBtn, confirmBtn);
  }
  return h('section', { 'class': 'card lifecycle', 'data-testid': 'alert-lifecycle' }, [
    h('h2', null, t('alerts.actions')),
    field('note', 'alerts.note', note),
    h('div', { 'class': 'actions' }, buttons),
    err
  ]);
}

export function viewAlert(main, route) {
  var id = route.params[0];
  var box = h('div', { 'class': 'alert-page', 'data-testid': 'alert-page', 'data-alert-id': id }, h('p', null, t('common.loading')));
  main.appendChild(h('div', null, [alertTabs('alerts'), box]));
  var map = null;
  var gone = false;

  function load(msg) {
    return Promise.all([api('GET', '/api/alerts/' + encodeURIComponent(id)), loadAllAreas()]).then(function (res) {
      if (!gone) draw(res[0], msg);
    }).catch(function (e) {
      clear(box);
      box.appendChild(loadError(e));
    });
  }

  function draw(a, msg) {
    if (map) { M.removeMap(map); map = null; }
    clear(box);
    box.setAttribute('data-status', a.status);
    var published = (a.cap_messages && a.cap_messages.length) || (a.messages && a.messages.length);
    var mini = h('div', { 'class': 'mini-map', id: 'alert-map', 'data-testid': 'alert-map', role: 'img', 'aria-label': t('alerts.map') });
    append(box, [
      h('p', null, h('a', { href: '#/alerts' }, '← ' + t('alerts.back'))),
      h('h1', null, [t('alerts.detail', { id: a.id }), ' ', alertStatusBadge(a.status),
        isExpired(a) ? [' ', h('span', { 'class': 'astatus astatus-expired', 'data-testid': 'alert-expired' }, t('alerts.expired'))] : null]),
      msg ? h('p', { 'class': 'success', role: 'status', 'data-testid': 'alert-flash' }, msg) : null,
      h('div', { 'class': 'incident-grid' }, [
        h('section', { 'class': 'card' }, [
          h('h2', { 'data-testid': 'alert-rule' }, ruleLabel(a)),
          h('p', { 'class': 'muted small' }, a.rule_id),
          h('p', { 'class': 'headline', 'data-testid': 'alert-headline' }, alertText(a, 'headline')),
          capFields(a),
          h('p', { 'class': 'threat', 'data-testid': 'alert-threat' }, alertText(a, 'threat')),
          h('dl', { 'class': 'kv' }, [
            h('dt', null, t('cap.category')), h('dd', null, a.category),
            h('dt', null, t('alerts.firstFired')), h('dd', null, dateTime(a.created_at)),
            h('dt', null, t('alerts.lastFired')), h('dd', null, dateTime(a.updated_at)),
            h('dt', null, t('alerts.firings')), h('dd', null, fmt(a.firings)),
            h('dt', null, t('alerts.expires')), h('dd', null, dateTime(a.expires_at))
          ]),
          h('p', { 'class': 'links' }, [
            published ? h('a', { href: '/cap/' + encodeURIComponent(a.id) + '.xml', 'data-testid': 'cap-link', type: 'application/cap+xml', target: '_blank', rel: 'noopener' }, t('alerts.cap'))
              : h('span', { 'class': 'muted', 'data-testid': 'cap-draft-note' }, t('alerts.capDraft')),
            h('br'),
            h('a', { href: '/cap/alerts.atom', 'data-testid': 'atom-link', type: 'application/atom+xml', target: '_blank', rel: 'noopener' }, t('alerts.atom'))
          ])
        ]),
        h('section', { 'class': 'card' }, [h('h2', null, t('alerts.map')), mini, areaDetail(a)])
      ]),
      lifecycleCard(a, function (res, m) { draw(res, m); }),
      h('section', { 'class': 'card' }, [
        h('h2', null, t('alerts.triggers') + ' (' + (a.triggers || []).length + ')'),
        h('ul', { 'class': 'triggers', 'data-testid': 'alert-triggers' }, (a.triggers || []).map(triggerItem))
      ]),
      responsesCard(a, function (m) { return load(m); }),
      h('section', { 'class': 'card' }, [h('h2', null, t('alerts.history')), historyList(a)])
    ]);
    map = M.createMap(mini, { zoomAnimation: false });
    M.outline(map, { fit: false });
    // towns around the alert's area, so that its circle sits among places people know
    contextLayer(map, { lang: lang(), minZoomOffset: 1 });
    drawAlertArea(map, a.area);
  }

  var flash = S.flash;
  S.flash = null;
  load(flash);
  return { destroy: function () { gone = true; if (map) { M.removeMap(map); map = null; } } };
}
