//! Source-specific extras: the columns of a GED or ACLED file that have no field of
//! their own on an incident (GED's `relid`, `source_article`, `geom_wkt`, …), kept so
//! that an export gives every column back. This module owns how they are stored.
//!
//! PostgreSQL keeps them as a JSON array of strings in `extra`. SQLite packs them into
//! `extra_packed`, because on a laptop the bytes an import writes are its cost: on
//! the benchmark's 1M GED rows the JSON was 40% of the database file, and extending a
//! file costs the kernel more than the copy itself. Most extras repeat (conflict and
//! dyad ids, `source_office`, `region`, `where_coordinates`), so a value seen twice in
//! an import is stored once in `extra_values` and referred to by its id; values that
//! do not repeat (`relid`, `geom_wkt`) stay inline. Either form decodes to the same
//! strings, and the fingerprint is computed from the strings, so a database holding
//! both (rows from before packing, or written by the server as JSON) reads as one.
//!
//! Packed layout, one entry per column of the row's layout, each a LEB128 varint `v`:
//! `v` odd: the value is `extra_values.id = v >> 1`; `v` even: `v >> 1` bytes of
//! UTF-8 follow, the value itself.

use crate::{Result, StoreError};
use std::collections::{HashMap, HashSet};

type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;
type FastSet<K> = HashSet<K, foldhash::fast::FixedState>;

/// Values a column may hold seen once, waiting for a second sighting to be interned.
const SEEN_ONCE_CAP: usize = 8192;
/// After this many lookups in a column, a column that found fewer than one in five
/// of its values interned stops being looked up: its values are (nearly) unique.
const PROBE: u64 = 8192;

/// The import side: gives each value a code, interning values that repeat.
/// Owned by the import's reader thread; new values are handed to the writer with
/// each batch ([`Interner::take_new`]) and inserted in the same transaction.
pub(crate) struct Interner {
    ids: FastMap<Box<str>, i64>,
    next_id: i64,
    cols: Vec<ColumnState>,
    new: Vec<(i64, Box<str>)>,
}

#[derive(Default)]
struct ColumnState {
    /// the previous row's value and its id, when it had one
    last: String,
    last_id: Option<i64>,
    seen_once: FastSet<Box<str>>,
    looked: u64,
    hits: u64,
    inline_only: bool,
}

impl Interner {
    /// Start from the values already stored (`(id, value)`, any order).
    pub(crate) fn new(stored: impl IntoIterator<Item = (i64, String)>) -> Self {
        let mut ids = FastMap::default();
        let mut max = 0;
        for (id, v) in stored {
            max = max.max(id);
            ids.insert(v.into_boxed_str(), id);
        }
        Interner { ids, next_id: max + 1, cols: vec![], new: vec![] }
    }

    /// The packed form of one row's extras.
    pub(crate) fn pack<'a>(&mut self, values: impl ExactSizeIterator<Item = &'a str>) -> Vec<u8> {
        let mut out = Vec::with_capacity(values.len() * 4);
        for (col, v) in values.enumerate() {
            match self.code(col, v) {
                Some(id) => put_varint(&mut out, ((id as u64) << 1) | 1),
                None => {
                    put_varint(&mut out, (v.len() as u64) << 1);
                    out.extend_from_slice(v.as_bytes());
                }
            }
        }
        out
    }

    /// Values interned since the last call, for the writer to store.
    pub(crate) fn take_new(&mut self) -> Vec<(i64, Box<str>)> {
        std::mem::take(&mut self.new)
    }

    /// The id to store for a value of column `col`, or `None` to store it inline.
    fn code(&mut self, col: usize, v: &str) -> Option<i64> {
        // an id takes a byte or two: not worth it for values that short
        if v.len() < 3 {
            return None;
        }
        if col >= self.cols.len() {
            self.cols.resize_with(col + 1, ColumnState::default);
        }
        let c = &mut self.cols[col];
        if c.last_id.is_some() && c.last == v {
            return c.last_id;
        }
        if c.inline_only {
            return None;
        }
        c.looked += 1;
        let id = match self.ids.get(v) {
            Some(&id) => Some(id),
            None if c.seen_once.remove(v) => {
                let id = self.next_id;
                self.next_id += 1;
                self.ids.insert(v.into(), id);
                self.new.push((id, v.into()));
                Some(id)
            }
            None => {
                if c.seen_once.len() < SEEN_ONCE_CAP {
                    c.seen_once.insert(v.into());
                }
                None
            }
        };
        if id.is_some() {
            c.hits += 1;
        } else if c.looked >= PROBE && c.hits * 5 < c.looked {
            c.inline_only = true;
            c.seen_once = FastSet::default();
        }
        c.last.clear();
        c.last.push_str(v);
        c.last_id = id;
        id
    }
}

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(bytes: &[u8], at: &mut usize) -> Option<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes.get(*at)?;
        *at += 1;
        v |= u64::from(b & 0x7f) << shift;
        if b < 0x80 {
            return Some(v);
        }
    }
    None
}

/// The read side: stored values by id.
#[derive(Debug, Default, Clone)]
pub(crate) struct ValueDict {
    values: HashMap<i64, Box<str>>,
    max_id: i64,
}

impl ValueDict {
    pub(crate) fn max_id(&self) -> i64 {
        self.max_id
    }

    pub(crate) fn extend(&mut self, rows: impl IntoIterator<Item = (i64, String)>) {
        for (id, v) in rows {
            self.max_id = self.max_id.max(id);
            self.values.insert(id, v.into_boxed_str());
        }
    }

    /// The values of a packed row, in layout order.
    pub(crate) fn unpack(&self, bytes: &[u8]) -> Result<Vec<String>> {
        let bad = |what: &str| StoreError::Corrupt(format!("packed extras: {what}"));
        let mut out = vec![];
        let mut at = 0;
        while at < bytes.len() {
            let v = get_varint(bytes, &mut at).ok_or_else(|| bad("truncated varint"))?;
            if v & 1 == 1 {
                let id = (v >> 1) as i64;
                out.push(self.values.get(&id).ok_or_else(|| bad(&format!("no stored value {id}")))?.to_string());
            } else {
                let len = (v >> 1) as usize;
                let end = at.checked_add(len).filter(|&e| e <= bytes.len()).ok_or_else(|| bad("value runs past the end"))?;
                let s = std::str::from_utf8(&bytes[at..end]).map_err(|_| bad("value is not UTF-8"))?;
                out.push(s.to_string());
                at = end;
            }
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roundtrip(interner: &mut Interner, dict: &mut ValueDict, row: &[&str]) -> Vec<u8> {
        let packed = interner.pack(row.iter().copied());
        dict.extend(interner.take_new().into_iter().map(|(id, v)| (id, v.into())));
        assert_eq!(dict.unpack(&packed).unwrap(), row, "packed {packed:?}");
        packed
    }

    #[test]
    fn repeated_values_are_stored_once_and_unique_ones_inline() {
        let mut interner = Interner::new([(7, "Government of Mali".to_string())]);
        let mut dict = ValueDict::default();
        dict.extend([(7, "Government of Mali".to_string())]);
        let first = roundtrip(&mut interner, &mut dict, &["MLI-1", "Government of Mali", "SYNTHETIC", ""]);
        // stored value 7 is referred to; the others are new and inline
        assert_eq!(first[0], 5 << 1);
        assert_eq!(&first[6..8], &[(7 << 1) | 1, (9 << 1)]);
        let second = roundtrip(&mut interner, &mut dict, &["MLI-2", "Government of Mali", "SYNTHETIC", "é, \"q\""]);
        // SYNTHETIC seen twice: interned as the next id after the stored ones
        assert_eq!(&second[6..8], &[(7 << 1) | 1, (8 << 1) | 1]);
        let third = roundtrip(&mut interner, &mut dict, &["MLI-3", "Government of Mali", "SYNTHETIC", "é, \"q\""]);
        assert!(third.len() < second.len());
        assert_eq!(dict.max_id(), 9, "SYNTHETIC = 8, é… = 9");
    }

    #[test]
    fn a_column_of_unique_values_stops_being_looked_up() {
        let mut interner = Interner::new([]);
        let mut dict = ValueDict::default();
        for k in 0..(PROBE as usize + 10) {
            let id = format!("relid-{k}");
            roundtrip(&mut interner, &mut dict, &[&id, "region"]);
        }
        assert!(interner.cols[0].inline_only);
        assert!(interner.cols[0].seen_once.is_empty());
        assert!(!interner.cols[1].inline_only);
        assert_eq!(dict.max_id(), 1, "only `region` interned");
    }

    #[test]
    fn long_values_and_large_ids_use_multi_byte_varints() {
        let long = "x".repeat(300);
        let stored: Vec<(i64, String)> = vec![(100_000, "far away".into())];
        let mut interner = Interner::new(stored.clone());
        let mut dict = ValueDict::default();
        dict.extend(stored);
        let packed = roundtrip(&mut interner, &mut dict, &[&long, "far away"]);
        assert_eq!(packed.len(), 2 + 300 + 3);
    }

    #[test]
    fn corrupt_bytes_are_an_error_not_a_panic() {
        let dict = ValueDict::default();
        for bytes in [&[0x80u8][..], &[(5 << 1), b'a'], &[(1 << 1) | 1], &[(2 << 1), 0xff, 0xfe]] {
            assert!(matches!(dict.unpack(bytes), Err(StoreError::Corrupt(_))), "{bytes:?}");
        }
    }
}
