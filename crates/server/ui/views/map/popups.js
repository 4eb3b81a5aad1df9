// The map's popups: one incident (place, date, type, fatalities, area, source, a link
// to its page), or the list of incidents that share one spot. Built as DOM nodes, so
// that names from the data are text.

import { t, fmt, lang } from '../../i18n/index.js';
import { h, syntheticBadge } from '../../core/dom.js';
import { dateOnly } from '../../core/format.js';
import { areaName } from '../../core/areas.js';
import { can } from '../../core/access.js';
import { typeLabel, catLabel } from '../../core/labels.js';
import { api } from '../../core/client.js';

// The victims' affiliations of the vocabulary (GET /api/vocabulary, `movement.affiliations`),
// read once: popups show their labels, never the codes.
var affiliations = null;
var affiliationLabels = {};
export function loadAffiliations() {
  if (!affiliations) {
    affiliations = api('GET', '/api/vocabulary').then(function (v) {
      var m = {};
      ((v && v.movement && v.movement.affiliations) || []).forEach(function (a) { m[a.code] = a.label || {}; });
      affiliationLabels = m;
      return m;
    }).catch(function () { affiliations = null; return {}; });
  }
  return affiliations;
}

function affiliationLabel(code) {
  var l = affiliationLabels[code];
  return (l && (l[lang()] || l.en)) || t('common.unknown');
}

export function incidentPopup(f) {
  var p = f.properties || {};
  var fat = fmt(p.best != null ? p.best : '') +
    (p.low != null && p.high != null ? ' (' + fmt(p.low) + '–' + fmt(p.high) + ')' : '');
  var area = [p.admin1_name || areaName(p.admin1), p.admin2_name || areaName(p.admin2)].filter(Boolean).join(' / ');
  return h('div', { 'class': 'popup', 'data-testid': 'incident-popup', 'data-incident-id': String(p.id) }, [
    p.synthetic ? h('p', { 'class': 'popup-synthetic' }, [syntheticBadge(), ' ', t('common.syntheticLong')]) : null,
    h('h3', null, [p.place || p.where_description || t('common.unknown'), ' ', h('span', { 'class': 'muted' }, '#' + p.id)]),
    h('dl', null, [
      h('dt', null, t('popup.date')), h('dd', { 'data-testid': 'popup-date' }, dateOnly(p.date_start) + (p.date_end && dateOnly(p.date_end) !== dateOnly(p.date_start) ? ' – ' + dateOnly(p.date_end) : '')),
      h('dt', null, t('popup.type')), h('dd', null, typeLabel(p.type_of_violence) + (p.event_type ? ' · ' + catLabel(p.event_type) : '')),
      h('dt', null, t('popup.fatalities')), h('dd', { 'data-testid': 'popup-fatalities' }, fat),
      p.deaths_civilians != null ? [h('dt', null, t('field.deaths_civilians')), h('dd', { 'data-testid': 'popup-civilians' }, fmt(p.deaths_civilians))] : null,
      p.injured != null ? [h('dt', null, t('field.injured')), h('dd', { 'data-testid': 'popup-injured' }, fmt(p.injured))] : null,
      p.victim_affiliation ? [h('dt', null, t('field.victim_affiliation')), h('dd', { 'data-testid': 'popup-affiliation' }, affiliationLabel(p.victim_affiliation))] : null,
      area ? [h('dt', null, t('popup.area')), h('dd', null, area)] : null,
      h('dt', null, t('popup.source')), h('dd', null, (p.source || '') + (p.source_id ? ' ' + p.source_id : ''))
    ]),
    can('map') ? h('a', { href: '#/incident/' + encodeURIComponent(p.id), 'class': 'button-link', 'data-testid': 'popup-open' }, t('popup.open')) : null
  ]);
}

export function incidentListPopup(items) {
  var shown = items.slice().sort(function (a, b) {
    return String(b.properties.date_start).localeCompare(String(a.properties.date_start));
  }).slice(0, 25);
  var anySynthetic = items.some(function (f) { return f.properties && f.properties.synthetic; });
  return h('div', { 'class': 'popup popup-list', 'data-testid': 'incident-list-popup' }, [
    anySynthetic ? h('p', { 'class': 'popup-synthetic' }, [syntheticBadge(), ' ', t('common.syntheticLong')]) : null,
    h('h3', null, t('map.clusterList', { n: fmt(items.length) })),
    h('ul', null, shown.map(function (f) {
      var p = f.properties;
      return h('li', null, h('a', { href: '#/incident/' + encodeURIComponent(p.id), 'data-incident-id': String(p.id) },
        dateOnly(p.date_start) + ' · ' + (p.place || '') + ' · ' + fmt(p.best || 0) + ' †'));
    })),
    items.length > shown.length ? h('p', { 'class': 'muted' }, '… +' + (items.length - shown.length)) : null
  ]);
}
