//! The four parameters the Council watches (S/2023/36 §62, §87) and the periodic
//! figures, pure logic (no SQL, no HTTP):
//!
//! - [`indicator`]: each indicator's definition, source (a computed query over Vigil's
//!   records, or a manual entry that must carry its evidence), baseline, target, and
//!   which way is better; the status a user sets (on track / at risk / off track) with
//!   a reason, and the status the figures suggest.
//! - [`milestone`]: the dated milestones of (a) the political transition and (b) the
//!   peace Agreement (planned date, actual date, status, sources, provenance).
//! - [`compute`]: the computed indicators from plain records: movement requests
//!   denied or delayed by sector, CASEVAC denials, alerts acted on within the target
//!   time, civilian deaths in areas with an active alert.
//! - [`coverage`]: whether a period's sources are complete (records start later, or
//!   data runs through an earlier date than the period's end).
//! - [`report`]: the figures section of the periodic report: figures with their
//!   definitions, tables compared with the previous period and the same period a year
//!   earlier, rendered as HTML with inline SVG charts, CSV per table, JSON.
//!
//! Quarters are `vigil_rights::Quarter` (`2022-Q4`).

pub mod compute;
pub mod coverage;
pub mod indicator;
pub mod milestone;
pub mod report;

pub use indicator::{Indicator, ManualError, ManualValue, Param, Source, Status, StatusError};
pub use vigil_rights::Quarter;
