// Dates, times, numbers and durations as the UI shows them. Pure: the language comes
// from i18n unless given.

import { t as translate, lang as currentLang } from '../i18n/index.js';

function locale(l) { return (l || currentLang()) === 'fr' ? 'fr-FR' : 'en-GB'; }

export function pad2(n) { return (n < 10 ? '0' : '') + n; }

/** "2022-06-15T10:00:00Z" → "2022-06-15". */
export function dateOnly(s) {
  if (!s) return '';
  return String(s).slice(0, 10);
}

/** A time stamp in the reader's language and time zone; a bare date stays as it is. */
export function dateTime(s, l) {
  if (!s) return '';
  const str = String(s);
  if (str.length <= 10) return str;
  const d = new Date(str);
  if (isNaN(d.getTime())) return str;
  return d.toLocaleString(locale(l), { dateStyle: 'medium', timeStyle: 'short' });
}

/** The device's date as YYYY-MM-DD. */
export function todayISO(now) {
  const d = now || new Date();
  return d.getFullYear() + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate());
}

/** A number with at most one decimal, in the reader's language. */
export function decimal(x, l) {
  return Number(x).toLocaleString(locale(l), { maximumFractionDigits: 1 });
}

/** Minutes as "0.4 min", "45 min", "3 h 20 min" or "2 d 4 h"; "—" when there is none. */
export function minutesText(m, t, l) {
  t = t || translate;
  if (m === null || m === undefined || m === '' || !isFinite(Number(m))) return '—';
  m = Number(m);
  const sign = m < 0 ? '−' : '';
  m = Math.abs(m);
  // the API rounds to 0.1 min
  if (m < 0.1) return t('dash.lessThan', { n: decimal(0.1, l) });
  if (m < 60) return sign + t('dash.minutes', { n: decimal(m, l) });
  const total = Math.round(m);
  if (total < 24 * 60) return sign + t('dash.hoursMin', { h: Math.floor(total / 60), m: total % 60 });
  const hrs = Math.round(m / 60);
  return sign + t('dash.days', { d: Math.floor(hrs / 24), h: hrs % 24 });
}

/** "2026-11-29T19:45:12.000Z" → "2026-11-29T19:45" in the device's time zone (datetime-local inputs). */
export function toLocalInput(iso) {
  const d = new Date(iso);
  if (isNaN(d.getTime())) return '';
  return d.getFullYear() + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate()) + 'T' + pad2(d.getHours()) + ':' + pad2(d.getMinutes());
}

/** A datetime-local value back to an ISO time; null when it is not one. */
export function fromLocalInput(v) {
  const d = new Date(v);
  return isNaN(d.getTime()) ? null : d.toISOString();
}

/**
 * A report's date and optional time as the API takes it: "YYYY-MM-DD", or RFC 3339
 * with the device's offset at that moment ("2022-06-15T08:30:00+01:00").
 */
export function occurredAt(date, time) {
  if (!time || !date) return date;
  const d = new Date(date + 'T' + time);
  const off = -d.getTimezoneOffset();
  const a = Math.abs(off);
  return date + 'T' + time + ':00' + (off >= 0 ? '+' : '-') + pad2(Math.floor(a / 60)) + ':' + pad2(a % 60);
}

/** "Urgency: Immediate" / "Urgence : Immédiate". */
export function colon(l) { return (l || currentLang()) === 'fr' ? '\u00a0: ' : ': '; }
