// What the administration pages share: their tabs (accounts, audit log, webhooks).

import { t } from '../../i18n/index.js';
import { h } from '../../core/dom.js';

export function adminTabs(active) {
  var tabs = [['users', 'admin.tabUsers'], ['audit', 'admin.tabAudit'], ['webhooks', 'admin.tabWebhooks']];
  return h('nav', { 'class': 'tabs', 'aria-label': t('nav.admin'), 'data-testid': 'admin-tabs' }, tabs.map(function (x) {
    return h('a', { href: '#/' + x[0], 'class': active === x[0] ? 'active' : null, 'aria-current': active === x[0] ? 'page' : null, 'data-testid': 'tab-' + x[0] }, t(x[1]));
  }));
}
