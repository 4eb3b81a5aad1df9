// Vigil web UI: plain JavaScript, no framework, no bundler, nothing fetched from the
// internet. Hash routes: #/login, #/map, #/triage, #/report, #/my-reports,
// #/incident/{id}, #/reports/{id}, #/alerts, #/alert/{id}, #/new-alert[?report={id}],
// #/responses, #/rules, #/webhooks. The server enforces roles; the navigation only hides what a role
// cannot use. All user-supplied text is inserted with textContent, never as HTML.
(function () {
  'use strict';

  var I = window.VigilI18n;
  var t = I.t;
  var fmt = I.fmt;

  // Which roles see which page. The server enforces the same split (reports_api.rs:
  // SUBMIT, TRIAGE; incidents_api.rs: READ); this only keeps the menus honest.
  var ROLES_SUBMIT = ['reporter', 'analyst', 'hr_officer', 'admin'];
  var ROLES_MAP = ['analyst', 'responder', 'hr_officer', 'planner', 'admin'];
  var ROLES_TRIAGE = ['analyst', 'hr_officer', 'admin'];
  // reports_api.rs READ (reporters: their own only)
  var ROLES_REPORT_PAGE = ['reporter', 'analyst', 'hr_officer', 'admin'];
  // alerts_api.rs: READ, MANAGE (issue, cancel, close), RESPOND (acknowledge,
  // responding), RECORD_RESPONSE; webhooks.rs: admin.
  var ROLES_ALERTS = ['analyst', 'responder', 'hr_officer', 'planner', 'admin'];
  var ROLES_MANAGE = ['analyst', 'admin'];
  var ROLES_RESPOND = ['responder', 'admin'];
  var ROLES_RECORD = ['responder', 'analyst', 'admin'];
  var ROLES_ADMIN = ['admin'];

  var NAV = [
    { route: 'map', key: 'nav.map', roles: ROLES_MAP },
    { route: 'triage', key: 'nav.triage', roles: ROLES_TRIAGE },
    { route: 'report', key: 'nav.report', roles: ROLES_SUBMIT },
    { route: 'my-reports', key: 'nav.myReports', roles: ['reporter'] },
    { route: 'alerts', key: 'nav.alerts', roles: ROLES_ALERTS, also: ['alert', 'new-alert', 'responses', 'rules', 'webhooks'] }
  ];

  var CATEGORIES = ['armed_clash', 'attack_on_civilians', 'ied', 'attack_on_peacekeepers', 'abduction',
    'crsv', 'grave_violation_children', 'threat', 'displacement', 'looting_destruction', 'other'];
  var RELIABILITY = ['A', 'B', 'C', 'D', 'E', 'F'];
  var CREDIBILITY = [1, 2, 3, 4, 5, 6];

  var S = {
    user: null,
    role: null,
    csrf: null,
    demo: null,        // what /api/demo-info (or /api/me) said
    synthetic: false,  // the data on this server is synthetic
    places: null,
    areas: { 1: null, 2: null },
    view: null,        // {destroy()} of the current page
    flash: null,       // a message for the next page (an alert just raised)
    returnTo: null
  };

  // ---------------------------------------------------------------------------------
  // DOM helpers

  function h(tag, attrs, children) {
    var e = document.createElement(tag);
    var value;
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === 'class') e.className = v;
        else if (k === 'text') e.textContent = v;
        else if (k === 'value') value = v;
        else if (k.slice(0, 2) === 'on' && typeof v === 'function') e.addEventListener(k.slice(2), v);
        else if (v === true) e.setAttribute(k, '');
        else e.setAttribute(k, String(v));
      });
    }
    append(e, children);
    if (value !== undefined) e.value = value;
    return e;
  }

  function append(e, children) {
    if (children === null || children === undefined || children === false) return;
    if (!Array.isArray(children)) children = [children];
    children.forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      if (Array.isArray(c)) append(e, c);
      else if (typeof c === 'string' || typeof c === 'number') e.appendChild(document.createTextNode(String(c)));
      else e.appendChild(c);
    });
  }

  function $(sel, root) { return (root || document).querySelector(sel); }

  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }

  function syntheticBadge() {
    return h('span', { 'class': 'badge badge-synthetic', 'data-testid': 'synthetic-label', title: t('common.syntheticLong') }, t('common.synthetic'));
  }

  function restrictedBadge() {
    return h('span', { 'class': 'badge badge-restricted' }, t('incident.restricted'));
  }

  function typeLabel(v) {
    if (v === null || v === undefined || v === '') return t('common.unknown');
    var code = typeof v === 'object' ? v.code : v;
    var map = { StateBased: 1, NonState: 2, OneSided: 3, sb: 1, ns: 2, os: 3 };
    if (map[code]) code = map[code];
    return t('type.' + code) === 'type.' + code ? String(v) : t('type.' + code);
  }

  function catLabel(c) {
    if (!c) return t('common.unknown');
    var k = 'cat.' + c;
    return t(k) === k ? String(c) : t(k);
  }

  function dateOnly(s) {
    if (!s) return '';
    return String(s).slice(0, 10);
  }

  function dateTime(s) {
    if (!s) return '';
    var str = String(s);
    if (str.length <= 10) return str;
    var d = new Date(str);
    if (isNaN(d.getTime())) return str;
    return d.toLocaleString(I.lang() === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
  }

  function todayISO() {
    var d = new Date();
    var m = d.getMonth() + 1, day = d.getDate();
    return d.getFullYear() + '-' + (m < 10 ? '0' : '') + m + '-' + (day < 10 ? '0' : '') + day;
  }

  // ---------------------------------------------------------------------------------
  // API

  function ApiError(status, body) {
    this.status = status;
    this.body = body;
    this.field = body && typeof body === 'object' ? body.field : null;
    this.message = (body && typeof body === 'object' && (body.error || body.message)) ||
      (typeof body === 'string' && body.length < 200 && body) || ('HTTP ' + status);
  }

  function api(method, path, body, opts) {
    opts = opts || {};
    var headers = { 'Accept': 'application/json' };
    if (method !== 'GET' && method !== 'HEAD' && S.csrf) headers['X-CSRF-Token'] = S.csrf;
    var payload;
    if (body instanceof FormData) {
      payload = body;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    return fetch(path, { method: method, headers: headers, body: payload, credentials: 'same-origin' })
      .then(function (r) {
        var ct = r.headers.get('content-type') || '';
        var p = ct.indexOf('json') >= 0 ? r.json().catch(function () { return null; }) : r.text();
        return p.then(function (data) {
          if (r.status === 401 && !opts.allow401 && S.user) {
            // Session expired: back to the login page, then here again.
            S.user = null; S.role = null; S.csrf = null;
            S.returnTo = location.hash;
            renderChrome();
            go('login');
          }
          if (!r.ok) throw new ApiError(r.status, data);
          return data;
        });
      });
  }

  function qs(obj) {
    var parts = [];
    Object.keys(obj).forEach(function (k) {
      var v = obj[k];
      if (v === null || v === undefined || v === '') return;
      parts.push(encodeURIComponent(k) + '=' + encodeURIComponent(v));
    });
    return parts.length ? '?' + parts.join('&') : '';
  }

  function loadPlaces() {
    if (S.places) return Promise.resolve(S.places);
    return api('GET', '/api/places').then(function (p) {
      S.places = Array.isArray(p) ? p : (p && p.places) || [];
      return S.places;
    }).catch(function () { S.places = []; return S.places; });
  }

  // ---------------------------------------------------------------------------------
  // Chrome: demo banner, navigation, language switch

  function setDemo(info) {
    if (!info || typeof info !== 'object') return;
    S.demo = Object.assign({}, S.demo || {}, info);
    if (info.synthetic_data === true || info.synthetic === true) S.synthetic = true;
    var banner = $('#demo-banner');
    if (S.synthetic) {
      clear(banner);
      append(banner, [
        h('strong', null, 'Demo data: SYNTHETIC — not real events'),
        h('span', { 'class': 'sep', 'aria-hidden': 'true' }, ' · '),
        h('strong', { lang: 'fr' }, 'Données de démonstration : SYNTHÉTIQUES')
      ]);
      banner.hidden = false;
      document.body.classList.add('is-demo');
    }
  }

  function renderChrome() {
    var nav = $('#nav');
    clear(nav);
    var route = parseRoute().name;
    if (S.user) {
      NAV.forEach(function (n) {
        if (n.roles.indexOf(S.role) < 0) return;
        var here = route === n.route || (n.also || []).indexOf(route) >= 0;
        nav.appendChild(h('a', {
          href: '#/' + n.route,
          'class': here ? 'active' : null,
          'aria-current': here ? 'page' : null,
          'data-testid': 'nav-' + n.route
        }, t(n.key)));
      });
    }
    var who = $('#whoami');
    clear(who);
    if (S.user) {
      append(who, [h('span', { 'class': 'user', 'data-testid': 'whoami' }, S.user),
        h('span', { 'class': 'role' }, ' (' + t('role.' + S.role) + ')')]);
    }
    $('#logout').hidden = !S.user;
    $('#logout').textContent = t('nav.logout');
    var lt = $('#lang-toggle');
    lt.textContent = t('lang.switch');
    lt.setAttribute('lang', I.lang() === 'fr' ? 'en' : 'fr');
  }

  // ---------------------------------------------------------------------------------
  // Router

  function parseRoute() {
    var hash = location.hash.replace(/^#\/?/, '');
    var qi = hash.indexOf('?');
    var path = qi >= 0 ? hash.slice(0, qi) : hash;
    var query = {};
    if (qi >= 0) {
      hash.slice(qi + 1).split('&').forEach(function (kv) {
        if (!kv) return;
        var i = kv.indexOf('=');
        var k = decodeURIComponent(i >= 0 ? kv.slice(0, i) : kv);
        query[k] = i >= 0 ? decodeURIComponent(kv.slice(i + 1).replace(/\+/g, ' ')) : '';
      });
    }
    var parts = path.split('/').filter(Boolean);
    return { name: parts[0] || '', params: parts.slice(1), query: query };
  }

  function go(name, query) {
    var target = '#/' + name + (query ? qs(query) : '');
    if (location.hash === target) render();
    else location.hash = target;
  }

  function defaultRoute() {
    if (!S.user) return 'login';
    if (S.role === 'reporter') return 'report';
    return 'map';
  }

  var ROUTES = {
    login: { view: viewLogin, roles: null },
    map: { view: viewMap, roles: ROLES_MAP },
    triage: { view: viewTriage, roles: ROLES_TRIAGE },
    report: { view: viewReport, roles: ROLES_SUBMIT },
    'my-reports': { view: viewMyReports, roles: ['reporter'] },
    incident: { view: viewIncident, roles: ROLES_MAP },
    reports: { view: viewReportPage, roles: ROLES_REPORT_PAGE },
    alerts: { view: viewAlerts, roles: ROLES_ALERTS },
    alert: { view: viewAlert, roles: ROLES_ALERTS },
    'new-alert': { view: viewNewAlert, roles: ROLES_MANAGE },
    responses: { view: viewDashboard, roles: ROLES_ALERTS },
    rules: { view: viewRules, roles: ROLES_ALERTS },
    webhooks: { view: viewWebhooks, roles: ROLES_ADMIN }
  };

  function render() {
    var r = parseRoute();
    if (S.view && S.view.destroy) {
      try { S.view.destroy(); } catch (e) { /* ignore */ }
    }
    S.view = null;
    var main = $('#view');
    clear(main);
    main.className = '';
    if (!r.name) { go(defaultRoute()); return; }
    var route = ROUTES[r.name];
    if (!route) {
      main.appendChild(h('p', { 'class': 'notice' }, t('common.notFound')));
      renderChrome();
      return;
    }
    if (r.name !== 'login' && !S.user) {
      S.returnTo = location.hash;
      go('login');
      return;
    }
    if (r.name === 'login' && S.user) { go(defaultRoute()); return; }
    renderChrome();
    if (route.roles && route.roles.indexOf(S.role) < 0) {
      main.appendChild(h('p', { 'class': 'notice', 'data-testid': 'forbidden' }, t('common.forbidden')));
      return;
    }
    main.className = 'page-' + r.name;
    S.view = route.view(main, r) || null;
    document.title = 'Vigil' + (S.synthetic ? ' — SYNTHETIC demo' : '');
  }

  // ---------------------------------------------------------------------------------
  // Login

  function viewLogin(main) {
    var err = h('p', { 'class': 'form-error', role: 'alert', 'data-testid': 'login-error', hidden: true });
    var user = h('input', { id: 'login-username', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
    var pass = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    var btn = h('button', { type: 'submit', id: 'login-submit', 'class': 'primary' }, t('login.submit'));
    var form = h('form', { 'class': 'card login-card', id: 'login-form', novalidate: true }, [
      h('h1', null, t('login.title')),
      h('div', { 'class': 'field' }, [h('label', { 'for': 'login-username' }, t('login.username')), user]),
      h('div', { 'class': 'field' }, [h('label', { 'for': 'login-password' }, t('login.password')), pass]),
      err,
      btn
    ]);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      err.hidden = true;
      btn.disabled = true;
      api('POST', '/api/login', { username: user.value.trim(), password: pass.value }, { allow401: true })
        .then(function (res) {
          S.user = res.user || user.value.trim();
          S.role = res.role;
          S.csrf = res.csrf_token;
          if (res.demo !== undefined || res.synthetic_data !== undefined) setDemo(res);
          var back = S.returnTo;
          S.returnTo = null;
          if (back && back !== '#/login' && back.indexOf('#/login') !== 0) location.hash = back;
          else go(defaultRoute());
          flushOutbox();
        })
        .catch(function (e) {
          btn.disabled = false;
          err.hidden = false;
          err.textContent = e.status === 401 || e.status === 403 ? t('login.failed')
            : e.status === 429 ? t('login.rateLimited')
              : e instanceof ApiError ? t('common.error', { msg: e.message }) : t('login.offline');
          pass.value = '';
          pass.focus();
        });
    });
    main.appendChild(form);
    setTimeout(function () { user.focus(); }, 0);
  }

  // ---------------------------------------------------------------------------------
  // Map + filters + timeline

  var mapPrefs = { measure: 'incidents', level: '1', points: true };
  try {
    var saved = JSON.parse(localStorage.getItem('vigil.mapPrefs') || 'null');
    if (saved) mapPrefs = Object.assign(mapPrefs, saved);
  } catch (e) { /* ignore */ }

  function filtersFromQuery(q) {
    return { from: q.from || '', to: q.to || '', type: q.type || '', admin1: q.admin1 || '', admin2: q.admin2 || '' };
  }

  function loadAreas(level) {
    if (S.areas[level]) return Promise.resolve(S.areas[level]);
    return api('GET', '/api/areas' + qs({ level: level })).then(function (fc) {
      S.areas[level] = fc;
      return fc;
    });
  }

  // Area code → name, from the area lists the map page loads (codes shown as-is until then).
  var areaNames = null;
  function areaName(code) {
    if (!code) return '';
    if (!areaNames && S.areas[1] && S.areas[2]) {
      areaNames = {};
      [1, 2].forEach(function (l) {
        ((S.areas[l] && S.areas[l].features) || []).forEach(function (f) {
          if (f.properties && f.properties.code) areaNames[f.properties.code] = f.properties.name || f.properties.code;
        });
      });
    }
    return (areaNames && areaNames[code]) || String(code);
  }

  function areaOptions(fc) {
    return ((fc && fc.features) || []).map(function (f) { return f.properties || {}; })
      .filter(function (p) { return p.code; })
      .sort(function (a, b) { return String(a.name).localeCompare(String(b.name)); });
  }

  function viewMap(main, route) {
    var filters = filtersFromQuery(route.query);
    var focusId = route.query.incident || null;
    var seq = 0;
    // Incidents the map holds at once (the newest first); `#/map?limit=N` changes it,
    // e.g. on a slow link.
    var mapLimit = /^[1-9]\d{0,4}$/.test(route.query.limit || '') ? Number(route.query.limit) : 10000;

    // Filters panel.
    var fFrom = h('input', { type: 'date', id: 'f-from', name: 'from', value: filters.from, 'data-testid': 'filter-from' });
    var fTo = h('input', { type: 'date', id: 'f-to', name: 'to', value: filters.to, 'data-testid': 'filter-to' });
    var fType = h('select', { id: 'f-type', name: 'type', 'data-testid': 'filter-type' }, [
      h('option', { value: '' }, t('filters.typeAll')),
      [1, 2, 3].map(function (n) { return h('option', { value: String(n) }, n + ' — ' + t('type.' + n)); })
    ]);
    fType.value = filters.type;
    var fAdmin1 = h('select', { id: 'f-admin1', name: 'admin1', 'data-testid': 'filter-admin1' }, h('option', { value: '' }, t('filters.areaAll')));
    var fAdmin2 = h('select', { id: 'f-admin2', name: 'admin2', 'data-testid': 'filter-admin2' }, h('option', { value: '' }, t('filters.areaAll')));
    var resetBtn = h('button', { type: 'button', id: 'f-reset', 'class': 'secondary' }, t('common.reset'));

    var measureRadios = ['incidents', 'fatalities'].map(function (m) {
      return h('label', { 'class': 'inline' }, [
        h('input', { type: 'radio', name: 'measure', value: m, checked: mapPrefs.measure === m, 'data-testid': 'measure-' + m }),
        ' ', t(m === 'incidents' ? 'map.shadeIncidents' : 'map.shadeFatalities')
      ]);
    });
    var levelRadios = ['1', '2'].map(function (l) {
      return h('label', { 'class': 'inline' }, [
        h('input', { type: 'radio', name: 'level', value: l, checked: String(mapPrefs.level) === l, 'data-testid': 'level-' + l }),
        ' ', t('map.level' + l)
      ]);
    });
    var pointsBox = h('input', { type: 'checkbox', id: 'f-points', checked: !!mapPrefs.points, 'data-testid': 'toggle-points' });

    var form = h('form', { 'class': 'filters card', id: 'filters', 'data-testid': 'filters' }, [
      h('h2', null, t('filters.title')),
      h('fieldset', null, [
        h('legend', null, t('filters.period')),
        h('div', { 'class': 'row2' }, [
          h('div', { 'class': 'field' }, [h('label', { 'for': 'f-from' }, t('filters.from')), fFrom]),
          h('div', { 'class': 'field' }, [h('label', { 'for': 'f-to' }, t('filters.to')), fTo])
        ])
      ]),
      h('div', { 'class': 'field' }, [h('label', { 'for': 'f-type' }, t('filters.type')), fType]),
      h('div', { 'class': 'field' }, [h('label', { 'for': 'f-admin1' }, t('filters.admin1')), fAdmin1]),
      h('div', { 'class': 'field' }, [h('label', { 'for': 'f-admin2' }, t('filters.admin2')), fAdmin2]),
      resetBtn,
      h('fieldset', { 'class': 'layers' }, [
        h('legend', null, t('map.shadeBy')),
        measureRadios
      ]),
      h('fieldset', { 'class': 'layers' }, [
        h('legend', null, t('map.areaLevel')),
        levelRadios
      ]),
      h('label', { 'class': 'inline' }, [pointsBox, ' ', t('map.points')])
    ]);

    var mapDiv = h('div', { id: 'map', 'class': 'map', 'data-testid': 'map', role: 'region', 'aria-label': t('nav.map') });
    var summary = h('p', { 'class': 'map-summary', 'data-testid': 'map-summary', 'aria-live': 'polite' }, t('common.loading'));
    var basemapNote = VigilMap.hasBasemap() ? null : h('p', { 'class': 'muted small' }, t('map.noBasemap'));
    var tl = h('div', { id: 'timeline', 'class': 'timeline', 'data-testid': 'timeline' });
    var tlTitle = h('h2', null, [t('timeline.title'), S.synthetic ? [' ', syntheticBadge()] : null]);

    main.appendChild(h('div', { 'class': 'map-page' }, [
      form,
      h('div', { 'class': 'map-main' }, [
        h('div', { 'class': 'map-wrap' }, mapDiv),
        summary,
        basemapNote,
        h('section', { 'class': 'card timeline-card' }, [tlTitle, tl])
      ])
    ]));

    var map = VigilMap.createMap(mapDiv);
    var areaLayer = null;
    var legend = null;
    var lastAreas = null;
    var lastStats = null;
    var clusters = new VigilMap.ClusterLayer(map, {
      t: t,
      popup: incidentPopup,
      listPopup: incidentListPopup
    });
    clusters.setVisible(!!mapPrefs.points);
    var fitted = false;

    function savePrefs() {
      try { localStorage.setItem('vigil.mapPrefs', JSON.stringify(mapPrefs)); } catch (e) { /* ignore */ }
    }

    function fillAreaSelects() {
      return Promise.all([loadAreas(1), loadAreas(2)]).then(function (res) {
        var a1 = areaOptions(res[0]);
        clear(fAdmin1);
        fAdmin1.appendChild(h('option', { value: '' }, t('filters.areaAll')));
        a1.forEach(function (p) { fAdmin1.appendChild(h('option', { value: p.code }, p.name || p.code)); });
        fAdmin1.value = filters.admin1;
        fillAdmin2(res[1]);
      }).catch(function () { /* selects stay at "All" */ });
    }

    function fillAdmin2(fc) {
      var a2 = areaOptions(fc || S.areas[2]);
      var a1 = filters.admin1;
      var within = a2.filter(function (p) {
        var parent = p.admin1 || p.parent || p.parent_code;
        return !a1 || (parent ? parent === a1 : String(p.code).indexOf(a1) === 0);
      });
      clear(fAdmin2);
      fAdmin2.appendChild(h('option', { value: '' }, t('filters.areaAll')));
      (within.length ? within : a2).forEach(function (p) { fAdmin2.appendChild(h('option', { value: p.code }, p.name || p.code)); });
      fAdmin2.value = filters.admin2;
      if (fAdmin2.value !== filters.admin2) filters.admin2 = '';
    }

    function apiFilters() {
      return { from: filters.from, to: filters.to, type: filters.type, admin1: filters.admin1, admin2: filters.admin2 };
    }

    function syncUrl() {
      var q = apiFilters();
      if (mapLimit !== 10000) q.limit = mapLimit;
      var target = '#/map' + qs(q);
      if (location.hash !== target) history.replaceState(null, '', target);
    }

    function drawAreas() {
      if (areaLayer) { map.removeLayer(areaLayer); areaLayer = null; }
      if (legend) { map.removeControl(legend); legend = null; }
      if (!lastAreas) return;
      var measure = mapPrefs.measure;
      var level = String(mapPrefs.level);
      areaLayer = VigilMap.areasLayer(lastAreas, measure, {
        selected: level === '1' ? filters.admin1 : filters.admin2,
        tooltip: function (p) {
          return h('div', null, [
            h('strong', null, p.name || p.code),
            h('br'),
            t('timeline.incidents') + ': ' + fmt(p.incidents || 0),
            h('br'),
            t('timeline.fatalities') + ': ' + fmt(p.fatalities || 0)
          ]);
        }
      }).addTo(map);
      areaLayer.bringToBack();
      legend = VigilMap.legendControl(
        t(measure === 'incidents' ? 'map.shadeIncidents' : 'map.shadeFatalities') + (S.synthetic ? ' (' + t('common.synthetic') + ')' : ''),
        areaLayer.vigilBreaks, fmt).addTo(map);
      if (!fitted && areaLayer.getBounds().isValid() && !focusId) {
        map.fitBounds(areaLayer.getBounds(), { padding: [8, 8] });
        fitted = true;
      }
    }

    function drawTimeline() {
      VigilChart.render(tl, lastStats || [], {
        t: t, fmt: fmt,
        // The timeline shows every month for the type and area filters; the chosen period
        // is highlighted, so that it doubles as a period picker.
        range: filters.from || filters.to ? [filters.from.slice(0, 7), filters.to.slice(0, 7)] : null,
        onMonthClick: function (m) {
          var y = parseInt(m.slice(0, 4), 10), mo = parseInt(m.slice(5, 7), 10);
          var last = new Date(Date.UTC(y, mo, 0)).getUTCDate();
          filters.from = m + '-01';
          filters.to = m + '-' + (last < 10 ? '0' : '') + last;
          fFrom.value = filters.from;
          fTo.value = filters.to;
          refresh();
        }
      });
    }

    function refresh() {
      var my = ++seq;
      syncUrl();
      summary.textContent = t('common.loading');
      summary.classList.add('loading');
      var f = apiFilters();
      var pInc = api('GET', '/api/incidents' + qs(Object.assign({ limit: mapLimit }, f)));
      var pStats = api('GET', '/api/stats/monthly' + qs({ type: f.type, admin1: f.admin1, admin2: f.admin2 }));
      var pAreas = api('GET', '/api/areas' + qs(Object.assign({ level: mapPrefs.level }, f)));
      return Promise.all([pInc, pStats, pAreas]).then(function (res) {
        if (my !== seq) return;
        var fc = res[0] || { features: [] };
        var feats = fc.features || [];
        clusters.setData(feats);
        lastStats = Array.isArray(res[1]) ? res[1] : (res[1] && res[1].months) || [];
        lastAreas = res[2];
        drawAreas();
        drawTimeline();
        // totals over everything that matches; the map holds one page of it, newest first
        var matched = typeof fc.numberMatched === 'number' ? fc.numberMatched : feats.length;
        var fat = typeof fc.fatalities === 'number' ? fc.fatalities
          : feats.reduce(function (a, x) { return a + (Number(x.properties && x.properties.best) || 0); }, 0);
        summary.classList.remove('loading');
        clear(summary);
        append(summary, [t('map.count', { n: fmt(matched), f: fmt(fat) }),
          feats.length < matched ? [' ', h('span', { 'data-testid': 'map-partial' }, t('map.partial', { k: fmt(feats.length) }))] : null,
          S.synthetic ? [' ', syntheticBadge()] : null]);
        summary.setAttribute('data-count', String(matched));
        summary.setAttribute('data-shown', String(feats.length));
        if (focusId) {
          var id = focusId;
          focusId = null;
          if (!clusters.focus(id)) focusMissing(id);
        }
      }).catch(function (e) {
        if (my !== seq) return;
        summary.classList.remove('loading');
        summary.textContent = t('common.error', { msg: e.message || String(e) });
      });
    }

    // An incident outside the current filters: fetch it and show it on its own.
    function focusMissing(id) {
      api('GET', '/api/incidents/' + encodeURIComponent(id)).then(function (res) {
        var inc = (res && res.incident) || res;
        var lat = Number(inc.latitude), lon = Number(inc.longitude);
        if (!isFinite(lat) || !isFinite(lon)) return;
        var f = { type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: inc };
        map.setView([lat, lon], 10);
        L.popup({ maxWidth: 300 }).setLatLng([lat, lon]).setContent(incidentPopup(f)).openOn(map);
      }).catch(function () { /* not visible to this role */ });
    }

    form.addEventListener('submit', function (ev) { ev.preventDefault(); });
    form.addEventListener('change', function (ev) {
      var tgt = ev.target;
      if (tgt.name === 'measure') { mapPrefs.measure = tgt.value; savePrefs(); drawAreas(); return; }
      if (tgt.name === 'level') { mapPrefs.level = tgt.value; savePrefs(); refresh(); return; }
      if (tgt === pointsBox) { mapPrefs.points = pointsBox.checked; savePrefs(); clusters.setVisible(pointsBox.checked); return; }
      filters.from = fFrom.value;
      filters.to = fTo.value;
      filters.type = fType.value;
      if (tgt === fAdmin1) {
        filters.admin1 = fAdmin1.value;
        filters.admin2 = '';
        fillAdmin2();
      } else {
        filters.admin1 = fAdmin1.value;
        filters.admin2 = fAdmin2.value;
      }
      refresh();
    });
    resetBtn.addEventListener('click', function () {
      filters = { from: '', to: '', type: '', admin1: '', admin2: '' };
      fFrom.value = ''; fTo.value = ''; fType.value = ''; fAdmin1.value = '';
      fillAdmin2();
      refresh();
    });

    var onResize = function () { if (lastStats) drawTimeline(); };
    window.addEventListener('resize', onResize);

    fillAreaSelects();
    refresh();

    return {
      destroy: function () {
        window.removeEventListener('resize', onResize);
        clusters.destroy();
        VigilMap.removeMap(map);
      }
    };
  }

  function incidentPopup(f) {
    var p = f.properties || {};
    var fat = fmt(p.best != null ? p.best : '') +
      (p.low != null && p.high != null ? ' (' + fmt(p.low) + '–' + fmt(p.high) + ')' : '');
    var area = [p.admin1_name || areaName(p.admin1), p.admin2_name || areaName(p.admin2)].filter(Boolean).join(' / ');
    return h('div', { 'class': 'popup', 'data-testid': 'incident-popup', 'data-incident-id': String(p.id) }, [
      p.synthetic ? h('p', { 'class': 'popup-synthetic' }, [syntheticBadge(), ' ', t('common.syntheticLong')]) : null,
      h('h3', null, [p.place || p.where_description || t('common.unknown'), ' ', h('span', { 'class': 'muted' }, '#' + p.id)]),
      h('dl', null, [
        h('dt', null, t('popup.date')), h('dd', { 'data-testid': 'popup-date' }, dateOnly(p.date_start) + (p.date_end && dateOnly(p.date_end) !== dateOnly(p.date_start) ? ' – ' + dateOnly(p.date_end) : '')),
        h('dt', null, t('popup.type')), h('dd', null, typeLabel(p.type_of_violence) + (p.event_type ? ' · ' + catLabel(p.event_type) : '')),
        h('dt', null, t('popup.fatalities')), h('dd', { 'data-testid': 'popup-fatalities' }, fat),
        area ? [h('dt', null, t('popup.area')), h('dd', null, area)] : null,
        h('dt', null, t('popup.source')), h('dd', null, (p.source || '') + (p.source_id ? ' ' + p.source_id : ''))
      ]),
      ROLES_MAP.indexOf(S.role) >= 0 ? h('a', { href: '#/incident/' + encodeURIComponent(p.id), 'class': 'button-link', 'data-testid': 'popup-open' }, t('popup.open')) : null
    ]);
  }

  function incidentListPopup(items) {
    var shown = items.slice().sort(function (a, b) {
      return String(b.properties.date_start).localeCompare(String(a.properties.date_start));
    }).slice(0, 25);
    var anySynthetic = items.some(function (f) { return f.properties && f.properties.synthetic; });
    return h('div', { 'class': 'popup popup-list', 'data-testid': 'incident-list-popup' }, [
      anySynthetic ? h('p', { 'class': 'popup-synthetic' }, [syntheticBadge(), ' ', t('common.syntheticLong')]) : null,
      h('h3', null, t('map.clusterList', { n: fmt(items.length) })),
      h('ul', null, shown.map(function (f) {
        var p = f.properties;
        return h('li', null, h('a', { href: '#/incident/' + encodeURIComponent(p.id), 'data-incident-id': String(p.id) },
          dateOnly(p.date_start) + ' · ' + (p.place || '') + ' · ' + fmt(p.best || 0) + ' †'));
      })),
      items.length > shown.length ? h('p', { 'class': 'muted' }, '… +' + (items.length - shown.length)) : null
    ]);
  }

  // ---------------------------------------------------------------------------------
  // Report form (mobile first)

  var OUTBOX_KEY = 'vigil.outbox';

  function outbox() {
    try { return JSON.parse(localStorage.getItem(OUTBOX_KEY) || '[]') || []; } catch (e) { return []; }
  }

  function setOutbox(list) {
    try { localStorage.setItem(OUTBOX_KEY, JSON.stringify(list)); } catch (e) { /* full or private */ }
  }

  // Send reports saved while offline. Only reports without restricted detail or
  // attachments are ever saved on the device (see docs/ui.md).
  function flushOutbox() {
    var list = outbox();
    if (!list.length || !S.user) return Promise.resolve(0);
    var sent = 0;
    var chain = Promise.resolve();
    var remaining = [];
    list.forEach(function (item) {
      chain = chain.then(function () {
        return api('POST', '/api/reports', item).then(function () { sent++; })
          .catch(function (e) { if (!(e instanceof ApiError) || e.status >= 500) remaining.push(item); });
      });
    });
    return chain.then(function () { setOutbox(remaining); return sent; });
  }

  function field(name, labelKey, control, opts) {
    opts = opts || {};
    var id = control.id;
    return h('div', { 'class': 'field' + (opts.cls ? ' ' + opts.cls : ''), 'data-field': opts.aliases ? name + ' ' + opts.aliases : name }, [
      h('label', { 'for': id }, [t(labelKey), opts.required ? h('span', { 'class': 'req', 'aria-hidden': 'true' }, ' *') : null,
        opts.optional ? h('span', { 'class': 'muted' }, ' (' + t('common.optional') + ')') : null]),
      opts.hint ? h('p', { 'class': 'hint', id: id + '-hint' }, opts.hint) : null,
      control,
      h('p', { 'class': 'field-error', id: id + '-error', role: 'alert', 'data-testid': 'error-' + name, hidden: true })
    ]);
  }

  // A form's request failed: a 422 shows under the field it names (and, with `fixKey`,
  // a line above asking to fix it); anything else shows in `err`.
  function formFailed(form, err, e, fixKey, field) {
    if (e.status === 422 && showFieldError(form, field || e.field, e.message)) {
      if (!fixKey) return;
      err.textContent = t(fixKey);
    } else {
      err.textContent = t('common.error', { msg: e.message });
    }
    err.hidden = false;
  }

  function clearErrors(form) {
    Array.prototype.forEach.call(form.querySelectorAll('.field-error'), function (e) { e.hidden = true; e.textContent = ''; });
    Array.prototype.forEach.call(form.querySelectorAll('[aria-invalid]'), function (e) { e.removeAttribute('aria-invalid'); });
    Array.prototype.forEach.call(form.querySelectorAll('.field.invalid'), function (e) { e.classList.remove('invalid'); });
  }

  // Show an error next to the field the server named (422 {error, field}); returns
  // false when no such field is on the form.
  function showFieldError(form, fieldName, msg) {
    if (!fieldName) return false;
    var name = String(fieldName);
    var wrap = form.querySelector('[data-field~="' + name.replace(/"/g, '') + '"]');
    if (!wrap && name.indexOf('.') > 0) wrap = form.querySelector('[data-field~="' + name.split('.').pop().replace(/"/g, '') + '"]');
    if (!wrap) return false;
    wrap.classList.add('invalid');
    var err = wrap.querySelector('.field-error');
    err.textContent = msg;
    err.hidden = false;
    var ctl = wrap.querySelector('input, select, textarea');
    if (ctl) {
      ctl.setAttribute('aria-invalid', 'true');
      ctl.setAttribute('aria-describedby', err.id);
      ctl.focus();
    }
    wrap.scrollIntoView({ block: 'center' });
    return true;
  }

  function viewReport(main) {
    var cat = h('select', { id: 'rf-category', name: 'category', required: true, 'data-testid': 'rf-category' }, [
      h('option', { value: '' }, t('report.categoryChoose')),
      CATEGORIES.map(function (c) { return h('option', { value: c }, t('cat.' + c)); })
    ]);
    // The server's list is authoritative: add any category it knows that this UI does not.
    api('GET', '/api/categories').then(function (list) {
      (Array.isArray(list) ? list : []).forEach(function (c) {
        if (!c || !c.code || CATEGORIES.indexOf(c.code) >= 0) return;
        var label = I.lang() === 'fr' ? (c.fr || c.en || c.code) : (c.en || c.code);
        cat.insertBefore(h('option', { value: c.code }, label), cat.lastChild);
      });
    }).catch(function () { /* built-in list */ });
    var town = h('input', { id: 'rf-town', name: 'place_name', list: 'rf-towns', autocomplete: 'off', 'data-testid': 'rf-town' });
    var towns = h('datalist', { id: 'rf-towns' });
    var lat = h('input', { id: 'rf-lat', name: 'latitude', type: 'number', step: 'any', min: '-90', max: '90', inputmode: 'decimal', 'data-testid': 'rf-lat' });
    var lon = h('input', { id: 'rf-lon', name: 'longitude', type: 'number', step: 'any', min: '-180', max: '180', inputmode: 'decimal', 'data-testid': 'rf-lon' });
    var miniMap = h('div', { id: 'rf-map', 'class': 'mini-map', 'data-testid': 'rf-map', 'aria-label': t('report.mapHint') });
    var date = h('input', { id: 'rf-date', name: 'occurred_at', type: 'date', required: true, max: todayISO(), value: todayISO(), 'data-testid': 'rf-date' });
    var time = h('input', { id: 'rf-time', name: 'time', type: 'time', 'data-testid': 'rf-time' });
    var people = h('input', { id: 'rf-people', name: 'people_affected', type: 'number', min: '0', step: '1', inputmode: 'numeric', 'data-testid': 'rf-people' });
    var desc = h('textarea', { id: 'rf-description', name: 'description', rows: '5', required: true, 'data-testid': 'rf-description', 'aria-describedby': 'rf-description-hint' });
    var rel = h('select', { id: 'rf-reliability', name: 'reliability', required: true, 'data-testid': 'rf-reliability' }, [
      h('option', { value: '' }, t('report.categoryChoose')),
      RELIABILITY.map(function (r) { return h('option', { value: r }, t('rel.' + r)); })
    ]);
    var cred = h('select', { id: 'rf-credibility', name: 'credibility', required: true, 'data-testid': 'rf-credibility' }, [
      h('option', { value: '' }, t('report.categoryChoose')),
      CREDIBILITY.map(function (c) { return h('option', { value: String(c) }, t('cred.' + c)); })
    ]);
    var victims = h('textarea', { id: 'rf-victims', name: 'victims', rows: '2', 'data-testid': 'rf-victims' });
    var witnesses = h('textarea', { id: 'rf-witnesses', name: 'witnesses', rows: '2', 'data-testid': 'rf-witnesses' });
    var contacts = h('textarea', { id: 'rf-contacts', name: 'contacts', rows: '2', 'data-testid': 'rf-contacts' });
    var attach = h('input', { id: 'rf-attachment', name: 'attachment', type: 'file', accept: 'image/*,application/pdf,audio/*', 'data-testid': 'rf-attachment' });
    var formErr = h('p', { 'class': 'form-error', role: 'alert', 'data-testid': 'rf-form-error', hidden: true });
    var submit = h('button', { type: 'submit', id: 'rf-submit', 'class': 'primary big', 'data-testid': 'rf-submit' }, t('report.submit'));
    var queued = outbox();

    var form = h('form', { id: 'report-form', 'class': 'report-form card', novalidate: true, 'data-testid': 'report-form' }, [
      h('h1', null, t('report.title')),
      h('p', { 'class': 'muted' }, t('report.intro')),
      queued.length ? h('p', { 'class': 'notice', 'data-testid': 'outbox-notice' }, [t('report.queuedCount', { n: queued.length }), ' ',
        h('button', { type: 'button', 'class': 'secondary', onclick: function () { flushOutbox().then(function () { render(); }); } }, t('report.sendQueued'))]) : null,
      field('category', 'report.category', cat, { required: true }),
      h('fieldset', null, [
        h('legend', null, t('report.where')),
        field('place_name', 'report.town', town, { aliases: 'town_id', hint: t('report.townHint') }),
        towns,
        h('div', { 'class': 'row2' }, [
          field('latitude', 'report.lat', lat),
          field('longitude', 'report.lon', lon)
        ]),
        h('p', { 'class': 'hint' }, t('report.mapHint')),
        miniMap
      ]),
      h('fieldset', null, [
        h('legend', null, t('report.when')),
        h('div', { 'class': 'row2' }, [
          field('occurred_at', 'report.date', date, { required: true }),
          field('time', 'report.time', time, { optional: true })
        ])
      ]),
      field('people_affected', 'report.people', people, { optional: true }),
      field('description', 'report.description', desc, { required: true, hint: t('report.descriptionHint') }),
      h('fieldset', null, [
        h('legend', null, t('report.grading')),
        h('p', { 'class': 'hint' }, t('report.gradingHint')),
        field('reliability', 'report.reliability', rel, { required: true }),
        field('credibility', 'report.credibility', cred, { required: true })
      ]),
      h('fieldset', { 'class': 'restricted', 'data-testid': 'rf-restricted', 'data-field': 'restricted' }, [
        h('legend', null, [restrictedBadge(), ' ', t('report.restricted')]),
        h('p', { 'class': 'hint' }, t('report.restrictedHint')),
        field('victims', 'report.victims', victims, { optional: true, aliases: 'restricted.victims' }),
        field('witnesses', 'report.witnesses', witnesses, { optional: true, aliases: 'restricted.witnesses' }),
        field('contacts', 'report.contacts', contacts, { optional: true, aliases: 'restricted.contacts' })
      ]),
      field('attachment', 'report.attachment', attach, { optional: true }),
      formErr,
      submit
    ]);
    main.appendChild(form);

    // Location: town list, map click and typed coordinates all stay in step.
    var map = VigilMap.createMap(miniMap, { zoomAnimation: false });
    var pin = null;
    var townId = null;
    var byLabel = {};
    function placeLabel(p) { return p.name + (p.country_code ? ' (' + p.country_code + ')' : ''); }
    function setPin(la, lo, pan) {
      if (!isFinite(la) || !isFinite(lo)) return;
      if (!pin) pin = L.marker([la, lo], { keyboard: false, icon: L.divIcon({ className: 'pin-marker', iconSize: [18, 18] }) }).addTo(map);
      else pin.setLatLng([la, lo]);
      if (pan) map.setView([la, lo], Math.max(map.getZoom(), 7));
    }
    VigilMap.outline(map, { fit: true });
    function chooseTown(p) {
      town.value = placeLabel(p);
      townId = p.id;
      lat.value = Number(p.latitude).toFixed(4);
      lon.value = Number(p.longitude).toFixed(4);
      setPin(Number(p.latitude), Number(p.longitude), true);
    }
    loadPlaces().then(function (places) {
      var dots = L.layerGroup();
      places.forEach(function (p) {
        var label = placeLabel(p);
        byLabel[label.toLowerCase()] = p;
        if (!byLabel[String(p.name).toLowerCase()]) byLabel[String(p.name).toLowerCase()] = p;
        towns.appendChild(h('option', { value: label }));
        if (isFinite(p.latitude) && isFinite(p.longitude)) {
          L.circleMarker([p.latitude, p.longitude], { radius: 3, color: '#52606d', weight: 1, fillColor: '#fff', fillOpacity: 1 })
            .bindTooltip(p.name, { direction: 'top' })
            .on('click', function (ev) { L.DomEvent.stopPropagation(ev); chooseTown(p); })
            .addTo(dots);
        }
      });
      if (map.getContainer().isConnected) dots.addTo(map);
    });
    town.addEventListener('change', function () {
      var p = byLabel[town.value.trim().toLowerCase()];
      townId = null;
      if (p) chooseTown(p);
    });
    map.on('click', function (ev) {
      lat.value = ev.latlng.lat.toFixed(4);
      lon.value = ev.latlng.lng.toFixed(4);
      townId = null;
      setPin(ev.latlng.lat, ev.latlng.lng, false);
    });
    function coordsTyped() {
      var la = parseFloat(lat.value), lo = parseFloat(lon.value);
      if (isFinite(la) && isFinite(lo) && Math.abs(la) <= 90 && Math.abs(lo) <= 180) { townId = null; setPin(la, lo, true); }
    }
    lat.addEventListener('change', coordsTyped);
    lon.addEventListener('change', coordsTyped);

    function payload() {
      var body = {
        category: cat.value,
        occurred_at: date.value,
        description: desc.value.trim(),
        reliability: rel.value,
        credibility: cred.value ? parseInt(cred.value, 10) : null,
        language: I.lang(),
        channel: 'web'
      };
      if (time.value && date.value) {
        var d = new Date(date.value + 'T' + time.value);
        var off = -d.getTimezoneOffset();
        var sign = off >= 0 ? '+' : '-';
        var a = Math.abs(off);
        body.occurred_at = date.value + 'T' + time.value + ':00' + sign + pad2(Math.floor(a / 60)) + ':' + pad2(a % 60);
      }
      if (town.value.trim()) body.place_name = town.value.trim().replace(/ \([A-Z]{2}\)$/, '');
      if (townId !== null && townId !== undefined) body.town_id = townId;
      if (lat.value !== '') body.latitude = parseFloat(lat.value);
      if (lon.value !== '') body.longitude = parseFloat(lon.value);
      if (people.value !== '') body.people_affected = parseInt(people.value, 10);
      var r = {};
      if (victims.value.trim()) r.victims = victims.value.trim();
      if (witnesses.value.trim()) r.witnesses = witnesses.value.trim();
      if (contacts.value.trim()) r.contacts = contacts.value.trim();
      if (Object.keys(r).length) body.restricted = r;
      return body;
    }

    // Checks the browser can make before sending; the server checks again.
    function localCheck(body) {
      if (!body.category) return ['category', t('common.required')];
      if (!date.value) return ['occurred_at', t('common.required')];
      if (lat.value !== '' && !(body.latitude >= -90 && body.latitude <= 90)) return ['latitude', '−90 … 90'];
      if (lon.value !== '' && !(body.longitude >= -180 && body.longitude <= 180)) return ['longitude', '−180 … 180'];
      if ((lat.value === '') !== (lon.value === '')) return [lat.value === '' ? 'latitude' : 'longitude', t('common.required')];
      if (people.value !== '' && !(body.people_affected >= 0)) return ['people_affected', '≥ 0'];
      if (!body.description) return ['description', t('common.required')];
      if (!body.reliability) return ['reliability', t('common.required')];
      if (!body.credibility) return ['credibility', t('common.required')];
      return null;
    }

    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      clearErrors(form);
      formErr.hidden = true;
      var body = payload();
      var bad = localCheck(body);
      if (bad) { showFieldError(form, bad[0], bad[1]); return; }
      submit.disabled = true;
      submit.textContent = t('report.sending');
      var req;
      if (attach.files && attach.files.length) {
        var fd = new FormData();
        Object.keys(body).forEach(function (k) {
          if (k === 'restricted') {
            Object.keys(body.restricted).forEach(function (rk) { fd.append('restricted.' + rk, body.restricted[rk]); });
          } else {
            fd.append(k, String(body[k]));
          }
        });
        fd.append('attachment', attach.files[0]);
        req = api('POST', '/api/reports', fd);
      } else {
        req = api('POST', '/api/reports', body);
      }
      req.then(function (res) {
        VigilMap.removeMap(map);
        clear(main);
        main.appendChild(h('div', { 'class': 'card done', 'data-testid': 'report-sent', 'data-report-id': String(res && res.id) }, [
          h('h1', null, '✓'),
          h('p', { 'class': 'big' }, t('report.sent', { id: res && res.id, status: t('status.' + ((res && res.status) || 'new')) })),
          h('p', null, h('a', { href: '#/report', 'class': 'button-link', onclick: function (e) { e.preventDefault(); render(); } }, t('report.another'))),
          S.role === 'reporter' ? h('p', null, h('a', { href: '#/my-reports' }, t('nav.myReports'))) : null
        ]));
      }).catch(function (e) {
        submit.disabled = false;
        submit.textContent = t('report.submit');
        if (!(e instanceof ApiError)) {
          // Network failure. Keep the report on the device only if it holds nothing
          // restricted and no file; otherwise leave it in the form to retry.
          if (!body.restricted && !(attach.files && attach.files.length)) {
            var list = outbox();
            list.push(body);
            setOutbox(list);
            formErr.textContent = t('report.queued');
            formErr.hidden = false;
            form.reset();
            return;
          }
          formErr.textContent = t('login.offline');
          formErr.hidden = false;
          return;
        }
        formFailed(form, formErr, e, 'report.fix');
      });
    });

    return { destroy: function () { VigilMap.removeMap(map); } };
  }

  function pad2(n) { return (n < 10 ? '0' : '') + n; }

  // ---------------------------------------------------------------------------------
  // Triage queue

  function gradingOf(r) {
    var rel = r.reliability || (r.grading && r.grading.reliability) || '';
    var cred = r.credibility || (r.grading && r.grading.credibility) || '';
    return String(rel) + String(cred);
  }

  function reportSummary(r) {
    var where = [r.place_name || r.place, (r.latitude != null && r.longitude != null) ? '(' + Number(r.latitude).toFixed(3) + ', ' + Number(r.longitude).toFixed(3) + ')' : null]
      .filter(Boolean).join(' ');
    return h('dl', { 'class': 'kv' }, [
      h('dt', null, t('triage.occurred')), h('dd', null, dateTime(r.occurred_at)),
      h('dt', null, t('report.where')), h('dd', null, where || t('common.unknown')),
      r.people_affected != null ? [h('dt', null, t('triage.people')), h('dd', null, fmt(r.people_affected))] : null,
      h('dt', null, t('triage.grading')), h('dd', null, h('span', { 'class': 'grade', title: t('rel.' + r.reliability) + ' · ' + t('cred.' + r.credibility) }, gradingOf(r))),
      r.channel ? [h('dt', null, t('field.channel')), h('dd', null, r.channel + (r.language ? ' · ' + r.language : ''))] : null,
      r.reporter || r.reporter_pseudonym ? [h('dt', null, t('field.reporter')), h('dd', null, r.reporter || r.reporter_pseudonym)] : null
    ]);
  }

  function restrictedBlock(r) {
    var rd = r.restricted;
    if (!rd || typeof rd !== 'object') {
      return r.has_restricted ? h('p', { 'class': 'restricted-note' }, [restrictedBadge(), ' ', t('triage.restrictedPresent')]) : null;
    }
    var rows = ['victims', 'witnesses', 'contacts'].filter(function (k) { return rd[k]; });
    if (!rows.length) return null;
    return h('div', { 'class': 'restricted-box', 'data-testid': 'restricted-detail' }, [
      h('p', null, restrictedBadge()),
      h('dl', { 'class': 'kv' }, rows.map(function (k) {
        return [h('dt', null, t('report.' + k)), h('dd', null, String(rd[k]))];
      }))
    ]);
  }

  function viewTriage(main) {
    var list = h('div', { 'class': 'triage-list', 'data-testid': 'triage-list' }, h('p', null, t('common.loading')));
    var count = h('p', { 'class': 'muted', 'data-testid': 'triage-count' });
    main.appendChild(h('div', { 'class': 'triage-page' }, [
      h('h1', null, [t('triage.title'), S.synthetic ? [' ', syntheticBadge()] : null]),
      count,
      list
    ]));
    api('GET', '/api/reports' + qs({ status: 'new' })).then(function (res) {
      var reports = Array.isArray(res) ? res : (res && (res.reports || res.items)) || [];
      clear(list);
      count.textContent = t('triage.count', { n: reports.length });
      if (!reports.length) {
        list.appendChild(h('p', { 'class': 'notice', 'data-testid': 'triage-empty' }, t('triage.empty')));
        return;
      }
      reports.forEach(function (r) { list.appendChild(triageCard(r)); });
    }).catch(function (e) {
      clear(list);
      list.appendChild(h('p', { 'class': 'form-error' }, t('common.error', { msg: e.message })));
    });
  }

  function triageCard(r) {
    var panel = h('div', { 'class': 'action-panel' });
    var dups = r.suggested_duplicates || [];
    var card = h('article', { 'class': 'card report-card', 'data-testid': 'triage-item', 'data-report-id': String(r.id) }, [
      h('header', null, [
        h('h2', null, ['#' + r.id + ' · ', catLabel(r.category)]),
        h('span', { 'class': 'muted' }, t('triage.received') + ' ' + dateTime(r.received_at || r.created_at))
      ]),
      reportSummary(r),
      h('p', { 'class': 'desc' }, r.description || ''),
      restrictedBlock(r),
      h('div', { 'class': 'dups' }, [
        h('strong', null, t('triage.duplicates') + ': '),
        dups.length ? h('ul', null, dups.map(function (d) {
          var label = d.incident_id != null ? 'incident #' + d.incident_id : 'report #' + d.report_id;
          return h('li', { 'data-testid': 'duplicate' }, [
            d.incident_id != null ? h('a', { href: '#/incident/' + d.incident_id }, label) : label,
            ' — ', t('triage.score', { s: typeof d.score === 'number' ? d.score.toFixed(2) : d.score }),
            d.reason ? ' — ' + d.reason : '',
            d.incident_id != null ? [' ', h('button', {
              type: 'button', 'class': 'secondary small', onclick: function () { doMerge(r, d.incident_id, card); }
            }, t('triage.merge'))] : null
          ]);
        })) : h('span', { 'class': 'muted' }, t('triage.noDuplicates'))
      ]),
      h('div', { 'class': 'actions' }, [
        h('button', { type: 'button', 'class': 'primary', 'data-testid': 'triage-verify', onclick: function () { openVerify(r, panel, card); } }, t('triage.verify')),
        h('button', { type: 'button', 'class': 'secondary', 'data-testid': 'triage-merge', onclick: function () { openMerge(r, panel, card); } }, t('triage.merge')),
        h('button', { type: 'button', 'class': 'danger', 'data-testid': 'triage-discard', onclick: function () { openDiscard(r, panel, card); } }, t('triage.discard'))
      ]),
      panel
    ]);
    return card;
  }

  function finishCard(card, children) {
    clear(card);
    card.classList.add('done');
    append(card, children);
  }

  function verifiedLinks(id) {
    return [
      h('a', { href: '#/incident/' + id, 'class': 'button-link', 'data-testid': 'open-incident' }, t('triage.openIncident', { id: id })), ' ',
      h('a', { href: '#/map?incident=' + id, 'class': 'button-link secondary', 'data-testid': 'show-on-map' }, t('triage.showOnMap'))
    ];
  }

  function openVerify(r, panel, card) {
    clear(panel);
    var d0 = dateOnly(r.occurred_at);
    var tov = h('select', { id: 'v-tov-' + r.id, name: 'type_of_violence', required: true, 'data-testid': 'v-type' }, [
      h('option', { value: '' }, t('report.categoryChoose')),
      [1, 2, 3].map(function (n) { return h('option', { value: String(n) }, n + ' — ' + t('type.' + n)); })
    ]);
    if (r.category === 'attack_on_civilians' || r.category === 'crsv' || r.category === 'abduction' || r.category === 'grave_violation_children') tov.value = '3';
    var evt = h('input', { id: 'v-evt-' + r.id, name: 'event_type', required: true, value: catLabel(r.category), 'data-testid': 'v-event-type' });
    var catIn = h('select', { id: 'v-cat-' + r.id, name: 'category', 'data-testid': 'v-category' },
      CATEGORIES.map(function (c) { return h('option', { value: c }, t('cat.' + c)); }));
    catIn.value = r.category || 'other';
    var sideA = h('input', { id: 'v-sa-' + r.id, name: 'side_a', required: true, 'data-testid': 'v-side-a' });
    var sideB = h('input', { id: 'v-sb-' + r.id, name: 'side_b', required: true, value: tov.value === '3' ? 'Civilians' : '', 'data-testid': 'v-side-b' });
    var best = h('input', { id: 'v-best-' + r.id, name: 'best', type: 'number', min: '0', value: '0', required: true, 'data-testid': 'v-best' });
    var low = h('input', { id: 'v-low-' + r.id, name: 'low', type: 'number', min: '0', value: '0', required: true, 'data-testid': 'v-low' });
    var high = h('input', { id: 'v-high-' + r.id, name: 'high', type: 'number', min: '0', value: '0', required: true, 'data-testid': 'v-high' });
    var place = h('input', { id: 'v-place-' + r.id, name: 'place', value: r.place_name || r.place || '', 'data-testid': 'v-place' });
    var vlat = h('input', { id: 'v-lat-' + r.id, name: 'latitude', type: 'number', step: 'any', value: r.latitude != null ? r.latitude : '', 'data-testid': 'v-lat' });
    var vlon = h('input', { id: 'v-lon-' + r.id, name: 'longitude', type: 'number', step: 'any', value: r.longitude != null ? r.longitude : '', 'data-testid': 'v-lon' });
    var ds = h('input', { id: 'v-ds-' + r.id, name: 'date_start', type: 'date', value: d0, 'data-testid': 'v-date-start' });
    var de = h('input', { id: 'v-de-' + r.id, name: 'date_end', type: 'date', value: d0, 'data-testid': 'v-date-end' });
    var dp = h('select', { id: 'v-dp-' + r.id, name: 'date_prec' }, [1, 2, 3, 4, 5].map(function (n) { return h('option', { value: String(n) }, String(n)); }));
    var wp = h('select', { id: 'v-wp-' + r.id, name: 'where_prec' }, [1, 2, 3, 4, 5, 6, 7].map(function (n) { return h('option', { value: String(n) }, String(n)); }));
    wp.value = r.town_id != null ? '1' : (r.latitude != null ? '2' : '4');
    var err = h('p', { 'class': 'form-error', role: 'alert', hidden: true });
    best.addEventListener('change', function () {
      var b = parseInt(best.value, 10) || 0;
      if ((parseInt(low.value, 10) || 0) > b) low.value = b;
      if ((parseInt(high.value, 10) || 0) < b) high.value = b;
    });
    tov.addEventListener('change', function () { if (tov.value === '3' && !sideB.value) sideB.value = 'Civilians'; });
    var form = h('form', { 'class': 'verify-form', novalidate: true, 'data-testid': 'verify-form' }, [
      h('h3', null, t('verify.title')),
      h('div', { 'class': 'grid' }, [
        field('type_of_violence', 'verify.typeOfViolence', tov, { required: true }),
        field('event_type', 'verify.eventType', evt, { required: true }),
        field('category', 'verify.category', catIn),
        field('side_a', 'verify.sideA', sideA, { required: true }),
        field('side_b', 'verify.sideB', sideB, { required: true }),
        h('div', { 'class': 'row3' }, [field('best', 'verify.best', best, { required: true }), field('low', 'verify.low', low), field('high', 'verify.high', high)]),
        field('place', 'verify.place', place),
        h('div', { 'class': 'row2' }, [field('latitude', 'report.lat', vlat), field('longitude', 'report.lon', vlon)]),
        h('div', { 'class': 'row2' }, [field('date_start', 'verify.dateStart', ds), field('date_end', 'verify.dateEnd', de)]),
        h('div', { 'class': 'row2' }, [field('date_prec', 'verify.datePrec', dp), field('where_prec', 'verify.wherePrec', wp)])
      ]),
      err,
      h('div', { 'class': 'actions' }, [
        h('button', { type: 'submit', 'class': 'primary', 'data-testid': 'v-submit' }, t('verify.submit')),
        h('button', { type: 'button', 'class': 'secondary', onclick: function () { clear(panel); } }, t('common.cancel'))
      ])
    ]);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      clearErrors(form);
      err.hidden = true;
      var body = {
        type_of_violence: parseInt(tov.value, 10),
        event_type: evt.value.trim(),
        category: catIn.value,
        side_a: sideA.value.trim(),
        side_b: sideB.value.trim(),
        best: parseInt(best.value, 10),
        low: parseInt(low.value, 10),
        high: parseInt(high.value, 10),
        date_prec: parseInt(dp.value, 10),
        where_prec: parseInt(wp.value, 10)
      };
      if (place.value.trim()) body.place = place.value.trim();
      if (vlat.value !== '') body.latitude = parseFloat(vlat.value);
      if (vlon.value !== '') body.longitude = parseFloat(vlon.value);
      if (ds.value) body.date_start = ds.value;
      if (de.value) body.date_end = de.value;
      var missing = !tov.value ? 'type_of_violence' : !body.event_type ? 'event_type' : !body.side_a ? 'side_a' : !body.side_b ? 'side_b' :
        isNaN(body.best) ? 'best' : null;
      if (missing) { showFieldError(form, missing, t('common.required')); return; }
      if (!(body.low <= body.best && body.best <= body.high)) { showFieldError(form, 'best', 'low ≤ best ≤ high'); return; }
      api('POST', '/api/reports/' + encodeURIComponent(r.id) + '/verify', body).then(function (res) {
        var id = res && (res.incident_id != null ? res.incident_id : res.id);
        finishCard(card, [
          h('p', { 'class': 'success', 'data-testid': 'verified', 'data-incident-id': String(id) }, '✓ #' + r.id + ' — ' + t('triage.verified', { id: id })),
          h('p', null, verifiedLinks(id))
        ]);
      }).catch(function (e) {
        formFailed(form, err, e);
      });
    });
    panel.appendChild(form);
    tov.focus();
  }

  function doMerge(r, incidentId, card, errEl) {
    return api('POST', '/api/reports/' + encodeURIComponent(r.id) + '/merge', { incident_id: Number(incidentId) }).then(function () {
      finishCard(card, [
        h('p', { 'class': 'success', 'data-testid': 'merged' }, '✓ #' + r.id + ' — ' + t('triage.merged', { id: incidentId })),
        h('p', null, verifiedLinks(incidentId))
      ]);
    }).catch(function (e) {
      if (errEl) { errEl.textContent = t('common.error', { msg: e.message }); errEl.hidden = false; }
      else window.alert(t('common.error', { msg: e.message }));
    });
  }

  function openMerge(r, panel, card) {
    clear(panel);
    var dups = (r.suggested_duplicates || []).filter(function (d) { return d.incident_id != null; });
    var input = h('input', { id: 'm-id-' + r.id, type: 'number', min: '1', required: true, value: dups.length ? dups[0].incident_id : '', 'data-testid': 'm-incident-id' });
    var err = h('p', { 'class': 'form-error', role: 'alert', hidden: true });
    var form = h('form', { 'class': 'inline-form', novalidate: true }, [
      field('incident_id', 'triage.mergeInto', input, { required: true }),
      err,
      h('div', { 'class': 'actions' }, [
        h('button', { type: 'submit', 'class': 'primary' }, t('triage.merge')),
        h('button', { type: 'button', 'class': 'secondary', onclick: function () { clear(panel); } }, t('common.cancel'))
      ])
    ]);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      if (!input.value) { showFieldError(form, 'incident_id', t('common.required')); return; }
      doMerge(r, input.value, card, err);
    });
    panel.appendChild(form);
    input.focus();
  }

  function openDiscard(r, panel, card) {
    clear(panel);
    var reason = h('input', { id: 'd-reason-' + r.id, required: true, 'data-testid': 'd-reason' });
    var err = h('p', { 'class': 'form-error', role: 'alert', hidden: true });
    var form = h('form', { 'class': 'inline-form', novalidate: true }, [
      field('reason', 'triage.discardReason', reason, { required: true }),
      err,
      h('div', { 'class': 'actions' }, [
        h('button', { type: 'submit', 'class': 'danger' }, t('triage.discard')),
        h('button', { type: 'button', 'class': 'secondary', onclick: function () { clear(panel); } }, t('common.cancel'))
      ])
    ]);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      if (!reason.value.trim()) { showFieldError(form, 'reason', t('common.required')); return; }
      api('POST', '/api/reports/' + encodeURIComponent(r.id) + '/discard', { reason: reason.value.trim() }).then(function () {
        finishCard(card, h('p', { 'class': 'muted', 'data-testid': 'discarded' }, '#' + r.id + ' — ' + t('triage.discarded')));
      }).catch(function (e) {
        formFailed(form, err, e);
      });
    });
    panel.appendChild(form);
    reason.focus();
  }

  // ---------------------------------------------------------------------------------
  // My reports (reporters see their own; the server decides what the list holds)

  function viewMyReports(main) {
    var list = h('div', { 'class': 'my-reports', 'data-testid': 'my-reports' }, h('p', null, t('common.loading')));
    main.appendChild(h('div', null, [h('h1', null, t('myreports.title')), list]));
    api('GET', '/api/reports').then(function (res) {
      var reports = Array.isArray(res) ? res : (res && (res.reports || res.items)) || [];
      clear(list);
      if (!reports.length) { list.appendChild(h('p', { 'class': 'notice' }, t('myreports.empty'))); return; }
      list.appendChild(h('ul', { 'class': 'plain' }, reports.map(function (r) {
        return h('li', { 'class': 'card report-card', 'data-report-id': String(r.id) }, [
          h('h2', null, ['#' + r.id + ' · ', catLabel(r.category), ' ',
            h('span', { 'class': 'status status-' + r.status }, t('status.' + r.status))]),
          reportSummary(r),
          h('p', { 'class': 'desc' }, r.description || '')
        ]);
      })));
    }).catch(function (e) {
      clear(list);
      list.appendChild(h('p', { 'class': 'form-error' }, t('common.error', { msg: e.message })));
    });
  }

  // ---------------------------------------------------------------------------------
  // Incident page

  var INCIDENT_FIELDS = ['source', 'source_id', 'date_start', 'date_end', 'date_prec', 'type_of_violence', 'event_type',
    'sub_event_type', 'category', 'conflict_name', 'dyad_name', 'side_a', 'side_b', 'best', 'low', 'high',
    'deaths_civilians', 'place', 'admin1', 'admin2', 'gid', 'latitude', 'longitude', 'where_prec', 'verification',
    'verification_status', 'status', 'sensitivity'];

  function valueText(k, v) {
    if (v === null || v === undefined || v === '') return null;
    if (k === 'type_of_violence') return typeLabel(v);
    if (k === 'admin1' || k === 'admin2') return areaName(v) + (areaName(v) !== String(v) ? ' (' + v + ')' : '');
    if (k === 'category' || k === 'event_type') return catLabel(v);
    if (typeof v === 'object') return JSON.stringify(v);
    if (typeof v === 'number') return k === 'gid' || k === 'latitude' || k === 'longitude' ? String(v) : fmt(v);
    return String(v);
  }

  function viewIncident(main, route) {
    var id = route.params[0];
    var box = h('div', { 'class': 'incident-page', 'data-testid': 'incident-page', 'data-incident-id': id }, h('p', null, t('common.loading')));
    main.appendChild(box);
    var map = null;
    // Area names for the admin codes; the page renders without them if they fail.
    var pAreas = Promise.all([loadAreas(1), loadAreas(2)]).catch(function () { return null; });
    Promise.all([api('GET', '/api/incidents/' + encodeURIComponent(id)), pAreas]).then(function (both) {
      var res = both[0];
      var inc = (res && res.incident) || res || {};
      if (inc.type === 'Feature' && inc.properties) {
        inc = Object.assign({}, inc.properties, inc.geometry && inc.geometry.coordinates ? { longitude: inc.geometry.coordinates[0], latitude: inc.geometry.coordinates[1] } : {});
      }
      var reports = (res && res.reports) || [];
      var history = (res && res.history) || [];
      var synthetic = inc.synthetic === true;
      clear(box);
      var rows = INCIDENT_FIELDS.map(function (k) {
        var v = valueText(k, inc[k]);
        if (v === null) return null;
        return [h('dt', null, t('field.' + k)), h('dd', { 'data-field': k }, v)];
      });
      var mini = h('div', { 'class': 'mini-map', id: 'incident-map' });
      append(box, [
        h('p', null, h('a', { href: '#/map' }, '← ' + t('nav.map'))),
        h('h1', null, [t('incident.title', { id: inc.id != null ? inc.id : id }), ' ',
          synthetic ? syntheticBadge() : null]),
        synthetic ? h('p', { 'class': 'notice synthetic-notice' }, t('common.syntheticLong')) : null,
        h('div', { 'class': 'incident-grid' }, [
          h('section', { 'class': 'card' }, [
            h('h2', null, t('incident.details')),
            h('dl', { 'class': 'kv' }, rows),
            inc.description ? h('p', { 'class': 'desc' }, inc.description) : null,
            inc.restricted ? restrictedBlock({ restricted: inc.restricted }) : null
          ]),
          h('section', { 'class': 'card' }, [
            mini,
            h('p', null, h('a', { href: '#/map?incident=' + encodeURIComponent(inc.id != null ? inc.id : id), 'data-testid': 'incident-show-on-map' }, t('incident.showOnMap')))
          ])
        ]),
        h('section', { 'class': 'card' }, [
          h('h2', null, t('incident.reports') + ' (' + reports.length + ')'),
          reports.length ? h('ul', { 'class': 'plain' }, reports.map(function (r) {
            return h('li', { 'class': 'report-item', 'data-testid': 'incident-report', 'data-report-id': String(r.id) }, [
              h('h3', null, ['#' + r.id + ' · ', catLabel(r.category), r.status ? [' ', h('span', { 'class': 'status status-' + r.status }, t('status.' + r.status))] : null,
                ' ', h('span', { 'class': 'muted' }, t('triage.received') + ' ' + dateTime(r.received_at || r.created_at))]),
              reportSummary(r),
              h('p', { 'class': 'desc' }, r.description || ''),
              restrictedBlock(r)
            ]);
          })) : h('p', { 'class': 'muted' }, t('incident.noReports'))
        ]),
        h('section', { 'class': 'card' }, [
          h('h2', null, t('incident.history')),
          history.length ? h('ol', { 'class': 'history', 'data-testid': 'incident-history' }, history.map(function (e) {
            var when = e.at || e.time || e.created_at || e.timestamp;
            var who = e.actor || e.user || e.by || e.username;
            var what = e.action || e.event || e.kind || '';
            var change = e.after || e.detail || e.details;
            return h('li', { 'data-seq': e.seq != null ? String(e.seq) : null }, [
              h('span', { 'class': 'when' }, dateTime(when)), ' ',
              who ? h('strong', null, who) : null, ' ',
              h('code', null, what), e.entity ? [' ', h('span', { 'class': 'muted' }, e.entity)] : null,
              change && typeof change === 'object' ? h('details', null, [
                h('summary', null, t('incident.change')),
                h('pre', null, JSON.stringify(change, null, 2))
              ]) : (change ? ' — ' + String(change) : null)
            ]);
          })) : h('p', { 'class': 'muted' }, t('incident.noHistory'))
        ])
      ]);
      var la = Number(inc.latitude), lo = Number(inc.longitude);
      map = VigilMap.createMap(mini, { zoomAnimation: false });
      if (isFinite(la) && isFinite(lo) && inc.latitude != null) {
        L.marker([la, lo], { icon: L.divIcon({ className: 'inc-marker type-' + (inc.type_of_violence || 'x') + (synthetic ? ' synthetic' : ''), iconSize: [14, 14] }) }).addTo(map);
        map.setView([la, lo], 7);
      }
      VigilMap.outline(map, { fit: !(isFinite(la) && isFinite(lo) && inc.latitude != null) });
    }).catch(function (e) {
      clear(box);
      box.appendChild(h('p', { 'class': 'form-error' }, e.status === 404 ? t('common.notFound') : e.status === 403 ? t('common.forbidden') : t('common.error', { msg: e.message })));
    });
    return { destroy: function () { if (map) { VigilMap.removeMap(map); map = null; } } };
  }

  // ---------------------------------------------------------------------------------
  // Alerts, responses, response times, rules, webhooks (alerts_api.rs, webhooks.rs).
  // What each role may do mirrors alerts_api::{READ, MANAGE, RESPOND, RECORD_RESPONSE};
  // the server enforces it, the buttons only follow.

  var ALERT_STATUSES = ['draft', 'issued', 'acknowledged', 'responding', 'closed', 'cancelled'];
  var ACTIVE_STATUSES = ['draft', 'issued', 'acknowledged', 'responding'];
  // vigil_store::alerts::RESPONSE_ACTIONS
  var RESPONSE_ACTIONS = ['patrol', 'quick_reaction_force', 'air_reconnaissance', 'casualty_evacuation', 'dialogue', 'referral', 'liaison'];
  var RESPONSE_TIMES = ['requested_at', 'dispatched_at', 'on_scene_at', 'completed_at'];
  // vigil_warn::AlertStatus::can_become (cancel aside: any open status → cancelled)
  var NEXT_STEP = { draft: 'issued', issued: 'acknowledged', acknowledged: 'responding', responding: 'closed' };

  function stepRoles(to) {
    return to === 'acknowledged' || to === 'responding' ? ROLES_RESPOND : ROLES_MANAGE;
  }

  function can(roles) { return roles.indexOf(S.role) >= 0; }

  // "Urgency: Immediate" / "Urgence : Immédiate"
  function colon() { return I.lang() === 'fr' ? '\u00a0: ' : ': '; }

  function alertTabs(active) {
    var tabs = [
      ['alerts', 'tabs.alerts', ROLES_ALERTS],
      ['responses', 'tabs.dashboard', ROLES_ALERTS],
      ['rules', 'tabs.rules', ROLES_ALERTS],
      ['webhooks', 'tabs.webhooks', ROLES_ADMIN]
    ];
    return h('nav', { 'class': 'tabs', 'aria-label': t('nav.alerts'), 'data-testid': 'alert-tabs' }, tabs.filter(function (x) { return can(x[2]); }).map(function (x) {
      return h('a', { href: '#/' + x[0], 'class': active === x[0] ? 'active' : null, 'aria-current': active === x[0] ? 'page' : null, 'data-testid': 'tab-' + x[0] }, t(x[1]));
    }));
  }

  function pageTitle(key, vars) {
    return h('h1', null, [t(key, vars), S.synthetic ? [' ', syntheticBadge()] : null]);
  }

  // Alerts raised by hand carry rule id `manual` (vigil_warn::MANUAL_RULE_ID).
  function ruleLabel(a) {
    return a.rule_id === 'manual' ? t('alerts.manual') : (alertText(a, 'rule_name') || a.rule_id);
  }

  // An alert's words (headline, threat, area_desc, rule_name) in the reader's
  // language: rules write French beside English (`fr`), alerts raised by hand may.
  function alertText(a, key) {
    return I.lang() === 'fr' && a.fr && a.fr[key] ? a.fr[key] : a[key];
  }

  function capv(v) {
    var k = 'capv.' + v;
    return t(k) === k ? String(v) : t(k);
  }

  function actionLabel(a) {
    var k = 'action.' + a;
    return t(k) === k ? String(a) : t(k);
  }

  function alertStatusBadge(s) {
    return h('span', { 'class': 'astatus astatus-' + s, 'data-testid': 'alert-status', 'data-status': s }, t('astatus.' + s));
  }

  function isExpired(a) {
    var e = Date.parse(a.expires_at);
    return ACTIVE_STATUSES.indexOf(a.status) >= 0 && isFinite(e) && e < Date.now();
  }

  function decimal(x) {
    return Number(x).toLocaleString(I.lang() === 'fr' ? 'fr-FR' : 'en-GB', { maximumFractionDigits: 1 });
  }

  // Minutes as "0.4 min", "45 min", "3 h 20 min" or "2 d 4 h"; "—" when there is none.
  function minutesText(m) {
    if (m === null || m === undefined || m === '' || !isFinite(Number(m))) return '—';
    m = Number(m);
    var sign = m < 0 ? '−' : '';
    m = Math.abs(m);
    // the API rounds to 0.1 min
    if (m < 0.1) return t('dash.lessThan', { n: decimal(0.1) });
    if (m < 60) return sign + t('dash.minutes', { n: decimal(m) });
    var total = Math.round(m);
    if (total < 24 * 60) return sign + t('dash.hoursMin', { h: Math.floor(total / 60), m: total % 60 });
    var hrs = Math.round(m / 60);
    return sign + t('dash.days', { d: Math.floor(hrs / 24), h: hrs % 24 });
  }

  // "2026-11-29T19:45:12.000Z" → "2026-11-29T19:45" in the device's time zone, for
  // datetime-local inputs; and back.
  function toLocalInput(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return '';
    return d.getFullYear() + '-' + pad2(d.getMonth() + 1) + '-' + pad2(d.getDate()) + 'T' + pad2(d.getHours()) + ':' + pad2(d.getMinutes());
  }

  function fromLocalInput(v) {
    var d = new Date(v);
    return isNaN(d.getTime()) ? null : d.toISOString();
  }

  function areaNamesOf(a) {
    return [a.admin1 ? areaName(a.admin1) : null, a.admin2 ? areaName(a.admin2) : null].filter(Boolean).join(' / ');
  }

  function areaSummary(a) {
    var names = areaNamesOf(a);
    var desc = alertText(a, 'area_desc');
    return [names ? h('strong', null, names) : null, names && desc ? ' — ' : null, desc || null];
  }

  function capFields(a) {
    return h('p', { 'class': 'cap-fields', 'data-testid': 'alert-cap-fields' }, [
      h('span', { 'class': 'cap cap-u-' + a.urgency }, t('cap.urgency') + colon() + capv(a.urgency)),
      h('span', { 'class': 'cap cap-s-' + a.severity }, t('cap.severity') + colon() + capv(a.severity)),
      h('span', { 'class': 'cap cap-c-' + a.certainty }, t('cap.certainty') + colon() + capv(a.certainty))
    ]);
  }

  function loadAllAreas() {
    return Promise.all([loadAreas(1), loadAreas(2)]).catch(function () { return null; });
  }

  // ---- list

  function viewAlerts(main, route) {
    var chosen = (route.query.status || '').split(',').filter(function (s) { return ALERT_STATUSES.indexOf(s) >= 0; });
    if (!chosen.length) chosen = ACTIVE_STATUSES.slice();
    var boxes = ALERT_STATUSES.map(function (s) {
      return h('label', { 'class': 'inline' }, [
        h('input', { type: 'checkbox', name: 'status', value: s, checked: chosen.indexOf(s) >= 0, 'data-testid': 'alert-filter-' + s }),
        ' ', t('astatus.' + s)
      ]);
    });
    function setStatuses(list) { go('alerts', { status: list.join(',') }); }
    var form = h('form', { 'class': 'card alert-filters', 'data-testid': 'alert-filters' }, h('fieldset', null, [
      h('legend', null, t('alerts.statusFilter')),
      h('div', { 'class': 'checks' }, boxes),
      h('div', { 'class': 'actions' }, [
        h('button', { type: 'button', 'class': 'secondary small', 'data-testid': 'alert-filter-active', onclick: function () { setStatuses(ACTIVE_STATUSES); } }, t('alerts.activeOnly')),
        h('button', { type: 'button', 'class': 'secondary small', 'data-testid': 'alert-filter-all', onclick: function () { setStatuses(ALERT_STATUSES); } }, t('alerts.all'))
      ])
    ]));
    form.addEventListener('submit', function (ev) { ev.preventDefault(); });
    form.addEventListener('change', function () {
      var sel = Array.prototype.filter.call(form.querySelectorAll('input[name="status"]'), function (i) { return i.checked; })
        .map(function (i) { return i.value; });
      setStatuses(sel.length ? sel : ACTIVE_STATUSES);
    });
    var count = h('p', { 'class': 'muted', 'data-testid': 'alerts-count' });
    var list = h('div', { 'class': 'alert-list', 'data-testid': 'alert-list' }, h('p', null, t('common.loading')));
    main.appendChild(h('div', { 'class': 'alerts-page' }, [
      alertTabs('alerts'),
      h('div', { 'class': 'title-row' }, [
        pageTitle('alerts.title'),
        can(ROLES_MANAGE) ? h('a', { href: '#/new-alert', 'class': 'button-link', 'data-testid': 'alert-new' }, '+ ' + t('alerts.new')) : null
      ]),
      form,
      h('p', { 'class': 'small' }, h('a', { href: '/cap/alerts.atom', 'data-testid': 'atom-link', type: 'application/atom+xml' }, t('alerts.atom'))),
      count,
      list
    ]));
    var status = chosen.length === ALERT_STATUSES.length ? null : chosen.join(',');
    Promise.all([api('GET', '/api/alerts' + qs({ status: status })), loadAllAreas()]).then(function (res) {
      var alerts = Array.isArray(res[0]) ? res[0] : [];
      clear(list);
      count.textContent = alerts.length === 1 ? t('alerts.count1') : t('alerts.count', { n: fmt(alerts.length) });
      if (!alerts.length) { list.appendChild(h('p', { 'class': 'notice', 'data-testid': 'alerts-empty' }, t('alerts.empty'))); return; }
      alerts.forEach(function (a) { list.appendChild(alertCard(a)); });
    }).catch(function (e) {
      clear(list);
      list.appendChild(h('p', { 'class': 'form-error' }, t('common.error', { msg: e.message })));
    });
  }

  function alertCard(a) {
    return h('article', { 'class': 'card alert-card sev-' + a.severity, 'data-testid': 'alert-item', 'data-alert-id': String(a.id), 'data-status': a.status }, [
      h('h2', null, [
        h('a', { href: '#/alert/' + a.id, 'data-testid': 'alert-open', title: t('alerts.open', { id: a.id }) }, '#' + a.id + ' · ' + ruleLabel(a)),
        ' ', alertStatusBadge(a.status),
        isExpired(a) ? [' ', h('span', { 'class': 'astatus astatus-expired' }, t('astatus.expired'))] : null
      ]),
      capFields(a),
      h('p', { 'class': 'threat', 'data-testid': 'alert-threat' }, alertText(a, 'threat') || alertText(a, 'headline') || ''),
      h('dl', { 'class': 'kv' }, [
        h('dt', null, t('alerts.area')), h('dd', { 'data-testid': 'alert-area' }, areaSummary(a)),
        h('dt', null, t('alerts.firstFired')), h('dd', null, dateTime(a.created_at)),
        h('dt', null, t('alerts.lastFired')), h('dd', null, dateTime(a.updated_at) + (a.firings > 1 ? ' · ' + t('alerts.firings') + colon() + fmt(a.firings) : '')),
        h('dt', null, t('alerts.expires')), h('dd', null, dateTime(a.expires_at))
      ])
    ]);
  }

  // ---- one alert

  var ALERT_AREA_STYLE = { color: '#b3261e', weight: 2, fillColor: '#b3261e', fillOpacity: 0.15, className: 'alert-area' };

  function gidBounds(gid) {
    var i = Number(gid) - 1;
    var row = Math.floor(i / 720), col = i % 720;
    var s = row * 0.5 - 90, w = col * 0.5 - 180;
    return [[s, w], [s + 0.5, w + 0.5]];
  }

  // Draw an alert's area (vigil_warn::Area as JSON) on a map; resolves to the layer.
  function drawAlertArea(map, area) {
    if (!area || !area.type || area.type === 'unlocated') return Promise.resolve(null);
    var p;
    if (area.type === 'circle' && area.center) {
      p = Promise.resolve(L.circle([area.center.lat, area.center.lon], Object.assign({ radius: Number(area.radius_km) * 1000 }, ALERT_AREA_STYLE)));
    } else if (area.type === 'polygon' && area.points && area.points.length) {
      p = Promise.resolve(L.polygon(area.points.map(function (x) { return [x.lat, x.lon]; }), ALERT_AREA_STYLE));
    } else if (area.type === 'cells' && area.gids && area.gids.length) {
      p = Promise.resolve(L.featureGroup(area.gids.map(function (g) { return L.rectangle(gidBounds(g), ALERT_AREA_STYLE); })));
    } else if (area.type === 'admin' && area.codes) {
      p = loadAreas(area.level).then(function (fc) {
        var feats = ((fc && fc.features) || []).filter(function (f) { return f.properties && area.codes.indexOf(f.properties.code) >= 0; });
        return feats.length ? L.geoJSON({ type: 'FeatureCollection', features: feats }, { style: function () { return ALERT_AREA_STYLE; } }) : null;
      });
    } else {
      return Promise.resolve(null);
    }
    return p.then(function (layer) {
      if (!layer || !map.getContainer().isConnected) return null;
      layer.addTo(map);
      var b = layer.getBounds();
      // not closer than zoom 8, so that the region around stays in view
      if (b.isValid()) map.fitBounds(b, { padding: [16, 16], maxZoom: 8 });
      return layer;
    });
  }

  function areaDetail(a) {
    var area = a.area || {};
    var what;
    if (area.type === 'circle' && area.center) {
      what = t('alerts.circle', { km: fmt(area.radius_km), lat: Number(area.center.lat).toFixed(3), lon: Number(area.center.lon).toFixed(3) });
    } else if (area.type === 'polygon') {
      what = t('alerts.polygon', { n: (area.points || []).length });
    } else if (area.type === 'admin') {
      what = t('alerts.adminAreas') + colon() + (area.codes || []).map(function (c) { return areaName(c) + (areaName(c) !== c ? ' (' + c + ')' : ''); }).join(', ');
    } else if (area.type === 'cells') {
      what = t('alerts.cells') + colon() + (area.gids || []).join(', ');
    } else {
      what = t('alerts.unlocated');
    }
    var names = areaNamesOf(a);
    return h('p', { 'data-testid': 'alert-area-detail' }, [names ? [h('strong', null, names), h('br')] : null, what]);
  }

  function triggerItem(tr) {
    var id = tr.target_id != null ? String(tr.target_id) : null;
    var attrs = { 'data-testid': 'alert-trigger', 'data-kind': tr.kind, 'data-target-id': id };
    if (tr.kind === 'report') {
      var label = t('trigger.report', { id: id || tr.reference });
      if (id && can(ROLES_REPORT_PAGE)) return h('li', attrs, h('a', { href: '#/reports/' + id, 'data-testid': 'trigger-link' }, label));
      return h('li', attrs, [label, ' ', h('span', { 'class': 'muted small' }, t('trigger.reportNoAccess'))]);
    }
    if (tr.kind === 'incident') {
      if (id) return h('li', attrs, [h('a', { href: '#/incident/' + id, 'data-testid': 'trigger-link' }, t('trigger.incident', { id: id })), ' ', h('span', { 'class': 'muted small' }, tr.reference)]);
      return h('li', attrs, t('trigger.incidentRef', { ref: tr.reference }));
    }
    return h('li', attrs, t('trigger.forecast', { ref: tr.reference }));
  }

  function historyList(a) {
    return h('ol', { 'class': 'history', 'data-testid': 'alert-history' }, (a.history || []).map(function (c) {
      var rule = /^rule:/.test(c.actor || '') ? String(c.actor).slice(5) : null;
      return h('li', { 'data-to': c.to }, [
        h('span', { 'class': 'when' }, dateTime(c.at)), ' ',
        c.from ? [t('astatus.' + c.from), ' → '] : null, h('strong', null, t('astatus.' + c.to)), ' — ',
        rule ? h('span', { 'class': 'muted' }, t('alerts.createdBy', { rule: rule })) : h('span', { 'class': 'actor', 'data-testid': 'history-actor' }, c.actor),
        c.note ? [' — ', h('q', null, c.note)] : null
      ]);
    }));
  }

  // The lifecycle buttons this role may use from this status; null when there is none.
  function lifecycleCard(a, done) {
    var next = NEXT_STEP[a.status];
    var steps = next && can(stepRoles(next)) ? [next] : [];
    var canCancel = (a.status !== 'closed' && a.status !== 'cancelled') && can(ROLES_MANAGE);
    if (!steps.length && !canCancel) return null;
    var note = h('input', { id: 'tr-note', name: 'note', maxlength: '2000', 'data-testid': 'transition-note' });
    var err = h('p', { 'class': 'form-error', role: 'alert', hidden: true, 'data-testid': 'transition-error' });
    var buttons = [];
    function step(to, btn) {
      err.hidden = true;
      btn.disabled = true;
      var body = { to: to };
      if (note.value.trim()) body.note = note.value.trim();
      api('POST', '/api/alerts/' + encodeURIComponent(a.id) + '/transition', body).then(function (res) {
        done(res, t('alerts.done', { id: a.id, status: t('astatus.' + to) }));
      }).catch(function (e) {
        btn.disabled = false;
        err.textContent = t('common.error', { msg: e.message });
        err.hidden = false;
      });
    }
    steps.forEach(function (to) {
      var b = h('button', { type: 'button', 'class': 'primary', 'data-testid': 'transition-' + to }, t('transition.' + to));
      b.addEventListener('click', function () { step(to, b); });
      buttons.push(b);
    });
    if (canCancel) {
      // Two clicks: cancelling an issued alert publishes a CAP Cancel.
      var confirmBtn = h('button', { type: 'button', 'class': 'danger', hidden: true, 'data-testid': 'transition-cancelled-confirm' }, t('transition.confirmCancel'));
      var cancelBtn = h('button', { type: 'button', 'class': 'danger', 'data-testid': 'transition-cancelled' }, t('transition.cancelled'));
      cancelBtn.addEventListener('click', function () { cancelBtn.hidden = true; confirmBtn.hidden = false; confirmBtn.focus(); });
      confirmBtn.addEventListener('click', function () { step('cancelled', confirmBtn); });
      buttons.push(cancelBtn, confirmBtn);
    }
    return h('section', { 'class': 'card lifecycle', 'data-testid': 'alert-lifecycle' }, [
      h('h2', null, t('alerts.actions')),
      field('note', 'alerts.note', note),
      h('div', { 'class': 'actions' }, buttons),
      err
    ]);
  }

  function responseItem(r, canEdit, reload) {
    var panel = h('div', { 'class': 'action-panel' });
    var req = Date.parse(r.requested_at);
    var times = RESPONSE_TIMES.map(function (k) {
      var v = r[k];
      var after = v && k !== 'requested_at' && isFinite(req) ? ' (' + t('resp.after', { d: minutesText((Date.parse(v) - req) / 60000) }) + ')' : '';
      return [h('dt', null, t('resp.' + k)), h('dd', { 'data-field': k }, v ? dateTime(v) + after : h('span', { 'class': 'muted' }, t('resp.notYet')))];
    });
    return h('li', { 'class': 'response-item', 'data-testid': 'response-item', 'data-response-id': String(r.id) }, [
      h('h3', null, [h('span', { 'data-testid': 'response-action' }, actionLabel(r.action)), ' — ', h('span', { 'data-testid': 'response-responder' }, r.responder)]),
      h('dl', { 'class': 'kv' }, [times,
        r.outcome ? [h('dt', null, t('resp.outcome')), h('dd', { 'data-field': 'outcome', 'data-testid': 'response-outcome' }, r.outcome)] : null]),
      h('p', { 'class': 'muted small' }, t('resp.by', { user: r.created_by })),
      canEdit ? h('button', {
        type: 'button', 'class': 'secondary small', 'data-testid': 'response-edit',
        onclick: function () { clear(panel); panel.appendChild(responseForm(null, r, reload, function () { clear(panel); })); }
      }, t('resp.edit')) : null,
      panel
    ]);
  }

  // New response for alert `a`, or changes to response `r` (PATCH: only what changed).
  function responseForm(a, r, reload, onCancel) {
    var p = r ? 're' + r.id + '-' : 'rn-';
    var responder = h('input', { id: p + 'responder', name: 'responder', maxlength: '200', required: true, value: r ? r.responder : '', 'data-testid': 'resp-responder', autocomplete: 'off' });
    var action = h('select', { id: p + 'action', name: 'action', required: true, 'data-testid': 'resp-action' }, [
      r ? null : h('option', { value: '' }, t('report.categoryChoose')),
      RESPONSE_ACTIONS.map(function (x) { return h('option', { value: x }, actionLabel(x)); })
    ]);
    if (r) action.value = r.action;
    var inputs = {};
    RESPONSE_TIMES.forEach(function (k) {
      inputs[k] = h('input', { id: p + k, name: k, type: 'datetime-local', value: r && r[k] ? toLocalInput(r[k]) : '', 'data-testid': 'resp-' + k });
    });
    var outcome = h('textarea', { id: p + 'outcome', name: 'outcome', rows: '3', maxlength: '4000', value: r && r.outcome ? r.outcome : '', 'data-testid': 'resp-outcome' });
    var err = h('p', { 'class': 'form-error', role: 'alert', hidden: true, 'data-testid': 'resp-form-error' });
    var submit = h('button', { type: 'submit', 'class': 'primary', 'data-testid': 'resp-submit' }, t(r ? 'resp.update' : 'resp.save'));
    var form = h('form', { 'class': 'response-form', novalidate: true, 'data-testid': r ? 'response-edit-form' : 'response-form' }, [
      r ? null : h('h3', null, t('resp.new')),
      h('div', { 'class': 'grid' }, [
        field('responder', 'resp.responder', responder, { required: true, hint: r ? null : t('resp.responderHint') }),
        field('action', 'resp.action', action, { required: true }),
        field('requested_at', 'resp.requested_at', inputs.requested_at, { hint: r ? null : t('resp.requestedHint') }),
        field('dispatched_at', 'resp.dispatched_at', inputs.dispatched_at, { optional: true }),
        field('on_scene_at', 'resp.on_scene_at', inputs.on_scene_at, { optional: true }),
        field('completed_at', 'resp.completed_at', inputs.completed_at, { optional: true })
      ]),
      field('outcome', 'resp.outcome', outcome, { optional: true }),
      err,
      h('div', { 'class': 'actions' }, [submit,
        onCancel ? h('button', { type: 'button', 'class': 'secondary', onclick: onCancel }, t('common.cancel')) : null])
    ]);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      clearErrors(form);
      err.hidden = true;
      var body = {};
      var who = responder.value.trim();
      if (!who) { showFieldError(form, 'responder', t('common.required')); return; }
      if (!action.value) { showFieldError(form, 'action', t('common.required')); return; }
      if (!r || who !== r.responder) body.responder = who;
      if (!r || action.value !== r.action) body.action = action.value;
      for (var i = 0; i < RESPONSE_TIMES.length; i++) {
        var k = RESPONSE_TIMES[i];
        var v = inputs[k].value;
        // emptied in an edit: clear it (the server keeps the request time)
        if (!v && r && r[k] && k !== 'requested_at') { body[k] = null; continue; }
        if (!v || (r && r[k] && v === toLocalInput(r[k]))) continue;
        var iso = fromLocalInput(v);
        if (!iso) { showFieldError(form, k, t('common.required')); return; }
        body[k] = iso;
      }
      var o = outcome.value.trim();
      if (o && (!r || o !== (r.outcome || ''))) body.outcome = o;
      if (!o && r && r.outcome) body.outcome = null;
      if (r && !Object.keys(body).length) { if (onCancel) onCancel(); return; }
      submit.disabled = true;
      var req = r ? api('PATCH', '/api/responses/' + encodeURIComponent(r.id), body)
        : api('POST', '/api/alerts/' + encodeURIComponent(a.id) + '/responses', body);
      req.then(function (res) {
        reload(t('resp.saved', { id: res && res.id }));
      }).catch(function (e) {
        submit.disabled = false;
        formFailed(form, err, e, 'resp.fix');
      });
    });
    return form;
  }

  function responsesCard(a, reload) {
    var list = a.responses || [];
    var canRecord = can(ROLES_RECORD);
    return h('section', { 'class': 'card responses', 'data-testid': 'alert-responses' }, [
      h('h2', null, t('resp.title') + ' (' + list.length + ')'),
      list.length ? h('ul', { 'class': 'plain' }, list.map(function (r) { return responseItem(r, canRecord, reload); }))
        : h('p', { 'class': 'muted', 'data-testid': 'responses-empty' }, t('resp.none')),
      canRecord ? (a.status === 'draft' ? h('p', { 'class': 'muted', 'data-testid': 'responses-draft' }, t('resp.draftNote'))
        : h('div', { 'class': 'new-response' }, responseForm(a, null, reload))) : null
    ]);
  }

  function viewAlert(main, route) {
    var id = route.params[0];
    var box = h('div', { 'class': 'alert-page', 'data-testid': 'alert-page', 'data-alert-id': id }, h('p', null, t('common.loading')));
    main.appendChild(h('div', null, [alertTabs('alerts'), box]));
    var map = null;
    var gone = false;

    function load(msg) {
      return Promise.all([api('GET', '/api/alerts/' + encodeURIComponent(id)), loadAllAreas()]).then(function (res) {
        if (!gone) draw(res[0], msg);
      }).catch(function (e) {
        clear(box);
        box.appendChild(h('p', { 'class': 'form-error' }, e.status === 404 ? t('common.notFound') : e.status === 403 ? t('common.forbidden') : t('common.error', { msg: e.message })));
      });
    }

    function draw(a, msg) {
      if (map) { VigilMap.removeMap(map); map = null; }
      clear(box);
      box.setAttribute('data-status', a.status);
      var published = (a.cap_messages && a.cap_messages.length) || (a.messages && a.messages.length);
      var mini = h('div', { 'class': 'mini-map', id: 'alert-map', 'data-testid': 'alert-map', role: 'img', 'aria-label': t('alerts.map') });
      append(box, [
        h('p', null, h('a', { href: '#/alerts' }, '← ' + t('alerts.back'))),
        h('h1', null, [t('alerts.detail', { id: a.id }), ' ', alertStatusBadge(a.status),
          isExpired(a) ? [' ', h('span', { 'class': 'astatus astatus-expired' }, t('astatus.expired'))] : null]),
        msg ? h('p', { 'class': 'success', role: 'status', 'data-testid': 'alert-flash' }, msg) : null,
        h('div', { 'class': 'incident-grid' }, [
          h('section', { 'class': 'card' }, [
            h('h2', { 'data-testid': 'alert-rule' }, ruleLabel(a)),
            h('p', { 'class': 'muted small' }, a.rule_id),
            h('p', { 'class': 'headline', 'data-testid': 'alert-headline' }, alertText(a, 'headline')),
            capFields(a),
            h('p', { 'class': 'threat', 'data-testid': 'alert-threat' }, alertText(a, 'threat')),
            h('dl', { 'class': 'kv' }, [
              h('dt', null, t('cap.category')), h('dd', null, a.category),
              h('dt', null, t('alerts.firstFired')), h('dd', null, dateTime(a.created_at)),
              h('dt', null, t('alerts.lastFired')), h('dd', null, dateTime(a.updated_at)),
              h('dt', null, t('alerts.firings')), h('dd', null, fmt(a.firings)),
              h('dt', null, t('alerts.expires')), h('dd', null, dateTime(a.expires_at))
            ]),
            h('p', { 'class': 'links' }, [
              published ? h('a', { href: '/cap/' + encodeURIComponent(a.id) + '.xml', 'data-testid': 'cap-link', type: 'application/cap+xml', target: '_blank', rel: 'noopener' }, t('alerts.cap'))
                : h('span', { 'class': 'muted', 'data-testid': 'cap-draft-note' }, t('alerts.capDraft')),
              h('br'),
              h('a', { href: '/cap/alerts.atom', 'data-testid': 'atom-link', type: 'application/atom+xml', target: '_blank', rel: 'noopener' }, t('alerts.atom'))
            ])
          ]),
          h('section', { 'class': 'card' }, [h('h2', null, t('alerts.map')), mini, areaDetail(a)])
        ]),
        lifecycleCard(a, function (res, m) { draw(res, m); }),
        h('section', { 'class': 'card' }, [
          h('h2', null, t('alerts.triggers') + ' (' + (a.triggers || []).length + ')'),
          h('ul', { 'class': 'triggers', 'data-testid': 'alert-triggers' }, (a.triggers || []).map(triggerItem))
        ]),
        responsesCard(a, function (m) { return load(m); }),
        h('section', { 'class': 'card' }, [h('h2', null, t('alerts.history')), historyList(a)])
      ]);
      map = VigilMap.createMap(mini, { zoomAnimation: false });
      VigilMap.outline(map, { fit: false });
      drawAlertArea(map, a.area);
    }

    var flash = S.flash;
    S.flash = null;
    load(flash);
    return { destroy: function () { gone = true; if (map) { VigilMap.removeMap(map); map = null; } } };
  }

  // ---- raising an alert by hand (POST /api/alerts, alerts_api::create_manual): a call
  // to the hotline or a patrol's word that no rule would see in time.

  var CAP_CHOICES = {
    urgency: ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'],
    severity: ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'],
    certainty: ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown']
  };
  // vigil_warn::cap::Category, as CAP spells it; the server's default is Security.
  var CAP_CATEGORIES = ['Security', 'Safety', 'Rescue', 'Health', 'Env', 'Fire', 'Geo', 'Met', 'Transport', 'Infra', 'CBRNE', 'Other'];

  function capCatLabel(c) {
    var k = 'capcat.' + c;
    return t(k) === k ? String(c) : t(k);
  }

  function viewNewAlert(main, route) {
    var fromReport = /^\d+$/.test(route.query.report || '') ? route.query.report : '';
    var headline = h('input', { id: 'na-headline', name: 'headline', maxlength: '160', required: true, autocomplete: 'off', 'data-testid': 'na-headline' });
    var threat = h('textarea', { id: 'na-threat', name: 'threat', rows: '4', maxlength: '4000', required: true, 'data-testid': 'na-threat' });
    var headlineFr = h('input', { id: 'na-headline-fr', name: 'headline_fr', lang: 'fr', maxlength: '160', autocomplete: 'off', 'data-testid': 'na-headline-fr' });
    var threatFr = h('textarea', { id: 'na-threat-fr', name: 'threat_fr', lang: 'fr', rows: '4', maxlength: '4000', 'data-testid': 'na-threat-fr' });
    var kindCircle = h('input', { type: 'radio', name: 'area_kind', value: 'circle', checked: true, 'data-testid': 'na-kind-circle' });
    var kindAdmin = h('input', { type: 'radio', name: 'area_kind', value: 'admin', 'data-testid': 'na-kind-admin' });
    var lat = h('input', { id: 'na-lat', name: 'lat', type: 'number', step: 'any', min: '-90', max: '90', inputmode: 'decimal', 'data-testid': 'na-lat' });
    var lon = h('input', { id: 'na-lon', name: 'lon', type: 'number', step: 'any', min: '-180', max: '180', inputmode: 'decimal', 'data-testid': 'na-lon' });
    var radius = h('input', { id: 'na-radius', name: 'radius_km', type: 'number', step: 'any', min: '0.1', max: '500', value: '15', inputmode: 'decimal', 'data-testid': 'na-radius' });
    var level = h('select', { id: 'na-level', name: 'level', 'data-testid': 'na-level' }, [
      h('option', { value: '1' }, t('filters.admin1')), h('option', { value: '2' }, t('filters.admin2'))
    ]);
    var filter = h('input', { id: 'na-area-filter', type: 'search', autocomplete: 'off', placeholder: t('na.areaFilter'), 'aria-label': t('na.areaFilter'), 'data-testid': 'na-area-filter' });
    var picks = h('div', { 'class': 'area-picks', role: 'group', 'aria-labelledby': 'na-areas-label', 'data-testid': 'na-areas' }, h('p', { 'class': 'muted' }, t('common.loading')));
    var chosenCount = h('span', { 'class': 'muted', 'data-testid': 'na-areas-count' });
    var mapHint = h('p', { 'class': 'hint', id: 'na-map-hint' });
    var mini = h('div', { 'class': 'mini-map', id: 'na-map', 'data-testid': 'na-map', 'aria-describedby': 'na-map-hint' });
    var areaDesc = h('input', { id: 'na-area-desc', name: 'area_desc', maxlength: '300', autocomplete: 'off', 'data-testid': 'na-area-desc' });
    var caps = {};
    Object.keys(CAP_CHOICES).forEach(function (k) {
      caps[k] = h('select', { id: 'na-' + k, name: k, required: true, 'data-testid': 'na-' + k }, [
        h('option', { value: '' }, t('report.categoryChoose')),
        CAP_CHOICES[k].map(function (v) { return h('option', { value: v }, capv(v) + ' — ' + t('capd.' + k + '.' + v)); })
      ]);
    });
    var category = h('select', { id: 'na-category', name: 'category', 'data-testid': 'na-category' },
      CAP_CATEGORIES.map(function (c) { return h('option', { value: c }, capCatLabel(c)); }));
    var expires = h('input', { id: 'na-expires', name: 'expires_hours', type: 'number', min: '1', max: '2160', step: '1', value: '72', inputmode: 'numeric', 'data-testid': 'na-expires' });
    var reports = h('input', { id: 'na-reports', name: 'report_ids', value: fromReport, autocomplete: 'off', inputmode: 'numeric', 'data-testid': 'na-reports' });
    var issue = h('input', { id: 'na-issue', name: 'issue', type: 'checkbox', 'data-testid': 'na-issue', 'aria-describedby': 'na-issue-hint' });
    var err = h('p', { 'class': 'form-error', role: 'alert', hidden: true, 'data-testid': 'na-form-error' });
    var submit = h('button', { type: 'submit', 'class': 'primary', 'data-testid': 'na-submit' });
    function submitLabel() { submit.textContent = t(issue.checked ? 'na.submitIssue' : 'na.submitDraft'); }
    submitLabel();
    issue.addEventListener('change', submitLabel);

    var circleBox = h('div', { 'data-testid': 'na-circle' }, [
      h('div', { 'class': 'row2' }, [field('lat', 'report.lat', lat, { required: true }), field('lon', 'report.lon', lon, { required: true })]),
      field('radius_km', 'na.radius', radius, { required: true, hint: t('na.radiusHint') })
    ]);
    var adminBox = h('div', { 'data-testid': 'na-admin', hidden: true }, [
      field('level', 'na.level', level),
      h('div', { 'class': 'field', 'data-field': 'codes' }, [
        h('span', { 'class': 'label', id: 'na-areas-label' }, [t('na.areas'), h('span', { 'class': 'req', 'aria-hidden': 'true' }, ' *'), ' ', chosenCount]),
        filter,
        picks,
        h('p', { 'class': 'field-error', id: 'na-codes-error', role: 'alert', 'data-testid': 'error-codes', hidden: true })
      ])
    ]);
    var form = h('form', { 'class': 'card new-alert-form', novalidate: true, 'data-testid': 'new-alert-form' }, [
      h('p', { 'class': 'muted' }, t('na.intro')),
      fromReport ? h('p', { 'class': 'notice', 'data-testid': 'na-from-report' }, [t('na.fromReport', { id: fromReport }), ' ',
        h('a', { href: '#/reports/' + fromReport }, t('na.openReport'))]) : null,
      field('headline', 'na.headline', headline, { required: true, hint: t('na.headlineHint') }),
      field('threat', 'na.threat', threat, { required: true, hint: t('na.threatHint') }),
      h('fieldset', { 'class': 'na-french' }, [
        h('legend', null, t('na.french')),
        h('p', { 'class': 'hint' }, t('na.frenchHint')),
        field('headline_fr', 'na.headlineFr', headlineFr, { optional: true }),
        field('threat_fr', 'na.threatFr', threatFr, { optional: true })
      ]),
      h('fieldset', { 'class': 'na-area' }, [
        h('legend', null, t('na.area')),
        h('div', { 'class': 'checks' }, [
          h('label', { 'class': 'inline' }, [kindCircle, ' ', t('na.kindCircle')]),
          h('label', { 'class': 'inline' }, [kindAdmin, ' ', t('na.kindAdmin')])
        ]),
        mapHint,
        mini,
        circleBox,
        adminBox,
        field('area_desc', 'na.areaDesc', areaDesc, { optional: true, hint: t('na.areaDescHint') })
      ]),
      h('fieldset', null, [
        h('legend', null, t('na.cap')),
        h('div', { 'class': 'cap-grid' }, Object.keys(CAP_CHOICES).map(function (k) {
          return field(k, 'cap.' + k, caps[k], { required: true, hint: t('na.' + k + 'Hint') });
        })),
        field('category', 'cap.category', category)
      ]),
      field('expires_hours', 'na.expires', expires, { hint: t('na.expiresHint') }),
      field('report_ids', 'na.reports', reports, { optional: true, hint: t('na.reportsHint') }),
      h('div', { 'class': 'field issue-now', 'data-field': 'issue' }, [
        h('label', { 'class': 'inline', 'for': 'na-issue' }, [issue, ' ', t('na.issue')]),
        h('p', { 'class': 'hint', id: 'na-issue-hint' }, t('na.issueHint')),
        h('p', { 'class': 'field-error', id: 'na-issue-error', role: 'alert', hidden: true })
      ]),
      err,
      h('div', { 'class': 'actions' }, [submit, h('a', { href: '#/alerts', 'class': 'button-link secondary', 'data-testid': 'na-cancel' }, t('common.cancel'))])
    ]);
    main.appendChild(h('div', { 'class': 'alerts-page' }, [alertTabs('alerts'), pageTitle('na.title'), form]));

    // The map: a click places the circle's centre; in the admin mode it picks areas.
    var map = VigilMap.createMap(mini, { zoomAnimation: false });
    VigilMap.outline(map, { fit: !fromReport });
    var pin = null, circle = null, adminLayer = null;
    var chosen = {};
    function kind() { return kindAdmin.checked ? 'admin' : 'circle'; }
    function drawCircle(pan) {
      var la = parseFloat(lat.value), lo = parseFloat(lon.value), r = parseFloat(radius.value);
      if (!(isFinite(la) && isFinite(lo) && Math.abs(la) <= 90 && Math.abs(lo) <= 180)) return;
      if (!pin) pin = L.marker([la, lo], { keyboard: false, interactive: false, icon: L.divIcon({ className: 'pin-marker', iconSize: [18, 18] }) }).addTo(map);
      else pin.setLatLng([la, lo]);
      var rm = isFinite(r) && r > 0 ? Math.min(r, 500) * 1000 : 0;
      if (!circle) circle = L.circle([la, lo], Object.assign({ radius: rm, interactive: false }, ALERT_AREA_STYLE)).addTo(map);
      else { circle.setLatLng([la, lo]); circle.setRadius(rm); }
      // the whole circle, not closer than zoom 8 (as on the alert page)
      if (pan) map.fitBounds(circle.getBounds(), { padding: [24, 24], maxZoom: 8 });
    }
    map.on('click', function (ev) {
      if (kind() !== 'circle') return;
      lat.value = ev.latlng.lat.toFixed(4);
      lon.value = ev.latlng.lng.toFixed(4);
      drawCircle(false);
    });
    lat.addEventListener('change', function () { drawCircle(true); });
    lon.addEventListener('change', function () { drawCircle(true); });
    radius.addEventListener('input', function () { drawCircle(false); });

    function chosenCodes() { return Object.keys(chosen).filter(function (c) { return chosen[c]; }).sort(); }
    function restyle() {
      if (adminLayer) adminLayer.setStyle(function (f) { return areaStyle(f.properties.code); });
      chosenCount.textContent = t('na.areasChosen', { n: chosenCodes().length });
    }
    function areaStyle(code) {
      return chosen[code] ? { color: '#b3261e', weight: 2, fillColor: '#b3261e', fillOpacity: 0.25 } : { color: '#52606d', weight: 1, fillColor: '#ffffff', fillOpacity: 0.05 };
    }
    function setChosen(code, on) {
      chosen[code] = on;
      var box = picks.querySelector('input[value="' + code.replace(/"/g, '') + '"]');
      if (box) box.checked = on;
      restyle();
    }
    var areasShown = 0;
    function showAreas() {
      var lv = level.value;
      var ticket = ++areasShown;
      clear(picks);
      picks.appendChild(h('p', { 'class': 'muted' }, t('common.loading')));
      loadAreas(lv).then(function (fc) {
        if (ticket !== areasShown || !map) return;
        return (lv === '2' ? loadAreas(1).catch(function () { return null; }) : Promise.resolve(null)).then(function () {
          if (ticket !== areasShown || !map) return;
          clear(picks);
          areaOptions(fc).forEach(function (p) {
            // cercle P-codes start with their region's (ML0101 in ML01)
            var region = lv === '2' ? areaName(String(p.code).slice(0, 4)) : '';
            var box = h('input', { type: 'checkbox', name: 'codes', value: p.code, checked: !!chosen[p.code], 'data-testid': 'na-area-' + p.code });
            box.addEventListener('change', function () { setChosen(p.code, box.checked); });
            picks.appendChild(h('label', { 'class': 'inline area-pick', 'data-name': (p.name + ' ' + region).toLowerCase() }, [box, ' ', p.name,
              region && region !== String(p.code).slice(0, 4) ? h('span', { 'class': 'muted small' }, ' · ' + region) : null]));
          });
          applyFilter();
          if (adminLayer) { map.removeLayer(adminLayer); adminLayer = null; }
          adminLayer = L.geoJSON(fc, {
            style: function (f) { return areaStyle(f.properties.code); },
            onEachFeature: function (f, layer) {
              layer.bindTooltip(f.properties.name, { sticky: true });
              layer.on('click', function () { setChosen(f.properties.code, !chosen[f.properties.code]); });
            }
          });
          if (kind() === 'admin') adminLayer.addTo(map);
          map.fitBounds(adminLayer.getBounds(), { padding: [6, 6] });
          restyle();
        });
      }).catch(function (e) {
        clear(picks);
        picks.appendChild(h('p', { 'class': 'form-error' }, t('common.error', { msg: e.message })));
      });
    }
    function applyFilter() {
      var q = filter.value.trim().toLowerCase();
      Array.prototype.forEach.call(picks.querySelectorAll('.area-pick'), function (l) {
        l.hidden = !!q && l.getAttribute('data-name').indexOf(q) < 0;
      });
    }
    filter.addEventListener('input', applyFilter);
    level.addEventListener('change', function () { chosen = {}; filter.value = ''; showAreas(); });

    function setKind() {
      var admin = kind() === 'admin';
      circleBox.hidden = admin;
      adminBox.hidden = !admin;
      mapHint.textContent = t(admin ? 'na.mapHintAdmin' : 'na.mapHintCircle');
      [pin, circle].forEach(function (l) { if (l) { if (admin) map.removeLayer(l); else l.addTo(map); } });
      if (admin) {
        if (adminLayer) adminLayer.addTo(map);
        else showAreas();
      } else if (adminLayer) {
        map.removeLayer(adminLayer);
      }
    }
    kindCircle.addEventListener('change', setKind);
    kindAdmin.addEventListener('change', setKind);
    setKind();

    // From a report: start the circle where the report places the event.
    if (fromReport) {
      api('GET', '/api/reports/' + encodeURIComponent(fromReport)).then(function (r) {
        if (!map || lat.value !== '' || lon.value !== '') return;
        if (r && r.latitude != null && r.longitude != null) {
          lat.value = Number(r.latitude).toFixed(4);
          lon.value = Number(r.longitude).toFixed(4);
          drawCircle(true);
        } else {
          VigilMap.outline(map, { fit: true });
        }
      }).catch(function () { if (map) VigilMap.outline(map, { fit: true }); });
    }

    // An error the server gives for `area` goes under the part of it that is wrong.
    function errorField(e) {
      if (e.field !== 'area') return e.field;
      if (kind() === 'admin') return 'codes';
      return /radius/.test(e.message) ? 'radius_km' : 'lat';
    }

    // A field's error goes once it is edited (the rest stay until the next submit).
    form.addEventListener('input', function (ev) {
      var wrap = ev.target.closest ? ev.target.closest('.field.invalid') : null;
      if (!wrap) return;
      wrap.classList.remove('invalid');
      var fe = wrap.querySelector('.field-error');
      fe.hidden = true;
      fe.textContent = '';
      ev.target.removeAttribute('aria-invalid');
      if (!form.querySelector('.field.invalid')) err.hidden = true;
    });

    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      clearErrors(form);
      err.hidden = true;
      var body = {
        headline: headline.value.trim(),
        threat: threat.value.trim(),
        category: category.value,
        issue: issue.checked
      };
      var bad = null;
      function need(cond, name, msg) { if (!bad && !cond) bad = [name, msg || t('common.required')]; }
      need(body.headline, 'headline');
      need(body.threat, 'threat');
      var hFr = headlineFr.value.trim(), tFr = threatFr.value.trim();
      need(!hFr || tFr, 'threat_fr', t('na.frenchBoth'));
      need(!tFr || hFr, 'headline_fr', t('na.frenchBoth'));
      if (hFr) body.headline_fr = hFr;
      if (tFr) body.threat_fr = tFr;
      if (kind() === 'circle') {
        var la = parseFloat(lat.value), lo = parseFloat(lon.value), r = parseFloat(radius.value);
        need(lat.value !== '' && lon.value !== '', lat.value === '' ? 'lat' : 'lon', t('na.placeCentre'));
        need(isFinite(la) && la >= -90 && la <= 90, 'lat', '−90 … 90');
        need(isFinite(lo) && lo >= -180 && lo <= 180, 'lon', '−180 … 180');
        need(isFinite(r), 'radius_km');
        body.area = { type: 'circle', center: { lat: la, lon: lo }, radius_km: r };
      } else {
        need(chosenCodes().length, 'codes', t('na.pickArea'));
        body.area = { type: 'admin', level: Number(level.value), codes: chosenCodes() };
      }
      if (areaDesc.value.trim()) body.area_desc = areaDesc.value.trim();
      Object.keys(CAP_CHOICES).forEach(function (k) { need(caps[k].value, k); body[k] = caps[k].value; });
      var ex = expires.value.trim();
      if (ex) body.expires_hours = /^\d+$/.test(ex) ? Number(ex) : ex;
      var ids = reports.value.split(/[\s,;]+/).map(function (s) { return s.replace(/^#/, ''); }).filter(Boolean);
      need(ids.every(function (s) { return /^\d+$/.test(s); }), 'report_ids', t('na.badReports'));
      if (ids.length) body.report_ids = ids.map(Number);
      if (bad) { showFieldError(form, bad[0], bad[1]); return; }
      submit.disabled = true;
      submit.textContent = t('na.sending');
      api('POST', '/api/alerts', body).then(function (a) {
        S.flash = t(a.status === 'issued' ? 'na.doneIssued' : 'na.doneDraft', { id: a.id });
        go('alert/' + a.id);
      }).catch(function (e) {
        submit.disabled = false;
        submitLabel();
        formFailed(form, err, e, 'na.fix', errorField(e));
      });
    });
    setTimeout(function () { if (map) headline.focus(); }, 0);
    return { destroy: function () { if (map) { VigilMap.removeMap(map); map = null; } } };
  }

  // ---- a report behind an alert (roles that may read reports)

  function viewReportPage(main, route) {
    var id = route.params[0];
    var box = h('div', { 'class': 'incident-page', 'data-testid': 'report-page', 'data-report-id': id }, h('p', null, t('common.loading')));
    main.appendChild(box);
    api('GET', '/api/reports/' + encodeURIComponent(id)).then(function (r) {
      clear(box);
      append(box, [
        h('p', null, h('a', { href: '#/alerts', onclick: function (e) { if (history.length > 1) { e.preventDefault(); history.back(); } } }, '← ' + t('common.back'))),
        h('h1', null, [t('reportpage.title', { id: r.id }), ' ', h('span', { 'class': 'status status-' + r.status }, t('status.' + r.status))]),
        h('section', { 'class': 'card' }, [
          h('h2', null, [catLabel(r.category), ' ', h('span', { 'class': 'muted' }, t('triage.received') + ' ' + dateTime(r.received_at))]),
          reportSummary(r),
          h('p', { 'class': 'desc', 'data-testid': 'report-text' }, r.description || ''),
          restrictedBlock(r),
          r.incident_id != null ? h('p', null, h('a', { href: '#/incident/' + r.incident_id }, t('reportpage.incident', { id: r.incident_id }))) : null,
          can(ROLES_MANAGE) ? h('p', null, h('a', { href: '#/new-alert?report=' + encodeURIComponent(r.id), 'class': 'button-link secondary', 'data-testid': 'raise-from-report' }, t('reportpage.raise'))) : null
        ])
      ]);
    }).catch(function (e) {
      clear(box);
      box.appendChild(h('p', { 'class': 'form-error' }, e.status === 404 ? t('common.notFound') : e.status === 403 ? t('common.forbidden') : t('common.error', { msg: e.message })));
    });
  }

  // ---- response-time dashboard

  function viewDashboard(main, route) {
    var hours = parseInt(route.query.hours, 10);
    if (!(hours >= 1 && hours <= 8760)) hours = 24;
    var level = route.query.level === '2' ? '2' : '1';
    var hoursIn = h('input', { id: 'dash-hours', name: 'hours', type: 'number', min: '1', max: '8760', step: '1', value: String(hours), inputmode: 'numeric', 'data-testid': 'dash-hours' });
    var levelSel = h('select', { id: 'dash-level', name: 'level', 'data-testid': 'dash-level' }, [
      h('option', { value: '1' }, t('filters.admin1')), h('option', { value: '2' }, t('filters.admin2'))
    ]);
    levelSel.value = level;
    var form = h('form', { 'class': 'card dash-controls', novalidate: true, 'data-testid': 'dash-controls' }, [
      h('div', { 'class': 'row2' }, [field('hours', 'dash.hours', hoursIn), field('level', 'dash.level', levelSel)])
    ]);
    function apply() {
      clearErrors(form);
      var n = parseInt(hoursIn.value, 10);
      if (!(n >= 1 && n <= 8760)) { showFieldError(form, 'hours', '1 … 8760'); return; }
      // A second change event (the input losing focus as the page is redrawn) must not
      // redraw the page again.
      var now = parseRoute();
      if (now.name === 'responses' && String(n) === (now.query.hours || '24') && levelSel.value === (now.query.level || '1')) return;
      go('responses', { hours: String(n), level: levelSel.value });
    }
    form.addEventListener('submit', function (ev) { ev.preventDefault(); apply(); });
    form.addEventListener('change', apply);
    var body = h('div', { 'class': 'dashboard', 'data-testid': 'dashboard' }, h('p', null, t('common.loading')));
    main.appendChild(h('div', { 'class': 'alerts-page' }, [
      alertTabs('responses'),
      pageTitle('dash.title'),
      h('p', { 'class': 'muted' }, t('dash.intro')),
      form,
      body
    ]));
    api('GET', '/api/responses/dashboard' + qs({ hours: hours, level: level })).then(function (d) {
      clear(body);
      var o = d.overall || {};
      append(body, [
        h('section', { 'class': 'card' }, [
          h('h2', null, t('dash.overall')),
          o.alerts ? h('dl', { 'class': 'kv figures', 'data-testid': 'dash-overall' }, [
            h('dt', null, t('dash.alerts')), h('dd', null, fmt(o.alerts)),
            h('dt', null, t('dash.acknowledged')), h('dd', null, fmt(o.acknowledged)),
            h('dt', null, t('dash.tta')), h('dd', { 'data-testid': 'dash-tta' }, minutesText(o.median_minutes_to_acknowledge)),
            h('dt', null, t('dash.responded')), h('dd', null, fmt(o.responded)),
            h('dt', null, t('dash.ttr')), h('dd', { 'data-testid': 'dash-ttr' }, minutesText(o.median_minutes_to_respond))
          ]) : h('p', { 'class': 'muted', 'data-testid': 'dash-empty' }, t('dash.empty'))
        ]),
        dashTable('dash.byArea', 'dash.area', d.by_area || [], function (g) { return g.name || (g.code ? areaName(g.code) : t('dash.noArea')); }, 'area'),
        dashTable('dash.byMonth', 'dash.month', (d.by_month || []).slice().reverse(), function (g) { return g.month; }, 'month'),
        unansweredCard(d)
      ]);
    }).catch(function (e) {
      clear(body);
      if (e.status === 422 && showFieldError(form, e.field, e.message)) return;
      body.appendChild(h('p', { 'class': 'form-error' }, t('common.error', { msg: e.message })));
    });
  }

  function dashTable(titleKey, firstKey, rows, label, kind) {
    if (!rows.length) return null;
    return h('section', { 'class': 'card' }, [
      h('h2', null, t(titleKey)),
      h('div', { 'class': 'table-wrap' }, h('table', { 'class': 'data', 'data-testid': 'dash-by-' + kind }, [
        h('thead', null, h('tr', null, [t(firstKey), t('dash.alerts'), t('dash.acknowledged'), t('dash.tta'), t('dash.responded'), t('dash.ttr')]
          .map(function (x) { return h('th', { scope: 'col' }, x); }))),
        h('tbody', null, rows.map(function (g) {
          return h('tr', { 'data-testid': 'dash-' + kind + '-row', 'data-key': kind === 'area' ? (g.code || '') : g.month }, [
            h('th', { scope: 'row', 'data-testid': 'dash-label' }, label(g)),
            h('td', null, fmt(g.alerts)),
            h('td', null, fmt(g.acknowledged)),
            h('td', { 'data-testid': 'dash-tta' }, minutesText(g.median_minutes_to_acknowledge)),
            h('td', null, fmt(g.responded)),
            h('td', { 'data-testid': 'dash-ttr' }, minutesText(g.median_minutes_to_respond))
          ]);
        }))
      ]))
    ]);
  }

  function unansweredCard(d) {
    var list = d.no_response_after_hours || [];
    var hrs = fmt(d.hours);
    return h('section', { 'class': 'card', 'data-testid': 'dash-unanswered' }, [
      h('h2', null, t('dash.unanswered', { h: hrs })),
      list.length ? h('ul', { 'class': 'plain' }, list.map(function (u) {
        return h('li', { 'class': 'unanswered', 'data-testid': 'dash-unanswered-item', 'data-alert-id': String(u.id) }, [
          h('a', { href: '#/alert/' + u.id }, '#' + u.id + ' · ' + (u.headline || '')), ' ', alertStatusBadge(u.status), h('br'),
          h('span', { 'class': 'muted small' }, [t('alerts.issuedAt') + ' ' + dateTime(u.issued_at), ' · ', t('dash.since', { h: decimal(u.hours_since_issue) }),
            u.first_response_at ? ' · ' + t('dash.late', { t: dateTime(u.first_response_at) }) : null])
        ]);
      })) : h('p', { 'class': 'muted' }, t('dash.unansweredNone', { h: hrs }))
    ]);
  }

  // ---- rules in force (read-only)

  var RULE_FIELDS = ['id', 'name', 'description', 'enabled', 'status_on_fire', 'category', 'urgency', 'severity', 'certainty', 'dedup_window_hours', 'expires_hours', 'kind'];

  function paramValue(k, v) {
    if (Array.isArray(v)) {
      // an empty list sets no condition
      if (!v.length) return t('rules.any');
      return v.map(function (x) { return k === 'types' ? typeLabel(x) : String(x); }).join(', ');
    }
    if (v === 'Admin1') return t('filters.admin1');
    if (v === 'Admin2') return t('filters.admin2');
    if (typeof v === 'number') return fmt(v);
    if (v && typeof v === 'object') return JSON.stringify(v);
    return String(v);
  }

  function viewRules(main) {
    var list = h('div', { 'data-testid': 'rule-list' }, h('p', null, t('common.loading')));
    main.appendChild(h('div', { 'class': 'alerts-page' }, [alertTabs('rules'), h('h1', null, t('rules.title')), h('p', { 'class': 'muted' }, t('rules.intro')), list]));
    api('GET', '/api/rules').then(function (res) {
      var rules = Array.isArray(res) ? res : (res && res.rules) || [];
      clear(list);
      if (!rules.length) { list.appendChild(h('p', { 'class': 'notice' }, t('rules.empty'))); return; }
      rules.forEach(function (r) {
        var params = Object.keys(r).filter(function (k) { return RULE_FIELDS.indexOf(k) < 0; });
        list.appendChild(h('article', { 'class': 'card rule-card' + (r.enabled === false ? ' disabled' : ''), 'data-testid': 'rule-item', 'data-rule-id': r.id }, [
          h('h2', null, [r.name, r.enabled === false ? [' ', h('span', { 'class': 'astatus astatus-cancelled' }, t('rules.disabled'))] : null]),
          h('p', { 'class': 'muted small' }, h('code', null, r.id)),
          r.description ? h('p', { 'data-testid': 'rule-description' }, r.description) : null,
          h('dl', { 'class': 'kv' }, [
            h('dt', null, t('rules.kind')), h('dd', { 'data-testid': 'rule-kind' }, t('kind.' + r.kind) === 'kind.' + r.kind ? r.kind : t('kind.' + r.kind)),
            h('dt', null, t('rules.statusOnFire')), h('dd', null, alertStatusBadge(r.status_on_fire)),
            h('dt', null, t('cap.category')), h('dd', null, r.category),
            h('dt', null, t('cap.urgency')), h('dd', null, capv(r.urgency)),
            h('dt', null, t('cap.severity')), h('dd', null, capv(r.severity)),
            h('dt', null, t('cap.certainty')), h('dd', null, capv(r.certainty)),
            h('dt', null, t('rules.dedup')), h('dd', null, t('rules.hours', { n: fmt(r.dedup_window_hours) })),
            h('dt', null, t('rules.expiry')), h('dd', null, t('rules.hours', { n: fmt(r.expires_hours) }))
          ]),
          params.length ? h('details', { 'class': 'rule-params', open: true }, [
            h('summary', null, t('rules.params')),
            h('dl', { 'class': 'kv', 'data-testid': 'rule-params' }, params.map(function (k) {
              var label = t('param.' + k) === 'param.' + k ? k : t('param.' + k);
              return [h('dt', null, label), h('dd', { 'data-param': k }, paramValue(k, r[k]))];
            }))
          ]) : null
        ]));
      });
    }).catch(function (e) {
      clear(list);
      list.appendChild(h('p', { 'class': 'form-error' }, t('common.error', { msg: e.message })));
    });
  }

  // ---- webhooks (admin)

  function deliveryState(d) {
    if (d.delivered_at) return ['delivered', t('hooks.delivered')];
    if (d.failed_at) return ['failed', t('hooks.failed')];
    if (d.attempts > 0) return ['retrying', t('hooks.retrying') + ' · ' + t('hooks.next', { t: dateTime(d.next_attempt_at) })];
    return ['pending', t('hooks.pending')];
  }

  function viewWebhooks(main) {
    var body = h('div', { 'data-testid': 'webhooks' }, h('p', null, t('common.loading')));
    var url = h('input', { id: 'wh-url', name: 'url', type: 'url', required: true, placeholder: 'http://', 'data-testid': 'wh-url', autocomplete: 'off' });
    var format = h('select', { id: 'wh-format', name: 'format', 'data-testid': 'wh-format' }, [h('option', { value: 'cap' }, 'CAP XML'), h('option', { value: 'json' }, 'JSON')]);
    var err = h('p', { 'class': 'form-error', role: 'alert', hidden: true });
    var form = h('form', { 'class': 'card', novalidate: true, 'data-testid': 'wh-form' }, [
      h('div', { 'class': 'row2 wide-first' }, [field('url', 'hooks.url', url, { required: true }), field('format', 'hooks.format', format)]),
      err,
      h('button', { type: 'submit', 'class': 'primary' }, t('hooks.add'))
    ]);
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      clearErrors(form);
      err.hidden = true;
      if (!url.value.trim()) { showFieldError(form, 'url', t('common.required')); return; }
      api('POST', '/api/webhooks', { url: url.value.trim(), format: format.value }).then(function () { url.value = ''; load(); })
        .catch(function (e) {
          formFailed(form, err, e);
        });
    });
    main.appendChild(h('div', { 'class': 'alerts-page' }, [alertTabs('webhooks'), h('h1', null, t('hooks.title')), h('p', { 'class': 'muted' }, t('hooks.intro')), form, body]));

    function load() {
      return api('GET', '/api/webhooks').then(function (w) {
        clear(body);
        var subs = w.subscriptions || [];
        var dels = w.deliveries || [];
        append(body, [
          h('p', { 'class': (w.failed || w.retrying ? 'form-error' : 'muted'), 'data-testid': 'wh-summary' }, t('hooks.summary', { p: fmt(w.pending || 0), r: fmt(w.retrying || 0), f: fmt(w.failed || 0) })),
          h('section', { 'class': 'card' }, [
            h('h2', null, t('hooks.subs')),
            subs.length ? h('ul', { 'class': 'plain' }, subs.map(function (s) {
              return h('li', { 'class': 'hook', 'data-testid': 'wh-sub', 'data-id': String(s.id) }, [
                h('code', null, s.url), ' · ', s.format, ' · ',
                h('span', { 'class': 'astatus ' + (s.active ? 'astatus-closed' : 'astatus-cancelled') }, t(s.active ? 'hooks.active' : 'hooks.inactive')),
                ' ', h('span', { 'class': 'muted small' }, s.created_by + ', ' + dateTime(s.created_at)),
                s.active ? [' ', h('button', {
                  type: 'button', 'class': 'danger small', onclick: function () {
                    api('DELETE', '/api/webhooks/' + s.id).then(load).catch(function (e) { window.alert(t('common.error', { msg: e.message })); });
                  }
                }, t('hooks.stop'))] : null
              ]);
            })) : h('p', { 'class': 'muted' }, t('hooks.noSubs'))
          ]),
          h('section', { 'class': 'card' }, [
            h('h2', null, t('hooks.deliveries')),
            dels.length ? h('div', { 'class': 'table-wrap' }, h('table', { 'class': 'data left', 'data-testid': 'wh-deliveries' }, [
              h('thead', null, h('tr', null, ['#', t('hooks.queued'), t('hooks.event'), t('hooks.alert'), 'URL', t('hooks.attempts'), t('hooks.state'), t('hooks.lastError')]
                .map(function (x) { return h('th', { scope: 'col' }, x); }))),
              h('tbody', null, dels.map(function (d) {
                var st = deliveryState(d);
                return h('tr', { 'class': 'delivery-' + st[0], 'data-testid': 'wh-delivery', 'data-state': st[0] }, [
                  h('td', null, String(d.id)),
                  h('td', null, dateTime(d.created_at)),
                  h('td', null, h('code', null, d.event)),
                  h('td', null, d.alert_id != null ? h('a', { href: '#/alert/' + d.alert_id }, '#' + d.alert_id) : ''),
                  h('td', { 'class': 'url' }, d.url),
                  h('td', null, fmt(d.attempts)),
                  h('td', null, st[1]),
                  h('td', { 'class': 'error-text' }, d.last_error || '')
                ]);
              }))
            ])) : h('p', { 'class': 'muted' }, t('hooks.noDeliveries'))
          ])
        ]);
      }).catch(function (e) {
        clear(body);
        body.appendChild(h('p', { 'class': 'form-error' }, t('common.error', { msg: e.message })));
      });
    }
    load();
  }

  // ---------------------------------------------------------------------------------
  // Boot

  function boot() {
    $('#lang-toggle').addEventListener('click', function () {
      I.setLang(I.lang() === 'fr' ? 'en' : 'fr');
      render();
    });
    $('#logout').addEventListener('click', function () {
      api('POST', '/api/logout', {}, { allow401: true }).catch(function () { /* gone anyway */ }).then(function () {
        S.user = null; S.role = null; S.csrf = null;
        S.areas = { 1: null, 2: null };
        areaNames = null;
        go('login');
      });
    });
    window.addEventListener('hashchange', render);
    window.addEventListener('online', function () { flushOutbox(); });

    var pDemo = api('GET', '/api/demo-info', undefined, { allow401: true })
      .then(function (info) { setDemo(info); return info; })
      .catch(function () { return null; });
    var pMe = api('GET', '/api/me', undefined, { allow401: true })
      .then(function (me) {
        S.user = me.user; S.role = me.role; S.csrf = me.csrf_token;
        if (me.demo !== undefined || me.synthetic_data !== undefined) setDemo(me);
      })
      .catch(function () { S.user = null; });
    Promise.all([pDemo, pMe]).then(function (res) {
      return VigilMap.detectBasemap(Object.assign({}, S.demo || {}, res[0] || {}));
    }).then(function () {
      render();
      if (S.user) flushOutbox();
    });
  }

  window.Vigil = { state: S, t: t, render: render };
  boot();
})();
