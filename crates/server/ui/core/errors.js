// A failed request in the user's words: the server's `code` and `params` (see
// crates/server/src/error.rs) pick the sentence, the field's label names the field,
// and the server's English text is kept as the detail where the code alone says too
// little. Errors without a code (network failures, old servers) show their message.

import { t, has } from '../i18n/index.js';

/** The label of a request field (`restricted.victims` → the label of `victims`). */
export function fieldLabel(name) {
  if (!name) return '';
  const last = String(name).split('.').pop();
  return has('field.' + last) ? t('field.' + last) : last;
}

/** The server's detail without its leading "field: " (the sentence names the field). */
function detail(e) {
  const msg = String(e.message || '');
  const prefix = e.field ? e.field + ': ' : '';
  return prefix && msg.indexOf(prefix) === 0 ? msg.slice(prefix.length) : msg;
}

/** What to show for an API error (or any Error). */
export function errorText(e) {
  const body = e && e.body && typeof e.body === 'object' ? e.body : null;
  const code = body && typeof body.code === 'string' ? body.code : null;
  if (!code) return t('error.generic', { detail: (e && e.message) || String(e) });
  const key = has('error.' + code) ? 'error.' + code : 'error.generic';
  const vars = Object.assign({}, body.params && typeof body.params === 'object' ? body.params : {},
    { field: fieldLabel(e.field), detail: detail(e) });
  return t(key, vars);
}
