// What the logged-in role may use, from the vocabulary's `access` lists (the server
// enforces the same lists; the UI only hides what a role cannot use).

import { S } from './state.js';
import { vocab } from './vocabulary.js';

/** May the current user use this part (a key of the vocabulary's `access`)? */
export function can(part) {
  return !!S.role && vocab().allows(part, S.role);
}

/** "My reports": for roles that submit reports but do not triage (they see their own). */
export function ownReportsOnly() {
  return can('submit_report') && !can('triage');
}

/** Where a user lands after logging in. */
export function defaultRoute() {
  if (!S.user) return 'login';
  if (can('map')) return 'map';
  if (can('submit_report')) return 'report';
  if (can('alerts')) return 'alerts';
  return 'map';
}
