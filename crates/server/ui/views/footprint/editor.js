// The scenario list of the footprint page: shipped options (read-only) with "Copy to
// edit" for planners, and planners' copies with an editor: title, the ordered changes
// (remove one, add one: close or open a site, add, move or remove a unit, add a site).
// Saved with PUT /api/footprint/scenarios/{id} and the version it was made on; the
// server refuses a dangling reference, and the error is shown as it says it.

import { t, lang } from '../../i18n/index.js';
import { h, clear, append } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { errorReason } from '../../core/api.js';
import { can } from '../../core/access.js';
import { vocab } from '../../core/vocabulary.js';

function describe(c) {
  var label = vocab().label('footprint_change_types', c.type, lang());
  var bits = [];
  if (c.site && typeof c.site === 'object') bits.push(c.site.id + ' (' + c.site.lat + ', ' + c.site.lon + ')');
  else if (c.site) bits.push(c.site);
  if (c.unit) bits.push((c.count || 1) + ' × ' + vocab().label('footprint_unit_kinds', c.unit, lang()));
  if (c.from) bits.push(c.from + ' → ' + c.to);
  if (c.what) bits.push(c.what);
  if (c.placed_by) bits.push('[' + c.placed_by + ']');
  return label + ': ' + bits.join(' ');
}

function select(testid, options, value) {
  var s = h('select', { 'data-testid': testid });
  options.forEach(function (o) { s.appendChild(h('option', { value: o.value }, o.label)); });
  if (value !== undefined) s.value = value;
  return s;
}

function editor(sc, sites, done) {
  var changes = (sc.changes || []).slice();
  var title = h('input', { type: 'text', value: sc.title, 'data-testid': 'fp-edit-title', size: 60 });
  var list = h('ol', { 'data-testid': 'fp-edit-changes' });
  var msg = h('p', { 'data-testid': 'fp-edit-message', role: 'status' });
  function redraw() {
    clear(list);
    changes.forEach(function (c, i) {
      list.appendChild(h('li', { 'data-type': c.type }, [describe(c), ' ',
        h('button', { type: 'button', 'class': 'link', onclick: function () { changes.splice(i, 1); redraw(); } }, t('fp.remove'))]));
    });
  }
  redraw();
  var siteOpts = sites.map(function (s) { return { value: s, label: s }; });
  var types = ['close_site', 'open_site', 'add_unit', 'move_unit', 'remove_unit', 'add_site'];
  var type = select('fp-change-type', types.map(function (c) { return { value: c, label: vocab().label('footprint_change_types', c, lang()) }; }));
  var site = select('fp-change-site', siteOpts);
  var to = select('fp-change-to', siteOpts);
  var unit = select('fp-change-unit', vocab().options('footprint_unit_kinds', lang()));
  var count = h('input', { type: 'number', min: 1, value: '1', 'data-testid': 'fp-change-count', style: 'width: 4em' });
  var newId = h('input', { type: 'text', 'data-testid': 'fp-new-site-id', size: 12 });
  var newName = h('input', { type: 'text', 'data-testid': 'fp-new-site-name', size: 16 });
  var sector = h('input', { type: 'text', 'data-testid': 'fp-new-site-sector', size: 8, value: 'North' });
  var lat = h('input', { type: 'text', 'data-testid': 'fp-new-site-lat', size: 8 });
  var lon = h('input', { type: 'text', 'data-testid': 'fp-new-site-lon', size: 8 });
  function add() {
    var ty = type.value, c = { type: ty };
    if (ty === 'add_site') {
      c.site = { id: newId.value.trim(), name: newName.value.trim() || newId.value.trim(), kind: 'camp', sector: sector.value.trim(), lat: Number(lat.value), lon: Number(lon.value) };
      sites.push(c.site.id);
      [site, to].forEach(function (s) { s.appendChild(h('option', { value: c.site.id }, c.site.id)); });
    } else if (ty === 'move_unit') {
      c.unit = unit.value; c.from = site.value; c.to = to.value; c.count = Number(count.value) || 1;
    } else if (ty === 'add_unit' || ty === 'remove_unit') {
      c.unit = unit.value; c.site = site.value; c.count = Number(count.value) || 1;
    } else {
      c.site = site.value;
      if (ty === 'close_site') c.action = 'close';
    }
    changes.push(c);
    redraw();
  }
  function save() {
    msg.textContent = '';
    api('PUT', '/api/footprint/scenarios/' + encodeURIComponent(sc.id), { version: sc.version, title: title.value, description: sc.description || '', changes: changes })
      .then(function (v) { msg.className = 'ok'; msg.textContent = t('fp.saved', { v: v.version }); sc.version = v.version; setTimeout(function () { done(sc.id); }, 50); })
      .catch(function (e) { msg.className = 'form-error'; msg.textContent = errorReason(e); });
  }
  return h('div', { 'class': 'fp-editor', 'data-testid': 'fp-editor', 'data-scenario': sc.id }, [
    h('label', null, [t('fp.newTitle'), ' ', title]),
    h('h4', null, t('fp.changes')), list,
    h('fieldset', null, [h('legend', null, t('fp.addChange')),
      h('label', null, [t('fp.changeType'), ' ', type]), ' ',
      h('label', null, [t('fp.site'), ' ', site]), ' ',
      h('label', null, [t('fp.toSite'), ' ', to]), ' ',
      h('label', null, [t('fp.unitKind'), ' ', unit]), ' ',
      h('label', null, [t('fp.count'), ' ', count]), h('br'),
      h('label', null, [t('fp.newSiteId'), ' ', newId]), ' ',
      h('label', null, [t('fp.newSiteName'), ' ', newName]), ' ',
      h('label', null, [t('fp.sector'), ' ', sector]), ' ',
      h('label', null, [t('fp.lat'), ' ', lat]), ' ',
      h('label', null, [t('fp.lon'), ' ', lon]), ' ',
      h('button', { type: 'button', 'data-testid': 'fp-change-add', onclick: add }, t('fp.add'))]),
    h('p', null, [h('button', { type: 'button', 'class': 'primary', 'data-testid': 'fp-edit-save', onclick: save }, t('fp.save')), ' ',
      h('button', { type: 'button', onclick: function () { done(null); } }, t('fp.cancel'))]),
    msg
  ]);
}

/** The scenario list; `reload(focusId)` reloads the page's data. */
export function scenarioList(scenarios, reload) {
  var editing = null;
  var box = h('section', { 'class': 'card', 'data-testid': 'fp-scenarios' });
  var sites = [];
  api('GET', '/api/footprint/sites').then(function (s) { sites = (s.sites || []).map(function (x) { return x.id; }); }).catch(function () { /* the list still shows */ });
  function draw() {
    clear(box);
    append(box, [h('h2', null, t('fp.scenarios')), can('footprint_edit') ? null : h('p', { 'class': 'muted' }, t('fp.noEdit'))]);
    scenarios.forEach(function (sc) {
      var row = h('div', { 'class': 'fp-scenario', 'data-scenario': sc.id }, [
        h('strong', null, sc.id), ' — ', sc.title, ' ',
        h('span', { 'class': 'muted' }, sc.shipped ? '(' + t('fp.shipped') + ')' : sc.based_on ? '(' + t('fp.copyOf', { id: sc.based_on }) + ', v' + sc.version + ')' : '(v' + sc.version + ')')
      ]);
      if (can('footprint_edit')) {
        if (sc.shipped) {
          var id = h('input', { type: 'text', size: 10, 'data-testid': 'fp-copy-id', value: sc.id + '-copy' });
          var ti = h('input', { type: 'text', size: 30, 'data-testid': 'fp-copy-title', value: sc.title + ' (copy)' });
          var err = h('span', { 'class': 'form-error' });
          append(row, [' ', h('details', null, [h('summary', { 'data-testid': 'fp-copy-open' }, t('fp.copy')),
            h('label', null, [t('fp.newId'), ' ', id]), ' ', h('label', null, [t('fp.newTitle'), ' ', ti]), ' ',
            h('button', { type: 'button', 'data-testid': 'fp-copy', onclick: function () {
              api('POST', '/api/footprint/scenarios', { id: id.value.trim(), title: ti.value.trim(), copy_of: sc.id })
                .then(function (v) { reload(v.id); })
                .catch(function (e) { err.textContent = errorReason(e); });
            } }, t('fp.copy')), ' ', err])]);
        } else {
          append(row, [' ', h('button', { type: 'button', 'data-testid': 'fp-edit', onclick: function () { editing = sc.id; draw(); } }, t('fp.edit'))]);
          if (editing === sc.id) row.appendChild(editor(sc, sites.slice(), function (saved) { editing = null; if (saved) reload(saved); else draw(); }));
        }
      }
      box.appendChild(row);
    });
  }
  draw();
  return box;
}
