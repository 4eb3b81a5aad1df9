// Codes as the reader sees them: vocabulary codes through the server's labels
// (core/vocabulary.js), the UI's own code lists (UCDP types, CAP values, response
// actions, rule kinds) through i18n; a code nobody labels shows as itself.

import { t, has, lang } from '../i18n/index.js';
import { vocab } from './vocabulary.js';

/** t(prefix + code) when there is such a string, else the code. */
export function translated(prefix, code) {
  const k = prefix + code;
  return has(k) ? t(k) : String(code);
}

/** UCDP type of violence: 1 / 2 / 3 (or the API's StateBased, sb …). */
export function typeLabel(v) {
  if (v === null || v === undefined || v === '') return t('common.unknown');
  let code = typeof v === 'object' ? v.code : v;
  const map = { StateBased: 1, NonState: 2, OneSided: 3, sb: 1, ns: 2, os: 3 };
  if (map[code]) code = map[code];
  return has('type.' + code) ? t('type.' + code) : String(code);
}

export function catLabel(c) {
  return c ? vocab().label('categories', c, lang()) : t('common.unknown');
}

export function statusLabel(s) { return vocab().label('report_statuses', s, lang()); }

export function alertStatusLabel(s) { return vocab().label('alert_statuses', s, lang()); }

export function channelLabel(c) { return vocab().label('channels', c, lang()); }

/** "B — Usually reliable" and "2 — Probably true". */
export function reliabilityLabel(r) { return vocab().coded('reliability', r, lang()); }
export function credibilityLabel(c) { return vocab().coded('credibility', c, lang()); }

/** <option>s of a vocabulary list in the reader's language. */
export function vocabOptions(list, h, withCode) {
  return vocab().options(list, lang(), withCode).map((o) => h('option', { value: o.value }, o.label));
}
