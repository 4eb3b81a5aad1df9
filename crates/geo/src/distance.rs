//! Great-circle distance on a spherical Earth (mean radius), good to ~0.5 % — the
//! precision of the coordinates it is used with.

pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Haversine distance in km between two (lon, lat) points in degrees.
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lon1, lat1) = (a.0.to_radians(), a.1.to_radians());
    let (lon2, lat2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_KM * h.sqrt().asin()
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn bamako_to_gao() {
        // Bamako (-8.0, 12.65) to Gao (-0.04, 16.27): about 950 km.
        let d = haversine_km((-8.0, 12.65), (-0.044, 16.272));
        assert!((d - 950.0).abs() < 15.0, "{d}");
        assert_eq!(haversine_km((1.0, 2.0), (1.0, 2.0)), 0.0);
    }
}
