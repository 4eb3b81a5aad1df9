// Dates, numbers and durations as the UI shows them (crates/server/ui/core/format.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dateOnly, dateTime, todayISO, decimal, minutesText, toLocalInput, fromLocalInput, occurredAt, pad2, colon } from '../../ui/core/format.js';
import { tables, fill } from '../../ui/i18n/index.js';

const tEn = (k, v) => fill(tables.en[k], v);
const tFr = (k, v) => fill(tables.fr[k], v);

test('dates', () => {
  assert.equal(dateOnly('2022-06-15T10:00:00Z'), '2022-06-15');
  assert.equal(dateOnly(null), '');
  assert.equal(dateTime('2022-06-15'), '2022-06-15');
  assert.equal(dateTime('not a date at all'), 'not a date at all');
  assert.match(dateTime('2022-06-15T10:00:00Z', 'en'), /2022/);
  assert.equal(todayISO(new Date(2023, 0, 5)), '2023-01-05');
  assert.equal(pad2(7), '07');
  assert.equal(pad2(12), '12');
});

test('numbers follow the language', () => {
  assert.equal(decimal(1234.56, 'en'), '1,234.6');
  assert.equal(decimal(1234.56, 'fr').replace(/\s/g, ' '), '1 234,6');
  assert.equal(colon('en'), ': ');
  assert.equal(colon('fr'), '\u00a0: ');
});

test('durations in minutes', () => {
  assert.equal(minutesText(null, tEn, 'en'), '—');
  assert.equal(minutesText('x', tEn, 'en'), '—');
  assert.equal(minutesText(0.05, tEn, 'en'), tEn('dash.lessThan', { n: '0.1' }));
  assert.equal(minutesText(45, tEn, 'en'), tEn('dash.minutes', { n: '45' }));
  assert.equal(minutesText(200, tEn, 'en'), tEn('dash.hoursMin', { h: 3, m: 20 }));
  assert.equal(minutesText(60 * 52, tEn, 'en'), tEn('dash.days', { d: 2, h: 4 }));
  assert.equal(minutesText(-45, tEn, 'en'), '−' + tEn('dash.minutes', { n: '45' }));
  assert.equal(minutesText(0.4, tFr, 'fr'), tFr('dash.minutes', { n: '0,4' }));
});

test('datetime-local values round-trip', () => {
  const iso = '2026-11-29T19:45:00.000Z';
  const local = toLocalInput(iso);
  assert.match(local, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/);
  assert.equal(fromLocalInput(local), iso);
  assert.equal(toLocalInput('nonsense'), '');
  assert.equal(fromLocalInput('nonsense'), null);
});

test('a report time carries the device offset', () => {
  assert.equal(occurredAt('2022-06-15', ''), '2022-06-15');
  const v = occurredAt('2022-06-15', '08:30');
  assert.match(v, /^2022-06-15T08:30:00[+-]\d{2}:\d{2}$/);
  assert.equal(new Date(v).getTime(), new Date('2022-06-15T08:30').getTime());
});
