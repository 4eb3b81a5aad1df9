//! The demo's milestones, manual values and statuses of the four parameters.
//!
//! Provenance, item by item: the transition timetable's dates (constitutional
//! referendum 19 March 2023, legislative elections October–November 2023, presidential
//! election February 2024) and the Agreement's figures (26,000 combatants to
//! integrate, 2,300 disarmed, 1,765 integrated) are those the review S/2023/36 cites
//! (§14–17), labelled `review`. Every other date, status and value here is a
//! SYNTHETIC demo value (labelled `synthetic`, and says so in its sources): the demo
//! needs milestones falling in its quarters to show the figures moving.

use crate::parameters::{add_manual_value, add_milestone, set_status};
use crate::AppResult;
use chrono::NaiveDate;
use vigil_parameters::milestone::Milestone;
use vigil_parameters::{ManualValue, Param};
use vigil_store::Store;

pub const ACTOR: &str = "demo-synthetic";

fn d(s: &str) -> NaiveDate {
    s.parse().unwrap_or_default()
}

#[allow(clippy::too_many_arguments)]
fn m(
    param: Param,
    title: &str,
    planned: &str,
    actual: Option<&str>,
    status: &str,
    sources: &str,
    quantity: Option<&str>,
    provenance: &str,
) -> Milestone {
    Milestone {
        id: 0,
        param,
        title: title.into(),
        planned: d(planned),
        actual: actual.map(d),
        status: status.into(),
        sources: sources.into(),
        quantity: quantity.map(Into::into),
        provenance: provenance.into(),
    }
}

/// Seed once (nothing when a milestone is already stored).
pub async fn seed(store: &Store) -> AppResult<usize> {
    if !store.milestones().await?.is_empty() {
        return Ok(0);
    }
    let rev = "S/2023/36 (internal review of MINUSMA) §14–17, the transition's electoral timetable";
    let syn = "SYNTHETIC demo value (not from a source)";
    let ms = [
        m(
            Param::A,
            "Constitutional referendum",
            "2023-03-19",
            None,
            "planned",
            rev,
            None,
            "review",
        ),
        m(
            Param::A,
            "Legislative elections",
            "2023-10-29",
            None,
            "planned",
            rev,
            None,
            "review",
        ),
        m(
            Param::A,
            "Presidential election",
            "2024-02-04",
            None,
            "planned",
            rev,
            None,
            "review",
        ),
        m(
            Param::A,
            "Electoral management authority installed (SYNTHETIC)",
            "2022-10-15",
            Some("2022-10-12"),
            "achieved",
            syn,
            None,
            "synthetic",
        ),
        m(
            Param::A,
            "Draft constitution handed over (SYNTHETIC)",
            "2022-12-15",
            None,
            "delayed",
            syn,
            None,
            "synthetic",
        ),
        m(
            Param::A,
            "Voter roll revision completed (SYNTHETIC)",
            "2022-08-31",
            Some("2022-08-30"),
            "achieved",
            syn,
            None,
            "synthetic",
        ),
        m(
            Param::B,
            "Combatants disarmed (accelerated DDR)",
            "2022-09-30",
            Some("2022-09-30"),
            "achieved",
            "quantity: S/2023/36 §14–17; dates: SYNTHETIC demo values",
            Some("2,300 disarmed (review)"),
            "synthetic",
        ),
        m(
            Param::B,
            "Former combatants integrated into the reconstituted forces",
            "2022-12-31",
            Some("2022-12-20"),
            "achieved",
            "quantity: S/2023/36 §14–17; dates: SYNTHETIC demo values",
            Some("1,765 integrated (review)"),
            "synthetic",
        ),
        m(
            Param::B,
            "All combatants to integrate integrated",
            "2024-12-31",
            None,
            "planned",
            "quantity: S/2023/36 §14–17; date: SYNTHETIC demo value",
            Some("26,000 to integrate (review)"),
            "synthetic",
        ),
        m(
            Param::B,
            "Agreement monitoring committee session held (SYNTHETIC)",
            "2022-11-30",
            None,
            "delayed",
            syn,
            None,
            "synthetic",
        ),
    ];
    for x in &ms {
        add_milestone(store, ACTOR, x).await?;
    }
    let values = [
        ManualValue {
            indicator: "b_combatants_integrated".into(),
            as_of: d("2022-09-30"),
            value: 900.0,
            evidence: "SYNTHETIC demo value (an earlier count, not from a source)".into(),
            synthetic: true,
        },
        ManualValue {
            indicator: "b_combatants_integrated".into(),
            as_of: d("2022-12-31"),
            value: 1765.0,
            evidence: "S/2023/36 §14–17: 1,765 integrated of 26,000 to integrate; 2,300 disarmed"
                .into(),
            synthetic: false,
        },
    ];
    for v in &values {
        add_manual_value(store, ACTOR, v).await?;
    }
    set_status(
        store,
        ACTOR,
        "c_denied_or_delayed",
        "2022-Q4",
        "off_track",
        "SYNTHETIC demo status: denials concentrated in sectors East and Centre",
    )
    .await?;
    set_status(
        store,
        ACTOR,
        "b_combatants_integrated",
        "2022-Q4",
        "off_track",
        "SYNTHETIC demo status: 1,765 of 26,000 integrated (review §14–17)",
    )
    .await?;
    Ok(ms.len())
}
