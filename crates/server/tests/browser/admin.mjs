// Browser test of the administration pages (issue #15 "accounts and audit on screen"),
// driven with playwright-core in Debian's chromium. Started by
// crates/server/tests/browser.rs (`admin_manages_accounts_and_reads_the_audit_log`).
//
// Environment: as e2e.mjs, plus VIGIL_ADMIN (user:password).
// VIGIL_SCREENSHOTS (a directory) → users.png, audit.png there.
//
// The story, checked through what the people involved see:
//  1. an administrator opens Administration: the accounts are listed, their own row
//     has no disable button and a locked role;
//  2. creates an account with too short a password (refused under the field), then
//     right; the new person logs in;
//  3. changes its role (the new role shows), logs it out everywhere (its open page
//     goes back to the login), disables it (its login is refused), enables it again;
//  4. resets its password: the old one is refused, the new one works;
//  5. opens the audit log, filters it to the new account's record and sees each change
//     by the administrator; verifies the log (intact), and reads the page in French.

import { BASE, SHOTS, check, creds, stepLog, newPage, login, text, fullShot, run } from './lib.mjs';

const ADMIN = creds('VIGIL_ADMIN');
const NEW = { user: 'agent.' + Date.now().toString(36), pass: 'first-password-123' };
const NEW_PASS = 'second-password-456';

const log = stepLog('admin');

// Try to log in; true when the app opens, false when the login page refuses.
async function tryLogin(page, who) {
  await page.goto(BASE + '/#/login');
  await page.waitForSelector('#login-form');
  await page.fill('#login-username', who.user);
  await page.fill('#login-password', who.pass);
  await page.click('#login-submit');
  const r = await Promise.race([
    page.waitForSelector('[data-testid="whoami"]').then(() => true),
    page.waitForSelector('[data-testid="login-error"]:not([hidden])').then(() => false)
  ]);
  return r;
}

async function main(browser) {
  const { page } = await newPage(browser, { width: 1280, height: 900 });
  await login(page, ADMIN);
  await page.click('[data-testid="nav-users"]');
  await page.waitForSelector('[data-testid="users-table"]');
  const names = await page.locator('[data-testid="user-row"]').evaluateAll((rs) => rs.map((r) => r.dataset.user));
  for (const u of ['reporter', 'analyst', 'responder', 'admin']) check(names.includes(u), `account ${u} listed: ${names}`);
  const own = page.locator(`[data-testid="user-row"][data-user="${ADMIN.user}"]`);
  check(await own.locator('[data-testid="user-disable"]').count() === 0, 'no disable button on your own account');
  check(await own.locator('select').isDisabled(), 'your own role cannot be changed here');
  log(`${names.length} accounts listed; your own cannot be disabled or demoted`);

  // create: too short a password first
  await page.fill('[data-testid="nu-name"]', NEW.user);
  await page.selectOption('[data-testid="nu-role"]', 'reporter');
  await page.fill('[data-testid="nu-password"]', 'short');
  await page.click('[data-testid="nu-submit"]');
  const pwErr = page.locator('[data-testid="user-create"] [data-testid="error-password"]');
  await pwErr.waitFor({ state: 'visible' });
  check(/at least 10/.test(await text(pwErr)), `a short password is refused under its field: ${await text(pwErr)}`);
  await page.fill('[data-testid="nu-password"]', NEW.pass);
  await page.click('[data-testid="nu-submit"]');
  await page.locator('[data-testid="users-flash"]', { hasText: `Account ${NEW.user} created` }).waitFor();
  const row = page.locator(`[data-testid="user-row"][data-user="${NEW.user}"]`);
  await row.waitFor();
  check(await row.getAttribute('data-role') === 'reporter', 'the new account is a reporter');
  log(`account ${NEW.user} created (a short password was refused first)`);

  const other = await newPage(browser, { width: 800, height: 700 });
  check(await tryLogin(other.page, NEW), 'the new account logs in');

  // role
  await row.locator('select').selectOption('analyst');
  await page.locator('[data-testid="users-flash"]', { hasText: `${NEW.user} is now` }).waitFor();
  await page.waitForSelector(`[data-testid="user-row"][data-user="${NEW.user}"][data-role="analyst"]`);
  log('role changed to analyst');

  // log out everywhere: the other page's session ends
  await row.locator('[data-testid="user-revoke"]').click();
  await page.locator('[data-testid="users-flash"]', { hasText: 'logged out everywhere; 1 session' }).waitFor();
  await other.page.goto(BASE + '/#/map');
  await other.page.reload();
  await other.page.waitForSelector('#login-form');
  log('logged out everywhere: the open session went back to the login page');

  // disable, then enable
  await row.locator('[data-testid="user-disable"]').click();
  await page.waitForSelector(`[data-testid="user-row"][data-user="${NEW.user}"][data-disabled="true"]`);
  check(!(await tryLogin(other.page, NEW)), 'a disabled account cannot log in');
  await page.locator(`[data-testid="user-row"][data-user="${NEW.user}"] [data-testid="user-enable"]`).click();
  await page.waitForSelector(`[data-testid="user-row"][data-user="${NEW.user}"][data-disabled="false"]`);
  log('disabled (login refused), then enabled');

  // reset the password
  await row.locator('[data-testid="user-reset"]').click();
  await row.locator('[data-testid="pw-input"]').fill(NEW_PASS);
  await row.locator('[data-testid="pw-submit"]').click();
  await page.locator('[data-testid="users-flash"]', { hasText: `Password of ${NEW.user} reset` }).waitFor();
  check(!(await tryLogin(other.page, NEW)), 'the old password is refused');
  check(await tryLogin(other.page, { user: NEW.user, pass: NEW_PASS }), 'the new password works');
  log('password reset: the old one is refused, the new one works');
  if (SHOTS) await fullShot(page, 'users.png');

  // the audit log
  await page.click('[data-testid="tab-audit"]');
  await page.waitForSelector('[data-testid="audit-table"]');
  const created = page.locator(`[data-testid="audit-row"][data-action="create"][data-actor="${ADMIN.user}"]`);
  check(await created.count() >= 1, 'the account creation is in the log, by the admin');
  const entity = await created.last().getAttribute('data-entity');
  await page.fill('[data-testid="audit-entity"]', entity);
  await page.press('[data-testid="audit-entity"]', 'Enter');
  await page.waitForFunction((e) => {
    const rows = Array.from(document.querySelectorAll('[data-testid="audit-row"]'));
    return rows.length > 0 && rows.every((r) => r.dataset.entity.includes(e));
  }, entity);
  const actions = await page.locator('[data-testid="audit-row"]').evaluateAll((rs) => rs.map((r) => r.dataset.action + ':' + r.dataset.actor));
  for (const a of ['create', 'change_role', 'revoke_sessions', 'disable', 'enable', 'reset_password']) {
    check(actions.some((x) => x === a + ':' + ADMIN.user), `"${a}" by ${ADMIN.user} is in ${entity}'s log: ${actions.join(', ')}`);
  }
  check(actions.some((x) => x.startsWith('login:' + NEW.user)), `the new account's logins are in its log: ${actions.join(', ')}`);
  log(`the log of ${entity}: ${actions.join(', ')}`);
  await page.selectOption('[data-testid="audit-actor"]', NEW.user);
  await page.waitForFunction((u) => {
    const rows = Array.from(document.querySelectorAll('[data-testid="audit-row"]'));
    return rows.length > 0 && rows.every((r) => r.dataset.actor === u);
  }, NEW.user);
  log('filtered by who');

  await page.click('[data-testid="audit-verify"]');
  const verdict = page.locator('[data-testid="audit-verdict"][data-ok]');
  await verdict.waitFor();
  check(await verdict.getAttribute('data-ok') === 'true', `the log verifies: ${await text(verdict)}`);
  check(/The log is intact: [\d,]+ entries checked/.test(await text(verdict)), `the verdict reads: ${await text(verdict)}`);
  log(await text(verdict));
  if (SHOTS) await fullShot(page, 'audit.png');

  await page.click('[data-testid="lang-toggle"]');
  await page.waitForSelector('h1:text("Journal d\'audit")');
  check((await text(page.locator('[data-testid="tab-users"]'))) === 'Comptes', 'the tabs are in French');
  await page.click('[data-testid="tab-users"]');
  await page.waitForSelector('h1:text("Comptes")');
  check((await text(page.locator(`[data-testid="user-row"][data-user="${NEW.user}"] [data-testid="user-state"]`))).includes('actif'), 'the state is in French');
  await page.click('[data-testid="lang-toggle"]');
  log('the pages read in French');
}

run('admin', main);
