// #/users (admin): the accounts, and what an administrator does with them: create,
// disable and enable, change the role, reset the password, log out everywhere. Each
// action calls /api/users (crates/server/src/users_api.rs); the server audits it and
// refuses to let an administrator disable or demote their own account.

import { t, lang, fmt } from '../../i18n/index.js';
import { S } from '../../core/state.js';
import { h, append, clear, field, formFailed, clearErrors, showFieldError, loadError } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { vocab } from '../../core/vocabulary.js';
import { adminTabs } from './common.js';
import { errorText } from '../../core/errors.js';

function roleLabel(code) { return vocab().label('roles', code, lang()); }

function roleSelect(id, value, label) {
  var sel = h('select', { id: id, name: 'role', 'data-testid': id, 'aria-label': label || null },
    vocab().options('roles', lang()).map(function (o) { return h('option', { value: o.value }, o.label); }));
  if (value) sel.value = value;
  return sel;
}

function sessionsEnded(r) { return fmt((r && r.sessions_ended) || 0); }

export function viewUsers(main) {
  var flash = h('p', { 'class': 'success', role: 'status', hidden: true, 'data-testid': 'users-flash' });
  var failure = h('p', { 'class': 'form-error', role: 'alert', hidden: true, 'data-testid': 'users-error' });
  var body = h('div', { 'data-testid': 'users' }, h('p', null, t('common.loading')));

  function said(msg) {
    failure.hidden = true;
    flash.textContent = msg;
    flash.hidden = false;
  }
  function failed(e) {
    flash.hidden = true;
    failure.textContent = errorText(e);
    failure.hidden = false;
  }
  // one action on one account, then the list again
  function act(name, path, payload, message) {
    return api('POST', '/api/users/' + encodeURIComponent(name) + '/' + path, payload || {})
      .then(function (r) { said(message(r)); return load(); })
      .catch(failed);
  }

  var name = h('input', { id: 'nu-name', name: 'name', maxlength: '64', required: true, autocomplete: 'off', 'data-testid': 'nu-name' });
  var role = roleSelect('nu-role', 'reporter');
  var password = h('input', { id: 'nu-password', name: 'password', type: 'password', minlength: '10', required: true, autocomplete: 'new-password', 'data-testid': 'nu-password' });
  var createErr = h('p', { 'class': 'form-error', role: 'alert', hidden: true });
  var create = h('form', { 'class': 'card', novalidate: true, 'data-testid': 'user-create' }, [
    h('h2', null, t('users.create')),
    h('div', { 'class': 'grid' }, [
      field('name', 'users.name', name, { required: true }),
      field('role', 'users.role', role, { required: true }),
      field('password', 'users.password', password, { required: true, hint: t('users.passwordHint') })
    ]),
    createErr,
    h('button', { type: 'submit', 'class': 'primary', 'data-testid': 'nu-submit' }, t('users.createBtn'))
  ]);
  create.addEventListener('submit', function (ev) {
    ev.preventDefault();
    clearErrors(create);
    createErr.hidden = true;
    if (!name.value.trim()) { showFieldError(create, 'name', t('common.required')); return; }
    if (!password.value) { showFieldError(create, 'password', t('common.required')); return; }
    api('POST', '/api/users', { name: name.value.trim(), role: role.value, password: password.value }).then(function (u) {
      name.value = '';
      password.value = '';
      said(t('users.created', { name: u.name, role: roleLabel(u.role) }));
      load();
    }).catch(function (e) { formFailed(create, createErr, e); });
  });

  main.appendChild(h('div', { 'class': 'admin-page' }, [
    adminTabs('users'),
    h('h1', null, t('users.title')),
    h('p', { 'class': 'muted' }, t('users.intro')),
    flash, failure, body, create
  ]));

  function row(u) {
    var you = u.name === S.user;
    var sel = roleSelect('role-' + u.name, u.role, t('users.changeRole', { name: u.name }));
    sel.disabled = you;
    sel.addEventListener('change', function () {
      act(u.name, 'role', { role: sel.value }, function (r) { return t('users.roleMsg', { name: u.name, role: roleLabel(r.role) }); });
    });
    var pw = h('input', { type: 'password', minlength: '10', autocomplete: 'new-password', 'aria-label': t('users.newPassword', { name: u.name }), 'data-testid': 'pw-input' });
    var pwErr = h('span', { 'class': 'field-error', role: 'alert', hidden: true, 'data-testid': 'pw-error' });
    var pwForm = h('form', { 'class': 'inline-form', hidden: true, 'data-testid': 'pw-form' }, [
      pw, ' ', h('button', { type: 'submit', 'class': 'primary small', 'data-testid': 'pw-submit' }, t('users.setPassword')), ' ', pwErr
    ]);
    pwForm.addEventListener('submit', function (ev) {
      ev.preventDefault();
      api('POST', '/api/users/' + encodeURIComponent(u.name) + '/password', { password: pw.value })
        .then(function (r) { said(t('users.passwordMsg', { name: u.name, n: sessionsEnded(r) })); return load(); })
        .catch(function (e) { pwErr.textContent = e.message; pwErr.hidden = false; });
    });
    var buttons = [
      you ? null : (u.disabled
        ? h('button', { type: 'button', 'class': 'secondary small', 'data-testid': 'user-enable', onclick: function () {
          act(u.name, 'enable', null, function () { return t('users.enabledMsg', { name: u.name }); });
        } }, t('users.enable'))
        : h('button', { type: 'button', 'class': 'danger small', 'data-testid': 'user-disable', onclick: function () {
          act(u.name, 'disable', null, function (r) { return t('users.disabledMsg', { name: u.name, n: sessionsEnded(r) }); });
        } }, t('users.disable'))),
      h('button', { type: 'button', 'class': 'secondary small', 'data-testid': 'user-revoke', onclick: function () {
        act(u.name, 'revoke', null, function (r) { return t('users.revokedMsg', { name: u.name, n: sessionsEnded(r) }); });
      } }, t('users.revoke')),
      h('button', { type: 'button', 'class': 'secondary small', 'data-testid': 'user-reset', onclick: function () {
        pwForm.hidden = !pwForm.hidden;
        if (!pwForm.hidden) pw.focus();
      } }, t('users.reset'))
    ];
    return h('tr', { 'data-testid': 'user-row', 'data-user': u.name, 'data-disabled': String(!!u.disabled), 'data-role': u.role }, [
      h('td', null, [h('strong', null, u.name), you ? h('span', { 'class': 'muted' }, ' (' + t('users.you') + ')') : null]),
      h('td', null, sel),
      h('td', { 'data-testid': 'user-state' }, [
        h('span', { 'class': 'astatus ' + (u.disabled ? 'astatus-cancelled' : 'astatus-closed') }, t(u.disabled ? 'users.disabled' : 'users.active')),
        u.restricted_access ? h('span', { 'class': 'muted small' }, ' · ' + t('users.restricted')) : null
      ]),
      h('td', { 'class': 'actions' }, [buttons.filter(Boolean).map(function (b) { return [b, ' ']; }), pwForm])
    ]);
  }

  function load() {
    return api('GET', '/api/users').then(function (res) {
      var users = (res && res.users) || [];
      clear(body);
      append(body, [
        h('p', { 'class': 'muted', 'data-testid': 'users-count' }, t('users.count', { n: fmt(users.length) })),
        h('div', { 'class': 'table-wrap' }, h('table', { 'class': 'data left', 'data-testid': 'users-table' }, [
          h('thead', null, h('tr', null, ['users.name', 'users.role', 'users.state', 'users.actions'].map(function (k) { return h('th', { scope: 'col' }, t(k)); }))),
          h('tbody', null, users.map(row))
        ]))
      ]);
    }).catch(function (e) {
      clear(body);
      body.appendChild(loadError(e));
    });
  }
  load();
}
