//! A clock's state at `now`: awaiting its anchor, running, due soon, overdue, submitted (on
//! time or late), or not applicable. Pure; computed for every frame.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::def::{Anchor, ClockDef, ContentItem, Decision};
use super::facts::{ClockFacts, Pause, Submission, Waiver};
use super::period::{Deadline, Rules, deadline};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    Overdue,
    DueSoon,
    Running,
    AwaitingAnchor,
    SubmittedLate,
    SubmittedOnTime,
    NotApplicable,
}

impl ClockState {
    pub const fn name(self) -> &'static str {
        match self {
            Self::Overdue => "overdue",
            Self::DueSoon => "due_soon",
            Self::Running => "running",
            Self::AwaitingAnchor => "awaiting_anchor",
            Self::SubmittedLate => "submitted_late",
            Self::SubmittedOnTime => "submitted_on_time",
            Self::NotApplicable => "not_applicable",
        }
    }
}

/// The missing anchor of a clock that has not started.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Awaiting<'a> {
    Decision(Decision),
    Submission(&'a str),
}

impl std::fmt::Display for Awaiting<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Decision(d) => write!(f, "decision {}", d.name()),
            Self::Submission(clock) => write!(f, "submission of {clock}"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ClockStatus<'a> {
    pub def: &'a ClockDef,
    pub state: ClockState,
    /// What must be recorded for the clock to start, while it awaits its anchor.
    pub awaiting: Option<Awaiting<'a>>,
    pub anchor_at: Option<DateTime<Utc>>,
    pub deadline: Option<Deadline>,
    pub submitted: Option<&'a Submission>,
    pub latest_submission: Option<&'a Submission>,
    /// Negative when overdue; `None` while awaiting the anchor or once settled.
    pub remaining_seconds: Option<i64>,
    /// A recorded decision that makes the duty "immediately".
    pub immediately: Option<Decision>,
    pub missing_content: Vec<&'a ContentItem>,
    pub waiver: Option<&'a Waiver>,
    /// A submission in full (phase `complete`) is on record.
    pub in_full: bool,
    /// The delay the law allows that holds the notice now, if one does.
    pub delayed: Option<&'a Pause>,
    /// Every delay recorded for it.
    pub pauses: &'a [Pause],
}

impl ClockStatus<'_> {
    /// Submitted in phases so far: the complete report is still owed.
    pub fn awaits_complete(&self) -> bool {
        matches!(self.state, ClockState::SubmittedOnTime | ClockState::SubmittedLate) && !self.in_full
    }

    /// What a clock submitted so far still owes, in words (none when nothing is owed).
    pub fn still_owed(&self) -> Option<String> {
        let missing: Vec<&str> = self.missing_content.iter().map(|c| c.id.as_str()).collect();
        let lacking = if missing.is_empty() { String::new() } else { format!(", and content {}", missing.join(", ")) };
        if self.awaits_complete() {
            return Some(format!("only filed in phases: the complete report is still owed{lacking}"));
        }
        let filed = self.submitted.is_some() && self.state != ClockState::NotApplicable;
        (filed && !missing.is_empty()).then(|| format!("filed without content {}", missing.join(", ")))
    }

    /// Content the law asks for that the report still lacks, while a report is owed: before
    /// any filing, or after filings in phases until the complete one (not on a waived clock).
    pub fn content_owed(&self) -> bool {
        !self.missing_content.is_empty()
            && self.state != ClockState::NotApplicable
            && (self.submitted.is_none() || self.awaits_complete())
    }

    /// Most urgent first: overdue (longest overdue first), then a duty due "immediately" (a
    /// recorded causal link, a suspected death) not yet settled, which is due now; then due
    /// soon, running (least time left first), awaiting, then the settled ones.
    pub fn urgency(&self) -> (ClockState, i64) {
        let unsettled = matches!(self.state, ClockState::DueSoon | ClockState::Running);
        if unsettled && self.immediately.is_some() {
            return (ClockState::Overdue, 0);
        }
        (self.state, self.remaining_seconds.unwrap_or(i64::MAX))
    }
}

/// The part of a clock's status that does not depend on `now`: its anchor and deadline. The
/// incident keeps one per clock, recomputed only when a clock event arrives, so that a frame
/// costs a subtraction per clock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Schedule {
    pub anchor_at: Option<DateTime<Utc>>,
    pub deadline: Option<Deadline>,
}

pub fn schedule(def: &ClockDef, facts: &ClockFacts) -> Schedule {
    let mut planned = undelayed(def, facts);
    planned.deadline = planned.deadline.map(|d| delayed(def, facts, d));
    planned
}

/// The anchor and the deadline as they would be without any delay.
pub fn undelayed(def: &ClockDef, facts: &ClockFacts) -> Schedule {
    let anchor_at = match &def.anchor {
        Anchor::Decision(d) => facts.decided_in(*d, def.regime.as_deref()).map(|r| r.at),
        Anchor::Submitted(other) => facts.first_submission(other).map(|s| s.at),
        Anchor::LatestSubmitted(other) => facts.latest_submission(other).map(|s| s.at),
        Anchor::LatestSubmittedOf(others) => {
            others.iter().filter_map(|o| facts.latest_submission(o)).map(|s| s.at).max()
        }
    };
    let deadline = anchor_at.map(|anchor| {
        let cap = def.cap.as_ref().and_then(|c| {
            facts
                .decided_in(c.decision, def.regime.as_deref())
                .and_then(|r| r.at.checked_add_signed(chrono::Duration::hours(i64::from(c.hours))))
        });
        deadline(&def.period, anchor, cap, &Rules::of(def))
    });
    Schedule { anchor_at, deadline }
}

/// A delay the law allows holds the notice until it ends; then it is due at once, or once the
/// rule's own period has run (SEC: four business days). Never earlier than without the delay.
fn delayed(def: &ClockDef, facts: &ClockFacts, planned: Deadline) -> Deadline {
    let (Some(rule), Some(end)) = (&def.pause, facts.delayed_until(&def.id)) else { return planned };
    let after = match &rule.then {
        Some(period) => deadline(period, end, None, &Rules::of(def)),
        None => Deadline { due_at: end, legal_limit_at: end, fixed: planned.fixed },
    };
    Deadline {
        due_at: planned.due_at.max(after.due_at),
        legal_limit_at: planned.legal_limit_at.max(after.legal_limit_at),
        fixed: planned.fixed,
    }
}

pub fn evaluate<'a>(def: &'a ClockDef, facts: &'a ClockFacts, now: DateTime<Utc>) -> ClockStatus<'a> {
    evaluate_scheduled(def, facts, schedule(def, facts), now)
}

pub fn evaluate_scheduled<'a>(
    def: &'a ClockDef,
    facts: &'a ClockFacts,
    schedule: Schedule,
    now: DateTime<Utc>,
) -> ClockStatus<'a> {
    let missing_content = def.content.iter().filter(|item| !facts.is_provided(&def.id, &item.id)).collect();
    let immediately =
        def.immediately_on.iter().copied().find(|d| facts.decided_in(*d, def.regime.as_deref()).is_some());
    let mut status = ClockStatus {
        def,
        state: ClockState::AwaitingAnchor,
        awaiting: None,
        anchor_at: None,
        deadline: None,
        submitted: facts.first_submission(&def.id),
        latest_submission: facts.latest_submission(&def.id),
        remaining_seconds: None,
        immediately,
        missing_content,
        waiver: facts.waivers.get(&def.id),
        in_full: facts.submitted_in_full(&def.id),
        delayed: facts.standing_delay(&def.id).filter(|p| p.active_at(now)),
        pauses: facts.pauses_of(&def.id),
    };
    if status.waiver.is_some() {
        status.state = ClockState::NotApplicable;
        return status;
    }
    let (Some(anchor_at), Some(deadline)) = (schedule.anchor_at, schedule.deadline) else {
        status.awaiting = Some(match &def.anchor {
            Anchor::Decision(d) => Awaiting::Decision(*d),
            Anchor::Submitted(other) | Anchor::LatestSubmitted(other) => Awaiting::Submission(other),
            Anchor::LatestSubmittedOf(others) => Awaiting::Submission(others.first().map_or("", String::as_str)),
        });
        return status;
    };
    status.anchor_at = Some(anchor_at);
    status.deadline = Some(deadline);
    if let Some(first) = status.submitted {
        status.state = if deadline.fixed && first.at > deadline.legal_limit_at {
            ClockState::SubmittedLate
        } else {
            ClockState::SubmittedOnTime
        };
        return status;
    }
    let remaining = (deadline.due_at - now).num_seconds();
    let period = (deadline.due_at - anchor_at).num_seconds().max(1);
    status.remaining_seconds = Some(remaining);
    status.state = if remaining < 0 {
        ClockState::Overdue
    } else if remaining * 100 < period * i64::from(def.due_soon_percent) {
        ClockState::DueSoon
    } else {
        ClockState::Running
    };
    status
}
