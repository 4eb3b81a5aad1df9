//! Correcting coded incidents: `PATCH /api/incidents/{id}` changes fields of the
//! coding with a reason; `POST /api/incidents/{id}/retract` retracts one. Both are
//! for the triage roles; the store keeps each version in the audit log and checks
//! the result is a consistent coding (see `vigil_store::corrections`).

use crate::access::TRIAGE;
use crate::caller::Caller;
use crate::error::{ApiError, ApiResult, Fields};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use serde_json::{json, Value};
use vigil_model::vocab;
use vigil_store::corrections::{Correction, FieldKind, FieldValue, EDITABLE};

/// One field's new value, checked as the triage form checks it; null empties it.
fn read_value(f: &Fields, field: &'static str, kind: FieldKind) -> ApiResult<FieldValue> {
    if f.is_cleared(field) {
        return Ok(match kind {
            FieldKind::Int => FieldValue::Int(None),
            FieldKind::Real => FieldValue::Real(None),
            FieldKind::Text => FieldValue::Text(None),
        });
    }
    Ok(match field {
        "type_of_violence" => FieldValue::Int(f.i64_opt(field, 1, 3)?),
        "date_prec" => FieldValue::Int(f.i64_opt(field, 1, 5)?),
        "where_prec" => FieldValue::Int(f.i64_opt(field, 1, 7)?),
        "latitude" => FieldValue::Real(f.f64_opt(field, -90.0, 90.0)?),
        "longitude" => FieldValue::Real(f.f64_opt(field, -180.0, 180.0)?),
        "date_start" | "date_end" => FieldValue::Text(f.date_opt(field)?.map(|d| d.to_string())),
        "category" | "sensitivity" => {
            let list = if field == "category" { vocab::CATEGORIES } else { vocab::SENSITIVITIES };
            let v = f.str_opt(field, 60)?;
            if let Some(c) = &v {
                if !vocab::is_code(list, c) {
                    return Err(ApiError::field(field, format!("unknown code `{c}`")));
                }
            }
            FieldValue::Text(v)
        }
        _ => match kind {
            FieldKind::Int => FieldValue::Int(f.i64_opt(field, 0, 1_000_000)?),
            FieldKind::Real => FieldValue::Real(f.f64_opt(field, -1e9, 1e9)?),
            FieldKind::Text => FieldValue::Text(f.str_opt(field, 200)?),
        },
    })
}

/// PATCH /api/incidents/{id}: `{"reason": "…", <field>: <value>, …}`; answers with
/// the changed fields before and after.
pub async fn correct(
    State(st): State<AppState>,
    Caller { auth, principal }: Caller,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    auth.require(&TRIAGE, "correct incidents")?;
    let f = Fields::from_json(&body)?;
    let mut known: Vec<&str> = EDITABLE.iter().map(|(c, _)| *c).collect();
    known.push("reason");
    f.only(&known)?;
    let reason = f.str_req("reason", 2000)?;
    let mut changes = vec![];
    for (field, kind) in EDITABLE {
        if f.value_opt(field).is_some() || f.is_cleared(field) {
            changes.push((*field, read_value(&f, field, *kind)?));
        }
    }
    if changes.is_empty() {
        return Err(ApiError::field("body", "names no field to correct"));
    }
    let done = vigil_app::incidents::correct_incident(&st, &principal, id, &Correction { reason, changes }).await?;
    Ok(Json(json!({"incident_id": id, "changed": !done.after.is_empty(), "before": done.before, "after": done.after})))
}

/// POST /api/incidents/{id}/retract: `{"reason": "…"}`.
pub async fn retract(
    State(st): State<AppState>,
    Caller { auth, principal }: Caller,
    Path(id): Path<i64>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    auth.require(&TRIAGE, "retract incidents")?;
    let f = Fields::from_json(&body)?;
    f.only(&["reason"])?;
    let reason = f.str_req("reason", 2000)?;
    vigil_app::incidents::retract_incident(&st, &principal, id, &reason).await?;
    Ok(Json(json!({"incident_id": id, "retracted": true, "reason": reason})))
}
