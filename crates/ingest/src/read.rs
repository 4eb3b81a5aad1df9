//! Streaming readers for GED and ACLED CSV files.
//!
//! The layout is detected from the header row, columns are found by name (so column
//! order does not matter), and an optional HDX row of HXL hashtags under the header
//! is skipped. Each data row becomes an [`Incident`]; a row that cannot become one is
//! a [`RowError`] naming file, line, column and reason, and reading can go on past it
//! (for `--skip-invalid`) or stop (the default, atomic import).

use chrono::NaiveDate;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use vigil_model::{Incident, Source, ViolenceType};

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
    /// 1-based line where the record starts.
    pub line: u64,
    pub column: String,
    pub value: String,
    pub reason: String,
}

/// Anything that stops a file from being read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{file}: unknown header. Expected UCDP GED columns ({ged}) or ACLED columns ({acled}); found: {found}")]
    UnknownHeader { file: String, ged: String, acled: String, found: String },
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

/// Streams incidents out of one CSV file.
pub struct IncidentReader<R: Read> {
    rdr: csv::Reader<R>,
    file: String,
    format: Format,
    header: Vec<String>,
    /// header index of each core column, by name
    index: std::collections::HashMap<String, usize>,
    /// header index and name of each column that goes to `extra`
    extra_cols: Vec<(usize, std::sync::Arc<str>)>,
    record: csv::StringRecord,
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
        let mut rdr = csv::ReaderBuilder::new().flexible(false).from_reader(reader);
        let file = name.to_string();
        let header: Vec<String> = rdr
            .headers()
            .map_err(|e| csv_error(&file, &e))?
            .iter()
            .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
            .collect();
        let has = |c: &str| header.iter().any(|h| h == c);
        let (is_ged, is_acled) = (GED_REQUIRED.iter().all(|c| has(c)), ACLED_REQUIRED.iter().all(|c| has(c)));
        let core: &[&'static str] = if is_ged {
            GED_CORE
        } else if is_acled {
            ACLED_CORE
        } else {
            return Err(ReadError::UnknownHeader {
                file,
                ged: GED_REQUIRED.join(", "),
                acled: ACLED_REQUIRED.join(", "),
                found: header.join(", "),
            });
        };
        // first occurrence wins should a name repeat
        let mut index = std::collections::HashMap::new();
        for (i, h) in header.iter().enumerate() {
            index.entry(h.clone()).or_insert(i);
        }
        let extra_cols = (0..header.len())
            .filter(|i| !core.contains(&header[*i].as_str()))
            .map(|i| (i, std::sync::Arc::from(header[i].as_str())))
            .collect();
        let mut me = IncidentReader {
            rdr,
            file,
            format: if is_ged { Format::Ged { columns: header.len(), hxl_row: false } } else { Format::Acled { hxl_row: false } },
            header,
            index,
            extra_cols,
            record: csv::StringRecord::new(),
            pending: false,
            done: false,
        };
        // The HDX layout puts a row of HXL hashtags under the header.
        match me.rdr.read_record(&mut me.record) {
            Ok(true) => {
                let tags = me.record.iter().filter(|f| !f.trim().is_empty()).collect::<Vec<_>>();
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
            Err(e) => return Err(csv_error(&me.file, &e)),
        }
        Ok(me)
    }

    pub fn format(&self) -> Format {
        self.format
    }

    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// The raw fields of the record last read (for writing rejected rows as they were).
    pub fn raw_record(&self) -> &csv::StringRecord {
        &self.record
    }

    /// Bytes consumed so far, for progress bars.
    pub fn bytes_read(&self) -> u64 {
        self.rdr.position().byte()
    }

    /// The next incident, or the row error that stopped it. `None` at end of file.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<Result<Incident, ReadError>> {
        if self.done {
            return None;
        }
        if self.pending {
            self.pending = false;
        } else {
            match self.rdr.read_record(&mut self.record) {
                Ok(true) => {}
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Err(e) => {
                    // a malformed record (wrong field count, bad UTF-8): report it and go on
                    return Some(Err(csv_error(&self.file, &e)));
                }
            }
        }
        let line = self.record.position().map(|p| p.line()).unwrap_or(0);
        let row = Row { r: &self.record, index: &self.index, file: &self.file, line };
        let result = match self.format {
            Format::Ged { .. } => row.ged(&self.extra_cols),
            Format::Acled { .. } => row.acled(&self.extra_cols),
        };
        Some(result.map_err(ReadError::Row))
    }
}

fn csv_error(file: &str, e: &csv::Error) -> ReadError {
    let line = e.position().map(|p| p.line()).unwrap_or(0);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
            format!("the record has {len} fields, the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { err, .. } => format!("invalid UTF-8 in field {}", err.field() + 1),
        _ => e.to_string(),
    };
    ReadError::Csv { file: file.to_string(), line, message }
}

struct Row<'a> {
    r: &'a csv::StringRecord,
    index: &'a std::collections::HashMap<String, usize>,
    file: &'a str,
    line: u64,
}

impl Row<'_> {
    fn raw(&self, col: &str) -> &str {
        self.index.get(col).and_then(|&i| self.r.get(i)).map(str::trim).unwrap_or("")
    }

    fn err(&self, column: &str, reason: impl Into<String>) -> RowError {
        RowError {
            file: self.file.to_string(),
            line: self.line,
            column: column.to_string(),
            value: self.raw(column).to_string(),
            reason: reason.into(),
        }
    }

    fn text(&self, col: &str) -> Option<String> {
        let v = self.raw(col);
        (!v.is_empty() && v != "NA").then(|| v.to_string())
    }

    /// An integer; R re-serialises some as `2.0`, accepted when the fraction is zero.
    fn opt_int(&self, col: &str) -> Result<Option<i64>, RowError> {
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

    fn int(&self, col: &str) -> Result<i64, RowError> {
        self.opt_int(col)?.ok_or_else(|| self.err(col, "required, but empty"))
    }

    fn count(&self, col: &str) -> Result<i64, RowError> {
        let n = self.int(col)?;
        if n < 0 {
            return Err(self.err(col, "a death count cannot be negative"));
        }
        Ok(n)
    }

    fn opt_count(&self, col: &str) -> Result<Option<i64>, RowError> {
        match self.opt_int(col)? {
            Some(n) if n < 0 => Err(self.err(col, "a death count cannot be negative")),
            v => Ok(v),
        }
    }

    fn coord(&self, col: &str, limit: f64) -> Result<Option<f64>, RowError> {
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
    fn date(&self, col: &str) -> Result<NaiveDate, RowError> {
        let v = self.raw(col);
        if v.is_empty() {
            return Err(self.err(col, "required, but empty"));
        }
        let head = v.get(..10).unwrap_or(v);
        if let Ok(d) = NaiveDate::parse_from_str(head, "%Y-%m-%d") {
            if v.len() == 10 || v.as_bytes()[10] == b' ' || v.as_bytes()[10] == b'T' {
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
        cols.iter().map(|(i, name)| (name.clone(), self.r.get(*i).unwrap_or("").to_string())).collect()
    }

    fn point(&self) -> Result<(Option<f64>, Option<f64>), RowError> {
        let lat = self.coord("latitude", 90.0)?;
        let lon = self.coord("longitude", 180.0)?;
        match (lat, lon) {
            (Some(_), None) => Err(self.err("longitude", "latitude is given but longitude is empty")),
            (None, Some(_)) => Err(self.err("latitude", "longitude is given but latitude is empty")),
            p => Ok(p),
        }
    }

    fn ged(&self, extra_cols: &[(usize, std::sync::Arc<str>)]) -> Result<Incident, RowError> {
        let source_id = self.text("id").ok_or_else(|| self.err("id", "required, but empty"))?;
        let tov = self.int("type_of_violence")?;
        let type_of_violence =
            Some(ViolenceType::from_code(tov).ok_or_else(|| self.err("type_of_violence", "must be 1, 2 or 3"))?);
        let date_start = self.date("date_start")?;
        let date_end = self.date("date_end")?;
        if date_end < date_start {
            return Err(self.err("date_end", format!("is before date_start {date_start}")));
        }
        let (latitude, longitude) = self.point()?;
        let where_prec = self.opt_int("where_prec")?;
        if let Some(p) = where_prec {
            if !(1..=7).contains(&p) {
                return Err(self.err("where_prec", "must be 1 to 7"));
            }
        }
        Ok(Incident {
            source: Source::Ged,
            source_id,
            date_start,
            date_end,
            date_prec: self.opt_int("date_prec")?,
            type_of_violence,
            event_type: None,
            sub_event_type: None,
            conflict_name: self.text("conflict_name"),
            dyad_name: self.text("dyad_name"),
            side_a: self.text("side_a"),
            side_b: self.text("side_b"),
            country: self.text("country"),
            place: self.text("where_coordinates"),
            where_description: self.text("where_description"),
            adm_1: self.text("adm_1"),
            adm_2: self.text("adm_2"),
            latitude,
            longitude,
            where_prec,
            deaths_a: self.opt_count("deaths_a")?,
            deaths_b: self.opt_count("deaths_b")?,
            deaths_civilians: self.opt_count("deaths_civilians")?,
            deaths_unknown: self.opt_count("deaths_unknown")?,
            best: self.count("best")?,
            low: self.count("low")?,
            high: self.count("high")?,
            number_of_sources: self.opt_int("number_of_sources")?,
            source_gid: self.opt_int("priogrid_gid")?,
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
        let source_id = self.text("event_id_cnty").ok_or_else(|| self.err("event_id_cnty", "required, but empty"))?;
        let date = self.date("event_date")?;
        let (latitude, longitude) = self.point()?;
        let fatalities = self.count("fatalities")?;
        let event_type = self.text("event_type");
        let state_side = inter_is_state(self.raw("inter1")) || inter_is_state(self.raw("inter2"));
        let type_of_violence = match event_type.as_deref() {
            Some("Violence against civilians") => Some(ViolenceType::OneSided),
            Some("Battles") | Some("Explosions/Remote violence") => {
                Some(if state_side { ViolenceType::StateBased } else { ViolenceType::NonState })
            }
            _ => None,
        };
        let where_prec = match self.opt_int("geo_precision")? {
            None => None,
            Some(1) => Some(1),
            Some(2) => Some(2),
            Some(3) => Some(4),
            Some(_) => return Err(self.err("geo_precision", "must be 1, 2 or 3")),
        };
        let date_prec = match self.opt_int("time_precision")? {
            Some(p) if !(1..=3).contains(&p) => return Err(self.err("time_precision", "must be 1, 2 or 3")),
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
            sub_event_type: self.text("sub_event_type"),
            conflict_name: None,
            dyad_name: None,
            side_a: self.text("actor1"),
            side_b: self.text("actor2"),
            country: self.text("country"),
            place: self.text("location"),
            where_description: None,
            adm_1: self.text("admin1"),
            adm_2: self.text("admin2"),
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
