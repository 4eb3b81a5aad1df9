//! Footprint options (issue #17): which incidents, towns, forecast risk and routes each
//! configuration of the mission's sites can reach in time, by day and by night.
//!
//! Pure logic, no SQL and no HTTP:
//! - [`site`]: sites with their assets, read from the shipped `sites.csv` and the
//!   tool's reading of its asset columns (`assets.toml`);
//! - [`scenario`]: a scenario is the baseline plus an ordered list of [`scenario::Change`]s;
//!   applying one gives the state of every site;
//! - [`options`]: `options.toml` (the baseline and options 1a–3 of S/2023/36) into
//!   scenarios and settings, refusing bad input with the file, the key and the reason;
//! - [`settings`]: every planning parameter with its staged default and its tag
//!   (sourced / derived / assumption);
//! - [`reach`]: point sets pre-sorted into grid cells, and the reach test (1 h: launch
//!   + flight; 2 h: + on scene + carry to the nearest Level 2; ground QRF by road);
//! - [`compare`]: coverage per scenario, the comparison table with deltas against the
//!   baseline, ranked gaps, and the sensitivity grid.

pub mod compare;
pub mod options;
pub mod reach;
pub mod scenario;
pub mod settings;
pub mod site;

use serde::{Deserialize, Serialize};

/// Mean Earth radius, km (as `vigil-geo` and `derive_distances.py`).
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Great-circle distance in km between two (lat, lon) points in degrees.
pub fn km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (la1, lo1, la2, lo2) = (lat1.to_radians(), lon1.to_radians(), lat2.to_radians(), lon2.to_radians());
    let h = ((la2 - la1) / 2.0).sin().powi(2) + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().asin()
}

/// Where a value comes from, shown with it to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Tag {
    /// stated in a cited source
    Sourced,
    /// computed from sourced inputs
    Derived,
    /// no source found: a default the planner may change
    Assumption,
}

impl Tag {
    pub fn as_str(self) -> &'static str {
        match self {
            Tag::Sourced => "sourced",
            Tag::Derived => "derived",
            Tag::Assumption => "assumption",
        }
    }
}

/// Bad input, named by file, key and reason (`options.toml: option[1a].unit_change[2].site:
/// unknown site `x``).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}: {key}: {reason}")]
pub struct InputError {
    pub file: String,
    pub key: String,
    pub reason: String,
}

impl InputError {
    pub fn new(file: &str, key: impl Into<String>, reason: impl Into<String>) -> InputError {
        InputError { file: file.to_string(), key: key.into(), reason: reason.into() }
    }
}

/// The files shipped in `data/footprint/` (attribution in its `SOURCES.md`).
pub mod shipped {
    pub const SITES_CSV: &str = include_str!("../../../data/footprint/sites.csv");
    pub const OPTIONS_TOML: &str = include_str!("../../../data/footprint/options.toml");
    pub const ASSETS_TOML: &str = include_str!("../../../data/footprint/assets.toml");
    pub const ASSUMPTIONS_MD: &str = include_str!("../../../data/footprint/assumptions.md");
    /// Short attribution shown with every result.
    pub const ATTRIBUTION: &str = "Sites and options: S/2023/36 (UN, public) §65–81; Geo-PKO v2.3 (Cil, Fjelde, Hultman & \
Nilsson 2020, JPR 57(2)); GeoNames (CC BY 4.0, geonames.org); OCHA boundaries (CC BY-IGO, DNCT / DNP Mali; OCHA ROWCA / \
ITOS, via HDX); press releases listed in data/footprint/SOURCES.md.";
}

/// Everything the shipped files hold, parsed and checked.
#[derive(Debug, Clone)]
pub struct Footprint {
    pub sites: Vec<site::Site>,
    pub kinds: site::UnitKinds,
    pub options: options::Options,
}

/// Parse the shipped files (a failure here is a broken build: the tests parse them).
pub fn load_shipped() -> Result<Footprint, InputError> {
    load(shipped::SITES_CSV, shipped::ASSETS_TOML, shipped::OPTIONS_TOML)
}

/// Parse sites, assets and options from their texts (named `sites.csv`, `assets.toml`,
/// `options.toml` in errors).
pub fn load(sites_csv: &str, assets_toml: &str, options_toml: &str) -> Result<Footprint, InputError> {
    let mut sites = site::parse_sites("sites.csv", sites_csv)?;
    let kinds = site::apply_assets("assets.toml", assets_toml, &mut sites)?;
    let options = options::parse_options("options.toml", options_toml, &sites, &kinds)?;
    for s in &mut sites {
        s.level2 = options.settings.dcs_sites.iter().any(|d| d == &s.id);
    }
    Ok(Footprint { sites, kinds, options })
}
