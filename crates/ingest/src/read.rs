//! Streaming readers for GED and ACLED CSV files.
//!
//! The layout is detected from the header row, columns are found by name (so column
//! order does not matter), and an optional HDX row of HXL hashtags under the header
//! is skipped. Each data row becomes an [`Incident`]; a row that cannot become one is
//! a [`RowError`] naming file, line, column and reason, and reading can go on past it
//! (for `--skip-invalid`) or stop (the default, atomic import).

use chrono::NaiveDate;
use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::{Arc, Mutex};

mod lines;
use lines::{record_line, Lines, TooLong, Tracked};
use vigil_model::{Incident, Source, ViolenceType};

/// Longest record (a CSV row, the header included) the readers accept, in bytes.
/// Real rows are under 10 KiB; a longer one is nearly always a file that is not CSV
/// (or not split into lines), and reading it whole would take memory in proportion
/// to it. Such a record is refused as soon as it passes the limit.
pub const MAX_RECORD_BYTES: u64 = 1 << 20;

/// How many characters of a value an error message quotes.
pub const EXCERPT_CHARS: usize = 80;

/// At most [`EXCERPT_CHARS`] characters of `s`, with `…` when cut.
pub fn excerpt(s: &str) -> String {
    match s.char_indices().nth(EXCERPT_CHARS) {
        None => s.to_string(),
        Some((at, _)) => format!("{}…", &s[..at]),
    }
}

/// The layouts Vigil reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// UCDP GED; `columns` is 45 for the 19.x layout and 49 for 2x.1.
    Ged { columns: usize, hxl_row: bool },
    /// ACLED, from the API or HDX.
    Acled { hxl_row: bool },
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Format::Ged { columns, hxl_row } => {
                write!(f, "UCDP GED ({columns} columns{})", if *hxl_row { ", HXL row" } else { "" })
            }
            Format::Acled { hxl_row } => write!(f, "ACLED{}", if *hxl_row { " (HDX, HXL row)" } else { "" }),
        }
    }
}

/// A data row that cannot become an incident.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{line}: column `{column}`: {reason} (value: {value:?})")]
pub struct RowError {
    pub file: String,
    /// Line where the record starts, as the file counts it: 1-based, the header
    /// included, each newline inside a quoted field counted.
    pub line: u64,
    pub column: String,
    /// The value, or its first [`EXCERPT_CHARS`] characters and `…`.
    pub value: String,
    pub reason: String,
}

/// Anything that stops a file from being read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    /// `found` lists the header's first columns, each cut to a short excerpt.
    #[error("{file}: unknown header. Expected UCDP GED columns ({ged}) or ACLED columns ({acled}); found: {found}")]
    UnknownHeader { file: String, ged: String, acled: String, found: String },
    /// Two header columns with one name: which of them a reader would take is a guess.
    #[error("{file}:{line}: the header names column `{name}` twice (fields {first} and {second})")]
    DuplicateColumn { file: String, line: u64, name: String, first: usize, second: usize },
    /// A record over [`MAX_RECORD_BYTES`], refused before it is read whole.
    #[error("{file}:{line}: a record longer than {limit} bytes (is this a CSV file with one record per line?); nothing after it was read")]
    TooLong { file: String, line: u64, limit: u64 },
    #[error("{file}:{line}: malformed CSV: {message}")]
    Csv { file: String, line: u64, message: String },
    #[error(transparent)]
    Row(#[from] RowError),
}

const GED_REQUIRED: &[&str] = &["id", "type_of_violence", "date_start", "date_end", "latitude", "longitude", "best", "low", "high"];
const ACLED_REQUIRED: &[&str] = &["event_id_cnty", "event_date", "event_type", "latitude", "longitude", "fatalities"];

/// GED columns that map to typed incident fields; the rest go to `extra`.
const GED_CORE: &[&str] = &[
    "id", "type_of_violence", "conflict_name", "dyad_name", "side_a", "side_b", "number_of_sources", "where_prec",
    "where_coordinates", "where_description", "adm_1", "adm_2", "latitude", "longitude", "priogrid_gid", "country",
    "date_prec", "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best",
    "high", "low",
];
const ACLED_CORE: &[&str] = &[
    "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2", "country",
    "admin1", "admin2", "location", "latitude", "longitude", "geo_precision", "fatalities",
];

/// Every column the readers look at by name, resolved to a header index once per file
/// (not hashed per field per row).
macro_rules! columns {
    ($($name:ident),* $(,)?) => {
        #[allow(non_camel_case_types)]
        #[derive(Debug, Clone, Copy)]
        enum Col { $($name),* }
        const COL_NAMES: &[&str] = &[$(stringify!($name)),*];
    };
}
columns!(
    actor1, actor2, adm_1, adm_2, admin1, admin2, best, conflict_name, country, date_end, date_prec, date_start, deaths_a, deaths_b, deaths_civilians, deaths_unknown, dyad_name, event_date, event_id_cnty, event_type, fatalities, geo_precision, high, id, inter1, inter2, latitude, location, longitude, low, number_of_sources, priogrid_gid, side_a, side_b, sub_event_type, time_precision, type_of_violence, where_coordinates, where_description, where_prec,
);

/// Streams incidents out of one CSV file.
pub struct IncidentReader<R: Read> {
    rdr: csv::Reader<Tracked<R>>,
    lines: Arc<Mutex<Lines>>,
    /// line where the record last read starts
    line: u64,
    /// the id column's values so far, to refuse a repeat
    seen_ids: crate::seen_ids::SeenIds,
    file: String,
    format: Format,
    header: Vec<String>,
    /// header index of each [`Col`], in `Col` order (`None`: not in this file)
    index: Vec<Option<usize>>,
    /// header index and name of each column that goes to `extra`
    extra_cols: Vec<(usize, std::sync::Arc<str>)>,
    /// the record last read, its bytes as csv split them into fields
    bytes: csv::ByteRecord,
    /// the same bytes, checked to be UTF-8 (empty after a record that is not)
    text: String,
    /// the record as a `StringRecord`, built only when asked for (rejects)
    raw: std::cell::OnceCell<csv::StringRecord>,
    /// a first data record read while looking for the HXL row
    pending: bool,
    done: bool,
}

impl IncidentReader<File> {
    pub fn open(path: &Path) -> Result<Self, ReadError> {
        let file = File::open(path).map_err(|source| ReadError::Io { path: path.display().to_string(), source })?;
        Self::from_reader(file, &path.display().to_string())
    }
}

impl<R: Read> IncidentReader<R> {
    /// `name` is used in error messages (normally the file path).
    pub fn from_reader(reader: R, name: &str) -> Result<Self, ReadError> {
        let lines = Arc::new(Mutex::new(Lines::default()));
        let tracked = Tracked { inner: reader, offset: 0, lines: lines.clone() };
        let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(tracked);
        let file = name.to_string();
        let inside = memchr::memchr_iter(b'\n', rdr.byte_headers().map_err(|e| csv_error(&file, &e, 1))?.as_slice()).count();
        let header_line = record_line(&lines, rdr.position().byte(), inside as u64);
        let header: Vec<String> = rdr
            .headers()
            .map_err(|e| csv_error(&file, &e, 1))?
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
            .collect();
        let mut names: HashMap<&str, usize> = HashMap::with_capacity(header.len());
        for (second, name) in header.iter().enumerate() {
            if let Some(first) = names.insert(name, second) {
                return Err(ReadError::DuplicateColumn {
                    file,
                    line: header_line,
                    name: excerpt(name),
                    first: first + 1,
                    second: second + 1,
                });
            }
        }
        drop(names);
        let has = |c: &str| header.iter().any(|h| h == c);
        let (is_ged, is_acled) = (GED_REQUIRED.iter().all(|c| has(c)), ACLED_REQUIRED.iter().all(|c| has(c)));
        let core: &[&'static str] = if is_ged {
            GED_CORE
        } else if is_acled {
            ACLED_CORE
        } else {
            const SHOWN: usize = 12;
            let mut found: Vec<String> =
                header.iter().take(SHOWN).map(|h| excerpt(h)).collect();
            if header.len() > SHOWN {
                found.push(format!("… ({} columns in all)", header.len()));
            }
            return Err(ReadError::UnknownHeader {
                file,
                ged: GED_REQUIRED.join(", "),
                acled: ACLED_REQUIRED.join(", "),
                found: found.join(", "),
            });
        };
        let index = COL_NAMES.iter().map(|c| header.iter().position(|h| h == c)).collect();
        let extra_cols = (0..header.len())
            .filter(|i| !core.contains(&header[*i].as_str()))
            .map(|i| (i, std::sync::Arc::from(header[i].as_str())))
            .collect();
        let mut me = IncidentReader {
            rdr,
            lines,
            line: header_line,
            seen_ids: crate::seen_ids::SeenIds::default(),
            file,
            format: if is_ged { Format::Ged { columns: header.len(), hxl_row: false } } else { Format::Acled { hxl_row: false } },
            header,
            index,
            extra_cols,
            bytes: csv::ByteRecord::new(),
            text: String::new(),
            raw: std::cell::OnceCell::new(),
            pending: false,
            done: false,
        };
        // The HDX layout puts a row of HXL hashtags under the header.
        match me.fill() {
            Ok(true) => {
                let row = me.row();
                let tags = (0..me.bytes.len()).map(|i| row.get(i)).filter(|f| !f.trim().is_empty()).collect::<Vec<_>>();
                if !tags.is_empty() && tags.iter().all(|f| f.trim_start().starts_with('#')) {
                    me.format = match me.format {
                        Format::Ged { columns, .. } => Format::Ged { columns, hxl_row: true },
                        Format::Acled { .. } => Format::Acled { hxl_row: true },
                    };
                } else {
                    me.pending = true;
                }
            }
            Ok(false) => me.done = true,
            Err(e) => return Err(e),
        }
        Ok(me)
    }

    /// Read the next record, like `csv::Reader::read_record` (same outcomes and
    /// errors) but checking UTF-8 once for the whole record: csv's `StringRecord`
    /// checks field by field as soon as one byte is not ASCII, several times slower.
    fn fill(&mut self) -> Result<bool, ReadError> {
        self.raw = std::cell::OnceCell::new();
        self.lines.lock().unwrap_or_else(|p| p.into_inner()).record_start = self.rdr.position().byte();
        let read = self.rdr.read_byte_record(&mut self.bytes);
        if let Err(e) = &read {
            if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                return Err(csv_error(&self.file, e, 0));
            }
        }
        // newlines inside quoted fields are kept in the fields; the record starts that
        // many lines above where it ends
        let inside = memchr::memchr_iter(b'\n', self.bytes.as_slice()).count() as u64;
        self.line = record_line(&self.lines, self.rdr.position().byte(), inside);
        self.text.clear();
        let utf8 = match std::str::from_utf8(self.bytes.as_slice()) {
            // all of it is UTF-8; each field is too unless a character spans two
            Ok(s) if (0..self.bytes.len()).all(|i| self.bytes.range(i).is_some_and(|r| s.is_char_boundary(r.start))) => {
                self.text.push_str(s);
                Ok(())
            }
            _ => {
                let bad = self.bytes.iter().position(|f| std::str::from_utf8(f).is_err()).unwrap_or(0);
                // as csv does: a record that is not UTF-8 is wiped
                self.bytes.clear();
                Err(bad)
            }
        };
        match (read, utf8) {
            (Err(e), _) => Err(csv_error(&self.file, &e, self.line)),
            (Ok(_), Err(field)) => Err(ReadError::Csv {
                file: self.file.clone(),
                line: self.line,
                message: format!("invalid UTF-8 in field {}", field + 1),
            }),
            (Ok(more), Ok(())) => Ok(more),
        }
    }

    fn row(&self) -> Row<'_> {
        Row { text: &self.text, bytes: &self.bytes, index: &self.index, file: &self.file, line: self.line }
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The raw fields of the record last read (for writing rejected rows as they were).
    pub fn raw_record(&self) -> &csv::StringRecord {
        self.raw.get_or_init(|| csv::StringRecord::from_byte_record(self.bytes.clone()).unwrap_or_default())
    }

    /// Bytes consumed so far, for progress bars.
    pub fn bytes_read(&self) -> u64 {
        self.rdr.position().byte()
    }

    /// The next incident, or the row error that stopped it. `None` at end of file.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<Result<Incident, ReadError>> {
        self.read(true)
    }

    /// Like [`IncidentReader::next`] but with `extra` left empty: a caller that only
    /// encodes the extra values reads them borrowed from [`IncidentReader::extras`]
    /// instead of getting a `String` and a name per value per row.
    pub fn next_without_extras(&mut self) -> Option<Result<Incident, ReadError>> {
        self.read(false)
    }

    /// Names and values of the extra columns of the record last read, in file order
    /// (what [`IncidentReader::next`] puts into `extra`).
    pub fn extras(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + Clone + '_ {
        let row = self.row();
        self.extra_cols.iter().map(move |(i, name)| (&**name, crate::write::unneutralise(row.get(*i))))
    }

    fn read(&mut self, with_extras: bool) -> Option<Result<Incident, ReadError>> {
        if self.done {
            return None;
        }
        if self.pending {
            self.pending = false;
        } else {
            match self.fill() {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                // a malformed record (wrong field count, bad UTF-8): report it and go on
                Err(e) => return Some(Err(e)),
            }
        }
        let row = self.row();
        if let Some(at) = memchr::memchr(0, self.bytes.as_slice()) {
            let field = (0..self.bytes.len()).find(|&i| self.bytes.range(i).is_some_and(|r| r.contains(&at))).unwrap_or(0);
            return Some(Err(ReadError::Row(RowError {
                file: self.file.clone(),
                line: self.line,
                column: excerpt(self.header.get(field).map(String::as_str).unwrap_or("")),
                value: excerpt(row.get(field)),
                reason: "contains a NUL byte (a binary file, or a broken export?)".into(),
            })));
        }
        let extra_cols: &[_] = if with_extras { &self.extra_cols } else { &[] };
        let (result, id_col) = match self.format {
            Format::Ged { .. } => (row.ged(extra_cols), Col::id),
            Format::Acled { .. } => (row.acled(extra_cols), Col::event_id_cnty),
        };
        let incident = match result {
            Ok(i) => i,
            Err(e) => return Some(Err(ReadError::Row(e))),
        };
        let earlier = match self.seen_ids.insert(&incident.source_id, self.line) {
            crate::seen_ids::Seen::New => None,
            crate::seen_ids::Seen::OnLine(first) => Some(format!("line {first}")),
            crate::seen_ids::Seen::Earlier => Some("an earlier line".to_string()),
        };
        if let Some(earlier) = earlier {
            let reason = format!("the same id as {earlier}: an id may appear only once in a file");
            return Some(Err(ReadError::Row(self.row().err(id_col, reason))));
        }
        Some(Ok(incident))
    }
}


/// `line`: where the record starts (0 for an I/O error: the line is in it, if any).
fn csv_error(file: &str, e: &csv::Error, line: u64) -> ReadError {
    if let csv::ErrorKind::Io(io) = e.kind() {
        if let Some(t) = io.get_ref().and_then(|r| r.downcast_ref::<TooLong>()) {
            return ReadError::TooLong { file: file.to_string(), line: t.line, limit: MAX_RECORD_BYTES };
        }
        return ReadError::Io { path: file.to_string(), source: std::io::Error::new(io.kind(), io.to_string()) };
    }
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("the record has {len} fields, the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { err, .. } => format!("invalid UTF-8 in field {}", err.field() + 1),
        _ => e.to_string(),
    };
    ReadError::Csv { file: file.to_string(), line, message }
}

#[derive(Clone, Copy)]
struct Row<'a> {
    /// the record's fields, concatenated
    text: &'a str,
    bytes: &'a csv::ByteRecord,
    index: &'a [Option<usize>],
    file: &'a str,
    line: u64,
}

impl<'a> Row<'a> {
    /// Field `i`, or "" past the end.
    fn get(&self, i: usize) -> &'a str {
        self.bytes.range(i).and_then(|r| self.text.get(r)).unwrap_or("")
    }

    fn raw(&self, col: Col) -> &'a str {
        self.index[col as usize].map(|i| self.get(i)).map(str::trim).unwrap_or("")
    }

    fn err(&self, column: Col, reason: impl Into<String>) -> RowError {
        RowError {
            file: self.file.to_string(),
            line: self.line,
            column: COL_NAMES[column as usize].to_string(),
            value: excerpt(self.raw(column)),
            reason: reason.into(),
        }
    }

    /// A text field, with the `'` Vigil's exports put before formula-like text
    /// taken off ([`crate::write::unneutralise`]).
    fn text(&self, col: Col) -> Option<String> {
        let v = crate::write::unneutralise(self.raw(col));
        (!v.is_empty() && v != "NA").then(|| v.to_string())
    }

    /// An integer; R re-serialises some as `2.0`, accepted when the fraction is zero.
    fn opt_int(&self, col: Col) -> Result<Option<i64>, RowError> {
        let v = self.raw(col);
        if v.is_empty() || v == "NA" {
            return Ok(None);
        }
        if let Ok(n) = v.parse::<i64>() {
            return Ok(Some(n));
        }
        match v.parse::<f64>() {
            Ok(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(Some(f as i64)),
            _ => Err(self.err(col, "expected a whole number")),
        }
    }

    fn int(&self, col: Col) -> Result<i64, RowError> {
        self.opt_int(col)?.ok_or_else(|| self.err(col, "required, but empty"))
    }

    fn count(&self, col: Col) -> Result<i64, RowError> {
        let n = self.int(col)?;
        if n < 0 {
            return Err(self.err(col, "a death count cannot be negative"));
        }
        Ok(n)
    }

    fn opt_count(&self, col: Col) -> Result<Option<i64>, RowError> {
        match self.opt_int(col)? {
            Some(n) if n < 0 => Err(self.err(col, "a death count cannot be negative")),
            v => Ok(v),
        }
    }

    fn coord(&self, col: Col, limit: f64) -> Result<Option<f64>, RowError> {
        let v = self.raw(col);
        if v.is_empty() || v == "NA" {
            return Ok(None);
        }
        match v.parse::<f64>() {
            Ok(f) if f.is_finite() && f.abs() <= limit => Ok(Some(f)),
            Ok(_) => Err(self.err(col, format!("out of range (must be within ±{limit})"))),
            Err(_) => Err(self.err(col, "expected a decimal number")),
        }
    }

    /// `YYYY-MM-DD`, or `YYYY-MM-DD HH:MM:SS[.fff]` as R writes GED dates, or the
    /// day-month-name forms of older ACLED exports.
    fn date(&self, col: Col) -> Result<NaiveDate, RowError> {
        let v = self.raw(col);
        if v.is_empty() {
            return Err(self.err(col, "required, but empty"));
        }
        if let Some(d) = iso_day(v.as_bytes()) {
            return Ok(d);
        }
        let head = v.get(..10).unwrap_or(v);
        if let Ok(d) = NaiveDate::parse_from_str(head, "%Y-%m-%d") {
            // a short date such as 2020-1-5 is read as written; after ten characters
            // only a time may follow
            if matches!(v.as_bytes().get(10), None | Some(b' ' | b'T')) {
                return Ok(d);
            }
        }
        for f in ["%d %B %Y", "%d-%B-%Y", "%d %b %Y", "%d-%b-%Y"] {
            if let Ok(d) = NaiveDate::parse_from_str(v, f) {
                return Ok(d);
            }
        }
        Err(self.err(col, "expected a date YYYY-MM-DD"))
    }

    fn extras(&self, cols: &[(usize, std::sync::Arc<str>)]) -> Vec<(std::sync::Arc<str>, String)> {
        cols.iter().map(|(i, name)| (name.clone(), crate::write::unneutralise(self.get(*i)).to_string())).collect()
    }

    fn point(&self) -> Result<(Option<f64>, Option<f64>), RowError> {
        let lat = self.coord(Col::latitude, 90.0)?;
        let lon = self.coord(Col::longitude, 180.0)?;
        match (lat, lon) {
            (Some(_), None) => Err(self.err(Col::longitude, "latitude is given but longitude is empty")),
            (None, Some(_)) => Err(self.err(Col::latitude, "longitude is given but latitude is empty")),
            p => Ok(p),
        }
    }

    fn ged(&self, extra_cols: &[(usize, std::sync::Arc<str>)]) -> Result<Incident, RowError> {
        let source_id = self.text(Col::id).ok_or_else(|| self.err(Col::id, "required, but empty"))?;
        if !source_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.err(Col::id, "expected a whole number (UCDP GED ids are numeric)"));
        }
        let tov = self.int(Col::type_of_violence)?;
        let type_of_violence =
            Some(ViolenceType::from_code(tov).ok_or_else(|| self.err(Col::type_of_violence, "must be 1, 2 or 3"))?);
        let date_start = self.date(Col::date_start)?;
        let date_end = self.date(Col::date_end)?;
        if date_end < date_start {
            return Err(self.err(Col::date_end, format!("is before date_start {date_start}")));
        }
        let (latitude, longitude) = self.point()?;
        let where_prec = self.opt_int(Col::where_prec)?;
        if let Some(p) = where_prec {
            if !(1..=7).contains(&p) {
                return Err(self.err(Col::where_prec, "must be 1 to 7"));
            }
        }
        Ok(Incident {
            source: Source::Ged,
            source_id,
            date_start,
            date_end,
            date_prec: self.opt_int(Col::date_prec)?,
            type_of_violence,
            event_type: None,
            sub_event_type: None,
            conflict_name: self.text(Col::conflict_name),
            dyad_name: self.text(Col::dyad_name),
            side_a: self.text(Col::side_a),
            side_b: self.text(Col::side_b),
            country: self.text(Col::country),
            place: self.text(Col::where_coordinates),
            where_description: self.text(Col::where_description),
            adm_1: self.text(Col::adm_1),
            adm_2: self.text(Col::adm_2),
            latitude,
            longitude,
            where_prec,
            deaths_a: self.opt_count(Col::deaths_a)?,
            deaths_b: self.opt_count(Col::deaths_b)?,
            deaths_civilians: self.opt_count(Col::deaths_civilians)?,
            deaths_unknown: self.opt_count(Col::deaths_unknown)?,
            best: self.count(Col::best)?,
            low: self.count(Col::low)?,
            high: self.count(Col::high)?,
            number_of_sources: self.opt_int(Col::number_of_sources)?,
            source_gid: self.opt_int(Col::priogrid_gid)?,
            extra: self.extras(extra_cols),
        })
    }

    /// ACLED rows mapped onto the GED-shaped incident. ACLED has no type of violence;
    /// it is derived where the event type makes it clear: violence against civilians
    /// is one-sided (3); battles and remote violence are state-based (1) when a state
    /// force (inter code 1) is a side, non-state (2) otherwise; protests, riots and
    /// strategic developments have none. `geo_precision` 1/2/3 maps to GED
    /// `where_prec` 1/2/4 (3 means "a larger region", too coarse for admin 2).
    fn acled(&self, extra_cols: &[(usize, std::sync::Arc<str>)]) -> Result<Incident, RowError> {
        let source_id = self.text(Col::event_id_cnty).ok_or_else(|| self.err(Col::event_id_cnty, "required, but empty"))?;
        let date = self.date(Col::event_date)?;
        let (latitude, longitude) = self.point()?;
        let fatalities = self.count(Col::fatalities)?;
        let event_type = self.text(Col::event_type);
        let state_side = inter_is_state(self.raw(Col::inter1)) || inter_is_state(self.raw(Col::inter2));
        let type_of_violence = match event_type.as_deref() {
            Some("Violence against civilians") => Some(ViolenceType::OneSided),
            Some("Battles" | "Explosions/Remote violence") => {
                Some(if state_side { ViolenceType::StateBased } else { ViolenceType::NonState })
            }
            _ => None,
        };
        let where_prec = match self.opt_int(Col::geo_precision)? {
            None => None,
            Some(1) => Some(1),
            Some(2) => Some(2),
            Some(3) => Some(4),
            Some(_) => return Err(self.err(Col::geo_precision, "must be 1, 2 or 3")),
        };
        let date_prec = match self.opt_int(Col::time_precision)? {
            Some(p) if !(1..=3).contains(&p) => return Err(self.err(Col::time_precision, "must be 1, 2 or 3")),
            p => p,
        };
        Ok(Incident {
            source: Source::Acled,
            source_id,
            date_start: date,
            date_end: date,
            date_prec,
            type_of_violence,
            event_type,
            sub_event_type: self.text(Col::sub_event_type),
            conflict_name: None,
            dyad_name: None,
            side_a: self.text(Col::actor1),
            side_b: self.text(Col::actor2),
            country: self.text(Col::country),
            place: self.text(Col::location),
            where_description: None,
            adm_1: self.text(Col::admin1),
            adm_2: self.text(Col::admin2),
            latitude,
            longitude,
            where_prec,
            deaths_a: None,
            deaths_b: None,
            deaths_civilians: None,
            deaths_unknown: None,
            best: fatalities,
            low: fatalities,
            high: fatalities,
            number_of_sources: None,
            source_gid: None,
            extra: self.extras(extra_cols),
        })
    }
}

/// ACLED `inter` codes: 1 is state forces. Newer exports write the name instead.
fn inter_is_state(v: &str) -> bool {
    v == "1" || v.eq_ignore_ascii_case("State forces")
}

/// The common case of [`Row::date`] without chrono's format parser: exactly four,
/// two and two ASCII digits (`YYYY-MM-DD`), then the end or a space or `T`. `None`
/// for anything else, including impossible days, which then take the general path
/// (and get its answer and its error).
fn iso_day(b: &[u8]) -> Option<NaiveDate> {
    if b.len() < 10 || !(b.len() == 10 || b[10] == b' ' || b[10] == b'T') || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| {
        b[r].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

#[cfg(test)]
mod iso_day_tests {
    use chrono::NaiveDate;

    /// The fast path agrees with chrono's `%Y-%m-%d` wherever it answers.
    #[test]
    fn iso_day_matches_chrono() {
        for v in [
            "2024-02-29", "2023-02-29", "2020-01-01 00:00:00", "2020-01-01T00:00", "2020-01-01.5", "0001-12-31",
            "9999-12-31", "2020-13-01", "2020-00-10", "2020-1-01", "+2020-01-01", "2020-01-1", "2020/01/01", "",
            "2020-01-01x", "0000-01-01", "2020-04-31",
        ] {
            let fast = super::iso_day(v.as_bytes());
            let head = v.get(..10).unwrap_or(v);
            let slow = NaiveDate::parse_from_str(head, "%Y-%m-%d")
                .ok()
                .filter(|_| v.len() == 10 || matches!(v.as_bytes().get(10), Some(b' ' | b'T')));
            if let Some(d) = fast {
                assert_eq!(Some(d), slow, "{v}");
            } else if v.len() >= 10 && v.as_bytes()[..10].iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() }) {
                // digits in shape but no such day: chrono must refuse it too
                assert_eq!(slow, None, "{v}");
            }
        }
    }
}

#[cfg(test)]
mod extras_tests {
    /// Reading without extras, then taking them borrowed, gives the same pairs and the
    /// same fingerprint as [`super::IncidentReader::next`].
    #[test]
    fn borrowed_extras_read_and_hash_the_same() {
        for f in ["testdata/ged231_global_sample1000_uncertainUCDP.csv", "crates/ingest/tests/fixtures/acled_hdx_handwritten.csv"] {
            let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(f);
            let mut a = super::IncidentReader::open(&path).unwrap();
            let mut b = super::IncidentReader::open(&path).unwrap();
            let mut n = 0;
            while let Some(full) = a.next() {
                let full = full.unwrap();
                let core = b.next_without_extras().unwrap().unwrap();
                assert!(core.extra.is_empty(), "{f}");
                let pairs: Vec<(&str, &str)> = b.extras().collect();
                assert_eq!(pairs, full.extra.iter().map(|(k, v)| (&**k, v.as_str())).collect::<Vec<_>>(), "{f}");
                assert_eq!(crate::fingerprint_with(&core, b.extras()), crate::fingerprint(&full), "{f}");
                n += 1;
            }
            assert!(b.next_without_extras().is_none(), "{f}");
            assert!(n > 0, "{f}");
        }
    }
}

#[cfg(test)]
mod utf8_tests {
    use super::IncidentReader;

    /// The reader checks UTF-8 once per record instead of through csv's
    /// `StringRecord`; record by record it must give what `StringRecord` gives: the
    /// same errors (field number, line) and the same raw record for rejects.
    #[test]
    fn records_and_errors_as_csv_string_records_give_them() {
        let mut data = b"id,type_of_violence,date_start,date_end,latitude,longitude,best,low,high,note\n".to_vec();
        for row in [
            &b"1,1,2020-01-01,2020-01-01,12.6,-8.0,1,1,1,S\xc3\xa9gou"[..],
            b"2,1,2020-01-01,2020-01-01,12.6,-8.0,1,1,1,bad \xff byte",
            // an \xc3\xa9 split by the delimiter: valid once the fields are joined
            b"3,1,2020-01-01,2020-01-01,12.6,-8.0,1,1,\xc3,\xa9",
            b"4,1,2020-01-01,2020-01-01,12.6,-8.0,1,1,1",
            b"5,1,2020-01-01,2020-01-01,12.6,-8.0,1,1,1,2,\xff",
            b"6,1,2020-01-01,2020-01-01,12.6,-8.0,1,1,1,\"quoted, \xc3\xa9\"",
            b"7,1,2020-01-01,2020-01-01,12.6,-8.0,1,1,1,\xe2\x82",
        ] {
            data.extend_from_slice(row);
            data.push(b'\n');
        }
        let mut ours = IncidentReader::from_reader(&data[..], "t.csv").unwrap();
        let mut theirs = csv::ReaderBuilder::new().flexible(false).from_reader(&data[..]);
        let mut record = csv::StringRecord::new();
        let mut errors = 0;
        loop {
            let expected = theirs.read_record(&mut record);
            let got = ours.next();
            match (expected, got) {
                (Ok(false), None) => break,
                (Ok(true), Some(Ok(incident))) => {
                    assert_eq!(ours.raw_record(), &record);
                    assert_eq!(incident.extra("note"), record.get(9));
                }
                (Err(e), Some(Err(got))) => {
                    errors += 1;
                    let line = e.position().map(|p| p.line()).unwrap_or(0);
                    assert_eq!(got.to_string(), super::csv_error("t.csv", &e, line).to_string());
                    assert_eq!(ours.raw_record(), &record, "{got}");
                }
                (e, g) => panic!("csv: {e:?}, reader: {g:?}"),
            }
        }
        assert_eq!(errors, 5);
    }
}
