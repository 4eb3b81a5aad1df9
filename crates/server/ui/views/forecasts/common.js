// Shared by the forecast layer and the area page: the latest stored cell-level run,
// number formats, and the guard's words for a horizon.

import { t, fmt } from '../../i18n/index.js';
import { api } from '../../core/client.js';

var latest = null;

/** The latest stored run at PRIO-GRID cell level, or null (cached per page load). */
export function latestCellRun() {
  if (latest) return latest;
  latest = api('GET', '/api/forecasts').then(function (res) {
    var runs = (res && res.runs) || [];
    for (var i = 0; i < runs.length; i++) if (runs[i].level === 'pgm') return runs[i];
    return null;
  }).catch(function (e) { latest = null; throw e; });
  return latest;
}

/** Forget the cached run (after logging out). */
export function forgetRun() { latest = null; }

export function pct(x) {
  if (x === null || x === undefined || !isFinite(Number(x))) return '–';
  return fmt(Math.round(Number(x) * 1000) / 10) + ' %';
}

export function signedPct(x) {
  if (x === null || x === undefined || !isFinite(Number(x))) return '–';
  var v = Math.round(Number(x) * 1000) / 10;
  return (v > 0 ? '+' : '') + fmt(v) + ' %';
}

export function num(x) {
  if (x === null || x === undefined || !isFinite(Number(x))) return '–';
  var v = Number(x);
  return fmt(v >= 10 ? Math.round(v) : Math.round(v * 10) / 10);
}

/** The run's skill row at horizon h, or null. */
export function skillAt(run, h) {
  var s = (run && run.skill) || [];
  for (var i = 0; i < s.length; i++) if (Number(s[i].horizon) === Number(h)) return s[i];
  return null;
}

/** "Backtest CRPS skill at horizon h: +3.1 % against bootstrap". */
export function skillText(run, h) {
  var s = skillAt(run, h);
  if (!s) return '';
  return t('fc.skillAt', { h: h, s: signedPct(s.skill), b: s.best_benchmark });
}
