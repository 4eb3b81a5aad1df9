//! The reader side of an import, on its own thread: rows from the file are
//! validated, placed (grid cell, admin codes) and fingerprinted, and handed to the
//! backend's writer in batches ([`Produced`]); bad rows abort or become rejects.

use crate::extras::Interner;
use crate::incidents::{ImportOptions, ImportReport, Prepared, StoredExtra, BATCH};
use crate::placement::Placer;
use crate::{Result, StoreError};
use std::io::Read;
use vigil_ingest::{fingerprint_with, Format, IncidentReader, ReadError};
use vigil_model::Incident;

/// What the reader thread hands to the writer.
pub(crate) enum Produced {
    /// `values`: extras values interned for these rows, to store before them
    Batch { rows: Vec<Prepared>, bytes: u64, values: Vec<(i64, Box<str>)> },
    Failed(StoreError),
    Done(ImportReport),
}

impl ImportReport {
    /// Add the reader thread's counts (rejects, flags, geography) to the writer's.
    pub(crate) fn absorb(&mut self, r: ImportReport) {
        self.rejected += r.rejected;
        self.flagged_bounds += r.flagged_bounds;
        self.without_point += r.without_point;
        self.outside_admin1 += r.outside_admin1;
        self.outside_admin2 += r.outside_admin2;
        self.gid_mismatches += r.gid_mismatches;
        self.outside_examples.extend(r.outside_examples);
    }
}

/// The reader thread: rows → validated, placed, fingerprinted batches. A bad row is
/// sent as `Failed` (the writer then drops its transaction) unless rejects are
/// being collected. Stops early if the writer has gone away. With `interner`
/// (SQLite) extras are packed, by the interner the writer sends once its
/// transaction has begun (it starts from the values stored); without, they are JSON.
pub(crate) fn produce<R: Read>(
    mut reader: IncidentReader<R>,
    placer: Placer,
    mut opts: ImportOptions,
    out: tokio::sync::mpsc::Sender<Produced>,
    spent: Option<std::sync::mpsc::Receiver<Vec<Prepared>>>,
    interner: Option<std::sync::mpsc::Receiver<Interner>>,
) {
    let mut counts = ImportReport::new(reader.format());
    let fail = |e: StoreError| {
        let _ = out.blocking_send(Produced::Failed(e));
    };
    if let Some(w) = opts.rejects.as_mut() {
        let mut head = vec!["line".to_string(), "column".into(), "reason".into()];
        head.extend(reader.header().iter().cloned());
        if let Err(e) = w.write_record(head.iter().map(|c| vigil_ingest::write::neutralise(c))) {
            return fail(e.into());
        }
    }
    let mut interner = match interner.map(|rx| rx.recv()) {
        None => None,
        Some(Ok(i)) => Some(i),
        Some(Err(_)) => return, // the writer failed before it began, and has its own error
    };
    loop {
        // a batch the writer is done with: its rows' strings are freed here, by the
        // thread that allocated them (cheaper than cross-thread frees in the writer)
        let mut batch: Vec<Prepared> = match spent.as_ref().and_then(|s| s.try_recv().ok()) {
            Some(mut b) => {
                b.clear();
                b
            }
            None => Vec::with_capacity(BATCH),
        };
        let mut eof = false;
        while batch.len() < BATCH {
            let inc = match reader.next_without_extras() {
                None => {
                    eof = true;
                    break;
                }
                Some(Ok(i)) => i,
                Some(Err(e @ (ReadError::Row(_) | ReadError::Csv { .. }))) => match opts.rejects.as_mut() {
                    None => return fail(StoreError::Read(e)),
                    Some(w) => {
                        if let Err(e) = write_reject(w, &e, reader.raw_record()) {
                            return fail(e);
                        }
                        counts.rejected += 1;
                        continue;
                    }
                },
                Some(Err(e)) => return fail(StoreError::Read(e)),
            };
            batch.push(prepare(inc, reader.extras(), &placer, interner.as_mut(), &mut counts));
        }
        let values = interner.as_mut().map(Interner::take_new).unwrap_or_default();
        if !batch.is_empty() && out.blocking_send(Produced::Batch { rows: batch, bytes: reader.bytes_read(), values }).is_err() {
            return; // the writer failed and has its own error
        }
        if eof {
            break;
        }
    }
    if let Some(w) = opts.rejects.as_mut() {
        if let Err(source) = w.flush() {
            return fail(StoreError::Write { what: "rejects file".into(), source });
        }
    }
    let _ = out.blocking_send(Produced::Done(counts));
}

pub(crate) fn is_core_column(format: Format, h: &str) -> bool {
    // mirrors the readers: what they put into `extra` is exactly the rest
    const GED: &[&str] = &[
        "id", "type_of_violence", "conflict_name", "dyad_name", "side_a", "side_b", "number_of_sources",
        "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2", "latitude", "longitude",
        "priogrid_gid", "country", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b",
        "deaths_civilians", "deaths_unknown", "best", "high", "low",
    ];
    const ACLED: &[&str] = &[
        "event_id_cnty", "event_date", "time_precision", "event_type", "sub_event_type", "actor1", "actor2",
        "country", "admin1", "admin2", "location", "latitude", "longitude", "geo_precision", "fatalities",
    ];
    match format {
        Format::Ged { .. } => GED.contains(&h),
        Format::Acled { .. } => ACLED.contains(&h),
    }
}

/// Place, count and fingerprint one incident read without its extras, which are
/// given (borrowed from the reader's record) as `extras` and encoded here: packed
/// with an interner, else as JSON.
fn prepare<'a>(
    incident: Incident,
    extras: impl ExactSizeIterator<Item = (&'a str, &'a str)> + Clone,
    placer: &Placer,
    interner: Option<&mut Interner>,
    report: &mut ImportReport,
) -> Prepared {
    let (placement, outside) = placer.place(&incident);
    if incident.point().is_none() {
        report.without_point += 1;
    }
    if outside.admin1 {
        report.outside_admin1 += 1;
    }
    if outside.admin2 {
        report.outside_admin2 += 1;
        if report.outside_examples.len() < 10 {
            report.outside_examples.push(incident.source_id.clone());
        }
    }
    if incident.bounds_inconsistent() {
        report.flagged_bounds += 1;
    }
    if let (Some(theirs), Some(ours)) = (incident.source_gid, placement.gid) {
        if theirs != ours {
            report.gid_mismatches += 1;
        }
    }
    let extra = match interner {
        Some(i) => StoredExtra::Packed(i.pack(extras.clone().map(|(_, v)| v))),
        None => StoredExtra::Json(json_array(extras.clone().map(|(_, v)| v))),
    };
    let hash = fingerprint_with(&incident, extras);
    Prepared { extra, hash, placement, incident }
}

/// The values as a JSON array of strings, byte for byte as `serde_json::to_string`
/// writes a `Vec<&str>` (how `extra` has always been stored), without its per-byte
/// escape table walk: runs that need no escape are copied whole.
fn json_array<'a>(values: impl ExactSizeIterator<Item = &'a str>) -> String {
    let mut out = String::with_capacity(2 + values.len() * 16);
    out.push('[');
    for (n, v) in values.enumerate() {
        if n > 0 {
            out.push(',');
        }
        out.push('"');
        let mut rest = v;
        while let Some(at) = rest.bytes().position(|b| b < 0x20 || b == b'"' || b == b'\\') {
            out.push_str(&rest[..at]);
            let b = rest.as_bytes()[at];
            match b {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                b'\n' => out.push_str("\\n"),
                b'\r' => out.push_str("\\r"),
                b'\t' => out.push_str("\\t"),
                0x08 => out.push_str("\\b"),
                0x0c => out.push_str("\\f"),
                _ => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.push_str("\\u00");
                    out.push(char::from(HEX[usize::from(b >> 4)]));
                    out.push(char::from(HEX[usize::from(b & 0xf)]));
                }
            }
            rest = &rest[at + 1..];
        }
        out.push_str(rest);
        out.push('"');
    }
    out.push(']');
    out
}

fn write_reject(
    w: &mut csv::Writer<Box<dyn std::io::Write + Send>>,
    e: &ReadError,
    raw: &csv::StringRecord,
) -> Result<()> {
    let (line, column, reason) = match e {
        ReadError::Row(r) => (r.line, r.column.clone(), r.reason.clone()),
        ReadError::Csv { line, message, .. } => (*line, String::new(), message.clone()),
        other => (0, String::new(), other.to_string()),
    };
    let mut rec = vec![line.to_string(), column, reason];
    rec.extend(raw.iter().map(str::to_string));
    // the file's own cells, as hostile as they came: neutralised for spreadsheets
    w.write_record(rec.iter().map(|c| vigil_ingest::write::neutralise(c)))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    /// `extra` is stored exactly as serde_json wrote it before `json_array` existed.
    #[test]
    fn json_array_matches_serde_json() {
        let all_ascii: String = (0u8..128).map(char::from).collect();
        let cases: Vec<Vec<&str>> = vec![
            vec![],
            vec![""],
            vec!["plain", "", "Ségou, Mopti", "quote \" and \\ back\\"],
            vec![all_ascii.as_str(), "tab\tnew\nline\r\u{8}\u{c}\u{1}\u{1f}\u{7f}", "€ 𝄞 \u{2028}", "\"\"", "\\"],
        ];
        for values in cases {
            assert_eq!(super::json_array(values.iter().copied()), serde_json::to_string(&values).unwrap(), "{values:?}");
        }
    }
}
