//! Line numbers as the file counts them, and the early refusal of an overlong record:
//! a wrapper under csv's reader that notes where the newlines pass and stops a
//! record past [`MAX_RECORD_BYTES`] before it is read whole.

use super::MAX_RECORD_BYTES;
use std::collections::VecDeque;
use std::io::Read;
use std::sync::{Arc, Mutex};

/// Where the newlines are, shared by [`Tracked`] (which finds them as bytes pass
/// into csv's buffer) and the reader (which asks, record by record, how many lie
/// before an offset). Offsets already asked past are dropped, so this holds only the
/// newlines of csv's read-ahead, however long the file.
#[derive(Debug, Default)]
pub(super) struct Lines {
    /// offsets of newlines not yet counted into `before`
    ahead: VecDeque<u64>,
    /// newlines before the offset last asked about
    before: u64,
    /// offset where the record being read starts
    pub(super) record_start: u64,
    /// newlines seen so far
    seen: u64,
}

impl Lines {
    /// Newlines at offsets below `at` (`at` never decreasing from call to call).
    fn before(&mut self, at: u64) -> u64 {
        while self.ahead.front().is_some_and(|&o| o < at) {
            self.ahead.pop_front();
            self.before += 1;
        }
        self.before
    }
}

/// The file under csv: records where the newlines are, and refuses to go on once
/// the record being read is longer than [`MAX_RECORD_BYTES`]. csv asks for more bytes
/// only when it has used all it has, so at each read everything before `offset`
/// belongs to the records read so far or to the current one.
pub(super) struct Tracked<R> {
    pub(super) inner: R,
    pub(super) offset: u64,
    pub(super) lines: Arc<Mutex<Lines>>,
}

/// The marker in the `io::Error` by which [`Tracked`] stops a long record.
#[derive(Debug)]
pub(super) struct TooLong {
    pub(super) line: u64,
}

impl std::fmt::Display for TooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "record longer than {MAX_RECORD_BYTES} bytes at line {}", self.line)
    }
}
impl std::error::Error for TooLong {}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let mut lines = self.lines.lock().unwrap_or_else(|p| p.into_inner());
        if self.offset - lines.record_start > MAX_RECORD_BYTES {
            return Err(std::io::Error::other(TooLong { line: lines.seen + 1 }));
        }
        let n = self.inner.read(buf)?;
        for i in memchr::memchr_iter(b'\n', &buf[..n]) {
            lines.ahead.push_back(self.offset + i as u64);
            lines.seen += 1;
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// The line a record starts on, given where it ends (`end`: the offset just past
/// its terminator, or the end of the file) and the newlines inside its fields. csv
/// ends a record on the terminator's first byte (`\r` of `\r\n`, else `\n`) and
/// skips blank lines and the `\n` of a `\r\n` before the next one, so csv's own line
/// count is one short on CRLF files and after blank lines.
pub(super) fn record_line(lines: &Mutex<Lines>, end: u64, inside: u64) -> u64 {
    let before_last = lines.lock().unwrap_or_else(|p| p.into_inner()).before(end.saturating_sub(1));
    (before_last + 1).saturating_sub(inside).max(1)
}
