// What the alerts pages share: the status lists (from the vocabulary) and the
// lifecycle's next step, the tabs, an alert's texts in the reader's language, its CAP
// fields, status badge and area names. What each role may do follows the vocabulary's
// access lists (alerts, manage_alerts, respond, record_response); the server enforces
// the same.

import { t, lang } from '../../i18n/index.js';
import { h, syntheticBadge } from '../../core/dom.js';
import { colon } from '../../core/format.js';
import { nowMs } from '../../core/clock.js';
import { areaName } from '../../core/areas.js';
import { can } from '../../core/access.js';
import { vocab } from '../../core/vocabulary.js';
import { translated, alertStatusLabel } from '../../core/labels.js';

// vigil_warn::AlertStatus: the statuses an alert has left for good.
var DONE_STATUSES = ['closed', 'cancelled'];

/** Every alert status, in the vocabulary's order. */
export function alertStatuses() { return vocab().codes('alert_statuses'); }

/** Draft, issued, acknowledged, responding: what the list shows by default. */
export function activeStatuses() {
  return alertStatuses().filter(function (s) { return DONE_STATUSES.indexOf(s) < 0; });
}

export function isOpen(status) { return DONE_STATUSES.indexOf(status) < 0; }

/** What a response can do, in the vocabulary's order. */
export function responseActions() { return vocab().codes('response_actions'); }
export var RESPONSE_TIMES = ['requested_at', 'dispatched_at', 'on_scene_at', 'completed_at'];
/** The lifecycle's next status (cancel aside: any open status → cancelled). */
export function nextStep(status) { return vocab().nextStep(status); }

/** The part of `access` that may take an alert to `to`. */
export function stepPart(to) {
  return to === 'acknowledged' || to === 'responding' ? 'respond' : 'manage_alerts';
}

export function alertTabs(active) {
  var tabs = [
    ['alerts', 'tabs.alerts', 'alerts'],
    ['responses', 'tabs.dashboard', 'alerts'],
    ['rules', 'tabs.rules', 'alerts'],
    ['webhooks', 'tabs.webhooks', 'admin']
  ];
  return h('nav', { 'class': 'tabs', 'aria-label': t('nav.alerts'), 'data-testid': 'alert-tabs' }, tabs.filter(function (x) { return can(x[2]); }).map(function (x) {
    return h('a', { href: '#/' + x[0], 'class': active === x[0] ? 'active' : null, 'aria-current': active === x[0] ? 'page' : null, 'data-testid': 'tab-' + x[0] }, t(x[1]));
  }));
}

/** A page's heading; `synthetic` when what the page shows is drawn from synthetic records. */
export function pageTitle(key, vars, synthetic) {
  return h('h1', null, [t(key, vars), synthetic ? [' ', syntheticBadge()] : null]);
}

// Alerts raised by hand carry rule id `manual` (vigil_warn::MANUAL_RULE_ID).
export function ruleLabel(a) {
  return a.rule_id === 'manual' ? t('alerts.manual') : (alertText(a, 'rule_name') || a.rule_id);
}

// An alert's words (headline, threat, area_desc, rule_name) in the reader's
// language: rules write French beside English (`fr`), alerts raised by hand may.
export function alertText(a, key) {
  return lang() === 'fr' && a.fr && a.fr[key] ? a.fr[key] : a[key];
}

export function capv(v) { return translated('capv.', v); }

export function actionLabel(a) { return vocab().label('response_actions', a, lang()); }

export function alertStatusBadge(s) {
  return h('span', { 'class': 'astatus astatus-' + s, 'data-testid': 'alert-status', 'data-status': s }, alertStatusLabel(s));
}

export function isExpired(a) {
  var e = Date.parse(a.expires_at);
  return isOpen(a.status) && isFinite(e) && e < nowMs();
}

export function areaNamesOf(a) {
  return [a.admin1 ? areaName(a.admin1) : null, a.admin2 ? areaName(a.admin2) : null].filter(Boolean).join(' / ');
}

export function areaSummary(a) {
  var names = areaNamesOf(a);
  var desc = alertText(a, 'area_desc');
  return [names ? h('strong', null, names) : null, names && desc ? ' — ' : null, desc || null];
}

export function capFields(a) {
  return h('p', { 'class': 'cap-fields', 'data-testid': 'alert-cap-fields' }, [
    h('span', { 'class': 'cap cap-u-' + a.urgency }, t('cap.urgency') + colon() + capv(a.urgency)),
    h('span', { 'class': 'cap cap-s-' + a.severity }, t('cap.severity') + colon() + capv(a.severity)),
    h('span', { 'class': 'cap cap-c-' + a.certainty }, t('cap.certainty') + colon() + capv(a.certainty))
  ]);
}
