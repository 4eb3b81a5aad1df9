// The API client: JSON (or FormData) over fetch with the session cookie, the CSRF
// token on every write, and one error type for every failed answer. Pure apart from
// the `fetch` it is given, so that node's test runner can drive it.

/** A request the server answered with an error status. */
export class ApiError extends Error {
  constructor(status, body) {
    const msg = (body && typeof body === 'object' && (body.error || body.message)) ||
      (typeof body === 'string' && body.length < 200 && body) || ('HTTP ' + status);
    super(msg);
    this.name = 'ApiError';
    this.status = status;
    this.body = body;
    /** The request field the server blames (422 {error, field}), if any. */
    this.field = body && typeof body === 'object' && body.field ? String(body.field) : null;
  }
}

/** True when a request never got an answer (offline, server down, DNS…). */
export function isNetworkError(e) {
  return !(e instanceof ApiError);
}

/**
 * How a failed request should be treated: 'network' (no answer: try again later),
 * 'session' (401: log in again), 'server' (5xx: try again later), 'rate' (429) or
 * 'refused' (any other 4xx: the request itself is wrong or not allowed; retrying the
 * same request gets the same answer).
 */
export function errorKind(e) {
  if (isNetworkError(e)) return 'network';
  if (e.status === 401) return 'session';
  if (e.status === 429) return 'rate';
  if (e.status >= 500) return 'server';
  return 'refused';
}

/** The reason a user reads: "field: message" when the server named a field. */
export function errorReason(e) {
  if (isNetworkError(e)) return String((e && e.message) || e);
  // the server's messages often start with the field already ("occurred_at: is in the future")
  return e.field && String(e.message).indexOf(e.field) !== 0 ? e.field + ': ' + e.message : e.message;
}

/** `?a=1&b=x%20y` from an object; empty, null and undefined values are left out. */
export function qs(obj) {
  const parts = [];
  Object.keys(obj).forEach((k) => {
    const v = obj[k];
    if (v === null || v === undefined || v === '') return;
    parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(v));
  });
  return parts.length ? '?' + parts.join('&') : '';
}

/**
 * A client: `api(method, path, body, {allow401})` resolves to the answer's JSON (or
 * text) and rejects with an ApiError for a 4xx / 5xx, or the fetch error when there was
 * no answer. `csrf()` gives the token to send on writes; `onUnauthorized()` is called on
 * a 401 unless `allow401` (a session that expired).
 */
export function makeClient({ fetch: doFetch, csrf, onUnauthorized }) {
  return function api(method, path, body, opts) {
    opts = opts || {};
    const headers = { 'Accept': 'application/json' };
    const token = csrf ? csrf() : null;
    if (method !== 'GET' && method !== 'HEAD' && token) headers['X-CSRF-Token'] = token;
    let payload;
    if (typeof FormData !== 'undefined' && body instanceof FormData) {
      payload = body;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    return doFetch(path, { method, headers, body: payload, credentials: 'same-origin', signal: opts.signal })
      .then((r) => {
        const ct = (r.headers && r.headers.get('content-type')) || '';
        const p = ct.indexOf('json') >= 0 ? r.json().catch(() => null) : r.text();
        return p.then((data) => {
          if (r.status === 401 && !opts.allow401 && onUnauthorized) onUnauthorized();
          if (!r.ok) throw new ApiError(r.status, data);
          return data;
        });
      });
  };
}
