//! The one error type of the use cases. The server maps each kind to an HTTP status
//! (`server/src/error.rs`), the cli to an exit code.

use vigil_store::reports::ReportError;
use vigil_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Bad input; `field` names it (HTTP 422).
    #[error("{field}: {message}")]
    Invalid { field: String, message: String },
    /// What was asked for does not exist (HTTP 404); the text says what.
    #[error("{0}")]
    NotFound(String),
    /// The caller's role may not do this (HTTP 403).
    #[error("{0}")]
    Forbidden(String),
    /// The request clashes with the record's state (HTTP 409).
    #[error("{0}")]
    Conflict(String),
    /// What the use case needs is not there (no boundaries loaded, no incidents);
    /// the text says what to do.
    #[error("{0}")]
    Precondition(String),
    #[error(transparent)]
    Forecast(#[from] vigil_forecast::ForecastError),
    /// A setting that cannot be used; `path` is the file or section.
    #[error("config {path}: {message}")]
    Config { path: String, message: String },
    /// Intake and triage errors, as the store names them.
    #[error(transparent)]
    Report(#[from] ReportError),
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Something that should not happen (a stored alert that no longer reads, a
    /// forecast task that died); the text is for the log.
    #[error("{0}")]
    Internal(String),
}

impl AppError {
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Invalid { field: field.into(), message: message.into() }
    }

    pub fn internal(e: impl std::fmt::Display) -> Self {
        AppError::Internal(e.to_string())
    }

    /// The process exit code the cli uses for this kind of error (sysexits.h).
    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::Invalid { .. } => 65,                      // EX_DATAERR
            AppError::NotFound(_) => 66,                         // EX_NOINPUT
            AppError::Conflict(_) => 75,
            AppError::Forbidden(_) => 77, // EX_NOPERM                         // EX_TEMPFAIL
            AppError::Precondition(_) => 66,
            AppError::Forecast(_) => 65,
            AppError::Config { .. } => 78,                       // EX_CONFIG
            AppError::Report(ReportError::Invalid { .. }) => 65, // EX_DATAERR
            AppError::Report(ReportError::NotFound(_)) => 66,
            AppError::Report(ReportError::AlreadyActioned { .. }) => 75,
            AppError::Report(ReportError::Store(_)) | AppError::Store(_) | AppError::Internal(_) => 70, // EX_SOFTWARE
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;
