// The hash router's parsing (crates/server/ui/core/router.js).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRoute, href } from '../../ui/core/router.js';

test('a route with parameters and a query', () => {
  assert.deepEqual(parseRoute('#/alert/12?status=issued,draft&x='), { name: 'alert', params: ['12'], query: { status: 'issued,draft', x: '' } });
});

test('empty and bare hashes', () => {
  assert.deepEqual(parseRoute(''), { name: '', params: [], query: {} });
  assert.deepEqual(parseRoute('#/'), { name: '', params: [], query: {} });
  assert.deepEqual(parseRoute('#map'), { name: 'map', params: [], query: {} });
});

test('escapes and + in query values are decoded', () => {
  const r = parseRoute('#/map?from=2022-01-01&place=Gao%20ville&q=a+b&k%C3%A9=%C3%A9');
  assert.equal(r.query.place, 'Gao ville');
  assert.equal(r.query.q, 'a b');
  assert.equal(r.query['ké'], 'é');
});

test('a malformed escape drops that pair only', () => {
  const r = parseRoute('#/map?bad=%E0%A4%A&from=2022-01-01');
  assert.equal(r.query.from, '2022-01-01');
  assert.equal('bad' in r.query, false);
});

test('href builds what parseRoute reads back', () => {
  const h = href('map', { from: '2022-01-01', type: '', admin1: 'ML05', q: 'a&b' });
  assert.equal(h, '#/map?from=2022-01-01&admin1=ML05&q=a%26b');
  assert.deepEqual(parseRoute(h).query, { from: '2022-01-01', admin1: 'ML05', q: 'a&b' });
});
