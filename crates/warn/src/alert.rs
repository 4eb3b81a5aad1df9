//! Alerts: what firings become, their lifecycle, and de-duplication.
//!
//! Lifecycle: `draft → issued → acknowledged → responding → closed`, and any open
//! status → `cancelled`. Every step records who and when ([`StatusChange`]) so the
//! server can copy it into the hash-chained audit log and the response-time figures
//! can be computed from it. Steps cannot be skipped: a response that was never
//! acknowledged is exactly what the mission needs to see, so the data must not be
//! able to hide it.
//!
//! De-duplication: one situation must not raise a storm. A firing for the same rule
//! and the same area ([`Area::same_situation`]) within the rule's
//! `dedup_window_hours` of the open alert's last update is folded into that alert —
//! triggers added, `updated_at` bumped, expiry extended — and, if the alert was
//! already public, a CAP `Update` message is recorded.
//!
//! The types are plain data (serde) and the operations are methods on [`Alert`], so
//! the server can keep alerts in its own tables and call the same logic;
//! [`AlertBook`] is the in-memory collection used by the backtest and tests.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::area::Area;
use crate::cap::{Category, Certainty, MsgType, Severity, Urgency};
use crate::engine::{Firing, FrenchText, Trigger};
use crate::rules::{FireStatus, Rule};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AlertStatus {
    Draft,
    Issued,
    Acknowledged,
    Responding,
    Closed,
    Cancelled,
}

impl AlertStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AlertStatus::Draft => "draft",
            AlertStatus::Issued => "issued",
            AlertStatus::Acknowledged => "acknowledged",
            AlertStatus::Responding => "responding",
            AlertStatus::Closed => "closed",
            AlertStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<AlertStatus> {
        [
            AlertStatus::Draft,
            AlertStatus::Issued,
            AlertStatus::Acknowledged,
            AlertStatus::Responding,
            AlertStatus::Closed,
            AlertStatus::Cancelled,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    /// Neither closed nor cancelled.
    pub fn is_open(self) -> bool {
        !matches!(self, AlertStatus::Closed | AlertStatus::Cancelled)
    }

    /// Issued and still open: the alert has been published as CAP.
    pub fn is_public(self) -> bool {
        matches!(
            self,
            AlertStatus::Issued | AlertStatus::Acknowledged | AlertStatus::Responding
        )
    }

    /// Whether `self → to` is a step of the lifecycle.
    pub fn can_become(self, to: AlertStatus) -> bool {
        use AlertStatus::*;
        matches!(
            (self, to),
            (Draft, Issued)
                | (Issued, Acknowledged)
                | (Acknowledged, Responding)
                | (Responding, Closed)
        ) || (self.is_open() && to == Cancelled)
    }
}

impl std::fmt::Display for AlertStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One lifecycle step.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusChange {
    /// `None` for the creation of the alert.
    pub from: Option<AlertStatus>,
    pub to: AlertStatus,
    /// A user name, or `rule:<id>` when a rule created the alert.
    pub actor: String,
    pub at: DateTime<Utc>,
    pub note: Option<String>,
}

/// A CAP message published for an alert. Each has its own identifier; updates and
/// cancels reference all earlier ones (CAP 1.2 §3.2.1 `references`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CapMessage {
    pub identifier: String,
    pub sent: DateTime<Utc>,
    pub msg_type: MsgType,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("alert {id}: cannot go from {from} to {to} (allowed: draft → issued → acknowledged → responding → closed, or any open status → cancelled)")]
    NotAllowed {
        id: u64,
        from: AlertStatus,
        to: AlertStatus,
    },
    #[error("alert {id}: a step at {at} would be earlier than the last one at {last}")]
    Backdated {
        id: u64,
        at: DateTime<Utc>,
        last: DateTime<Utc>,
    },
    #[error("alert {id}: an actor is required")]
    NoActor { id: u64 },
    #[error("no alert {0}")]
    NotFound(u64),
}

/// An alert: a rule's firing (or several, de-duplicated) with its area, threat, CAP
/// grading and lifecycle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub id: u64,
    pub rule_id: String,
    pub rule_name: String,
    pub status: AlertStatus,
    pub area: Area,
    pub area_desc: String,
    pub headline: String,
    pub threat: String,
    /// The rule name, headline, threat and area in French, when written (rules always
    /// write them; an analyst raising an alert by hand may).
    #[serde(default)]
    pub fr: Option<FrenchText>,
    pub category: Category,
    pub urgency: Urgency,
    pub severity: Severity,
    pub certainty: Certainty,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    /// What fired it, in order of arrival, without repeats.
    pub triggers: Vec<Trigger>,
    /// How many firings were folded into this alert (1 for a new alert).
    pub firings: u32,
    pub history: Vec<StatusChange>,
    pub messages: Vec<CapMessage>,
}

/// The `rule_id` of alerts raised by hand: no rule fired, an analyst decided.
pub const MANUAL_RULE_ID: &str = "manual";
/// The French rule name of alerts raised by hand.
const MANUAL_RULE_NAME_FR: &str = "Levée à la main";

/// What an alert opens with. An analyst gives it to raise an alert by hand (a call
/// to the hotline, a patrol's word that no rule would see in time); a rule's firing
/// fills it in from the firing and the rule.
#[derive(Debug, Clone, PartialEq)]
pub struct ManualAlert {
    pub area: Area,
    pub area_desc: String,
    pub headline: String,
    pub threat: String,
    /// The French text (its `rule_name` is ignored: the rule decides it).
    pub fr: Option<FrenchText>,
    pub category: Category,
    pub urgency: Urgency,
    pub severity: Severity,
    pub certainty: Certainty,
    pub expires_hours: i64,
    /// Issue at once (published as CAP) rather than keep as a draft for review.
    pub issue: bool,
    /// Reports (or incidents) it rests on, if any.
    pub triggers: Vec<Trigger>,
}

impl Alert {
    /// A new alert raised by `actor` at `at`. Manual alerts never absorb firings:
    /// each is its own situation until someone closes or cancels it.
    pub fn manual(id: u64, m: ManualAlert, actor: &str, at: DateTime<Utc>) -> Alert {
        let mut m = m;
        if let Some(fr) = m.fr.as_mut() {
            fr.rule_name = MANUAL_RULE_NAME_FR.to_owned();
        }
        Alert::opened(id, (MANUAL_RULE_ID, "Raised by hand"), m, actor, at, 0)
    }

    /// A new alert from a firing, in the status the rule asks for.
    pub fn from_firing(id: u64, firing: &Firing, rule: &Rule) -> Alert {
        let m = ManualAlert {
            area: firing.area.clone(),
            area_desc: firing.area_desc.clone(),
            headline: firing.headline.clone(),
            threat: firing.threat.clone(),
            fr: firing.fr.clone(),
            category: rule.category,
            urgency: rule.urgency,
            severity: rule.severity,
            certainty: rule.certainty,
            expires_hours: rule.expires_hours,
            issue: rule.status_on_fire == FireStatus::Issued,
            triggers: firing.triggers.clone(),
        };
        Alert::opened(id, (&rule.id, &rule.name), m, &format!("rule:{}", rule.id), firing.at, 1)
    }

    /// The one way an alert comes into being: as a draft, or issued and published.
    fn opened(
        id: u64,
        (rule_id, rule_name): (&str, &str),
        m: ManualAlert,
        actor: &str,
        at: DateTime<Utc>,
        firings: u32,
    ) -> Alert {
        let status = if m.issue { AlertStatus::Issued } else { AlertStatus::Draft };
        let mut a = Alert {
            id,
            rule_id: rule_id.to_owned(),
            rule_name: rule_name.to_owned(),
            status,
            area: m.area,
            area_desc: m.area_desc,
            headline: m.headline,
            threat: m.threat,
            fr: m.fr,
            category: m.category,
            urgency: m.urgency,
            severity: m.severity,
            certainty: m.certainty,
            created_at: at,
            updated_at: at,
            expires_at: at + Duration::hours(m.expires_hours),
            triggers: Vec::new(),
            firings,
            history: vec![StatusChange { from: None, to: status, actor: actor.to_owned(), at, note: None }],
            messages: Vec::new(),
        };
        a.add_triggers(&m.triggers);
        if status == AlertStatus::Issued {
            a.publish(MsgType::Alert, at);
        }
        a
    }

    /// Add the triggers not yet listed; how many were new.
    fn add_triggers(&mut self, t: &[Trigger]) -> usize {
        let before = self.triggers.len();
        for x in t {
            if !self.triggers.contains(x) {
                self.triggers.push(x.clone());
            }
        }
        self.triggers.len() - before
    }

    fn publish(&mut self, msg_type: MsgType, sent: DateTime<Utc>) {
        let identifier = match (msg_type, self.messages.len()) {
            (MsgType::Alert, _) => format!("vigil-alert-{}", self.id),
            (MsgType::Update, n) => format!("vigil-alert-{}-u{n}", self.id),
            (MsgType::Cancel, _) => format!("vigil-alert-{}-cancel", self.id),
        };
        self.messages.push(CapMessage {
            identifier,
            sent,
            msg_type,
        });
    }

    /// Whether a firing is a repeat of this alert's situation (see the module docs).
    pub fn absorbs(&self, firing: &Firing, rule: &Rule) -> bool {
        self.status.is_open()
            && self.rule_id == firing.rule_id
            && self.area.same_situation(&firing.area)
            && (firing.at - self.updated_at).abs() <= Duration::hours(rule.dedup_window_hours)
    }

    /// Fold a repeat firing into this alert.
    /// A CAP Update goes out only when the firing brings news (a new trigger, a
    /// wider area): a scheduled round that finds the same situation again keeps the
    /// alert current without re-sending it to every subscriber every hour.
    pub fn absorb(&mut self, firing: &Firing, rule: &Rule) {
        let area_before = self.area.clone();
        let news = self.add_triggers(&firing.triggers) > 0;
        self.area.absorb(&firing.area);
        let news = news || self.area != area_before;
        self.firings += 1;
        self.headline = firing.headline.clone();
        self.threat = firing.threat.clone();
        // the area description stays the alert's own, in both languages
        self.fr = match (self.fr.take(), &firing.fr) {
            (Some(mut mine), Some(f)) => {
                mine.headline = f.headline.clone();
                mine.threat = f.threat.clone();
                Some(mine)
            }
            (None, f) => f.clone(),
            (mine, None) => mine,
        };
        if firing.at > self.updated_at {
            self.updated_at = firing.at;
        }
        self.expires_at = self
            .expires_at
            .max(firing.at + Duration::hours(rule.expires_hours));
        if news && self.status.is_public() {
            self.publish(
                MsgType::Update,
                firing.at.max(self.last_sent().unwrap_or(firing.at)),
            );
        }
    }

    fn last_sent(&self) -> Option<DateTime<Utc>> {
        self.messages.last().map(|m| m.sent)
    }

    /// Move the alert one lifecycle step, recording who and when.
    pub fn transition(
        &mut self,
        to: AlertStatus,
        actor: &str,
        at: DateTime<Utc>,
        note: Option<String>,
    ) -> Result<&StatusChange, TransitionError> {
        if actor.trim().is_empty() {
            return Err(TransitionError::NoActor { id: self.id });
        }
        if !self.status.can_become(to) {
            return Err(TransitionError::NotAllowed {
                id: self.id,
                from: self.status,
                to,
            });
        }
        if let Some(last) = self.history.last().map(|h| h.at) {
            if at < last {
                return Err(TransitionError::Backdated {
                    id: self.id,
                    at,
                    last,
                });
            }
        }
        match to {
            AlertStatus::Issued => self.publish(MsgType::Alert, at),
            AlertStatus::Cancelled if !self.messages.is_empty() => {
                self.publish(MsgType::Cancel, at)
            }
            _ => {}
        }
        self.history.push(StatusChange {
            from: Some(self.status),
            to,
            actor: actor.to_owned(),
            at,
            note,
        });
        self.status = to;
        self.updated_at = self.updated_at.max(at);
        Ok(self.history.last().expect("just pushed"))
    }

    /// Public and not yet expired: what the CAP Atom feed lists.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.status.is_public() && self.expires_at > now
    }
}

/// What [`AlertBook::apply`] did with a firing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    Created(u64),
    Updated(u64),
}

impl Applied {
    pub fn id(self) -> u64 {
        match self {
            Applied::Created(i) | Applied::Updated(i) => i,
        }
    }
}

/// An in-memory set of alerts with de-duplication.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AlertBook {
    alerts: Vec<Alert>,
    next_id: u64,
}

impl AlertBook {
    pub fn new() -> AlertBook {
        AlertBook {
            alerts: Vec::new(),
            next_id: 1,
        }
    }

    /// Turn a firing into a new alert or fold it into the open alert for the same
    /// situation (the most recently updated one, if several qualify).
    pub fn apply(&mut self, firing: &Firing, rule: &Rule) -> Applied {
        debug_assert_eq!(firing.rule_id, rule.id);
        if let Some(a) = self
            .alerts
            .iter_mut()
            .filter(|a| a.absorbs(firing, rule))
            .max_by_key(|a| (a.updated_at, a.id))
        {
            a.absorb(firing, rule);
            return Applied::Updated(a.id);
        }
        let id = self.next_id.max(1);
        self.next_id = id + 1;
        self.alerts.push(Alert::from_firing(id, firing, rule));
        Applied::Created(id)
    }

    pub fn get(&self, id: u64) -> Option<&Alert> {
        self.alerts.iter().find(|a| a.id == id)
    }

    pub fn alerts(&self) -> &[Alert] {
        &self.alerts
    }

    pub fn transition(
        &mut self,
        id: u64,
        to: AlertStatus,
        actor: &str,
        at: DateTime<Utc>,
        note: Option<String>,
    ) -> Result<StatusChange, TransitionError> {
        let a = self
            .alerts
            .iter_mut()
            .find(|a| a.id == id)
            .ok_or(TransitionError::NotFound(id))?;
        a.transition(to, actor, at, note).cloned()
    }

    /// Alerts for the CAP feed at `now`.
    pub fn active(&self, now: DateTime<Utc>) -> impl Iterator<Item = &Alert> {
        self.alerts.iter().filter(move |a| a.is_active(now))
    }
}
