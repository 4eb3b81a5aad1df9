// #/incident/{id}: an incident's fields (codes through the vocabulary, area codes as
// names), a small map, the reports it was coded from, and its history.

import { t, fmt, lang } from '../../i18n/index.js';
import { h, append, clear, syntheticBadge, loadError } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { dateTime } from '../../core/format.js';
import { areaName, loadAllAreas } from '../../core/areas.js';
import { vocab } from '../../core/vocabulary.js';
import { typeLabel, catLabel, statusLabel } from '../../core/labels.js';
import * as M from '../../lib/map.js';
import { contextLayer } from '../../lib/context.js';
import { L } from '../../lib/map.js';
import { reportSummary, restrictedBlock } from '../reports/common.js';
import { can } from '../../core/access.js';
import { correctionCard } from './correct.js';

var INCIDENT_FIELDS = ['source', 'source_id', 'date_start', 'date_end', 'date_prec', 'type_of_violence', 'event_type',
  'sub_event_type', 'category', 'conflict_name', 'dyad_name', 'side_a', 'side_b', 'best', 'low', 'high',
  'deaths_civilians', 'place', 'admin1', 'admin2', 'gid', 'latitude', 'longitude', 'where_prec', 'verification',
  'verification_status', 'status', 'sensitivity'];

function valueText(k, v) {
  if (v === null || v === undefined || v === '') return null;
  if (k === 'type_of_violence') return typeLabel(v);
  if (k === 'admin1' || k === 'admin2') return areaName(v) + (areaName(v) !== String(v) ? ' (' + v + ')' : '');
  if (typeof v !== 'object') {
    // vocabulary codes (category, precisions, verification status, sensitivity…)
    var coded = vocab().fieldLabel(k, v, lang());
    if (coded !== null) return coded;
  }
  if (typeof v === 'object') return JSON.stringify(v);
  if (typeof v === 'number') return k === 'gid' || k === 'latitude' || k === 'longitude' ? String(v) : fmt(v);
  return String(v);
}

export function viewIncident(main, route) {
  var id = route.params[0];
  var box = h('div', { 'class': 'incident-page', 'data-testid': 'incident-page', 'data-incident-id': id }, h('p', null, t('common.loading')));
  main.appendChild(box);
  var map = null;
  // Area names for the admin codes; the page renders without them if they fail.
  var pAreas = loadAllAreas();
  function reload() {
    if (map) { M.removeMap(map); map = null; }
    load();
  }
  function load() {
    Promise.all([api('GET', '/api/incidents/' + encodeURIComponent(id)), pAreas]).then(function (both) {
      var res = both[0];
      var inc = (res && res.incident) || res || {};
      if (inc.type === 'Feature' && inc.properties) {
        inc = Object.assign({}, inc.properties, inc.geometry && inc.geometry.coordinates ? { longitude: inc.geometry.coordinates[0], latitude: inc.geometry.coordinates[1] } : {});
      }
      var reports = (res && res.reports) || [];
      var history = (res && res.history) || [];
      var synthetic = inc.synthetic === true;
      clear(box);
      var rows = INCIDENT_FIELDS.map(function (k) {
        var v = valueText(k, inc[k]);
        if (v === null) return null;
        return [h('dt', null, t('field.' + k)), h('dd', { 'data-field': k }, v)];
      });
      var mini = h('div', { 'class': 'mini-map', id: 'incident-map' });
      append(box, [
        h('p', null, h('a', { href: '#/map' }, '← ' + t('nav.map'))),
        h('h1', null, [t('incident.title', { id: inc.id != null ? inc.id : id }), ' ',
          synthetic ? syntheticBadge() : null]),
        synthetic ? h('p', { 'class': 'notice synthetic-notice' }, t('common.syntheticLong')) : null,
        inc.retraction ? h('p', { 'class': 'notice retracted-notice', 'data-testid': 'retracted' },
          t('incident.retracted', { at: dateTime(inc.retraction.at), by: inc.retraction.by, reason: inc.retraction.reason })) : null,
        h('div', { 'class': 'incident-grid' }, [
          h('section', { 'class': 'card' }, [
            h('h2', null, t('incident.details')),
            h('dl', { 'class': 'kv' }, rows),
            inc.description ? h('p', { 'class': 'desc' }, inc.description) : null,
            inc.restricted ? restrictedBlock({ restricted: inc.restricted }) : null
          ]),
          h('section', { 'class': 'card' }, [
            mini,
            h('p', null, h('a', { href: '#/map?incident=' + encodeURIComponent(inc.id != null ? inc.id : id), 'data-testid': 'incident-show-on-map' }, t('incident.showOnMap')))
          ])
        ]),
        can('triage') && !inc.retraction ? correctionCard(inc, reload) : null,
        h('section', { 'class': 'card' }, [
          h('h2', null, t('incident.reports') + ' (' + reports.length + ')'),
          reports.length ? h('ul', { 'class': 'plain' }, reports.map(function (r) {
            return h('li', { 'class': 'report-item', 'data-testid': 'incident-report', 'data-report-id': String(r.id) }, [
              h('h3', null, ['#' + r.id + ' · ', catLabel(r.category), r.status ? [' ', h('span', { 'class': 'status status-' + r.status }, statusLabel(r.status))] : null,
                ' ', h('span', { 'class': 'muted' }, t('triage.received') + ' ' + dateTime(r.received_at || r.created_at))]),
              reportSummary(r),
              h('p', { 'class': 'desc' }, r.description || ''),
              restrictedBlock(r)
            ]);
          })) : h('p', { 'class': 'muted' }, t('incident.noReports'))
        ]),
        h('section', { 'class': 'card' }, [
          h('h2', null, t('incident.history')),
          history.length ? h('ol', { 'class': 'history', 'data-testid': 'incident-history' }, history.map(function (e) {
            var when = e.at || e.time || e.created_at || e.timestamp;
            var who = e.actor || e.user || e.by || e.username;
            var what = e.action || e.event || e.kind || '';
            var change = e.after || e.detail || e.details;
            return h('li', { 'data-seq': e.seq != null ? String(e.seq) : null }, [
              h('span', { 'class': 'when' }, dateTime(when)), ' ',
              who ? h('strong', null, who) : null, ' ',
              h('code', null, what), e.entity ? [' ', h('span', { 'class': 'muted' }, e.entity)] : null,
              change && typeof change === 'object' ? h('details', null, [
                h('summary', null, t('incident.change')),
                h('pre', null, JSON.stringify(change, null, 2))
              ]) : (change ? ' — ' + String(change) : null)
            ]);
          })) : h('p', { 'class': 'muted' }, t('incident.noHistory'))
        ])
      ]);
      var la = Number(inc.latitude), lo = Number(inc.longitude);
      map = M.createMap(mini, { zoomAnimation: false });
      if (isFinite(la) && isFinite(lo) && inc.latitude != null) {
        L.marker([la, lo], { icon: L.divIcon({ className: 'inc-marker type-' + (inc.type_of_violence || 'x') + (synthetic ? ' synthetic' : ''), iconSize: [14, 14] }) }).addTo(map);
        map.setView([la, lo], 7);
      }
      M.outline(map, { fit: !(isFinite(la) && isFinite(lo) && inc.latitude != null) });
      contextLayer(map, { lang: lang(), minZoomOffset: 1 });
    }).catch(function (e) {
      clear(box);
      box.appendChild(loadError(e));
    });
  }
  load();
  return { destroy: function () { if (map) { M.removeMap(map); map = null; } } };
}
