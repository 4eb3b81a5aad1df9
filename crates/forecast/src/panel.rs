//! Unit-month panels of fatalities by type of violence, built from events.
//!
//! Each event counts in the month of its `date_start`, towards the unit that holds it.
//! A panel never contains an event after its last month, which is how forecasts are
//! kept from seeing the future.

use crate::month::Month;
use crate::units::UnitSet;
use crate::{ForecastEvent, Target};

/// Fatalities per unit and month, split by UCDP type of violence (1, 2, 3 and
/// "unknown", which only the `all` target counts). Unit-major: `[u * months + t]`.
#[derive(Debug, Clone)]
pub struct Panel {
    pub units: UnitSet,
    /// Month of index 0.
    pub start: Month,
    pub months: usize,
    counts: [Vec<f32>; 4],
    /// Events not counted because they fell outside every unit.
    pub unplaced: usize,
}

impl Panel {
    /// Build the panel from `start` (default: the month of the earliest placed event
    /// up to `end`) to `end`, inclusive. Events after `end` are ignored.
    pub fn from_events(events: &[ForecastEvent], units: UnitSet, start: Option<Month>, end: Month) -> Panel {
        let placed: Vec<(usize, Month, usize, f32)> = events
            .iter()
            .filter_map(|e| {
                let m = Month::of(e.date_start);
                if m > end {
                    return None;
                }
                let slot = match e.type_of_violence {
                    Some(1) => 0,
                    Some(2) => 1,
                    Some(3) => 2,
                    _ => 3,
                };
                Some((slot, m, units.locate(e).map_or(usize::MAX, |u| u), e.best.max(0) as f32))
            })
            .collect();
        let unplaced = placed.iter().filter(|p| p.2 == usize::MAX).count();
        let start =
            start.or_else(|| placed.iter().filter(|p| p.2 != usize::MAX).map(|p| p.1).min()).unwrap_or(end).min(end);
        let months = (end.since(start) + 1) as usize;
        let n = units.len() * months;
        let mut counts = [vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]];
        for &(slot, m, u, best) in &placed {
            if u == usize::MAX || m < start {
                continue;
            }
            counts[slot][u * months + m.since(start) as usize] += best;
        }
        Panel { units, start, months, counts, unplaced }
    }

    /// A panel from counts already aggregated (unit-major, `[u * months + t]`), for
    /// synthetic benchmarks; the counts are all of type "unknown".
    pub fn from_counts(units: UnitSet, start: Month, months: usize, all: Vec<f32>) -> Panel {
        assert_eq!(all.len(), units.len() * months);
        let n = all.len();
        Panel { units, start, months, counts: [vec![0.0; n], vec![0.0; n], vec![0.0; n], all], unplaced: 0 }
    }

    pub fn end(&self) -> Month {
        self.start.plus(self.months as i32 - 1)
    }

    /// Index of a month in the panel, if inside it.
    pub fn index(&self, m: Month) -> Option<usize> {
        let i = m.since(self.start);
        (i >= 0 && (i as usize) < self.months).then_some(i as usize)
    }

    /// Series of one type of violence: 1, 2, 3.
    pub fn by_type(&self, tov: usize) -> &[f32] {
        &self.counts[tov - 1]
    }

    /// The target series, unit-major.
    pub fn target(&self, target: Target) -> Vec<f32> {
        match target {
            Target::Sb => self.counts[0].clone(),
            Target::Ns => self.counts[1].clone(),
            Target::Os => self.counts[2].clone(),
            Target::All => (0..self.counts[0].len())
                .map(|i| self.counts[0][i] + self.counts[1][i] + self.counts[2][i] + self.counts[3][i])
                .collect(),
        }
    }
}
