// #/webhooks (admin): webhook subscriptions and their recent deliveries, failures
// included.

import { t, fmt } from '../../i18n/index.js';
import { h, append, clear, field, formFailed, clearErrors, showFieldError } from '../../core/dom.js';
import { api } from '../../core/client.js';
import { dateTime } from '../../core/format.js';
import { alertTabs } from './common.js';
import { errorText } from '../../core/errors.js';

function deliveryState(d) {
  if (d.delivered_at) return ['delivered', t('hooks.delivered')];
  if (d.failed_at) return ['failed', t('hooks.failed')];
  if (d.attempts > 0) return ['retrying', t('hooks.retrying') + ' · ' + t('hooks.next', { t: dateTime(d.next_attempt_at) })];
  return ['pending', t('hooks.pending')];
}

export function viewWebhooks(main) {
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
                  api('DELETE', '/api/webhooks/' + s.id).then(load).catch(function (e) { window.alert(errorText(e)); });
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
      body.appendChild(h('p', { 'class': 'form-error' }, errorText(e)));
    });
  }
  load();
}
