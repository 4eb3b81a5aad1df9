//! Responses to alerts: who did what and when, recorded against issued alerts.

use crate::{AppError, AppResult, Context};
use vigil_store::alerts::{NewResponse, ResponseRow};

/// Record a response to an issued alert (a draft has nothing to respond to yet).
pub async fn record_response(cx: &Context, actor: &str, new: &NewResponse) -> AppResult<ResponseRow> {
    let id = new.alert_id;
    let s = cx.store.alert(id).await?.ok_or_else(|| AppError::NotFound(format!("alert {id} not found")))?;
    if s.status == "draft" {
        return Err(AppError::Conflict(format!("alert {id} is a draft: issue it before recording responses")));
    }
    Ok(cx.store.create_response(actor, new).await?)
}

/// Save a corrected response; `None` when there is no such response.
pub async fn update_response(cx: &Context, actor: &str, r: &ResponseRow) -> AppResult<ResponseRow> {
    cx.store.update_response(actor, r).await?.ok_or_else(|| AppError::NotFound(format!("response {} not found", r.id)))
}
