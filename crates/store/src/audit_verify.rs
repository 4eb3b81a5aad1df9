//! Checking the audit log: the keyed chain, signed checkpoints of its head, and the
//! audited state of rows. Pure functions over the stored entries, so every kind of
//! tampering has a unit test without a database.

use crate::audit::{entry_mac, EntryRow, GENESIS};
use crate::audit_key::{AuditKey, Checkpoint};
use serde::Serialize;
use std::collections::HashMap;

/// What verification found wrong, naming the entry, checkpoint or row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Tamper {
    /// The entry does not carry a valid MAC for its content.
    Edited { seq: i64 },
    /// Entries with these sequence numbers are missing.
    Removed { first: i64, last: i64 },
    /// Two entries trade places: each is intact but sits where the other belongs.
    Swapped { first: i64, second: i64 },
    /// The entry is intact but sits away from where its chain link puts it.
    Reordered { seq: i64 },
    /// The entry does not chain to the one before it, and to no other stored entry.
    ChainBroken { seq: i64 },
    /// The head (last seq and MAC) disagrees with the last stored entry.
    Head { head_seq: i64, last_seq: i64 },
    /// A checkpoint whose MAC is not this key's (forged, altered, or another log's).
    CheckpointUnsigned { line: usize },
    /// A checkpoint's head entry is gone or different: the log was cut short, wiped
    /// and rebuilt, or rewritten.
    CheckpointMissing { line: usize, seq: i64, last_seq: i64 },
    /// The entry a checkpoint names is there but is not the entry it signed.
    CheckpointDiffers { line: usize, seq: i64 },
    /// A checkpoint counted a different number of entries up to its head.
    CheckpointCount { line: usize, seq: i64, signed: u64, found: u64 },
    /// A report or incident row differs from its last audited state.
    RowChanged { entity: String },
    /// A report or restricted incident row that no audit entry accounts for.
    RowUnaudited { entity: String },
}

impl std::fmt::Display for Tamper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Tamper::Edited { seq } => write!(
                f,
                "entry {seq} was edited or forged: its MAC does not match its content under the audit key"
            ),
            Tamper::Removed { first, last } if first == last => write!(f, "entry {first} was removed"),
            Tamper::Removed { first, last } => write!(f, "entries {first} to {last} were removed"),
            Tamper::Swapped { first, second } => write!(f, "entries {first} and {second} were swapped"),
            Tamper::Reordered { seq } => {
                write!(f, "entry {seq} was reordered: it is intact but chained to a different entry than the one before it")
            }
            Tamper::ChainBroken { seq } => write!(
                f,
                "entry {seq} does not follow from the entry before it: an entry before {seq} was removed and the numbers closed up, or the previous entry was rewritten"
            ),
            Tamper::Head { head_seq, last_seq } => write!(
                f,
                "the chain head says the last entry is {head_seq} but the last stored entry is {last_seq}{}",
                if head_seq > last_seq { ": the last entries were removed" } else { "" }
            ),
            Tamper::CheckpointUnsigned { line } => {
                write!(f, "checkpoint on line {line} is not signed with this audit key (forged, altered, or another log's)")
            }
            Tamper::CheckpointMissing { line, seq, last_seq } => write!(
                f,
                "checkpoint on line {line} signed entry {seq} as the head, but the log has no entry {seq} (it ends at {last_seq}): entries were removed and the head reset"
            ),
            Tamper::CheckpointDiffers { line, seq } => write!(
                f,
                "checkpoint on line {line} signed entry {seq}, but the stored entry {seq} is a different one: the log was rewritten up to there"
            ),
            Tamper::CheckpointCount { line, seq, signed, found } => write!(
                f,
                "checkpoint on line {line} counted {signed} entries up to {seq}, the log now holds {found}"
            ),
            Tamper::RowChanged { entity } => {
                write!(f, "{entity} differs from its last audited state: changed outside the application")
            }
            Tamper::RowUnaudited { entity } => {
                write!(f, "{entity} has no audit entry: written outside the application")
            }
        }
    }
}

/// The result of recomputing the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditVerification {
    pub entries: u64,
    /// The last stored entry (0 and GENESIS for an empty log).
    pub last_seq: i64,
    pub last_hash: String,
    /// How many checkpoints were checked.
    pub checkpoints: usize,
    pub problems: Vec<Tamper>,
}

impl AuditVerification {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

fn mac_ok(key: &AuditKey, r: &EntryRow) -> bool {
    entry_mac(key, &r.7, &r.1, &r.2, &r.3, &r.4, r.5.as_deref(), r.6.as_deref(), r.9.as_deref()) == r.8
}

/// Check the chain: every entry's MAC, the sequence, the links, and the head row.
///
/// Where each entry belongs is found by following the links from the first entry
/// (an entry's successor is the one naming its MAC as `prev_hash`); entries whose
/// place by link differs from their stored number are the reordered ones, and two
/// that trade places are reported as one swap.
pub(crate) fn verify_rows(key: &AuditKey, rows: &[EntryRow], head: (i64, String)) -> AuditVerification {
    let n = rows.len();
    let intact: Vec<bool> = rows.iter().map(|r| mac_ok(key, r)).collect();
    let mut successors: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, r) in rows.iter().enumerate() {
        successors.entry(r.7.as_str()).or_default().push(i);
    }
    // place by link: each segment starts at an entry whose predecessor is not stored
    // (the first entry, at place 1, or the one after a removal, at its own number) and
    // is walked along the links; what no start reaches (a forged cycle) keeps its number.
    let hashes: std::collections::HashSet<&str> = rows.iter().map(|r| r.8.as_str()).collect();
    let starts = (0..n).filter(|&i| !hashes.contains(rows[i].7.as_str())).chain(0..n);
    let mut place = vec![0i64; n];
    let mut seen = vec![false; n];
    for start in starts {
        if seen[start] {
            continue;
        }
        let first = if rows[start].7 == GENESIS { 1 } else { rows[start].0 };
        let (mut cur, mut at) = (start, first);
        loop {
            seen[cur] = true;
            place[cur] = at;
            let next = successors.get(rows[cur].8.as_str()).and_then(|v| v.iter().copied().find(|&j| !seen[j]));
            match next {
                Some(j) => {
                    cur = j;
                    at += 1;
                }
                None => break,
            }
        }
    }
    let misplaced: Vec<usize> = (0..n).filter(|&i| place[i] != rows[i].0).collect();
    let mut problems = vec![];
    let mut prev_seq = 0i64;
    let mut expected_prev = GENESIS;
    for (i, r) in rows.iter().enumerate() {
        if r.0 != prev_seq + 1 {
            problems.push(Tamper::Removed { first: prev_seq + 1, last: r.0 - 1 });
        } else if r.7 != expected_prev
            && !misplaced.contains(&i)
            && !(i > 0 && (misplaced.contains(&(i - 1)) || !intact[i - 1]))
        {
            problems.push(Tamper::ChainBroken { seq: r.0 });
        }
        if !intact[i] {
            problems.push(Tamper::Edited { seq: r.0 });
        }
        expected_prev = &r.8;
        prev_seq = r.0;
    }
    match misplaced.as_slice() {
        [a, b] if place[*a] == rows[*b].0 && place[*b] == rows[*a].0 => {
            problems.push(Tamper::Swapped { first: rows[*a].0, second: rows[*b].0 })
        }
        m => problems.extend(m.iter().map(|&i| Tamper::Reordered { seq: rows[i].0 })),
    }
    if head.0 != prev_seq || (head.1 != expected_prev && n > 0) {
        problems.push(Tamper::Head { head_seq: head.0, last_seq: prev_seq });
    }
    AuditVerification {
        entries: n as u64,
        last_seq: prev_seq,
        last_hash: expected_prev.to_string(),
        checkpoints: 0,
        problems,
    }
}

/// Check the log against signed checkpoints of its head.
pub(crate) fn verify_checkpoints(key: &AuditKey, rows: &[EntryRow], checkpoints: &[(usize, Checkpoint)]) -> Vec<Tamper> {
    let by_seq: HashMap<i64, &EntryRow> = rows.iter().map(|r| (r.0, r)).collect();
    let last_seq = rows.last().map(|r| r.0).unwrap_or(0);
    let mut problems = vec![];
    for (line, cp) in checkpoints {
        let line = *line;
        if !cp.signed_by(key) {
            problems.push(Tamper::CheckpointUnsigned { line });
            continue;
        }
        if cp.seq == 0 {
            continue;
        }
        match by_seq.get(&cp.seq) {
            None => problems.push(Tamper::CheckpointMissing { line, seq: cp.seq, last_seq }),
            Some(r) if r.8 != cp.head => problems.push(Tamper::CheckpointDiffers { line, seq: cp.seq }),
            Some(_) => {
                let found = rows.iter().filter(|r| r.0 <= cp.seq).count() as u64;
                if found != cp.count {
                    problems.push(Tamper::CheckpointCount { line, seq: cp.seq, signed: cp.count, found });
                }
            }
        }
    }
    problems
}

/// The last audited row state of each tracked entity. Entries that fail their MAC
/// count too: they are reported as such, and a row MAC cannot be made without the key.
pub(crate) fn last_row_states(rows: &[EntryRow]) -> HashMap<String, String> {
    let mut out = HashMap::new();
    for r in rows {
        if let Some(m) = &r.9 {
            out.insert(r.4.clone(), m.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(key: &AuditKey, n: usize) -> Vec<EntryRow> {
        let mut prev = GENESIS.to_string();
        (1..=n as i64)
            .map(|seq| {
                let at = format!("2024-01-0{seq}T00:00:00.000Z");
                let after = Some(format!("{{\"n\":{seq}}}"));
                let hash = entry_mac(key, &prev, &at, "ana", "create", "report/1", None, after.as_deref(), None);
                let row = (seq, at, "ana".into(), "create".into(), "report/1".into(), None, after, prev.clone(), hash.clone(), None);
                prev = hash;
                row
            })
            .collect()
    }

    fn head(rows: &[EntryRow]) -> (i64, String) {
        rows.last().map(|r| (r.0, r.8.clone())).unwrap_or((0, GENESIS.into()))
    }

    #[test]
    fn intact_chain_verifies() {
        let k = AuditKey::generate();
        let rows = chain(&k, 5);
        assert!(verify_rows(&k, &rows, head(&rows)).ok());
        assert!(verify_rows(&k, &[], (0, GENESIS.into())).ok());
        // the same log under another key is all forged
        assert_eq!(verify_rows(&AuditKey::generate(), &rows, head(&rows)).problems.len(), 5);
    }

    #[test]
    fn edit_remove_swap_are_named() {
        let k = AuditKey::generate();
        let good = chain(&k, 5);
        let h = head(&good);
        let mut edited = good.clone();
        edited[2].6 = Some("{\"n\":99}".into());
        assert_eq!(verify_rows(&k, &edited, h.clone()).problems, vec![Tamper::Edited { seq: 3 }]);

        let mut removed = good.clone();
        removed.remove(2);
        assert_eq!(verify_rows(&k, &removed, h.clone()).problems, vec![Tamper::Removed { first: 3, last: 3 }]);

        for (a, b) in [(1usize, 2usize), (0, 4), (3, 4)] {
            let mut swapped = good.clone();
            let (ra, rb) = (swapped[a].clone(), swapped[b].clone());
            swapped[a] = (ra.0, rb.1, rb.2, rb.3, rb.4, rb.5, rb.6, rb.7, rb.8, rb.9);
            swapped[b] = (rb.0, ra.1, ra.2, ra.3, ra.4, ra.5, ra.6, ra.7, ra.8, ra.9);
            let hs = head(&swapped);
            let p = verify_rows(&k, &swapped, hs).problems;
            assert_eq!(p, vec![Tamper::Swapped { first: a as i64 + 1, second: b as i64 + 1 }], "swap {a} {b}");
        }

        let mut tail = good.clone();
        tail.pop();
        assert_eq!(verify_rows(&k, &tail, h).problems, vec![Tamper::Head { head_seq: 5, last_seq: 4 }]);
    }

    #[test]
    fn checkpoints_catch_a_cut_and_a_rebuild() {
        let k = AuditKey::generate();
        let good = chain(&k, 5);
        let cp = Checkpoint::new(&k, 4, good[3].8.clone(), 4, "2024-02-01T00:00:00.000Z".into());
        assert!(verify_checkpoints(&k, &good, &[(1, cp.clone())]).is_empty());
        assert_eq!(
            verify_checkpoints(&k, &good[..2], &[(1, cp.clone())]),
            vec![Tamper::CheckpointMissing { line: 1, seq: 4, last_seq: 2 }]
        );
        let other = chain(&AuditKey::generate(), 5);
        assert_eq!(verify_checkpoints(&k, &other, &[(3, cp.clone())]), vec![Tamper::CheckpointDiffers { line: 3, seq: 4 }]);
        let forged = Checkpoint { seq: 2, ..cp };
        assert_eq!(verify_checkpoints(&k, &good, &[(2, forged)]), vec![Tamper::CheckpointUnsigned { line: 2 }]);
    }
}
