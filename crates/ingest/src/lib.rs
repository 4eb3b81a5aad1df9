//! Reading and writing incident files.
//!
//! * [`read`]: UCDP GED (19.x 45-column and 2x.1 49-column layouts, with or without the
//!   HDX row of HXL hashtags) and ACLED (HDX and API exports), detected from the header,
//!   streamed one record at a time with record reuse so a 10M-row file needs no more
//!   memory than a 10-row one.
//! * [`write`]: GED-layout CSV (import → export → import is the identity), GeoJSON
//!   (RFC 7946) and HXL-tagged CSV.
//!
//! * [`xform`]: the field report form as an XForm (ODK Collect, Enketo) and its field
//!   list; [`xform_submission`] reads a filled form back, [`xform_compact`] one
//!   sent by SMS in ODK's compact record representation.
//!
//! Errors say where: file, line, column and why.

pub mod read;
pub mod seen_ids;
pub mod write;
pub mod xform;
pub mod xform_compact;
pub mod xform_submission;

pub use read::{Format, IncidentReader, ReadError, RowError};
pub use write::{write_feature_collection, write_geojson, GedWriter, HxlWriter, Located, MISSION_COLUMNS};

/// The 49 columns of UCDP GED 2x.1 (23.1 to 26.1), in UCDP's order: the layout
/// Vigil exports.
pub const GED_COLUMNS: [&str; 49] = [
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id",
    "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources",
    "source_article", "source_office", "source_date", "source_headline", "source_original", "where_prec",
    "where_coordinates", "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt",
    "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec", "date_start",
    "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best", "high", "low",
    "gwnoa", "gwnob",
];

/// A stable 64-bit fingerprint of an incident's fields, stored beside each row so a
/// re-import can tell unchanged rows from updated ones without reading them back.
/// Word-at-a-time multiply-rotate (FxHash's mixing), written here so it is stable
/// across builds and platforms, unlike `std`'s hasher. Change detection, not security.
pub fn fingerprint(i: &vigil_model::Incident) -> i64 {
    fingerprint_with(i, i.extra.iter().map(|(k, v)| (&**k, v.as_str())))
}

/// [`fingerprint`] of `i` with `extra` (names and values) hashed in place of
/// `i.extra`: the same value for the same pairs, without building them as `String`s.
pub fn fingerprint_with<'a>(i: &vigil_model::Incident, extra: impl IntoIterator<Item = (&'a str, &'a str)>) -> i64 {
    struct Fnv(u64);
    impl Fnv {
        #[inline]
        fn word(&mut self, w: u64) {
            self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
        fn bytes(&mut self, b: &[u8]) {
            let mut chunks = b.chunks_exact(8);
            for c in &mut chunks {
                self.word(u64::from_le_bytes(c.try_into().expect("8 bytes")));
            }
            let mut last = [0u8; 8];
            let rest = chunks.remainder();
            last[..rest.len()].copy_from_slice(rest);
            self.word(u64::from_le_bytes(last));
            // the length separates fields, so ("ab","c") and ("a","bc") differ
            self.word(b.len() as u64 | 1 << 63);
        }
        fn opt_str(&mut self, s: &Option<String>) {
            match s {
                Some(s) => self.bytes(s.as_bytes()),
                None => self.word(0xfe),
            }
        }
        fn opt_i(&mut self, v: Option<i64>) {
            match v {
                Some(v) => {
                    self.word(1);
                    self.word(v as u64)
                }
                None => self.word(0xfe),
            }
        }
        fn opt_f(&mut self, v: Option<f64>) {
            self.opt_i(v.map(|f| f.to_bits() as i64))
        }
    }
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    h.bytes(i.source.as_str().as_bytes());
    h.bytes(i.source_id.as_bytes());
    for d in [i.date_start, i.date_end] {
        match iso_date_bytes(d) {
            Some(b) => h.bytes(&b),
            None => h.bytes(d.to_string().as_bytes()),
        }
    }
    h.opt_i(i.date_prec);
    h.opt_i(i.type_of_violence.map(|t| t.code()));
    for s in [
        &i.event_type,
        &i.sub_event_type,
        &i.conflict_name,
        &i.dyad_name,
        &i.side_a,
        &i.side_b,
        &i.country,
        &i.place,
        &i.where_description,
        &i.adm_1,
        &i.adm_2,
    ] {
        h.opt_str(s);
    }
    h.opt_f(i.latitude);
    h.opt_f(i.longitude);
    for v in [
        i.where_prec,
        i.deaths_a,
        i.deaths_b,
        i.deaths_civilians,
        i.deaths_unknown,
        Some(i.best),
        Some(i.low),
        Some(i.high),
        i.number_of_sources,
        i.source_gid,
    ] {
        h.opt_i(v);
    }
    for (k, v) in extra {
        h.bytes(k.as_bytes());
        h.bytes(v.as_bytes());
    }
    h.0 as i64
}

/// A date as `YYYY-MM-DD`, exactly as `NaiveDate::to_string` writes it, without going
/// through chrono's formatter for the years 0 to 9999 (the rest take that path).
pub fn iso_date(d: chrono::NaiveDate) -> String {
    match iso_date_bytes(d) {
        Some(b) => String::from_utf8(b.to_vec()).expect("ASCII digits and dashes"),
        None => d.to_string(),
    }
}

/// [`iso_date`]'s ten ASCII bytes, for the years 0 to 9999 (`None` otherwise), without
/// allocating.
pub fn iso_date_bytes(d: chrono::NaiveDate) -> Option<[u8; 10]> {
    use chrono::Datelike;
    let (y, m, day) = (d.year(), d.month(), d.day());
    if !(0..=9999).contains(&y) {
        return None;
    }
    let y = y as u32;
    let digit = |v: u32| b'0' + v as u8;
    Some([
        digit(y / 1000),
        digit(y / 100 % 10),
        digit(y / 10 % 10),
        digit(y % 10),
        b'-',
        digit(m / 10),
        digit(m % 10),
        b'-',
        digit(day / 10),
        digit(day % 10),
    ])
}

#[cfg(test)]
mod iso_date_tests {
    use chrono::NaiveDate;

    #[test]
    fn iso_date_matches_chrono() {
        let mut d = NaiveDate::from_ymd_opt(-5, 1, 1).unwrap();
        let end = NaiveDate::from_ymd_opt(10_010, 12, 31).unwrap();
        while d <= end {
            assert_eq!(super::iso_date(d), d.to_string());
            d = d + chrono::Days::new(7);
        }
        for d in [NaiveDate::MIN, NaiveDate::MAX, NaiveDate::from_ymd_opt(2024, 2, 29).unwrap()] {
            assert_eq!(super::iso_date(d), d.to_string());
        }
    }
}
