// Admin areas (regions, cercles) and places, loaded once per login and shared by the
// pages: area codes become names, the report form lists towns.

import { api } from './client.js';
import { qs } from './api.js';
import { lang } from '../i18n/index.js';

let areas = { 1: null, 2: null };
let names = null;
let places = null;

/** Forget what belongs to the last login. */
export function forgetAreas() {
  areas = { 1: null, 2: null };
  names = null;
  places = null;
}

export function loadAreas(level) {
  if (areas[level]) return Promise.resolve(areas[level]);
  return api('GET', '/api/areas' + qs({ level })).then((fc) => {
    areas[level] = fc;
    names = null;
    return fc;
  });
}

/** Both levels; resolves to null (names then show as codes) when they fail. */
export function loadAllAreas() {
  return Promise.all([loadAreas(1), loadAreas(2)]).catch(() => null);
}

export function cachedAreas(level) { return areas[level]; }

/** Area code → name, once both levels are loaded (the code as-is until then). */
export function areaName(code) {
  if (!code) return '';
  if (!names && areas[1] && areas[2]) {
    names = {};
    [1, 2].forEach((l) => {
      ((areas[l] && areas[l].features) || []).forEach((f) => {
        const p = f.properties;
        if (p && p.code) names[p.code] = p;
      });
    });
  }
  const p = names && names[code];
  return p ? (lang() === 'en' && p.name_en) || p.name || String(code) : String(code);
}

/** A town's name in the UI's language (Tombouctou in French, Timbuktu in English). */
export function placeName(p) {
  return (lang() === 'fr' && p && p.name_fr) || (p && p.name) || '';
}

/** A feature collection's area properties, by name. */
export function areaOptions(fc) {
  return ((fc && fc.features) || []).map((f) => f.properties || {})
    .filter((p) => p.code)
    .map((p) => Object.assign({}, p, { name: (lang() === 'en' && p.name_en) || p.name }))
    .sort((a, b) => String(a.name).localeCompare(String(b.name)));
}

export function loadPlaces() {
  if (places) return Promise.resolve(places);
  return api('GET', '/api/places').then((p) => {
    places = Array.isArray(p) ? p : (p && p.places) || [];
    return places;
  }).catch(() => { places = []; return places; });
}
