// The shared vocabulary — categories, roles, statuses, source grading, precisions and
// which roles may use which part — as the server defines it once (crates/model) and
// serves it at GET /api/vocabulary. The UI keeps no copy: it turns the server's lists
// into labels and menus here. Pure apart from `loadVocabulary`.

/** The lists of {code, label: {en, fr}} the server sends, in display order. */
export const LISTS = ['categories', 'roles', 'report_statuses', 'alert_statuses', 'verification_statuses',
  'sensitivities', 'channels', 'reliability', 'credibility', 'date_precisions', 'geo_precisions', 'response_actions',
  'footprint_site_kinds', 'footprint_change_types', 'footprint_unit_kinds', 'footprint_tags'];

/** Record fields whose values are vocabulary codes, and the list that labels them. */
export const FIELD_LISTS = {
  category: 'categories',
  event_type: 'categories',
  role: 'roles',
  verification_status: 'verification_statuses',
  sensitivity: 'sensitivities',
  channel: 'channels',
  reliability: 'reliability',
  credibility: 'credibility',
  date_prec: 'date_precisions',
  where_prec: 'geo_precisions'
};

function entries(json, list) {
  const v = json && json[list];
  return Array.isArray(v) ? v.filter((x) => x && x.code !== undefined && x.code !== null) : [];
}

/**
 * Wrap the JSON of GET /api/vocabulary. Unknown codes label as themselves (a code the
 * server added since is still shown, never hidden); a missing French label falls back
 * to English.
 */
export function makeVocabulary(json) {
  const byList = {};
  LISTS.forEach((list) => {
    const m = new Map();
    entries(json, list).forEach((x) => m.set(String(x.code), x));
    byList[list] = m;
  });
  const access = (json && typeof json.access === 'object' && json.access) || {};
  const cap = (json && typeof json.cap === 'object' && json.cap) || {};
  const steps = (json && Array.isArray(json.alert_next_steps) && json.alert_next_steps) || [];

  function label(list, code, lang) {
    if (code === null || code === undefined || code === '') return '';
    const x = byList[list] && byList[list].get(String(code));
    if (!x || !x.label) return String(code);
    if (typeof x.label === 'string') return x.label;
    return x.label[lang] || x.label.en || String(code);
  }

  /** Grading and precision levels read "B — Usually reliable": the code first. */
  function coded(list, code, lang) {
    const l = label(list, code, lang);
    const c = String(code);
    return l === c || l.indexOf(c) === 0 ? l : c + ' — ' + l;
  }

  return {
    /** Whether the server sent anything at all. */
    loaded: LISTS.some((l) => byList[l].size > 0),
    codes: (list) => Array.from((byList[list] || new Map()).keys()),
    has: (list, code) => !!(byList[list] && byList[list].has(String(code))),
    label,
    coded,
    /** [{value, label}] for a <select>, in the server's order. */
    options(list, lang, withCode) {
      return Array.from((byList[list] || new Map()).keys()).map((c) => ({
        value: c,
        label: withCode ? coded(list, c, lang) : label(list, c, lang)
      }));
    },
    /** A record field's value as a label, or null when the field is not a coded one. */
    fieldLabel(fieldName, value, lang) {
      const list = FIELD_LISTS[fieldName];
      return list ? label(list, value, lang) : null;
    },
    /** A CAP value list (urgency, severity, certainty, categories), in CAP's spelling. */
    capValues: (name) => (Array.isArray(cap[name]) ? cap[name].slice() : []),
    /** The lifecycle's next status after `status` (cancelling aside), or undefined. */
    nextStep(status) {
      const s = steps.find((p) => Array.isArray(p) && p[0] === status);
      return s ? s[1] : undefined;
    },
    /** The roles that may use a part of the UI (access.map, access.triage, …). */
    /** The human-rights lists (act types, perpetrators, victim groups…, access_*), as served. */
    rights: (json && typeof json.rights === 'object' && json.rights) || {},
    /** Networks, SMS and the call centre (call_outcomes, call_languages, access lists), as served. */
    fieldnet: (json && typeof json.fieldnet === 'object' && json.fieldnet) || {},
    /** The parameters' lists (statuses, milestone statuses, read / edit roles), as served. */
    parameters: (json && typeof json.parameters === 'object' && json.parameters) || {},
    rolesFor: (part) => (Array.isArray(access[part]) ? access[part].slice() : []),
    allows: (part, role) => Array.isArray(access[part]) && access[part].indexOf(role) >= 0
  };
}

let current = makeVocabulary(null);

/** The vocabulary the page loaded (an empty one until then, or if loading failed). */
export function vocab() { return current; }

/** Load GET /api/vocabulary once with the given API client. */
export function loadVocabulary(api) {
  return api('GET', '/api/vocabulary', undefined, { allow401: true }).then((json) => {
    current = makeVocabulary(json);
    return current;
  });
}
