//! Vigil's geography.
//!
//! * [`grid`]: PRIO-GRID 0.5° cells — pure arithmetic, no index needed.
//! * [`admin`]: admin areas read from GeoJSON boundary files and a point-in-polygon
//!   index (an R-tree over polygon envelopes, fronted by a raster of cells known to lie
//!   wholly inside one area, so most lookups never touch a polygon edge).
//! * [`distance`]: great-circle distance, used for reach and alert radii.
//! * [`names`]: place names as written in Mali (the boundary files' spellings
//!   corrected, French and English names where they differ).

pub mod admin;
pub mod distance;
pub mod grid;
pub mod names;

pub use admin::{AdminArea, AdminIndex, BoundaryError};
pub use distance::haversine_km;
pub use grid::{gid, gid_center, gid_row_col};
