//! Device cookies (OWASP "Slow down online guessing attacks with device cookies"):
//! a browser that once logged in to an account with the right password holds a
//! cookie naming that account, so a later login from it is throttled per device
//! instead of per address. One person guessing behind a field office's NAT then
//! locks out only attempts without the cookie, not the colleague who owns the
//! account and has logged in from that browser before.
//!
//! The value is `<account id>.<nonce>.<mac>`, the MAC being HMAC-SHA256 under the
//! audit key with its own purpose label over `<account id>.<nonce>`. Nothing is stored
//! when a cookie is issued: a cookie is valid when its MAC is. The attempt counter
//! of a device is kept in `login_attempts` under `device:<sha256 of the nonce>`, so
//! the database never holds the nonce itself and a counter row is not a cookie.

use crate::audit::sha256_hex;
use crate::audit_key::AuditKey;

/// The HMAC purpose label; a MAC made for the audit chain is never a device cookie.
const PURPOSE: &str = "vigil device cookie v1";

/// How long a browser keeps a device cookie.
pub const DEVICE_COOKIE_MAX_AGE_DAYS: i64 = 365;

/// Cookie names start with this, followed by the account id, so a shared phone
/// keeps one per account that logged in on it.
pub const DEVICE_COOKIE_PREFIX: &str = "vigil_device_";

/// A new device cookie value for account `user_id`.
pub fn issue(key: &AuditKey, user_id: i64) -> String {
    let nonce = crate::accounts::random_token();
    let signed = format!("{user_id}.{nonce}");
    let mac = key.mac(PURPOSE, &signed);
    format!("{signed}.{mac}")
}

/// If `cookie` is a device cookie this server issued for account `user_id`, the
/// `login_attempts` client key that counts this device's attempts.
pub fn attempt_key(key: &AuditKey, user_id: i64, cookie: &str) -> Option<String> {
    let (signed, mac) = cookie.rsplit_once('.')?;
    let (id, nonce) = signed.split_once('.')?;
    if id.parse::<i64>().ok()? != user_id || nonce.len() != 64 {
        return None;
    }
    let want = key.mac(PURPOSE, signed);
    let same = want.len() == mac.len() && want.bytes().zip(mac.bytes()).fold(0u8, |a, (x, y)| a | (x ^ y)) == 0;
    same.then(|| format!("device:{}", sha256_hex(nonce.as_bytes())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_servers_cookie_for_this_account_counts() {
        let key = AuditKey::generate();
        let c = issue(&key, 7);
        let k = attempt_key(&key, 7, &c).expect("own cookie");
        assert!(k.starts_with("device:") && !k.contains(c.split('.').nth(1).unwrap()));
        assert_eq!(attempt_key(&key, 8, &c), None, "another account");
        assert_eq!(attempt_key(&AuditKey::generate(), 7, &c), None, "another key");
        let forged = c.replacen("7.", "8.", 1);
        assert_eq!(attempt_key(&key, 8, &forged), None, "id changed, MAC kept");
        assert_eq!(attempt_key(&key, 7, "7"), None);
        assert_ne!(issue(&key, 7), c, "a new nonce each time");
    }
}
