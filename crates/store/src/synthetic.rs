//! Whether the store holds synthetic records, so that the UI's SYNTHETIC banner follows
//! the records rather than the command that started the server (`vigil demo` or
//! `vigil serve` over a database the synthetic set was imported into).
//!
//! A synthetic incident says so in its source text (`source_article` starts with
//! `SYNTHETIC`, see `data/synthetic/README.md`); the check looks for that word in the
//! incidents' extras: in the interned values first (a column's repeated values, so the
//! synthetic set's source text is found in a small table), then in the rows.

use crate::{on_pool, Result, Store};

impl Store {
    /// True when any incident's source text says SYNTHETIC. Reads every row when none
    /// does (about a second at 1M incidents): callers cache it.
    pub async fn holds_synthetic(&self) -> Result<bool> {
        let sql = if self.is_postgres() {
            "SELECT EXISTS (SELECT 1 FROM incidents WHERE extra LIKE '%SYNTHETIC%')"
        } else {
            // `instr` over a BLOB compares bytes, so packed rows are searched as stored
            "SELECT EXISTS (SELECT 1 FROM extra_values WHERE value LIKE '%SYNTHETIC%') \
             OR EXISTS (SELECT 1 FROM incidents WHERE extra LIKE '%SYNTHETIC%' \
                        OR instr(extra_packed, CAST('SYNTHETIC' AS BLOB)) > 0)"
        };
        let found: bool = on_pool!(self, pool => sqlx::query_scalar(sql).fetch_one(pool).await?);
        Ok(found)
    }
}
