//! What the readers refuse or warn about, and where they say it is: the file's own
//! line (1-based, header included, a quoted field's newlines counted), the column and
//! a short excerpt of the value.

use std::io::Cursor;
use vigil_ingest::IncidentReader;

const GED_HEAD: &str = "id,type_of_violence,date_start,date_end,latitude,longitude,best,low,high,where_description";

fn good(id: u32) -> String {
    format!("{id},1,2020-01-01,2020-01-01,12.0,-8.0,1,1,1,x")
}
fn bad_lat(id: u32) -> String {
    format!("{id},1,2020-01-01,2020-01-01,95.0,-8.0,1,1,1,x")
}

/// Every error of the file, as the user reads it.
fn errors(text: &str) -> Vec<String> {
    let mut r = IncidentReader::from_reader(Cursor::new(text.to_string()), "f.csv").unwrap();
    std::iter::from_fn(|| r.next()).filter_map(|x| x.err()).map(|e| e.to_string()).collect()
}

#[test]
fn a_bad_latitude_is_reported_on_the_files_own_line() {
    for eol in ["\n", "\r\n"] {
        // line 1 header, lines 2-4 good, line 5 bad
        let rows = [GED_HEAD.to_string(), good(1), good(2), good(3), bad_lat(4)];
        let e = errors(&(rows.join(eol) + eol));
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(e[0].starts_with("f.csv:5: column `latitude`"), "{eol:?}: {}", e[0]);
        // on line 3
        let rows = [GED_HEAD.to_string(), good(1), bad_lat(2)];
        let e = errors(&(rows.join(eol) + eol));
        assert!(e[0].starts_with("f.csv:3: column `latitude`"), "{eol:?}: {}", e[0]);
        // the first data line, right after the header (read ahead for the HXL row)
        let rows = [GED_HEAD.to_string(), bad_lat(1), good(2)];
        let e = errors(&(rows.join(eol) + eol));
        assert!(e[0].starts_with("f.csv:2: column `latitude`"), "{eol:?}: {}", e[0]);
        // after blank lines, which csv skips
        let rows = [GED_HEAD.to_string(), good(1), String::new(), String::new(), bad_lat(2)];
        let e = errors(&(rows.join(eol) + eol));
        assert!(e[0].starts_with("f.csv:5: column `latitude`"), "{eol:?}: {}", e[0]);
        // without a final newline
        let rows = [GED_HEAD.to_string(), good(1), bad_lat(2)];
        let e = errors(&rows.join(eol));
        assert!(e[0].starts_with("f.csv:3: column `latitude`"), "{eol:?}: {}", e[0]);
    }
}

#[test]
fn a_quoted_field_with_newlines_counts_its_lines() {
    let text = format!(
        "{GED_HEAD}\n1,1,2020-01-01,2020-01-01,12.0,-8.0,1,1,1,\"two\nlines\"\n2,1,2020-01-01,2020-01-01,12.0,-8.0,1,1,1,\"three\nmore\nlines\"\n{}\n",
        bad_lat(3)
    );
    let e = errors(&text);
    assert!(e[0].starts_with("f.csv:7: column `latitude`"), "{}", e[0]);
    // the error is on the line where the record starts
    let text = format!("{GED_HEAD}\n{}\n3,1,2020-01-01,2020-01-01,95.0,-8.0,1,1,1,\"a\nb\"\n", good(1));
    let e = errors(&text);
    assert!(e[0].starts_with("f.csv:3: column `latitude`"), "{}", e[0]);
}

#[test]
fn a_bad_row_after_the_hxl_row_is_on_its_own_line() {
    let tags = "#event+id,#x,#date+start,#date+end,#geo+lat,#geo+lon,#affected+killed,#a,#b,#loc";
    let text = format!("{GED_HEAD}\n{tags}\n{}\n{}\n", good(1), bad_lat(2));
    let e = errors(&text);
    assert!(e[0].starts_with("f.csv:4: column `latitude`"), "{}", e[0]);
}

/// A reader over `n` bytes of `fill` after `head`, made on the fly (no file, no copy).
struct Endless {
    head: Vec<u8>,
    at: usize,
    left: u64,
    fill: u8,
}
impl std::io::Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at < self.head.len() {
            let n = buf.len().min(self.head.len() - self.at);
            buf[..n].copy_from_slice(&self.head[self.at..self.at + n]);
            self.at += n;
            return Ok(n);
        }
        let n = (buf.len() as u64).min(self.left) as usize;
        buf[..n].fill(self.fill);
        self.left -= n as u64;
        Ok(n)
    }
}

#[test]
fn a_huge_single_line_is_refused_early_with_its_line_and_the_limit() {
    use vigil_ingest::read::MAX_RECORD_BYTES;
    // a 200 MB header line: refused after reading little more than the limit
    let src = Endless { head: vec![], at: 0, left: 200_000_000, fill: b'a' };
    let err = IncidentReader::from_reader(src, "big.csv").err().expect("refused");
    let msg = err.to_string();
    assert!(msg.starts_with("big.csv:1: a record longer than 1048576 bytes"), "{msg}");
    assert!(msg.len() < 300, "{} bytes", msg.len());
    // a data row of 200 MB on line 3, after a good one
    let head = format!("{GED_HEAD}\n{}\n", good(1)).into_bytes();
    let src = Endless { head, at: 0, left: 200_000_000, fill: b'7' };
    let mut r = IncidentReader::from_reader(src, "big.csv").unwrap();
    assert!(r.next().unwrap().is_ok());
    let msg = r.next().unwrap().unwrap_err().to_string();
    assert!(msg.starts_with(&format!("big.csv:3: a record longer than {MAX_RECORD_BYTES} bytes")), "{msg}");
    assert!(r.next().is_none(), "nothing after it is read");
    // a record just under the limit is read
    let long = "x".repeat(MAX_RECORD_BYTES as usize - 200);
    let text = format!("{GED_HEAD}\n1,1,2020-01-01,2020-01-01,12.0,-8.0,1,1,1,{long}\n");
    let mut r = IncidentReader::from_reader(Cursor::new(text), "f.csv").unwrap();
    assert_eq!(r.next().unwrap().unwrap().where_description.map(|d| d.len()), Some(long.len()));
}

#[test]
fn errors_quote_a_short_excerpt_not_the_whole_value() {
    // an unknown header of one long line
    let text = format!("{}\n1\n", "h".repeat(500_000));
    let msg = IncidentReader::from_reader(Cursor::new(text), "f.csv").err().unwrap().to_string();
    assert!(msg.len() < 600, "{} bytes: {}", msg.len(), &msg[..200]);
    assert!(msg.contains(&format!("{}…", "h".repeat(80))), "{msg}");
    // a bad value of 100,000 characters
    let text = format!("{GED_HEAD}\n1,1,2020-01-01,2020-01-01,{},-8.0,1,1,1,x\n", "9".repeat(100_000));
    let e = errors(&text);
    assert!(e[0].starts_with("f.csv:2: column `latitude`"), "{}", &e[0][..100]);
    assert!(e[0].len() < 300 && e[0].contains(&format!("{}…", "9".repeat(80))), "{} bytes", e[0].len());
}

#[test]
fn a_non_numeric_ged_id_is_refused() {
    let text = format!("{GED_HEAD}\nabc,1,2020-01-01,2020-01-01,12.0,-8.0,1,1,1,x\n{}\n", good(2));
    let e = errors(&text);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].starts_with("f.csv:2: column `id`: expected a whole number"), "{}", e[0]);
}

#[test]
fn a_header_naming_a_column_twice_is_refused() {
    let text = format!("{GED_HEAD},latitude\n{},13.0\n", good(1));
    let msg = IncidentReader::from_reader(Cursor::new(text), "f.csv").err().unwrap().to_string();
    assert_eq!(msg, "f.csv:1: the header names column `latitude` twice (fields 5 and 11)");
}

#[test]
fn a_nul_byte_in_a_field_is_refused_naming_its_column() {
    let text = format!("{GED_HEAD}\n{}\n2,1,2020-01-01,2020-01-01,12.0,-8.0,1,1,1,a\0b\n", good(1));
    let e = errors(&text);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].starts_with("f.csv:3: column `where_description`: contains a NUL byte"), "{}", e[0]);
}

#[test]
fn the_same_id_twice_in_a_file_names_both_lines() {
    let text = format!("{GED_HEAD}\n{}\n{}\n{}\n", good(7), good(8), good(7));
    let mut r = IncidentReader::from_reader(Cursor::new(text), "f.csv").unwrap();
    assert_eq!(r.next().unwrap().unwrap().source_id, "7");
    assert_eq!(r.next().unwrap().unwrap().source_id, "8");
    let msg = r.next().unwrap().unwrap_err().to_string();
    assert!(msg.starts_with("f.csv:4: column `id`: the same id as line 2"), "{msg}");
    // ACLED ids too
    let text = "event_id_cnty,event_date,event_type,latitude,longitude,fatalities\n\
                MLI1,2020-01-01,Battles,12.0,-8.0,0\nMLI2,2020-01-01,Battles,12.0,-8.0,0\nMLI1,2020-01-02,Battles,12.0,-8.0,1\n";
    let e = errors(text);
    assert_eq!(e.len(), 1, "{e:?}");
    assert!(e[0].starts_with("f.csv:4: column `event_id_cnty`: the same id as line 2"), "{}", e[0]);
}
