// Parts every page that shows a report uses: its summary (when, where, people,
// grading, channel, reporter) and its restricted detail, shown only when the server
// sent it (it sends it only to roles allowed to read it).

import { t, fmt } from '../../i18n/index.js';
import { h, restrictedBadge } from '../../core/dom.js';
import { dateTime } from '../../core/format.js';
import { reliabilityLabel, credibilityLabel, channelLabel } from '../../core/labels.js';

export function gradingOf(r) {
  var rel = r.reliability || (r.grading && r.grading.reliability) || '';
  var cred = r.credibility || (r.grading && r.grading.credibility) || '';
  return String(rel) + String(cred);
}

export function reportSummary(r) {
  var where = [r.place_name || r.place, (r.latitude != null && r.longitude != null) ? '(' + Number(r.latitude).toFixed(3) + ', ' + Number(r.longitude).toFixed(3) + ')' : null]
    .filter(Boolean).join(' ');
  return h('dl', { 'class': 'kv' }, [
    h('dt', null, t('triage.occurred')), h('dd', null, dateTime(r.occurred_at)),
    h('dt', null, t('report.where')), h('dd', null, where || t('common.unknown')),
    r.people_affected != null ? [h('dt', null, t('triage.people')), h('dd', null, fmt(r.people_affected))] : null,
    h('dt', null, t('triage.grading')), h('dd', null, h('span', { 'class': 'grade', title: reliabilityLabel(r.reliability) + ' · ' + credibilityLabel(r.credibility) }, gradingOf(r))),
    r.channel ? [h('dt', null, t('field.channel')), h('dd', null, channelLabel(r.channel) + (r.language ? ' · ' + r.language : ''))] : null,
    r.reporter || r.reporter_pseudonym ? [h('dt', null, t('field.reporter')), h('dd', null, r.reporter || r.reporter_pseudonym)] : null,
    r.attachments && r.attachments.length ? [h('dt', null, t('report.attachments')), h('dd', null, h('ul', { 'class': 'plain attachments' },
      r.attachments.map(function (a) {
        return h('li', null, h('a', { href: '/api/reports/' + encodeURIComponent(r.id) + '/attachments/' + encodeURIComponent(a.id),
          download: a.filename || '', 'data-testid': 'attachment-link' },
        (a.filename || ('#' + a.id)) + ' (' + fmt(Math.max(1, Math.round(a.size / 1024))) + ' KB)'));
      })))] : null
  ]);
}

export function restrictedBlock(r) {
  var rd = r.restricted;
  if (!rd || typeof rd !== 'object') {
    return r.has_restricted ? h('p', { 'class': 'restricted-note' }, [restrictedBadge(), ' ', t('triage.restrictedPresent')]) : null;
  }
  var rows = ['victims', 'witnesses', 'contacts'].filter(function (k) { return rd[k]; });
  if (!rows.length) return null;
  return h('div', { 'class': 'restricted-box', 'data-testid': 'restricted-detail' }, [
    h('p', null, restrictedBadge()),
    h('dl', { 'class': 'kv' }, rows.map(function (k) {
      return [h('dt', null, t('report.' + k)), h('dd', null, String(rd[k]))];
    }))
  ]);
}
