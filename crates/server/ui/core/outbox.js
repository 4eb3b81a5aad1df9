// The offline outbox's rules, kept apart from the page so that they can be tested:
// reports that could not be sent wait on the device under their author's name, each
// with the client_id it was first sent with (POST /api/reports idempotency), and leave
// only when the server has them or their author deletes them. A refusal (4xx) keeps the
// report, marked with the server's reason, for its author to edit, retry or delete.
// `storage` is localStorage (or anything with getItem / setItem / removeItem).

import { errorKind, errorReason } from './api.js';

export const PREFIX = 'vigil.outbox.';

/** One storage key per author, so that one user's queue is never read as another's. */
export function keyFor(user) {
  if (!user) throw new Error('the outbox belongs to a logged-in user');
  return PREFIX + encodeURIComponent(user);
}

/** A new client_id (UUID v4). */
export function newClientId(cryptoImpl) {
  const c = cryptoImpl || (typeof crypto !== 'undefined' ? crypto : null);
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const b = new Uint8Array(16);
  if (c && typeof c.getRandomValues === 'function') c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = Math.floor(Math.random() * 256);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = Array.from(b, (v) => v.toString(16).padStart(2, '0')).join('');
  return x.slice(0, 8) + '-' + x.slice(8, 12) + '-' + x.slice(12, 16) + '-' + x.slice(16, 20) + '-' + x.slice(20);
}

/** This user's waiting reports, oldest first. */
export function read(storage, user) {
  try {
    const v = JSON.parse(storage.getItem(keyFor(user)) || '[]');
    return Array.isArray(v) ? v.filter((x) => x && x.client_id && x.body) : [];
  } catch (e) {
    return [];
  }
}

/** Store this user's list; false when the device refused (full, private mode). */
export function write(storage, user, items) {
  try {
    if (items.length) storage.setItem(keyFor(user), JSON.stringify(items));
    else storage.removeItem(keyFor(user));
    return true;
  } catch (e) {
    return false;
  }
}

/** Put a report in its author's outbox (replacing one with the same client_id). */
export function enqueue(storage, user, body, clientId, now) {
  const items = read(storage, user).filter((x) => x.client_id !== clientId);
  items.push({ client_id: clientId, body, queued_at: (now || new Date()).toISOString(), state: 'queued' });
  return write(storage, user, items) ? items : null;
}

export function remove(storage, user, clientId) {
  const items = read(storage, user).filter((x) => x.client_id !== clientId);
  write(storage, user, items);
  return items;
}

/** Mark a report as refused by the server, with its reason (it stays in the outbox). */
export function markRefused(storage, user, clientId, error) {
  const items = read(storage, user).map((x) => (x.client_id === clientId
    ? Object.assign({}, x, { state: 'refused', status: error.status, reason: errorReason(error), field: error.field || null })
    : x));
  write(storage, user, items);
  return items;
}

/** Back to waiting (a retry of a refused report). */
export function markQueued(storage, user, clientId) {
  const items = read(storage, user).map((x) => {
    if (x.client_id !== clientId) return x;
    const y = Object.assign({}, x, { state: 'queued' });
    delete y.reason; delete y.status; delete y.field;
    return y;
  });
  write(storage, user, items);
  return items;
}

/**
 * What to do with a waiting report after one attempt to send it (`error` null when
 * it was accepted): 'sent' (remove it), 'refused' (keep it, marked with the reason),
 * 'stop' (keep it and stop sending: no connection, server trouble, rate limit, or the
 * session ended). A refusal of the client_id itself is a refusal like any other: the
 * page and the API come from the same server, and a report sent again without its
 * client_id could be stored twice.
 */
export function outcome(error) {
  if (!error) return 'sent';
  const kind = errorKind(error);
  if (kind !== 'refused') return 'stop';
  return 'refused';
}

/** POST a report with its client_id (a repeat is answered as the first time, never stored twice). */
export function sendReport(api, body, clientId, opts) {
  return api('POST', '/api/reports', Object.assign({}, body, { client_id: clientId }), opts);
}

/**
 * Send `user`'s waiting reports, oldest first, one at a time. `stillUser()` is asked
 * before each one: when someone else has logged in meanwhile, sending stops. Refused
 * reports are skipped unless `clientId` names one (the author asked to retry it).
 * Resolves to {sent, refused, stopped}.
 */
export async function flush(api, storage, user, stillUser, clientId) {
  const result = { sent: 0, refused: 0, stopped: false };
  if (clientId) markQueued(storage, user, clientId);
  const todo = read(storage, user).filter((x) => x.state !== 'refused' && (!clientId || x.client_id === clientId));
  for (const item of todo) {
    if (!stillUser()) { result.stopped = true; break; }
    let error = null;
    try {
      await sendReport(api, item.body, item.client_id, { allow401: true });
    } catch (e) {
      error = e;
    }
    const what = outcome(error);
    if (what === 'sent') { remove(storage, user, item.client_id); result.sent++; continue; }
    if (what === 'refused') { markRefused(storage, user, item.client_id, error); result.refused++; continue; }
    result.stopped = true;
    break;
  }
  return result;
}
