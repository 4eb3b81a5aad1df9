// The API client and its error mapping (crates/server/ui/core/api.js), with a fake fetch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, errorKind, errorReason, isNetworkError, qs, makeClient } from '../../ui/core/api.js';

function answer(status, body, type) {
  return {
    status, ok: status >= 200 && status < 300,
    headers: { get: () => type || 'application/json' },
    json: async () => body, text: async () => String(body)
  };
}

test('ApiError takes the message and the field from the body', () => {
  const e = new ApiError(422, { error: 'is in the future', field: 'occurred_at' });
  assert.equal(e.message, 'is in the future');
  assert.equal(e.field, 'occurred_at');
  assert.equal(new ApiError(502, '<html>bad gateway</html>').message, '<html>bad gateway</html>');
  assert.equal(new ApiError(500, 'x'.repeat(300)).message, 'HTTP 500');
  assert.equal(new ApiError(404, null).field, null);
});

test('errors map to what the UI does with them', () => {
  assert.equal(errorKind(new TypeError('Failed to fetch')), 'network');
  assert.equal(isNetworkError(new TypeError('Failed to fetch')), true);
  assert.equal(errorKind(new ApiError(401, {})), 'session');
  assert.equal(errorKind(new ApiError(429, {})), 'rate');
  assert.equal(errorKind(new ApiError(503, {})), 'server');
  assert.equal(errorKind(new ApiError(403, {})), 'refused');
  assert.equal(errorKind(new ApiError(422, {})), 'refused');
  assert.equal(errorKind(new ApiError(409, {})), 'refused');
  assert.equal(errorReason(new ApiError(422, { error: 'is in the future', field: 'occurred_at' })), 'occurred_at: is in the future');
  assert.equal(errorReason(new ApiError(422, { error: 'occurred_at: is in the future', field: 'occurred_at' })), 'occurred_at: is in the future');
  assert.equal(errorReason(new ApiError(403, { error: 'not allowed' })), 'not allowed');
});

test('qs leaves out empty values and escapes the rest', () => {
  assert.equal(qs({}), '');
  assert.equal(qs({ a: 1, b: '', c: null, d: undefined, e: 'x y&z' }), '?a=1&e=x%20y%26z');
});

test('writes carry the CSRF token and JSON; reads do not', async () => {
  const calls = [];
  const api = makeClient({ fetch: async (url, init) => { calls.push({ url, init }); return answer(200, { ok: 1 }); }, csrf: () => 'tok' });
  assert.deepEqual(await api('GET', '/api/x'), { ok: 1 });
  await api('POST', '/api/y', { a: 1 });
  assert.equal(calls[0].init.headers['X-CSRF-Token'], undefined);
  assert.equal(calls[1].init.headers['X-CSRF-Token'], 'tok');
  assert.equal(calls[1].init.headers['Content-Type'], 'application/json');
  assert.equal(calls[1].init.body, '{"a":1}');
  assert.equal(calls[1].init.credentials, 'same-origin');
});

test('a failed answer rejects with an ApiError; a 401 ends the session unless allowed', async () => {
  let ended = 0;
  const api = makeClient({ fetch: async (url) => (url === '/401' ? answer(401, { error: 'login' }) : answer(422, { error: 'bad', field: 'f' })), csrf: () => null, onUnauthorized: () => { ended++; } });
  await assert.rejects(api('POST', '/422', {}), (e) => e instanceof ApiError && e.status === 422 && e.field === 'f');
  await assert.rejects(api('GET', '/401'), (e) => e.status === 401);
  assert.equal(ended, 1);
  await assert.rejects(api('GET', '/401', undefined, { allow401: true }), (e) => e.status === 401);
  assert.equal(ended, 1);
});

test('no answer rejects with the fetch error', async () => {
  const api = makeClient({ fetch: async () => { throw new TypeError('Failed to fetch'); } });
  await assert.rejects(api('GET', '/x'), (e) => errorKind(e) === 'network');
});
