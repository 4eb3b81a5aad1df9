//! The audit key and the checkpoints signed with it.
//!
//! The key never goes into the database: it lives in a file of its own (mode 0600),
//! so someone who can write to the database but cannot read that file cannot make a
//! rewritten audit log verify. A checkpoint records the chain's head (sequence
//! number, head MAC, entry count, time) under the same key; kept away from the
//! database (another disk, a printout, a mail to headquarters) it lets
//! verification notice a log that was cut short or wiped and rebuilt.

use hmac::{KeyInit, Mac};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// Problems with the key file or a checkpoints file, naming the file.
#[derive(Debug, thiserror::Error)]
pub enum AuditKeyError {
    #[error("audit key file {path} does not exist: `vigil serve` creates it on first start; or point [audit] key_file in vigil.toml (or VIGIL_AUDIT_KEY_FILE) at the file the log was written with")]
    Missing { path: PathBuf },
    #[error("audit key file {path}: {message}")]
    Bad { path: PathBuf, message: String },
    #[error("audit key file {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("checkpoints file {path}, line {line}: {message}")]
    BadCheckpoint { path: PathBuf, line: usize, message: String },
    #[error("checkpoints file {path}: {source}")]
    CheckpointIo { path: PathBuf, source: std::io::Error },
}

/// 256 secret bits for HMAC-SHA256. `Debug` does not print them.
#[derive(Clone)]
pub struct AuditKey([u8; 32]);

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(..)")
    }
}

impl AuditKey {
    /// A fresh random key.
    pub fn generate() -> AuditKey {
        use rand::RngCore;
        let mut k = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut k);
        AuditKey(k)
    }

    /// The key from its 64 hex digits (surrounding whitespace ignored).
    pub fn from_hex(text: &str) -> Option<AuditKey> {
        let bytes = hex::decode(text.trim()).ok()?;
        Some(AuditKey(bytes.try_into().ok()?))
    }

    /// Read the key file.
    pub fn load(path: &Path) -> Result<AuditKey, AuditKeyError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(AuditKeyError::Missing { path: path.to_path_buf() })
            }
            Err(source) => return Err(AuditKeyError::Io { path: path.to_path_buf(), source }),
        };
        AuditKey::from_hex(&text).ok_or_else(|| AuditKeyError::Bad {
            path: path.to_path_buf(),
            message: "expected 64 hexadecimal digits (256 bits)".into(),
        })
    }

    /// Read the key file, or create it with a new key (mode 0600, refusing to
    /// overwrite) when it does not exist. Returns whether it was created.
    pub fn load_or_create(path: &Path) -> Result<(AuditKey, bool), AuditKeyError> {
        match AuditKey::load(path) {
            Err(AuditKeyError::Missing { .. }) => {}
            other => return other.map(|k| (k, false)),
        }
        let key = AuditKey::generate();
        let io = |source| AuditKeyError::Io { path: path.to_path_buf(), source };
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

    /// HMAC-SHA256 (hex) of `text`, under a purpose label so a MAC made for one use
    /// (an entry, a row, a checkpoint) is never valid for another.
    pub fn mac(&self, purpose: &str, text: &str) -> String {
        let mut m = <HmacSha256 as KeyInit>::new_from_slice(&self.0).expect("HMAC takes any key length");
        m.update(purpose.as_bytes());
        m.update(&[0]);
        m.update(text.as_bytes());
        hex::encode(m.finalize().into_bytes())
    }
}

/// A signed record of the chain's head at one moment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// The last entry's sequence number.
    pub seq: i64,
    /// The last entry's MAC (the chain value every later entry builds on).
    pub head: String,
    /// How many entries the log held (1..=seq, so equal to seq unless entries were lost before).
    pub count: u64,
    /// When the checkpoint was taken (RFC 3339 UTC).
    pub at: String,
    /// HMAC over the four fields above.
    pub mac: String,
}

impl Checkpoint {
    fn signed_text(seq: i64, head: &str, count: u64, at: &str) -> String {
        serde_json::json!([seq, head, count, at]).to_string()
    }

    pub fn new(key: &AuditKey, seq: i64, head: String, count: u64, at: String) -> Checkpoint {
        let mac = key.mac("checkpoint", &Checkpoint::signed_text(seq, &head, count, &at));
        Checkpoint { seq, head, count, at, mac }
    }

    /// Whether the checkpoint was signed with `key` and not altered since.
    pub fn signed_by(&self, key: &AuditKey) -> bool {
        key.mac("checkpoint", &Checkpoint::signed_text(self.seq, &self.head, self.count, &self.at)) == self.mac
    }

    /// Append this checkpoint as one JSON line to `path` (created if missing).
    pub fn append_to(&self, path: &Path) -> Result<(), AuditKeyError> {
        let io = |source| AuditKeyError::CheckpointIo { path: path.to_path_buf(), source };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let mut f = std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(io)?;
        let line = serde_json::to_string(self).expect("a checkpoint serialises");
        f.write_all(format!("{line}\n").as_bytes()).map_err(io)?;
        f.sync_all().map_err(io)
    }

    /// Every checkpoint in a checkpoints file (one JSON object per line), with its
    /// line number; a line that is not a checkpoint is an error naming the line.
    pub fn read_all(path: &Path) -> Result<Vec<(usize, Checkpoint)>, AuditKeyError> {
        let text = std::fs::read_to_string(path)
            .map_err(|source| AuditKeyError::CheckpointIo { path: path.to_path_buf(), source })?;
        let mut out = vec![];
        for (i, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let cp: Checkpoint = serde_json::from_str(line).map_err(|e| AuditKeyError::BadCheckpoint {
                path: path.to_path_buf(),
                line: i + 1,
                message: e.to_string(),
            })?;
            out.push((i + 1, cp));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_file_is_created_private_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keys/audit.key");
        assert!(matches!(AuditKey::load(&path), Err(AuditKeyError::Missing { .. })));
        let (k1, created) = AuditKey::load_or_create(&path).unwrap();
        assert!(created);
        let (k2, created) = AuditKey::load_or_create(&path).unwrap();
        assert!(!created);
        assert_eq!(k1.mac("x", "y"), k2.mac("x", "y"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        std::fs::write(&path, "not hex").unwrap();
        assert!(AuditKey::load(&path).unwrap_err().to_string().contains("64 hexadecimal digits"));
    }

    #[test]
    fn checkpoint_mac_covers_every_field() {
        let k = AuditKey::generate();
        let cp = Checkpoint::new(&k, 7, "ab".into(), 7, "2026-01-01T00:00:00.000Z".into());
        assert!(cp.signed_by(&k));
        assert!(!cp.signed_by(&AuditKey::generate()));
        for altered in [
            Checkpoint { seq: 6, ..cp.clone() },
            Checkpoint { head: "ac".into(), ..cp.clone() },
            Checkpoint { count: 8, ..cp.clone() },
            Checkpoint { at: "2026-01-02T00:00:00.000Z".into(), ..cp.clone() },
        ] {
            assert!(!altered.signed_by(&k), "{altered:?}");
        }
    }
}
