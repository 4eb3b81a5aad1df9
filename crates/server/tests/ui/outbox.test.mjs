// The offline outbox's rules (crates/server/ui/core/outbox.js): reports wait under their
// author, are sent only as that author with their client_id, and are never dropped
// without the author seeing why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as outbox from '../../ui/core/outbox.js';
import { ApiError } from '../../ui/core/api.js';

function memoryStorage() {
  const m = new Map();
  return {
    getItem: (k) => (m.has(k) ? m.get(k) : null),
    setItem: (k, v) => { m.set(k, String(v)); },
    removeItem: (k) => { m.delete(k); },
    keys: () => Array.from(m.keys())
  };
}

/** A fake API: `answers` maps a description to what POST /api/reports does. */
function fakeApi(answer) {
  const sent = [];
  const api = async (method, path, body, opts) => {
    sent.push({ method, path, body, opts });
    const a = answer(body, sent.length);
    if (a instanceof Error) throw a;
    return a;
  };
  return { api, sent };
}

const report = (text) => ({ category: 'threat', occurred_at: '2022-06-15', description: text, reliability: 'B', credibility: 2 });

test('each author has their own outbox', () => {
  const s = memoryStorage();
  outbox.enqueue(s, 'alice', report('a1'), 'id-a1');
  outbox.enqueue(s, 'bob', report('b1'), 'id-b1');
  assert.deepEqual(outbox.read(s, 'alice').map((x) => x.client_id), ['id-a1']);
  assert.deepEqual(outbox.read(s, 'bob').map((x) => x.client_id), ['id-b1']);
  assert.notEqual(outbox.keyFor('alice'), outbox.keyFor('bob'));
  assert.throws(() => outbox.keyFor(null));
  // the same client_id queued again replaces, never doubles
  outbox.enqueue(s, 'alice', report('a1 edited'), 'id-a1');
  assert.deepEqual(outbox.read(s, 'alice').map((x) => x.body.description), ['a1 edited']);
});

test('a flush sends only its author\'s reports, each with its client_id, and removes what was accepted', async () => {
  const s = memoryStorage();
  outbox.enqueue(s, 'alice', report('a1'), 'id-a1');
  outbox.enqueue(s, 'alice', report('a2'), 'id-a2');
  outbox.enqueue(s, 'bob', report('b1'), 'id-b1');
  const { api, sent } = fakeApi(() => ({ id: 1, status: 'new' }));
  const r = await outbox.flush(api, s, 'bob', () => true);
  assert.deepEqual(r, { sent: 1, refused: 0, stopped: false });
  assert.deepEqual(sent.map((x) => x.body.client_id), ['id-b1']);
  assert.equal(sent[0].body.description, 'b1');
  assert.deepEqual(outbox.read(s, 'bob'), []);
  assert.equal(outbox.read(s, 'alice').length, 2, 'alice\'s reports wait for alice');
  assert.equal(s.keys().includes(outbox.keyFor('bob')), false, 'an empty outbox leaves no key');
});

test('a refusal keeps the report with the server\'s reason; later reports still go', async () => {
  const s = memoryStorage();
  outbox.enqueue(s, 'alice', report('bad date'), 'id-1');
  outbox.enqueue(s, 'alice', report('fine'), 'id-2');
  const { api } = fakeApi((body) => (body.client_id === 'id-1' ? new ApiError(422, { error: 'is in the future', field: 'occurred_at' }) : { id: 7 }));
  const r = await outbox.flush(api, s, 'alice', () => true);
  assert.deepEqual(r, { sent: 1, refused: 1, stopped: false });
  const left = outbox.read(s, 'alice');
  assert.equal(left.length, 1);
  assert.equal(left[0].state, 'refused');
  assert.equal(left[0].status, 422);
  assert.equal(left[0].reason, 'occurred_at: is in the future');
  assert.equal(left[0].field, 'occurred_at');
  // a refused report is not sent again by itself…
  const again = fakeApi(() => ({ id: 8 }));
  await outbox.flush(again.api, s, 'alice', () => true);
  assert.equal(again.sent.length, 0);
  // …only when its author retries it
  const retry = await outbox.flush(again.api, s, 'alice', () => true, 'id-1');
  assert.equal(retry.sent, 1);
  assert.deepEqual(outbox.read(s, 'alice'), []);
});

for (const [what, error] of [
  ['no network', new TypeError('Failed to fetch')],
  ['the session ended', new ApiError(401, { error: 'login' })],
  ['server trouble', new ApiError(503, 'unavailable')],
  ['rate limited', new ApiError(429, {})]
]) {
  test(`${what}: everything stays and sending stops`, async () => {
    const s = memoryStorage();
    outbox.enqueue(s, 'alice', report('a1'), 'id-a1');
    outbox.enqueue(s, 'alice', report('a2'), 'id-a2');
    const { api, sent } = fakeApi(() => error);
    const r = await outbox.flush(api, s, 'alice', () => true);
    assert.equal(r.stopped, true);
    assert.equal(sent.length, 1);
    assert.deepEqual(outbox.read(s, 'alice').map((x) => [x.client_id, x.state]), [['id-a1', 'queued'], ['id-a2', 'queued']]);
  });
}

test('sending stops when another user has logged in meanwhile', async () => {
  const s = memoryStorage();
  outbox.enqueue(s, 'alice', report('a1'), 'id-a1');
  outbox.enqueue(s, 'alice', report('a2'), 'id-a2');
  let user = 'alice';
  const { api, sent } = fakeApi(() => { user = 'bob'; return { id: 1 }; });
  const r = await outbox.flush(api, s, 'alice', () => user === 'alice');
  assert.equal(sent.length, 1);
  assert.equal(r.stopped, true);
  assert.deepEqual(outbox.read(s, 'alice').map((x) => x.client_id), ['id-a2']);
});

test('a refused client_id is never sent again without it (that could store the report twice)', async () => {
  const { api, sent } = fakeApi((body) => ('client_id' in body ? new ApiError(422, { error: 'must be a UUID', field: 'client_id' }) : { id: 3 }));
  const s = memoryStorage();
  outbox.enqueue(s, 'alice', report('x'), 'id-x');
  const r = await outbox.flush(api, s, 'alice', () => true);
  assert.equal(sent.length, 1);
  assert.equal(sent[0].body.client_id, 'id-x');
  assert.deepEqual(r, { sent: 0, refused: 1, stopped: false });
  const left = outbox.read(s, 'alice');
  assert.deepEqual(left.map((x) => [x.client_id, x.state, x.status, x.field]), [['id-x', 'refused', 422, 'client_id']]);
  assert.equal(outbox.outcome(new ApiError(422, { error: 'must be a UUID', field: 'client_id' })), 'refused');
  assert.equal(outbox.outcome(new ApiError(409, { error: 'client_id reused with another report' })), 'refused');
  assert.equal(outbox.outcome(null), 'sent');
});

test('client ids are UUIDs, different each time', () => {
  const re = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
  const a = outbox.newClientId();
  const b = outbox.newClientId({ getRandomValues: (x) => { for (let i = 0; i < x.length; i++) x[i] = (i * 37) & 255; return x; } });
  assert.match(a, re);
  assert.match(b, re);
  assert.notEqual(a, outbox.newClientId());
});

test('a device that refuses to store says so', () => {
  const full = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); }, removeItem: () => {} };
  assert.equal(outbox.enqueue(full, 'alice', report('x'), 'id'), null);
  const junk = memoryStorage();
  junk.setItem(outbox.keyFor('alice'), '{not json');
  assert.deepEqual(outbox.read(junk, 'alice'), []);
});
