// What the UI knows about this session, shared by every module: who is logged in,
// the CSRF token (kept in memory only), what the server said about demo data, and the
// current page (so that the router can tear it down).

export const S = {
  user: null,
  role: null,
  csrf: null,
  demo: null,        // what /api/demo-info (or /api/me) said
  synthetic: false,  // the data on this server is synthetic
  view: null,        // {destroy()} of the current page
  flash: null,       // a message for the next page (an alert just raised)
  returnTo: null,
  vocabError: null   // why GET /api/vocabulary failed, if it did
};

/** Forget the logged-in user (logout, or a session that expired). */
export function signedOut() {
  S.user = null;
  S.role = null;
  S.csrf = null;
}
