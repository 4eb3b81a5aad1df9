//! The places gazetteer: the GeoNames towns a reporter picks a place from.

use crate::reports::ReportError;
use crate::{on_pool, Store, StoreError};
use serde::Serialize;
use sqlx::AssertSqlSafe;

/// The country of the mission (ISO 3166 alpha-2, as GeoNames writes it): its towns
/// come first in the report form's list, the neighbours' after.
const MISSION_COUNTRY: &str = "ML";

type Result<T, E = ReportError> = std::result::Result<T, E>;

/// A town for the report form.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    pub id: i64,
    /// The GeoNames name (English where English has its own, e.g. Timbuktu).
    pub name: String,
    /// The French name where it differs (Tombouctou), for the French UI.
    pub name_fr: Option<String>,
    pub country_code: String,
    pub admin1_code: Option<String>,
    pub population: Option<i64>,
    pub latitude: f64,
    pub longitude: f64,
}

impl Store {
    /// Load towns from a GeoNames extract (`geonameid,name,country_code,feature_code,
    /// admin1_code,population,latitude,longitude`); existing ids are left as they are.
    pub async fn load_places(&self, csv_text: &str) -> Result<u64> {
        let mut rd = csv::Reader::from_reader(csv_text.as_bytes());
        let mut rows = vec![];
        for rec in rd.records() {
            let rec = rec.map_err(StoreError::from)?;
            let get = |i: usize| rec.get(i).unwrap_or("").to_string();
            let bad =
                |what: &str| ReportError::Invalid { field: "places", message: format!("bad {what} in `{:?}`", rec) };
            rows.push(Place {
                id: get(0).parse().map_err(|_| bad("geonameid"))?,
                name: get(1),
                name_fr: None,
                country_code: get(2),
                admin1_code: Some(get(4)).filter(|s| !s.is_empty()),
                population: get(5).parse().ok(),
                latitude: get(6).parse().map_err(|_| bad("latitude"))?,
                longitude: get(7).parse().map_err(|_| bad("longitude"))?,
            });
        }
        let begin = self.begin_write_sql();
        let mut n = 0u64;
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            for p in &rows {
                n += sqlx::query(
                    "INSERT INTO places (geonameid, name, country_code, admin1_code, population, latitude, longitude) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (geonameid) DO NOTHING",
                )
                .bind(p.id)
                .bind(&p.name)
                .bind(&p.country_code)
                .bind(p.admin1_code.as_deref())
                .bind(p.population)
                .bind(p.latitude)
                .bind(p.longitude)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            tx.commit().await?;
        });
        Ok(n)
    }

    /// All towns: the mission's country first, then the neighbours, each by name.
    pub async fn places(&self) -> Result<Vec<Place>> {
        self.places_where("", None).await
    }

    /// One town.
    pub async fn place(&self, id: i64) -> Result<Option<Place>> {
        Ok(self.places_where(" WHERE geonameid = $1", Some(id)).await?.pop())
    }

    async fn places_where(&self, wh: &str, id: Option<i64>) -> Result<Vec<Place>> {
        let sql = format!(
            "SELECT geonameid, name, country_code, admin1_code, population, latitude, longitude FROM places{wh} \
             ORDER BY CASE WHEN country_code = '{MISSION_COUNTRY}' THEN 0 ELSE 1 END, country_code, name"
        );
        type PlaceRow = (i64, String, String, Option<String>, Option<i64>, f64, f64);
        let rows: Vec<PlaceRow> = on_pool!(self, pool => {
            let mut q = sqlx::query_as(AssertSqlSafe(sql.as_str()));
            if let Some(id) = id {
                q = q.bind(id);
            }
            q.fetch_all(pool).await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, name, country_code, admin1_code, population, latitude, longitude)| Place {
                id,
                name_fr: vigil_geo::names::french_name(&name).map(str::to_string),
                name,
                country_code,
                admin1_code,
                population,
                latitude,
                longitude,
            })
            .collect())
    }
}
