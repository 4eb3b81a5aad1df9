// Turning GET /api/vocabulary into labels, menus and access checks
// (crates/server/ui/core/vocabulary.js). The JSON below has the contract's shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeVocabulary, LISTS } from '../../ui/core/vocabulary.js';

const L = (en, fr) => ({ en, fr });
const SAMPLE = {
  categories: [
    { code: 'ied', label: L('IED', 'Engin explosif improvisé (EEI)') },
    { code: 'threat', label: L('Threat', 'Menace') },
    { code: 'other', label: { en: 'Other' } }
  ],
  roles: [{ code: 'reporter', label: L('reporter', 'rapporteur') }, { code: 'analyst', label: L('analyst', 'analyste') }],
  report_statuses: [{ code: 'new', label: L('new', 'nouveau') }],
  alert_statuses: [{ code: 'draft', label: L('draft', 'brouillon') }, { code: 'closed', label: L('closed', 'close') }],
  verification_statuses: [], sensitivities: [], channels: [{ code: 'web', label: L('web form', 'formulaire web') }],
  reliability: [{ code: 'A', label: L('Completely reliable', 'Entièrement fiable') }, { code: 'B', label: L('B — Usually reliable', 'B — Habituellement fiable') }],
  credibility: [{ code: '1', label: L('Confirmed by other sources', 'Confirmée par d’autres sources') }],
  date_precisions: [{ code: '1', label: L('exact day', 'jour exact') }],
  geo_precisions: [{ code: '1', label: L('exact location', 'lieu exact') }],
  access: { submit_report: ['reporter', 'analyst'], map: ['analyst'], admin: [] }
};

test('labels in the reader\'s language, English when French is missing', () => {
  const v = makeVocabulary(SAMPLE);
  assert.equal(v.loaded, true);
  assert.equal(v.label('categories', 'ied', 'en'), 'IED');
  assert.equal(v.label('categories', 'ied', 'fr'), 'Engin explosif improvisé (EEI)');
  assert.equal(v.label('categories', 'other', 'fr'), 'Other');
  assert.equal(v.label('roles', 'analyst', 'fr'), 'analyste');
  assert.equal(v.label('alert_statuses', 'closed', 'fr'), 'close');
});

test('an unknown code shows as itself; nothing shows as nothing', () => {
  const v = makeVocabulary(SAMPLE);
  assert.equal(v.label('categories', 'new_kind', 'en'), 'new_kind');
  assert.equal(v.label('categories', null, 'en'), '');
  assert.equal(v.label('no_such_list', 'x', 'en'), 'x');
});

test('menus keep the server\'s order; grading reads code first, once', () => {
  const v = makeVocabulary(SAMPLE);
  assert.deepEqual(v.codes('categories'), ['ied', 'threat', 'other']);
  assert.deepEqual(v.options('categories', 'fr').map((o) => o.label), ['Engin explosif improvisé (EEI)', 'Menace', 'Other']);
  assert.deepEqual(v.options('reliability', 'en', true), [
    { value: 'A', label: 'A — Completely reliable' },
    { value: 'B', label: 'B — Usually reliable' }
  ]);
  assert.equal(v.coded('credibility', 1, 'fr'), '1 — Confirmée par d’autres sources');
  assert.equal(v.coded('credibility', 9, 'fr'), '9');
});

test('record fields label through their list', () => {
  const v = makeVocabulary(SAMPLE);
  assert.equal(v.fieldLabel('category', 'threat', 'fr'), 'Menace');
  assert.equal(v.fieldLabel('event_type', 'ied', 'en'), 'IED');
  assert.equal(v.fieldLabel('date_prec', 1, 'en'), 'exact day');
  assert.equal(v.fieldLabel('where_prec', '1', 'fr'), 'lieu exact');
  assert.equal(v.fieldLabel('channel', 'web', 'en'), 'web form');
  assert.equal(v.fieldLabel('side_a', 'x', 'en'), null);
});

test('access lists decide what a role may use', () => {
  const v = makeVocabulary(SAMPLE);
  assert.equal(v.allows('submit_report', 'reporter'), true);
  assert.equal(v.allows('map', 'reporter'), false);
  assert.equal(v.allows('admin', 'analyst'), false);
  assert.equal(v.allows('no_such_part', 'analyst'), false);
  const roles = v.rolesFor('submit_report');
  roles.push('intruder');
  assert.deepEqual(v.rolesFor('submit_report'), ['reporter', 'analyst'], 'a copy, not the list itself');
});

test('no vocabulary: nothing is allowed and codes show as themselves', () => {
  for (const json of [null, {}, { categories: 'x', access: null }]) {
    const v = makeVocabulary(json);
    assert.equal(v.loaded, false);
    assert.equal(v.allows('map', 'analyst'), false);
    assert.deepEqual(v.codes('categories'), []);
    assert.equal(v.label('categories', 'ied', 'fr'), 'ied');
  }
  assert.ok(LISTS.includes('categories') && LISTS.includes('geo_precisions'));
});
