//! Vigil's domain model: the types every layer shares.
//!
//! This crate sits at the bottom of the workspace (model → geo / ingest / store →
//! forecast / warn → server / cli). It holds no I/O: an [`Incident`] is the coded,
//! located event that imports produce, the store keeps, and forecasts, alerts and the
//! UI read. Field names follow UCDP GED where GED has the concept, because GED is the
//! richest layout Vigil reads and the one it exports.

pub mod duplicates;
pub mod vocab;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// Where an incident's record came from. Together with `source_id` it is the
/// identity that makes re-imports idempotent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// UCDP Georeferenced Event Dataset (`id` is the source id).
    Ged,
    /// ACLED export (`event_id_cnty` is the source id).
    Acled,
    /// Coded inside Vigil from field reports.
    Vigil,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Ged => "ged",
            Source::Acled => "acled",
            Source::Vigil => "vigil",
        }
    }
    pub fn parse(s: &str) -> Option<Source> {
        match s {
            "ged" => Some(Source::Ged),
            "acled" => Some(Source::Acled),
            "vigil" => Some(Source::Vigil),
            _ => None,
        }
    }
}

/// UCDP type of violence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ViolenceType {
    /// 1: state-based armed conflict.
    StateBased = 1,
    /// 2: non-state conflict.
    NonState = 2,
    /// 3: one-sided violence against civilians.
    OneSided = 3,
}

impl ViolenceType {
    pub fn from_code(code: i64) -> Option<ViolenceType> {
        match code {
            1 => Some(ViolenceType::StateBased),
            2 => Some(ViolenceType::NonState),
            3 => Some(ViolenceType::OneSided),
            _ => None,
        }
    }
    pub fn code(self) -> i64 {
        self as i64
    }
    /// The short names used by forecasting targets (`sb`, `ns`, `os`).
    pub fn short(self) -> &'static str {
        match self {
            ViolenceType::StateBased => "sb",
            ViolenceType::NonState => "ns",
            ViolenceType::OneSided => "os",
        }
    }
}

/// GED `where_prec` at or above which an event is too coarse for admin level 2.
pub const WHERE_PREC_NO_ADMIN2: i64 = 4;
/// GED `where_prec` at or above which an event is too coarse for admin level 1.
pub const WHERE_PREC_NO_ADMIN1: i64 = 6;

/// A coded, located event of violence.
///
/// Fields a source does not have stay `None` rather than being invented (ACLED has no
/// civilian-death split, so `deaths_civilians` is `None` for ACLED rows). Source
/// columns that Vigil does not model are kept verbatim in `extra`, in the source's
/// column order, so that an export in the source layout gives back every field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub source: Source,
    pub source_id: String,
    pub date_start: NaiveDate,
    pub date_end: NaiveDate,
    /// GED `date_prec` 1 (exact day) … 5 (year); ACLED `time_precision` 1–3.
    pub date_prec: Option<i64>,
    pub type_of_violence: Option<ViolenceType>,
    /// ACLED-style event type, or a mission category such as `IED` or `CRSV`.
    pub event_type: Option<String>,
    pub sub_event_type: Option<String>,
    pub conflict_name: Option<String>,
    pub dyad_name: Option<String>,
    pub side_a: Option<String>,
    pub side_b: Option<String>,
    pub country: Option<String>,
    /// Place name as the source gives it (GED `where_coordinates`, ACLED `location`).
    pub place: Option<String>,
    pub where_description: Option<String>,
    /// First-level area name as the source labels it; kept as given, never used to
    /// assign codes (the polygon decides).
    pub adm_1: Option<String>,
    pub adm_2: Option<String>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// Geographic precision on GED's 1–7 scale (ACLED's 1–3 are mapped onto it).
    pub where_prec: Option<i64>,
    pub deaths_a: Option<i64>,
    pub deaths_b: Option<i64>,
    pub deaths_civilians: Option<i64>,
    pub deaths_unknown: Option<i64>,
    pub best: i64,
    pub low: i64,
    pub high: i64,
    pub number_of_sources: Option<i64>,
    /// The PRIO-GRID gid the source wrote, if any (checked against our own).
    pub source_gid: Option<i64>,
    /// Remaining source columns, verbatim, in source order. Column names are shared
    /// (one allocation per file, not per row).
    pub extra: Vec<(std::sync::Arc<str>, String)>,
}

impl Incident {
    /// GED allows `low <= best <= high` to be broken (4,967 rows in GED 25.1); such
    /// rows are accepted and flagged, not rejected.
    pub fn bounds_inconsistent(&self) -> bool {
        !(self.low <= self.best && self.best <= self.high)
    }

    pub fn extra(&self, key: &str) -> Option<&str> {
        self.extra.iter().find(|(k, _)| &**k == key).map(|(_, v)| v.as_str())
    }

    /// The point, if the incident has one.
    pub fn point(&self) -> Option<(f64, f64)> {
        match (self.longitude, self.latitude) {
            (Some(lon), Some(lat)) => Some((lon, lat)),
            _ => None,
        }
    }
}

/// Derived geography of an incident: computed by Vigil, never read from a source.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placement {
    pub gid: Option<i64>,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
}

/// Filters shared by `vigil incidents`, `vigil stats`, the API and the forecasts.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IncidentFilter {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub country: Option<String>,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub gid: Option<i64>,
    pub type_of_violence: Option<ViolenceType>,
    /// Mission category (`ied`, `attack_on_peacekeepers`, `crsv`, …; `vocab::CATEGORIES`).
    pub category: Option<String>,
}

/// The fields Vigil adds to a coded incident (its mission category, sensitivity and
/// verification), carried by exports beside the source's own columns.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MissionFields {
    pub category: Option<String>,
    pub sensitivity: Option<String>,
    pub verification: Option<String>,
}

/// Sensitivity of a record: who may see its restricted detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sensitivity {
    Public,
    Restricted,
    Confidential,
}

/// One incident as forecasting sees it: the month it counts in, its type and
/// fatalities, and where it was placed (`admin1`/`admin2` codes as the store assigns
/// them, `gid` the PRIO-GRID cell). The store reads these; the forecasts consume them.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastEvent {
    pub date_start: NaiveDate,
    pub type_of_violence: Option<i64>,
    pub best: i64,
    pub gid: Option<i64>,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub country: Option<String>,
}
