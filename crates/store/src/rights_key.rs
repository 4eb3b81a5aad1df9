//! The key restricted human-rights records are sealed with (ChaCha20-Poly1305).
//!
//! It never goes into the database: it is read from a key file (64 hex digits, mode
//! 0600) or from an environment variable, both named in vigil.toml (`[rights]
//! key_file` / `key_env`). The database keeps only a fingerprint (an HMAC of a fixed
//! label under the key), so a wrong key is refused by name at start instead of
//! failing on the first record; a missing key is an error, never an empty field.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Nonce};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum RightsKeyError {
    #[error("human-rights key file {path} does not exist: restricted records (victims, witnesses, sources, investigation files) cannot be read or written without the key they were sealed with; point [rights] key_file in vigil.toml (or VIGIL_RIGHTS_KEY_FILE) at it")]
    Missing { path: PathBuf },
    #[error("human-rights key variable {var} is not set (named by [rights] key_env in vigil.toml)")]
    MissingVar { var: String },
    #[error("human-rights key {origin}: expected 64 hexadecimal digits (256 bits)")]
    Bad { origin: String },
    #[error("human-rights key file {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
}

/// 256 secret bits. `Debug` does not print them.
#[derive(Clone)]
pub struct RightsKey([u8; 32]);

impl std::fmt::Debug for RightsKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RightsKey(..)")
    }
}

impl RightsKey {
    pub fn generate() -> RightsKey {
        use rand::RngCore;
        let mut k = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut k);
        RightsKey(k)
    }

    pub fn from_hex(text: &str) -> Option<RightsKey> {
        let bytes = hex::decode(text.trim()).ok()?;
        Some(RightsKey(bytes.try_into().ok()?))
    }

    /// From a key file.
    pub fn load(path: &Path) -> Result<RightsKey, RightsKeyError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(RightsKeyError::Missing { path: path.to_path_buf() })
            }
            Err(source) => return Err(RightsKeyError::Io { path: path.to_path_buf(), source }),
        };
        RightsKey::from_hex(&text).ok_or_else(|| RightsKeyError::Bad { origin: format!("file {}", path.display()) })
    }

    /// From the environment variable `var`.
    pub fn from_env(var: &str) -> Result<RightsKey, RightsKeyError> {
        let text = std::env::var(var).map_err(|_| RightsKeyError::MissingVar { var: var.into() })?;
        RightsKey::from_hex(&text).ok_or_else(|| RightsKeyError::Bad { origin: format!("variable {var}") })
    }

    /// Read the key file, or create it (0600, never overwriting) when it does not
    /// exist. Whether a new key may be made is the store's decision (see
    /// [`crate::Store::attach_rights_key`]: not when sealed records exist).
    pub fn load_or_create(path: &Path) -> Result<(RightsKey, bool), RightsKeyError> {
        match RightsKey::load(path) {
            Err(RightsKeyError::Missing { .. }) => {}
            other => return other.map(|k| (k, false)),
        }
        let key = RightsKey::generate();
        let io = |source| RightsKeyError::Io { path: path.to_path_buf(), source };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(path).map_err(io)?;
        f.write_all(format!("{}\n", hex::encode(key.0)).as_bytes()).map_err(io)?;
        f.sync_all().map_err(io)?;
        Ok((key, true))
    }

    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// What the database keeps to recognise the key.
    pub fn fingerprint(&self) -> String {
        use hmac::{KeyInit as _, Mac};
        let mut m = <hmac::Hmac<sha2::Sha256>>::new_from_slice(&self.0).expect("HMAC takes any key length");
        m.update(b"vigil-rights-key-fingerprint");
        hex::encode(&m.finalize().into_bytes()[..16])
    }

    fn cipher(&self) -> ChaCha20Poly1305 {
        ChaCha20Poly1305::new_from_slice(&self.0).expect("a 32-byte key")
    }

    /// Seal `plain` bound to `aad` (what the record is): (nonce hex, ciphertext hex).
    pub fn seal(&self, aad: &str, plain: &[u8]) -> (String, String) {
        use rand::RngCore;
        let mut n = [0u8; 12];
        rand::rngs::OsRng.fill_bytes(&mut n);
        let ct = self
            .cipher()
            .encrypt(&Nonce::from(n), Payload { msg: plain, aad: aad.as_bytes() })
            .expect("ChaCha20-Poly1305 encrypts any message of this size");
        (hex::encode(n), hex::encode(ct))
    }

    /// Open a sealed record; `None` when the key, the record or its binding is wrong.
    pub fn open(&self, aad: &str, nonce_hex: &str, sealed_hex: &str) -> Option<Vec<u8>> {
        let n: [u8; 12] = hex::decode(nonce_hex).ok()?.try_into().ok()?;
        let ct = hex::decode(sealed_hex).ok()?;
        self.cipher().decrypt(&Nonce::from(n), Payload { msg: &ct, aad: aad.as_bytes() }).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_records_open_only_with_their_key_and_binding() {
        let k = RightsKey::generate();
        let (n, ct) = k.seal("victim/case/1", b"Synthetic Name");
        assert!(!ct.contains(&hex::encode("Synthetic")));
        assert_eq!(k.open("victim/case/1", &n, &ct).as_deref(), Some(&b"Synthetic Name"[..]));
        assert_eq!(k.open("victim/case/2", &n, &ct), None, "moved to another case");
        assert_eq!(RightsKey::generate().open("victim/case/1", &n, &ct), None, "another key");
        assert_ne!(k.fingerprint(), RightsKey::generate().fingerprint());
        assert_eq!(RightsKey::from_hex(&k.to_hex()).unwrap().fingerprint(), k.fingerprint());
    }

    #[test]
    fn key_file_created_private_and_env_key_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("hr.key");
        assert!(matches!(RightsKey::load(&p), Err(RightsKeyError::Missing { .. })));
        let (k, made) = RightsKey::load_or_create(&p).unwrap();
        assert!(made);
        assert_eq!(RightsKey::load(&p).unwrap().fingerprint(), k.fingerprint());
        assert!(RightsKey::from_env("VIGIL_TEST_NO_SUCH_VAR_HR")
            .unwrap_err()
            .to_string()
            .contains("VIGIL_TEST_NO_SUCH_VAR_HR"));
    }
}
