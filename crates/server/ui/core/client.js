// The page's API client: the CSRF token from the session, and a 401 on a page that
// thought it was logged in sends the user to the login page and back here afterwards.

import { makeClient } from './api.js';
import { S, signedOut } from './state.js';
import { go } from './router.js';

export const api = makeClient({
  fetch: (url, init) => fetch(url, init),
  csrf: () => S.csrf,
  onUnauthorized() {
    if (!S.user) return;
    signedOut();
    S.returnTo = location.hash;
    go('login');
  }
});
