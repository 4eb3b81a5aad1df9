//! Vigil's application layer: the use cases, as plain functions over the store and
//! the domain crates. The edges (the HTTP server, the cli) parse requests and
//! commands, call one use case, and shape its answer; they hold no decisions of
//! their own, and nothing here knows about HTTP or command lines.
//!
//! Modules: [`reports`] (submit, triage), [`alerts`] (run the rules, turn firings
//! into alerts with their CAP messages and webhook events, lifecycle steps, manual
//! alerts, what readers see), [`responses`], [`dashboard`] (response times),
//! [`schedule`] (timed rule rounds, the demo's replay), [`footprint`] (footprint scenarios and their comparison), [`forecast`] (the forecast
//! setup and the cell forecasts the rules use), [`alerting`] (rules in force, the
//! alert clock, CAP settings). Errors: [`AppError`].

pub mod alerting;
pub mod alerts;
pub mod dashboard;
pub mod error;
pub mod fieldnet;
pub mod fieldnet_demo;
pub mod footprint;
pub mod forecast;
pub mod forecasts;
pub mod incidents;
pub mod movement;
pub mod movement_demo;
pub mod parameters;
pub mod parameters_demo;
pub mod reports;
pub mod responses;
pub mod rights;
pub mod schedule;

use std::sync::Arc;
use vigil_store::Store;

pub use alerting::{Alerting, AlertingConfig};
pub use error::{AppError, AppResult};

/// What every use case works with: the store and the alerting state. Cheap to clone.
#[derive(Clone)]
pub struct Context {
    pub store: Store,
    pub alerting: Arc<Alerting>,
}

impl Context {
    /// A context over `store` with alerting configured as `config` (rules loaded,
    /// CAP settings checked).
    pub fn new(store: Store, config: &AlertingConfig) -> AppResult<Context> {
        Ok(Context { store, alerting: Arc::new(Alerting::new(config)?) })
    }
}
