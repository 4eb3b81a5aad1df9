// The outbox on the page: sending the logged-in author's waiting reports (at login,
// when the device comes back online, or on request) and the panel where the author
// sees them — waiting, or refused with the server's reason — and edits, retries or
// deletes them. The rules are in core/outbox.js.

import { t, lang } from '../../i18n/index.js';
import { S } from '../../core/state.js';
import { h, append, clear } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { dateOnly, dateTime } from '../../core/format.js';
import { vocab } from '../../core/vocabulary.js';
import * as outbox from '../../core/outbox.js';

export const CHANGED = 'vigil:outbox';

function storage() { return window.localStorage; }

function changed() { window.dispatchEvent(new CustomEvent(CHANGED)); }

/** This user's waiting reports. */
export function myOutbox() {
  return S.user ? outbox.read(storage(), S.user) : [];
}

/** Keep a report for its author; null when the device would not store it. */
export function queueReport(body, clientId, author) {
  const r = outbox.enqueue(storage(), author || S.user, body, clientId);
  changed();
  return r;
}

export function dropFromOutbox(clientId, author) {
  if (!(author || S.user)) return;
  outbox.remove(storage(), author || S.user, clientId);
  changed();
}

let running = null;

/** Send the logged-in user's waiting reports (or only `clientId`); resolves to {sent, refused, stopped}. */
export function flushOutbox(clientId) {
  if (!S.user) return Promise.resolve({ sent: 0, refused: 0, stopped: true });
  if (running) return running.then(() => flushOutbox(clientId));
  const user = S.user;
  running = outbox.flush(api, storage(), user, () => S.user === user, clientId)
    .finally(() => { running = null; changed(); });
  return running;
}

function summary(item) {
  const b = item.body || {};
  const text = String(b.description || '');
  return [vocab().label('categories', b.category, lang()), dateOnly(b.occurred_at), b.place_name || null,
    text.length > 80 ? text.slice(0, 80) + '…' : text].filter(Boolean).join(' · ');
}

function itemView(item, onEdit) {
  const refused = item.state === 'refused';
  const del = h('button', { type: 'button', 'class': 'danger small', 'data-testid': 'outbox-delete' }, t('outbox.delete'));
  const sure = h('button', { type: 'button', 'class': 'danger small', hidden: true, 'data-testid': 'outbox-delete-confirm' }, t('outbox.confirmDelete'));
  del.addEventListener('click', () => { del.hidden = true; sure.hidden = false; sure.focus(); });
  sure.addEventListener('click', () => dropFromOutbox(item.client_id));
  const retry = h('button', { type: 'button', 'class': 'secondary small', 'data-testid': 'outbox-retry' }, t('outbox.send'));
  retry.addEventListener('click', () => { retry.disabled = true; flushOutbox(item.client_id); });
  return h('li', { 'class': 'outbox-item' + (refused ? ' refused' : ''), 'data-testid': 'outbox-item', 'data-client-id': item.client_id, 'data-state': item.state }, [
    h('p', { 'class': 'desc' }, summary(item)),
    h('p', { 'class': refused ? 'form-error' : 'muted small', 'data-testid': 'outbox-state' },
      refused ? t('outbox.refused', { reason: item.reason || ('HTTP ' + item.status) })
        : t('outbox.queued') + ' · ' + t('outbox.queuedAt', { t: dateTime(item.queued_at) })),
    h('div', { 'class': 'actions' }, [retry, onEdit ? h('button', {
      type: 'button', 'class': 'secondary small', 'data-testid': 'outbox-edit', onclick: () => onEdit(item)
    }, t('outbox.edit')) : null, del, sure])
  ]);
}

/**
 * The author's waiting reports, redrawn whenever the outbox changes; empty (and
 * hidden) when there are none. `onEdit(item)` loads one into the report form.
 * Returns {el, destroy()}.
 */
export function outboxPanel(onEdit) {
  const el = h('section', { 'class': 'card outbox', 'data-testid': 'outbox', hidden: true });
  function draw() {
    const items = myOutbox();
    clear(el);
    el.hidden = !items.length;
    el.setAttribute('data-count', String(items.length));
    if (!items.length) return;
    append(el, [
      h('h2', null, t('outbox.title') + ' (' + items.length + ')'),
      h('p', { 'class': 'muted small' }, t('outbox.intro')),
      h('ul', { 'class': 'plain' }, items.map((x) => itemView(x, onEdit)))
    ]);
  }
  window.addEventListener(CHANGED, draw);
  draw();
  return { el, destroy: () => window.removeEventListener(CHANGED, draw) };
}
