//! Print the report form as an XForm (the document `GET /forms/vigil_report.xml`
//! serves): `cargo run -p vigil-ingest --example xform > vigil_report.xml`.
fn main() {
    print!("{}", vigil_ingest::xform::xform());
}
