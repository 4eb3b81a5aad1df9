//! PRIO-GRID cells: 0.5° × 0.5°, `gid = row * 720 + col + 1`, row 0 at 90° S and
//! column 0 at 180° W (so gid 1 is the south-west corner of the world).
//!
//! A point on a cell edge belongs to the cell east / north of it, which is what
//! `floor` gives and what UCDP's own `priogrid_gid` uses.

/// Cell size in degrees.
pub const CELL_DEG: f64 = 0.5;
pub const COLUMNS: i64 = 720;
pub const ROWS: i64 = 360;

/// The PRIO-GRID gid of a point, or `None` outside the valid lon/lat range.
pub fn gid(lon: f64, lat: f64) -> Option<i64> {
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return None;
    }
    let row = (((lat + 90.0) / CELL_DEG).floor() as i64).min(ROWS - 1);
    let col = (((lon + 180.0) / CELL_DEG).floor() as i64).min(COLUMNS - 1);
    Some(row * COLUMNS + col + 1)
}

/// 0-based (row, col) of a gid.
pub fn gid_row_col(gid: i64) -> (i64, i64) {
    ((gid - 1) / COLUMNS, (gid - 1) % COLUMNS)
}

/// Centre (lon, lat) of a cell.
pub fn gid_center(gid: i64) -> (f64, f64) {
    let (row, col) = gid_row_col(gid);
    (
        col as f64 * CELL_DEG - 180.0 + CELL_DEG / 2.0,
        row as f64 * CELL_DEG - 90.0 + CELL_DEG / 2.0,
    )
}

/// The cells within `rings` steps (queen contiguity) of a cell, the cell excluded.
/// Used for spatial lags in forecasting.
pub fn neighbours(gid: i64, rings: i64) -> Vec<i64> {
    let (row, col) = gid_row_col(gid);
    let mut out = Vec::with_capacity(((2 * rings + 1) * (2 * rings + 1) - 1) as usize);
    for dr in -rings..=rings {
        for dc in -rings..=rings {
            if dr == 0 && dc == 0 {
                continue;
            }
            let r = row + dr;
            let c = (col + dc).rem_euclid(COLUMNS);
            if (0..ROWS).contains(&r) {
                out.push(r * COLUMNS + c + 1);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bamako_is_147945() {
        assert_eq!(gid(-8.0, 12.65), Some(147945));
    }

    #[test]
    fn corners_and_edges() {
        assert_eq!(gid(-180.0, -90.0), Some(1));
        assert_eq!(gid(180.0, 90.0), Some(360 * 720));
        // a point on an edge goes east / north
        assert_eq!(gid(-179.5, -90.0), Some(2));
        assert_eq!(gid(-180.0, -89.5), Some(721));
        assert_eq!(gid(181.0, 0.0), None);
    }

    #[test]
    fn center_round_trips() {
        let g = gid(-0.4383, 15.5371).unwrap();
        let (lon, lat) = gid_center(g);
        assert_eq!(gid(lon, lat), Some(g));
        assert_eq!(neighbours(g, 1).len(), 8);
        assert_eq!(neighbours(g, 2).len(), 24);
    }
}
