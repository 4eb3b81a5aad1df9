//! Vigil's forecasting engine: where fatal violence is likely next month and up to a
//! year ahead, as predictive distributions, with honest rolling-origin backtests.
//!
//! A pure library: callers hand it events ([`ForecastEvent`]) and a unit set
//! ([`UnitSet`]), and get forecast rows or a backtest report back. No database, no
//! command line.
//!
//! * [`month`]: calendar months as integers; parsing of months, ranges and horizons.
//! * [`units`]: cells / admin areas / country as units, with static attributes.
//! * [`panel`]: events → unit-month fatality panels by type of violence.
//! * [`features`]: the learned model's features, computed only from the past.
//! * [`gbm`]: a small histogram gradient-boosted tree learner.
//! * [`models`]: the four VIEWS benchmarks and the learned hurdle model.
//! * [`dist`]: predictive distributions and their summaries.
//! * [`metrics`]: CRPS, MSE on log(1+y), Brier score, average precision.
//! * [`forecast`] / [`backtest`]: the two things a user runs; [`plot`] draws charts.
//! * [`calibration`]: exact CRPS (and mixture cross terms), log score, interval score,
//!   coverage and PIT from a distribution's step CDF.
//! * [`skill`]: the skill backtest over every origin and the stacked ensemble.
//! * [`publish`]: the guard: what is published at each horizon, and why.
//! * [`views`]: forecasts in the VIEWS prediction challenge's CSV layout.

pub mod backtest;
pub mod calibration;
pub mod dist;
pub mod features;
pub mod forecast;
pub mod gbm;
pub mod io;
pub mod metrics;
pub mod models;
pub mod month;
pub mod panel;
pub mod plot;
pub mod publish;
pub mod rng;
pub mod skill;
pub mod units;
pub mod views;

pub use backtest::{backtest, BacktestOptions, BacktestReport};
pub use forecast::{forecast, write_csv, ForecastOptions, ForecastRow};
pub use models::ModelKind;
pub use month::Month;
pub use panel::Panel;
pub use units::{cells_intersecting, Geography, Level, Unit, UnitSet};

use vigil_model::ViolenceType;

pub use vigil_model::ForecastEvent;

/// Which fatalities are forecast.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// All organised violence (types 1–3, and events of unknown type).
    All,
    Sb,
    Ns,
    Os,
}

impl Target {
    pub fn parse(s: &str) -> Result<Target, ForecastError> {
        match s.to_ascii_lowercase().as_str() {
            "all" => Ok(Target::All),
            "sb" | "1" => Ok(Target::Sb),
            "ns" | "2" => Ok(Target::Ns),
            "os" | "3" => Ok(Target::Os),
            _ => Err(ForecastError::BadOption(format!("unknown target `{s}` (all, sb, ns, os)"))),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Target::All => "all",
            Target::Sb => ViolenceType::StateBased.short(),
            Target::Ns => ViolenceType::NonState.short(),
            Target::Os => ViolenceType::OneSided.short(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ForecastError {
    #[error("`{0}` is not a month (expected YYYY-MM, or YYYY-MM..YYYY-MM for a range)")]
    BadMonth(String),
    #[error("`{0}` is not a list of horizons (expected e.g. 1-12 or 1,3,6,12, each 1–120)")]
    BadHorizons(String),
    #[error("{0}")]
    BadOption(String),
    #[error("no units to forecast: {0}")]
    NoUnits(String),
    #[error("no data: {0}")]
    NoData(String),
    #[error("writing output: {0}")]
    Io(#[from] std::io::Error),
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
}
