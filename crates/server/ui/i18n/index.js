// The UI's words in English and French: t('key', {var: value}) looks a key up in the
// tables of every domain (one file per domain beside this one). A missing French string
// falls back to English, a missing key shows the key itself (gaps are visible, never
// blank). The language is chosen once (stored choice, else the browser's: French unless
// it asks for English) and can be switched.

import * as common from './common.js';
import * as map from './map.js';
import * as reports from './reports.js';
import * as alerts from './alerts.js';
import * as admin from './admin.js';
import * as forecasts from './forecasts.js';
import * as footprint from './footprint.js';
import * as rights from './rights.js';
import * as movement from './movement.js';
import * as fieldnet from './fieldnet.js';
import * as parameters from './parameters.js';
import * as errors from './errors.js';

const en = Object.assign({}, common.en, map.en, reports.en, alerts.en, admin.en, forecasts.en, footprint.en, rights.en, movement.en, fieldnet.en, parameters.en, errors.en);
const fr = Object.assign({}, common.fr, map.fr, reports.fr, alerts.fr, admin.fr, forecasts.fr, footprint.fr, rights.fr, movement.fr, fieldnet.fr, parameters.fr, errors.fr);

const STORAGE_KEY = 'vigil.lang';

function storage() {
  try { return typeof localStorage === 'undefined' ? null : localStorage; } catch (e) { return null; }
}

function initialLang() {
  let l = null;
  try { l = storage() ? storage().getItem(STORAGE_KEY) : null; } catch (e) { l = null; }
  if (l === 'fr' || l === 'en') return l;
  const nav = (typeof navigator !== 'undefined' && navigator.language ? navigator.language : 'fr').toLowerCase();
  // The first users work in French; English only when the browser asks for it.
  return nav.indexOf('en') === 0 ? 'en' : 'fr';
}

let current = initialLang();
if (typeof document !== 'undefined') document.documentElement.lang = current;

/** Fill `{name}` placeholders from `vars`; unknown placeholders stay as they are. */
export function fill(s, vars) {
  if (!vars) return s;
  return s.replace(/\{(\w+)\}/g, (m, name) => (Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : m));
}

export function t(key, vars) {
  const table = current === 'fr' ? fr : en;
  const s = Object.prototype.hasOwnProperty.call(table, key) ? table[key]
    : (Object.prototype.hasOwnProperty.call(en, key) ? en[key] : key);
  return fill(s, vars);
}

/** Whether a key has a string (so that callers can fall back to a raw code). */
export function has(key) {
  return Object.prototype.hasOwnProperty.call(en, key);
}

export function lang() { return current; }

export function setLang(l) {
  current = l === 'en' ? 'en' : 'fr';
  try { if (storage()) storage().setItem(STORAGE_KEY, current); } catch (e) { /* private mode */ }
  if (typeof document !== 'undefined') document.documentElement.lang = current;
}

/** A number in the UI's language ("1 234" / "1,234"); '' for nothing. */
export function fmt(n) {
  if (n === null || n === undefined || n === '') return '';
  return Number(n).toLocaleString(current === 'fr' ? 'fr-FR' : 'en-GB');
}

export const tables = { en, fr };
