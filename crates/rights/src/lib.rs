//! Human-rights documentation, pure logic (no SQL, no HTTP).
//!
//! - [`case`]: a case after the "who did what to whom" model: an event (date, place,
//!   alleged perpetrator and unit) with its acts (act type, victims counted by sex and
//!   age group), and its verification status (alleged → under verification → verified
//!   at "reasonable grounds to believe" / not verified / closed).
//! - [`aggregate`]: counts by perpetrator, act type, region and victim group with
//!   small-cell suppression (default: fewer than 3 → suppressed), the only form in
//!   which analysts and planners see cases.
//! - [`quarter`]: quarters (`2022-Q3`), the one before and the one a year before.
//! - [`note`]: the quarterly note's tables, built from aggregates only.
//! - [`hrddp`]: support requests to non-UN security forces, risk assessments from the
//!   unit's case record, the rule that approval needs an assessment, follow-up.
//!
//! Every code is checked against `vigil_model::vocab::rights`.

pub mod aggregate;
pub mod case;
pub mod hrddp;
pub mod note;
pub mod quarter;

pub use aggregate::{Cell, Table, DEFAULT_THRESHOLD};
pub use case::{Act, Case, CaseError, CaseStatus, Event, VictimCounts};
pub use quarter::Quarter;
