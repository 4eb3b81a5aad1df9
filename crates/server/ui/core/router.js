// Hash routes: `#/name/param…?key=value`. parseRoute is pure; go() changes the hash
// (or redraws when it is already there) through the renderer main.js registers.

import { qs } from './api.js';

/** "#/alert/12?x=1" → {name: 'alert', params: ['12'], query: {x: '1'}}. */
export function parseRoute(hash) {
  const raw = String(hash === undefined ? location.hash : hash).replace(/^#\/?/, '');
  const qi = raw.indexOf('?');
  const path = qi >= 0 ? raw.slice(0, qi) : raw;
  const query = {};
  if (qi >= 0) {
    raw.slice(qi + 1).split('&').forEach((kv) => {
      if (!kv) return;
      const i = kv.indexOf('=');
      try {
        const k = decodeURIComponent(i >= 0 ? kv.slice(0, i) : kv);
        query[k] = i >= 0 ? decodeURIComponent(kv.slice(i + 1).replace(/\+/g, ' ')) : '';
      } catch (e) {
        // a malformed escape: the pair is ignored rather than breaking the page
      }
    });
  }
  const parts = path.split('/').filter(Boolean);
  return { name: parts[0] || '', params: parts.slice(1), query };
}

/** "#/map?from=…" for a route name and a query object. */
export function href(name, query) {
  return '#/' + name + (query ? qs(query) : '');
}

let renderer = null;

/** main.js registers the function that draws the current route. */
export function setRenderer(fn) { renderer = fn; }

export function render() { if (renderer) renderer(); }

export function go(name, query) {
  const target = href(name, query);
  if (location.hash === target) render();
  else location.hash = target;
}
