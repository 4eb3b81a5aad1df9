//! Freedom of movement and the mission's own safety (issue #18), as pure logic:
//!
//! - [`movements`]: movement requests (air sorties, ground moves) and their decisions,
//!   validation, the figures by sector / month / kind / purpose / authority;
//! - [`overlap`]: for each denied or delayed movement, the incidents, civilian deaths,
//!   active alerts and forecast risk near its destination or route in the following
//!   days, compared with the granted ones;
//! - [`attacks`]: attacks on the mission and the review's figures ("N IED attacks since
//!   July 2013, killing K and wounding W"), counted from the records;
//! - [`routes`]: named routes as lines (GeoJSON import), their exposure by segment;
//! - [`convoys`]: convoys and their durations by route over time.
//!
//! No SQL, no HTTP: the store keeps the records, the app feeds them here.

pub mod attacks;
pub mod convoys;
pub mod movements;
pub mod overlap;
pub mod routes;
pub mod spatial;

/// Input refused: which field, and why. Nothing is saved when this is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("{field}: {reason}")]
pub struct Refusal {
    pub field: String,
    pub reason: String,
}

impl Refusal {
    pub fn new(field: impl Into<String>, reason: impl Into<String>) -> Refusal {
        Refusal { field: field.into(), reason: reason.into() }
    }
}

/// A coded value of this domain (serialised and stored as its code).
pub trait Code: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn code(self) -> &'static str;
    fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|v| v.code() == s)
    }
}

/// Define a coded enum with its codes.
macro_rules! coded {
    ($(#[$m:meta])* $name:ident { $($var:ident = $code:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($var),+ }
        impl $crate::Code for $name {
            const ALL: &'static [Self] = &[$($name::$var),+];
            fn code(self) -> &'static str { match self { $($name::$var => $code),+ } }
        }
        impl $name {
            pub fn as_str(self) -> &'static str { $crate::Code::code(self) }
            pub fn parse(s: &str) -> Option<Self> { <Self as $crate::Code>::parse(s) }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> { s.serialize_str(self.as_str()) }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}
pub(crate) use coded;

/// Parse a code of `T` for `field`, refusing an unknown one with the known codes.
pub fn parse_code<T: Code>(field: &str, s: &str) -> Result<T, Refusal> {
    T::parse(s).ok_or_else(|| {
        let known: Vec<&str> = T::ALL.iter().map(|v| v.code()).collect();
        Refusal::new(field, format!("`{s}` is not one of {}", known.join(", ")))
    })
}

/// The value at quantile `q` (0..=1) of sorted `v` by the nearest-rank method
/// (the smallest value with at least `q` of the values at or below it).
pub fn quantile_sorted(v: &[f64], q: f64) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let rank = (q * v.len() as f64).ceil().max(1.0) as usize;
    Some(v[rank.min(v.len()) - 1])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_quantiles() {
        let v = [10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0, 100.0];
        assert_eq!(quantile_sorted(&v, 0.5), Some(50.0));
        assert_eq!(quantile_sorted(&v, 0.9), Some(90.0));
        assert_eq!(quantile_sorted(&[5.0], 0.9), Some(5.0));
        assert_eq!(quantile_sorted(&[], 0.5), None);
    }
}
