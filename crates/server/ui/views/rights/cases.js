// Cases (human-rights officers): the list, the form (the event, one act with its
// victims by sex and age, individual victims and witnesses), a case's page (with its
// restricted records: the server audits the read) with its verification steps, and
// the form that opens a special investigation from a case.

import { t, lang } from '../../i18n/index.js';
import { h, clear, field, formFailed, clearErrors, loadError, syntheticBadge } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { go } from '../../core/router.js';
import { S } from '../../core/state.js';
import { serverNow } from '../../core/clock.js';
import { rightsLabel, rightsTabs, select } from './common.js';

const GROUPS = ['man', 'woman', 'boy', 'girl', 'unknown'];

function victimsText(acts) {
  const tot = {};
  (acts || []).forEach((a) => GROUPS.forEach((g) => { tot[g] = (tot[g] || 0) + ((a.victims && a.victims[g]) || 0); }));
  return GROUPS.filter((g) => tot[g]).map((g) => rightsLabel('victim_groups', g) + ' ' + tot[g]).join(', ');
}

export function viewCases(main) {
  main.appendChild(rightsTabs('rights'));
  const box = h('section', { 'class': 'card', 'data-testid': 'case-list' }, h('p', { 'class': 'muted' }, t('common.loading')));
  main.appendChild(box);
  api('GET', '/api/cases').then((r) => {
    clear(box);
    box.appendChild(h('h1', null, t('hr.cases')));
    if (!r.cases.length) { box.appendChild(h('p', null, t('hr.none'))); return; }
    box.appendChild(h('table', { 'class': 'data' }, [
      h('thead', null, h('tr', null, ['#', t('hr.date'), t('hr.title'), t('hr.perpetrator'), t('hr.act'), t('hr.victims'), t('hr.status')].map((x) => h('th', null, x)))),
      h('tbody', null, r.cases.slice().reverse().map((c) => h('tr', { 'data-testid': 'case-row', 'data-id': c.id }, [
        h('td', null, h('a', { href: '#/rights/case/' + c.id }, String(c.id))),
        h('td', null, c.date),
        h('td', null, [c.title, c.synthetic ? [' ', syntheticBadge()] : null]),
        h('td', null, c.armed_group || rightsLabel('perpetrators', c.perpetrator)),
        h('td', null, (c.acts || []).map((a) => rightsLabel('act_types', a.act_type)).join(', ')),
        h('td', null, victimsText(c.acts)),
        h('td', null, rightsLabel('case_statuses', c.status))
      ])))
    ]));
  }).catch((e) => { clear(box); box.appendChild(loadError(e)); });
}

function personRow(i) {
  const kind = h('select', { name: 'kind', 'data-testid': 'person-kind-' + i }, ['victim', 'witness'].map((k) => h('option', { value: k }, k)));
  const name = h('input', { name: 'name', 'data-testid': 'person-name-' + i, autocomplete: 'off' });
  const group = select('p-group-' + i, 'group', 'victim_groups', 'unknown', 'person-group-' + i);
  const consent = h('input', { type: 'checkbox', name: 'consent', 'data-testid': 'person-consent-' + i });
  const prot = h('input', { name: 'protection', 'data-testid': 'person-protection-' + i });
  const row = h('tr', { 'class': 'person' }, [h('td', null, kind), h('td', null, name), h('td', null, group), h('td', null, consent), h('td', null, prot)]);
  row.read = () => ({ kind: kind.value, data: { name: name.value.trim(), group: group.value, consent: consent.checked, protection_concerns: prot.value.trim() } });
  return row;
}

export function viewCaseForm(main, route) {
  main.appendChild(rightsTabs('rights/new'));
  const report = route.query.report ? Number(route.query.report) : null;
  const today = serverNow().toISOString().slice(0, 10);
  const inp = (id, name, extra) => h('input', Object.assign({ id: id, name: name, autocomplete: 'off', 'data-testid': 'case-' + name }, extra || {}));
  const title = inp('c-title', 'title');
  const date = inp('c-date', 'date', { type: 'date', value: today });
  const place = inp('c-place', 'place');
  const perp = select('c-perp', 'perpetrator', 'perpetrators', 'unidentified', 'case-perpetrator');
  const group = inp('c-group', 'armed_group');
  const unit = inp('c-unit', 'unit');
  const act = select('c-act', 'act_type', 'act_types', 'killing', 'case-act');
  const counts = {};
  GROUPS.forEach((g) => { counts[g] = h('input', { type: 'number', min: 0, value: 0, id: 'c-n-' + g, name: g, 'data-testid': 'case-count-' + g, 'class': 'narrow' }); });
  const people = h('tbody');
  const addPerson = h('button', { type: 'button', 'data-testid': 'case-add-person' }, t('hr.addPerson'));
  addPerson.addEventListener('click', () => people.appendChild(personRow(people.children.length)));
  const err = h('p', { 'class': 'form-error', role: 'alert', hidden: true, 'data-testid': 'case-error' });
  const form = h('form', { 'class': 'card', 'data-testid': 'case-form', novalidate: true }, [
    h('h1', null, t('hr.newCase')),
    report ? h('p', { 'class': 'muted', 'data-testid': 'case-from-report' }, t('hr.fromReport', { id: report })) : null,
    field('title', 'hr.title', title, { required: true }),
    field('date', 'hr.date', date, { required: true }),
    field('place', 'hr.place', place, { optional: true }),
    field('perpetrator', 'hr.perpetrator', perp),
    field('armed_group', 'hr.armedGroup', group, { optional: true }),
    field('unit', 'hr.unit', unit, { optional: true }),
    field('act_type', 'hr.act', act, { aliases: 'acts acts.act_type' }),
    h('fieldset', { 'data-field': 'victims' }, [h('legend', null, t('hr.victims')),
      h('div', { 'class': 'grid' }, GROUPS.map((g) => h('label', null, [rightsLabel('victim_groups', g), ' ', counts[g]])))]),
    h('fieldset', { 'data-field': 'restricted' }, [h('legend', null, t('hr.individuals')),
      h('table', { 'class': 'data' }, [h('thead', null, h('tr', null, ['hr.kind', 'hr.name', 'hr.group', 'hr.consent', 'hr.protection'].map((k) => h('th', null, t(k))))), people]),
      addPerson]),
    err,
    h('button', { type: 'submit', 'class': 'primary', 'data-testid': 'case-save' }, t('hr.save'))
  ]);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    err.hidden = true;
    const victims = {};
    GROUPS.forEach((g) => { victims[g] = Math.max(0, Number(counts[g].value) || 0); });
    const body = {
      title: title.value.trim(), date: date.value, place: place.value.trim() || null,
      perpetrator: perp.value, armed_group: group.value.trim() || null, unit: unit.value.trim() || null,
      acts: [{ act_type: act.value, victims: victims }], status: 'alleged',
      reports: report ? [report] : [],
      restricted: Array.from(people.children).map((r) => r.read()).filter((p) => p.data.name)
    };
    api('POST', '/api/cases', body).then((r) => go('rights/case/' + r.id)).catch((e) => formFailed(form, err, e));
  });
  main.appendChild(form);
}

export function viewCase(main, route) {
  const id = route.params[1];
  main.appendChild(rightsTabs(''));
  const box = h('section', { 'class': 'card', 'data-testid': 'case-page' }, h('p', { 'class': 'muted' }, t('common.loading')));
  main.appendChild(box);
  api('GET', '/api/cases/' + encodeURIComponent(id)).then((d) => {
    clear(box);
    const c = d.case;
    box.setAttribute('data-id', c.id);
    box.setAttribute('data-status', c.status);
    box.appendChild(h('h1', null, ['#' + c.id + ' ', c.title, c.synthetic ? [' ', syntheticBadge()] : null]));
    const dl = [[t('hr.date'), c.date], [t('hr.place'), c.place || ''], [t('hr.perpetrator'), c.armed_group || rightsLabel('perpetrators', c.perpetrator)],
      [t('hr.unit'), c.unit || ''], [t('hr.status'), rightsLabel('case_statuses', c.status) + ' (' + c.status_by + ', ' + c.status_at.slice(0, 16) + ')'],
      [t('hr.links'), (c.links || []).map((l) => l[0] + ' ' + l[1]).join(', ')]];
    box.appendChild(h('dl', { 'class': 'facts' }, dl.map((x) => [h('dt', null, x[0]), h('dd', null, x[1])])));
    box.appendChild(h('table', { 'class': 'data', 'data-testid': 'case-acts' }, [
      h('thead', null, h('tr', null, [t('hr.act')].concat(GROUPS.map((g) => rightsLabel('victim_groups', g))).map((x) => h('th', null, x)))),
      h('tbody', null, (c.acts || []).map((a) => h('tr', null, [h('td', null, rightsLabel('act_types', a.act_type))].concat(GROUPS.map((g) => h('td', null, String((a.victims && a.victims[g]) || 0)))))))
    ]));
    box.appendChild(h('h2', null, t('hr.individuals')));
    box.appendChild(h('ul', { 'data-testid': 'case-people' }, d.restricted.map((r) => h('li', { 'data-kind': r.kind }, [
      r.kind + ': ', h('strong', null, String(r.data.name || '')), ' (' + rightsLabel('victim_groups', r.data.group) + ')',
      r.data.consent ? ' ✓' : '', r.data.protection_concerns ? ' — ' + r.data.protection_concerns : ''
    ]))));
    const next = { alleged: ['under_verification', 'closed'], under_verification: ['verified', 'not_verified', 'closed'], verified: ['under_verification', 'closed'], not_verified: ['under_verification', 'closed'] }[c.status] || [];
    const err = h('p', { 'class': 'form-error', hidden: true });
    box.appendChild(h('p', null, next.map((s) => {
      const b = h('button', { type: 'button', 'data-testid': 'case-status-' + s }, t('hr.moveTo') + ': ' + rightsLabel('case_statuses', s));
      b.addEventListener('click', () => api('POST', '/api/cases/' + c.id + '/status', { status: s }).then(() => go('rights/case/' + c.id))
        .catch((e) => { err.textContent = e.message; err.hidden = false; }));
      return [b, ' '];
    })));
    box.appendChild(err);
    box.appendChild(h('h2', null, t('hr.history')));
    box.appendChild(h('ul', null, d.history.map((s) => h('li', null, rightsLabel('case_statuses', s.status) + ' — ' + s.decided_by + ', ' + s.decided_at.slice(0, 16)))));
    box.appendChild(h('h2', null, t('hr.investigations')));
    box.appendChild(h('ul', null, d.investigations.map((i) => h('li', null, h('a', { href: '#/rights/investigation/' + i }, '#' + i)))));
    box.appendChild(h('p', null, h('a', { href: '#/rights/investigation-new?case=' + c.id, 'data-testid': 'case-open-investigation' }, t('hr.openInvestigation'))));
  }).catch((e) => { clear(box); box.appendChild(loadError(e)); });
}

export function viewInvestigationForm(main, route) {
  main.appendChild(rightsTabs(''));
  const caseId = route.query.case ? Number(route.query.case) : null;
  const inp = (id, name, extra) => h('input', Object.assign({ id: id, name: name, autocomplete: 'off', 'data-testid': 'inv-' + name }, extra || {}));
  const title = inp('i-title', 'title');
  const team = inp('i-team', 'team', { value: S.user || '' });
  const teamOnly = h('input', { type: 'checkbox', id: 'i-only', name: 'team_only', 'data-testid': 'inv-team-only' });
  const opened = inp('i-opened', 'opened_on', { type: 'date', value: serverNow().toISOString().slice(0, 10) });
  const tor = h('textarea', { id: 'i-tor', name: 'terms_of_reference', 'data-testid': 'inv-tor' });
  const err = h('p', { 'class': 'form-error', role: 'alert', hidden: true, 'data-testid': 'inv-error' });
  const form = h('form', { 'class': 'card', 'data-testid': 'inv-form', novalidate: true }, [
    h('h1', null, t('hr.openInvestigation')),
    field('title', 'hr.title', title, { required: true }),
    field('team', 'hr.team', team, { required: true }),
    h('label', null, [teamOnly, ' ', t('hr.teamOnly')]),
    field('opened_on', 'hr.openedOn', opened),
    field('terms_of_reference', 'hr.tor', tor),
    err,
    h('button', { type: 'submit', 'class': 'primary', 'data-testid': 'inv-save' }, t('hr.open'))
  ]);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const body = { title: title.value.trim(), team: team.value.split(',').map((s) => s.trim()).filter(Boolean), team_only: teamOnly.checked,
      opened_on: opened.value, case_ids: caseId ? [caseId] : [], missions: [], file: { terms_of_reference: tor.value, findings: '', recommendations: '' } };
    api('POST', '/api/investigations', body).then((r) => go('rights/investigation/' + r.id)).catch((e) => formFailed(form, err, e));
  });
  main.appendChild(form);
}

export function viewInvestigation(main, route) {
  main.appendChild(rightsTabs(''));
  const box = h('section', { 'class': 'card', 'data-testid': 'investigation-page' }, h('p', { 'class': 'muted' }, t('common.loading')));
  main.appendChild(box);
  api('GET', '/api/investigations/' + encodeURIComponent(route.params[1])).then((i) => {
    clear(box);
    box.setAttribute('data-id', i.id);
    box.appendChild(h('h1', null, ['#' + i.id + ' ', i.title, i.synthetic ? [' ', syntheticBadge()] : null]));
    const f = i.file || {};
    const dl = [[t('hr.team'), i.team.join(', ') + (i.team_only ? ' (' + t('hr.teamOnly') + ')' : '')], [t('hr.openedOn'), i.opened_on],
      [t('hr.published'), i.published_on || '—'], [t('hr.cases'), i.case_ids.map((c) => '#' + c).join(', ')],
      [t('hr.tor'), f.terms_of_reference || ''], [t('hr.findings'), f.findings || ''], [t('hr.recommendations'), f.recommendations || '']];
    box.appendChild(h('dl', { 'class': 'facts' }, dl.map((x) => [h('dt', null, x[0]), h('dd', null, x[1])])));
    box.appendChild(h('h2', null, t('hr.missions')));
    box.appendChild(h('ul', null, i.missions.map((m) => h('li', null, m.start_date + ' – ' + m.end_date + ', ' + m.place + ': ' + rightsLabel('mission_access', m.access)))));
    void lang;
  }).catch((e) => { clear(box); box.appendChild(loadError(e)); });
}
