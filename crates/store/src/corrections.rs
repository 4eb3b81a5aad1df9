//! Correcting a coded incident after the fact: an analyst edits fields of the
//! coding with a reason, or retracts the incident (kept, marked, left out of every
//! list, map and figure). Each correction is one audit entry holding the changed
//! fields before and after and the reason, so the incident's history keeps every
//! version; a retraction is an entry too.
//!
//! Who may correct is the edge's decision (the triage roles); the store makes sure
//! the caller can see the incident at all (a confidential incident is "not found"
//! to an analyst, as everywhere else), that the corrected coding is consistent
//! (low ≤ best ≤ high, start ≤ end), and that a moved point is placed again in its
//! cell and admin areas.

use crate::access::Principal;
use crate::audit::audit_append;
use crate::reports::ReportError;
use crate::{on_pool, Store};
use serde_json::{json, Map, Value};
use sqlx::{AssertSqlSafe, Row};

type Result<T, E = ReportError> = std::result::Result<T, E>;

/// The kind of value an editable field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    Int,
    Real,
    Text,
}

/// The coded fields an analyst may correct, with their kinds. Source fields
/// (`source`, `source_id`), placement (`gid`, `admin1`, `admin2`: derived from the
/// point) and the import's fingerprint are not among them.
pub const EDITABLE: &[(&str, FieldKind)] = &[
    ("type_of_violence", FieldKind::Int),
    ("event_type", FieldKind::Text),
    ("category", FieldKind::Text),
    ("side_a", FieldKind::Text),
    ("side_b", FieldKind::Text),
    ("best", FieldKind::Int),
    ("low", FieldKind::Int),
    ("high", FieldKind::Int),
    ("deaths_civilians", FieldKind::Int),
    ("date_start", FieldKind::Text),
    ("date_end", FieldKind::Text),
    ("date_prec", FieldKind::Int),
    ("where_prec", FieldKind::Int),
    ("place", FieldKind::Text),
    ("latitude", FieldKind::Real),
    ("longitude", FieldKind::Real),
    ("sensitivity", FieldKind::Text),
];

/// Fields that may not be emptied: the coding is not a coding without them.
const REQUIRED: &[&str] = &["best", "low", "high", "date_start", "date_end", "sensitivity"];

/// A new value for one field (`None` empties it).
#[derive(Debug, Clone, PartialEq)]
pub enum FieldValue {
    Int(Option<i64>),
    Real(Option<f64>),
    Text(Option<String>),
}

impl FieldValue {
    fn to_json(&self) -> Value {
        match self {
            FieldValue::Int(v) => json!(v),
            FieldValue::Real(v) => json!(v),
            FieldValue::Text(v) => json!(v),
        }
    }
}

/// A correction: the fields to change and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Correction {
    pub reason: String,
    pub changes: Vec<(&'static str, FieldValue)>,
}

/// What a correction did: the changed fields before and after (empty when nothing
/// differed, and then nothing was written).
#[derive(Debug, Clone, PartialEq)]
pub struct Corrected {
    pub before: Map<String, Value>,
    pub after: Map<String, Value>,
}

fn invalid(field: &'static str, message: impl Into<String>) -> ReportError {
    ReportError::Invalid { field, message: message.into() }
}

/// The kind of a field by name, `None` when it is not editable.
pub fn kind_of(field: &str) -> Option<(&'static str, FieldKind)> {
    EDITABLE.iter().find(|(f, _)| *f == field).copied()
}

impl Store {
    /// The editable fields of an incident as they stand, `None` when there is none.
    async fn editable_values(&self, id: i64) -> Result<Option<Map<String, Value>>> {
        let cols: Vec<&str> = EDITABLE.iter().map(|(c, _)| *c).collect();
        let sql = format!("SELECT {} FROM incidents WHERE id = $1", cols.join(", "));
        let row = on_pool!(self, pool => {
            match sqlx::query(AssertSqlSafe(sql.as_str())).bind(id).fetch_optional(pool).await? {
                None => None,
                Some(r) => {
                    let mut m = Map::new();
                    for (i, (c, k)) in EDITABLE.iter().enumerate() {
                        let v = match k {
                            FieldKind::Int => json!(r.try_get::<Option<i64>, _>(i)?),
                            FieldKind::Real => json!(r.try_get::<Option<f64>, _>(i)?),
                            FieldKind::Text => json!(r.try_get::<Option<String>, _>(i)?),
                        };
                        m.insert(c.to_string(), v);
                    }
                    Some(m)
                }
            }
        });
        Ok(row)
    }

    /// Apply a correction to incident `id` as `p`, audited with its reason. A
    /// retracted incident is not corrected (restore is not offered: retract says
    /// the record should not count).
    pub async fn correct_incident(&self, p: &Principal, id: i64, c: &Correction) -> Result<Corrected> {
        if c.reason.trim().is_empty() {
            return Err(invalid("reason", "say why the coding changes"));
        }
        let record = self.incident_for(p, id).await?.ok_or_else(|| ReportError::NotFound(format!("incident {id}")))?;
        if record.retraction.is_some() {
            return Err(invalid("id", format!("incident {id} is retracted and cannot be corrected")));
        }
        let current = self.editable_values(id).await?.ok_or_else(|| ReportError::NotFound(format!("incident {id}")))?;
        let mut merged = current.clone();
        let (mut before, mut after) = (Map::new(), Map::new());
        for (field, value) in &c.changes {
            let (name, kind) = kind_of(field).ok_or_else(|| invalid("changes", format!("`{field}` cannot be corrected")))?;
            let ok = matches!(
                (kind, value),
                (FieldKind::Int, FieldValue::Int(_)) | (FieldKind::Real, FieldValue::Real(_)) | (FieldKind::Text, FieldValue::Text(_))
            );
            if !ok {
                return Err(invalid(name, "wrong kind of value"));
            }
            let new = value.to_json();
            if new.is_null() && REQUIRED.contains(&name) {
                return Err(invalid(name, "may not be emptied"));
            }
            if current.get(name) != Some(&new) {
                before.insert(name.to_string(), current.get(name).cloned().unwrap_or(Value::Null));
                after.insert(name.to_string(), new.clone());
                merged.insert(name.to_string(), new);
            }
        }
        if after.is_empty() {
            return Ok(Corrected { before, after });
        }
        let int = |k: &str| merged.get(k).and_then(Value::as_i64);
        if let (Some(lo), Some(b), Some(hi)) = (int("low"), int("best"), int("high")) {
            if lo > b {
                return Err(invalid("low", format!("{lo} exceeds best {b}")));
            }
            if hi < b {
                return Err(invalid("high", format!("{hi} is below best {b}")));
            }
        }
        let text = |k: &str| merged.get(k).and_then(Value::as_str).map(str::to_string);
        if let (Some(s), Some(e)) = (text("date_start"), text("date_end")) {
            if s > e {
                return Err(invalid("date_end", format!("{e} is before the start {s}")));
            }
        }
        // a moved point is placed again: cell and admin areas follow the point
        let moved = after.contains_key("latitude") || after.contains_key("longitude");
        let placement = if moved {
            let mut inc = record.located.incident.clone();
            inc.latitude = merged.get("latitude").and_then(Value::as_f64);
            inc.longitude = merged.get("longitude").and_then(Value::as_f64);
            if inc.latitude.is_some() != inc.longitude.is_some() {
                return Err(invalid("latitude", "give both latitude and longitude, or neither"));
            }
            let (placement, _) = self.placer().await?.place(&inc);
            let old = &record.located.placement;
            before.insert("placement".into(), json!({"gid": old.gid, "admin1": old.admin1, "admin2": old.admin2}));
            after.insert("placement".into(), json!({"gid": placement.gid, "admin1": placement.admin1, "admin2": placement.admin2}));
            Some(placement)
        } else {
            None
        };

        let changed: Vec<(&str, &FieldValue)> = c
            .changes
            .iter()
            .filter(|(f, _)| after.contains_key(*f))
            .map(|(f, v)| (*f, v))
            .collect();
        let mut sets: Vec<String> = changed.iter().enumerate().map(|(i, (f, _))| format!("{f} = ${}", i + 1)).collect();
        let n = changed.len();
        if placement.is_some() {
            sets.push(format!("gid = ${}, admin1 = ${}, admin2 = ${}", n + 1, n + 2, n + 3));
        }
        let id_mark = n + if placement.is_some() { 4 } else { 1 };
        let sql = format!("UPDATE incidents SET {} WHERE id = ${id_mark}", sets.join(", "));
        let mut audit_after = Value::Object(after.clone());
        audit_after["reason"] = c.reason.clone().into();
        let audit_before = Value::Object(before.clone());
        let begin = self.begin_write_sql();
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let mut q = sqlx::query(AssertSqlSafe(sql.as_str()));
            for (_, v) in &changed {
                q = match v {
                    FieldValue::Int(x) => q.bind(*x),
                    FieldValue::Real(x) => q.bind(*x),
                    FieldValue::Text(x) => q.bind(x.clone()),
                };
            }
            if let Some(pl) = &placement {
                q = q.bind(pl.gid).bind(pl.admin1.clone()).bind(pl.admin2.clone());
            }
            q.bind(id).execute(&mut *tx).await?;
            audit_append!(self, tx, &p.user.name, "correct", &format!("incident/{id}"), Some(&audit_before), Some(&audit_after));
            tx.commit().await?;
        });
        Ok(Corrected { before, after })
    }

    /// Retract incident `id` as `p`: kept and marked with who, when and why, and left
    /// out of lists, maps, exports and figures from now on.
    pub async fn retract_incident(&self, p: &Principal, id: i64, reason: &str) -> Result<()> {
        if reason.trim().is_empty() {
            return Err(invalid("reason", "say why the incident is retracted"));
        }
        let record = self.incident_for(p, id).await?.ok_or_else(|| ReportError::NotFound(format!("incident {id}")))?;
        if let Some(r) = &record.retraction {
            return Err(invalid("id", format!("incident {id} was already retracted on {} by {}", r.at, r.by)));
        }
        let now = crate::audit::now();
        let begin = self.begin_write_sql();
        on_pool!(self, pool => {
            let mut tx = pool.begin_with(begin).await?;
            let done = sqlx::query(
                "UPDATE incidents SET retracted_at = $1, retracted_by = $2, retract_reason = $3 WHERE id = $4 AND retracted_at IS NULL",
            )
            .bind(&now)
            .bind(&p.user.name)
            .bind(reason)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if done == 0 {
                return Err(invalid("id", format!("incident {id} was retracted meanwhile")));
            }
            audit_append!(
                self,
                tx,
                &p.user.name,
                "retract",
                &format!("incident/{id}"),
                Some(&json!({"retracted": false})),
                Some(&json!({"retracted": true, "reason": reason}))
            );
            tx.commit().await?;
        });
        Ok(())
    }
}
