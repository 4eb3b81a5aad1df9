//! The ids of one file read so far, to refuse an id that appears twice.
//!
//! A GED release has about 400,000 ids today and a benchmark file 10 million; the
//! set must not grow with the file the way a hash map of every id does (10M ids took
//! about 370 MB of the import's memory, issue 21). So:
//!
//! - a numeric id that fits 32 bits (every GED id) is a bit in a compressed bitmap
//!   ([`roaring`]): a few bits per id for GED's near-consecutive numbers;
//! - any other id (ACLED's `MLI1234`, a number past 32 bits) is kept as a 64-bit key
//!   in a hash map, with its line (those files are country extracts, far smaller);
//! - the line where a bitmap id was first seen is remembered for the first
//!   [`LINE_MEMORY`] such ids only, so the error for a repeat can name it; past that
//!   the error says "an earlier line" and names the id, which finds it.

use std::collections::HashMap;

/// How many bitmap ids keep the line they were first seen on (about 25 MB at most).
pub const LINE_MEMORY: usize = 1 << 20;

/// Where an id was seen before, if it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// First time in this file.
    New,
    /// Seen before, on this line.
    OnLine(u64),
    /// Seen before, on a line no longer remembered.
    Earlier,
}

/// The ids read so far from one file.
#[derive(Debug, Default)]
pub struct SeenIds {
    numbers: roaring::RoaringBitmap,
    number_lines: HashMap<u32, u64>,
    others: HashMap<u64, u64>,
}

impl SeenIds {
    /// Record `id`, read on `line`, and say whether (and where) it was seen before.
    pub fn insert(&mut self, id: &str, line: u64) -> Seen {
        match id_key(id) {
            Key::Number(n) => {
                if self.numbers.insert(n) {
                    if self.number_lines.len() < LINE_MEMORY {
                        self.number_lines.insert(n, line);
                    }
                    Seen::New
                } else {
                    self.number_lines.get(&n).map_or(Seen::Earlier, |&l| Seen::OnLine(l))
                }
            }
            Key::Other(k) => match self.others.entry(k) {
                std::collections::hash_map::Entry::Occupied(e) => Seen::OnLine(*e.get()),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(line);
                    Seen::New
                }
            },
        }
    }
}

enum Key {
    Number(u32),
    Other(u64),
}

/// The key an id is remembered by: a numeric id that fits 32 bits is its number, so
/// no two differ; another (ACLED's `MLI1234`) is a 64-bit hash of it, 8 bytes a row
/// instead of the string. Two different non-numeric ids would share a hash by chance
/// with odds of about n²/2⁶⁵ for n rows (below one in ten million for a
/// 2-million-row file); the error then names both lines.
fn id_key(id: &str) -> Key {
    if id.len() <= 10 && !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = id.parse::<u32>() {
            // "007" and "7" are different ids in the file; keep them apart
            if n.to_string().len() == id.len() {
                return Key::Number(n);
            }
        }
    }
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    Key::Other(h.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeats_are_found_with_their_first_line() {
        let mut s = SeenIds::default();
        assert_eq!(s.insert("101", 2), Seen::New);
        assert_eq!(s.insert("MLI7", 3), Seen::New);
        assert_eq!(s.insert("102", 4), Seen::New);
        assert_eq!(s.insert("101", 5), Seen::OnLine(2));
        assert_eq!(s.insert("MLI7", 6), Seen::OnLine(3));
        // a leading zero is another id (the file says so), as is a number past 32 bits
        assert_eq!(s.insert("0101", 7), Seen::New);
        assert_eq!(s.insert("99999999999", 8), Seen::New);
        assert_eq!(s.insert("99999999999", 9), Seen::OnLine(8));
    }

    #[test]
    fn past_the_line_memory_a_repeat_is_still_found() {
        let mut s = SeenIds::default();
        for i in 0..(LINE_MEMORY as u32 + 10) {
            assert_eq!(s.insert(&i.to_string(), u64::from(i) + 2), Seen::New);
        }
        assert_eq!(s.insert("5", 0), Seen::OnLine(7));
        assert_eq!(s.insert(&(LINE_MEMORY as u32 + 3).to_string(), 0), Seen::Earlier);
    }
}
