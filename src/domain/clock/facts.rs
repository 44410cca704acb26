//! What responders recorded about an incident's clocks: decisions, submissions, waivers and
//! provided content. Part of the incident state, folded from events.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::def::Decision;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecisionRecord {
    pub decision: Decision,
    /// When the decision was reached (may be earlier than it was recorded).
    pub at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub by: String,
    pub evidence: Option<String>,
    pub seq: u64,
    /// The seq of the record this one corrects.
    pub corrects: Option<u64>,
    /// Recorded by warroom itself (from an alert), for a responder to confirm or correct.
    pub auto: bool,
    /// Why a correction moved it later.
    pub reason: Option<String>,
    /// The regime it was decided for alone (`aware` for DORA only); `None`: every regime.
    pub regime: Option<String>,
}

impl DecisionRecord {
    /// `aware`, or `aware (dora)` for a regime's own.
    pub fn label(&self) -> String {
        label(self.decision, self.regime.as_deref())
    }
}

pub fn label(decision: Decision, regime: Option<&str>) -> String {
    match regime {
        Some(regime) => format!("{} ({regime})", decision.name()),
        None => decision.name().to_owned(),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionPhase {
    Initial,
    Intermediate,
    Complete,
}

impl SubmissionPhase {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "initial" => Some(Self::Initial),
            "intermediate" => Some(Self::Intermediate),
            "complete" | "final" => Some(Self::Complete),
            _ => None,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Self::Initial => "initial",
            Self::Intermediate => "intermediate",
            Self::Complete => "complete",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Submission {
    pub clock: String,
    pub at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    pub by: String,
    pub reference: String,
    pub phase: SubmissionPhase,
    pub channel: Option<String>,
    pub late_reason: Option<String>,
    pub seq: u64,
    /// The filing as it stood when submitted (Markdown).
    pub filed: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiver {
    pub rationale: String,
    pub by: String,
    pub at: DateTime<Utc>,
}

/// A delay the law allows, as recorded: from when, until when, on what basis, and whether it
/// was ended early.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pause {
    pub from: DateTime<Utc>,
    pub until: DateTime<Utc>,
    pub basis: String,
    pub reason: String,
    pub by: String,
    pub seq: u64,
    pub resumed: Option<Resumed>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resumed {
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: String,
}

impl Pause {
    /// When the delay ends: its `until`, or when it was ended early.
    pub fn ends_at(&self) -> DateTime<Utc> {
        self.resumed.as_ref().map_or(self.until, |r| r.at.min(self.until).max(self.from))
    }

    pub fn active_at(&self, now: DateTime<Utc>) -> bool {
        self.from <= now && now < self.ends_at()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClockFacts {
    /// The current record of each decision (the latest correction wins).
    pub decisions: BTreeMap<Decision, DecisionRecord>,
    /// The current record of a decision made for one regime alone.
    pub regime_decisions: BTreeMap<(Decision, String), DecisionRecord>,
    /// Every record, corrections included, in log order.
    pub decision_log: Vec<DecisionRecord>,
    pub submissions: Vec<Submission>,
    pub waivers: BTreeMap<String, Waiver>,
    /// Clock → content item → what was provided.
    pub provided: BTreeMap<String, BTreeMap<String, String>>,
    /// Clock → the delays recorded for it, in log order.
    pub pauses: BTreeMap<String, Vec<Pause>>,
    /// Step → the authority informed of that action altering the AI system (AI Act 73(6)).
    pub informed: BTreeMap<String, Informed>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Informed {
    pub clocks: Vec<String>,
    pub reference: String,
    pub channel: Option<String>,
    pub at: DateTime<Utc>,
    pub by: String,
    pub seq: u64,
}

impl ClockFacts {
    /// Records a decision: kept in the log, and the current record of that decision.
    pub fn record(&mut self, record: DecisionRecord) {
        self.decision_log.push(record.clone());
        match record.regime.clone() {
            Some(regime) => self.regime_decisions.insert((record.decision, regime), record),
            None => self.decisions.insert(record.decision, record),
        };
    }

    /// The decision as recorded for every regime.
    pub fn decided(&self, decision: Decision) -> Option<&DecisionRecord> {
        self.decisions.get(&decision)
    }

    /// The decision as it stands for `regime`: its own record, or else the one for every regime.
    pub fn decided_in(&self, decision: Decision, regime: Option<&str>) -> Option<&DecisionRecord> {
        self.decided_exactly(decision, regime).or_else(|| self.decided(decision))
    }

    /// The record made for exactly `regime` (`None`: the one for every regime).
    pub fn decided_exactly(&self, decision: Decision, regime: Option<&str>) -> Option<&DecisionRecord> {
        match regime {
            Some(regime) => self.regime_decisions.get(&(decision, regime.to_owned())),
            None => self.decided(decision),
        }
    }

    /// Every current record of `decision`, the one for every regime first.
    pub fn all_of(&self, decision: Decision) -> impl Iterator<Item = &DecisionRecord> + '_ {
        self.decided(decision)
            .into_iter()
            .chain(self.regime_decisions.iter().filter(move |((d, _), _)| *d == decision).map(|(_, r)| r))
    }

    /// The earliest time `decision` was reached for any regime.
    pub fn earliest(&self, decision: Decision) -> Option<DateTime<Utc>> {
        self.all_of(decision).map(|r| r.at).min()
    }

    /// Submissions for `clock` in the order they were made.
    pub fn submissions_for<'a>(&'a self, clock: &'a str) -> impl Iterator<Item = &'a Submission> + 'a {
        let mut list: Vec<&Submission> = self.submissions.iter().filter(|s| s.clock == clock).collect();
        list.sort_by_key(|s| (s.at, s.seq));
        list.into_iter()
    }

    /// A submission in full (phase `complete`) is on record for `clock`.
    pub fn submitted_in_full(&self, clock: &str) -> bool {
        self.submissions.iter().any(|s| s.clock == clock && s.phase == SubmissionPhase::Complete)
    }

    pub fn first_submission(&self, clock: &str) -> Option<&Submission> {
        self.submissions.iter().filter(|s| s.clock == clock).min_by_key(|s| (s.at, s.seq))
    }

    pub fn latest_submission(&self, clock: &str) -> Option<&Submission> {
        self.submissions.iter().filter(|s| s.clock == clock).max_by_key(|s| (s.at, s.seq))
    }

    pub fn pauses_of(&self, clock: &str) -> &[Pause] {
        self.pauses.get(clock).map_or(&[], Vec::as_slice)
    }

    /// The delay of `clock` that stands: the latest recorded replaces any before it (the
    /// official shortened or extended it).
    pub fn standing_delay(&self, clock: &str) -> Option<&Pause> {
        self.pauses_of(clock).last()
    }

    /// When the standing delay of `clock` ends, if it has one.
    pub fn delayed_until(&self, clock: &str) -> Option<DateTime<Utc>> {
        self.standing_delay(clock).map(Pause::ends_at)
    }

    pub fn is_provided(&self, clock: &str, item: &str) -> bool {
        self.provided.get(clock).is_some_and(|items| items.contains_key(item))
    }
}
