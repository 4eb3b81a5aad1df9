//! Derived geography for one incident: PRIO-GRID gid always (arithmetic), admin1 and
//! admin2 codes by point-in-polygon once boundaries are loaded, respecting the
//! incident's geographic precision.

use vigil_geo::AdminIndex;
use vigil_model::{Incident, Placement, WHERE_PREC_NO_ADMIN1, WHERE_PREC_NO_ADMIN2};

/// The admin indices for levels 1 and 2 (either may be absent: not loaded yet).
#[derive(Default)]
pub struct Placer {
    pub admin1: Option<AdminIndex>,
    pub admin2: Option<AdminIndex>,
}

/// Whether a point fell outside every loaded polygon of a level: reported, never guessed.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Outside {
    pub admin1: bool,
    pub admin2: bool,
}

impl Placer {
    pub fn place(&self, i: &Incident) -> (Placement, Outside) {
        let mut p = Placement::default();
        let mut out = Outside::default();
        let Some((lon, lat)) = i.point() else { return (p, out) };
        p.gid = vigil_geo::gid(lon, lat);
        let prec = i.where_prec.unwrap_or(1);
        if prec < WHERE_PREC_NO_ADMIN1 {
            if let Some(idx) = &self.admin1 {
                p.admin1 = idx.locate(lon, lat).map(|a| a.code.clone());
                out.admin1 = p.admin1.is_none();
            }
        }
        if prec < WHERE_PREC_NO_ADMIN2 {
            if let Some(idx) = &self.admin2 {
                p.admin2 = idx.locate(lon, lat).map(|a| a.code.clone());
                out.admin2 = p.admin2.is_none();
            }
        }
        (p, out)
    }

    /// Code of one level for a bare point with a precision (used when re-assigning).
    pub fn code_at(&self, level: u8, lon: f64, lat: f64, where_prec: Option<i64>) -> Option<String> {
        let prec = where_prec.unwrap_or(1);
        let (idx, limit) = match level {
            1 => (self.admin1.as_ref()?, WHERE_PREC_NO_ADMIN1),
            2 => (self.admin2.as_ref()?, WHERE_PREC_NO_ADMIN2),
            _ => return None,
        };
        if prec >= limit {
            return None;
        }
        idx.locate(lon, lat).map(|a| a.code.clone())
    }
}
