// #/login: user name and password; 401 and 429 (rate limit) get their own messages.
// After login the user's own waiting reports are sent.

import { t } from '../../i18n/index.js';
import { S } from '../../core/state.js';
import { h } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { ApiError } from '../../core/api.js';
import { go } from '../../core/router.js';
import { defaultRoute } from '../../core/access.js';
import { setDemo } from '../../core/chrome.js';
import { flushOutbox } from '../reports/outbox.js';

export function viewLogin(main) {
  const err = h('p', { 'class': 'form-error', role: 'alert', 'data-testid': 'login-error', hidden: true });
  const user = h('input', { id: 'login-username', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const pass = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const btn = h('button', { type: 'submit', id: 'login-submit', 'class': 'primary' }, t('login.submit'));
  const form = h('form', { 'class': 'card login-card', id: 'login-form', novalidate: true }, [
    h('h1', null, t('login.title')),
    h('div', { 'class': 'field' }, [h('label', { 'for': 'login-username' }, t('login.username')), user]),
    h('div', { 'class': 'field' }, [h('label', { 'for': 'login-password' }, t('login.password')), pass]),
    err,
    btn
  ]);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    err.hidden = true;
    btn.disabled = true;
    api('POST', '/api/login', { username: user.value.trim(), password: pass.value }, { allow401: true })
      .then((res) => {
        S.user = res.user || user.value.trim();
        S.role = res.role;
        S.csrf = res.csrf_token;
        if (res.demo !== undefined || res.synthetic_data !== undefined) setDemo(res);
        const back = S.returnTo;
        S.returnTo = null;
        if (back && back.indexOf('#/login') !== 0) location.hash = back;
        else go(defaultRoute());
        flushOutbox();
      })
      .catch((e) => {
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
  setTimeout(() => user.focus(), 0);
}
