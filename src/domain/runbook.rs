//! The runbook model: the pre-written response to one failure mode. The YAML shape lives in
//! `catalog`; this is what the domain works with, and what a `declared` event snapshots so that
//! replaying an old incident never depends on today's copy of the runbook.

use super::actions::StepAction;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::duration::Span;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Runbook {
    pub id: String,
    pub title: String,
    pub version: String,
    pub owner: String,
    pub summary: String,
    pub last_reviewed: NaiveDate,
    pub review_every: Span,
    pub drill_every: Span,
    pub severity: SeverityScale,
    pub roles: Vec<Role>,
    pub on_call: Vec<Escalation>,
    pub triggers: Vec<Trigger>,
    pub clocks: Vec<String>,
    pub phases: Vec<Phase>,
    pub comms: Vec<CommsTemplate>,
    pub regulator: Vec<RegulatorProcedure>,
    pub postmortem: String,
    /// How long a two-person request waits for approval (default 15 minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval_window: Option<Span>,
    /// Alert labels that must match for an alert to join an open incident of this runbook
    /// (an alert about another agent opens its own incident).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_by: Vec<String>,
    /// Alert labels that name what the incident reaches (tenant, agent, tool): a later alert
    /// with a value none before had is recorded as the scope growing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope_labels: Option<Vec<String>>,
    /// How often each audience hears from the incident while it is active, by severity.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub updates: Vec<UpdateCadence>,
}

/// An audience's updates: how often at each severity (a severity not listed: none due), and
/// the comms template a new update starts from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateCadence {
    pub audience: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template: Option<String>,
    pub every: std::collections::BTreeMap<String, Span>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityScale {
    pub default: String,
    pub guidance: String,
    pub levels: Vec<SeverityLevel>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeverityLevel {
    pub id: String,
    pub name: String,
    pub definition: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub id: String,
    pub title: String,
    pub duties: String,
    pub required: bool,
}

/// One rung of the on-call path: who is paged, and how long before the next rung is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Escalation {
    pub role: String,
    pub page: String,
    pub escalate_after: Option<Span>,
}

/// Alertmanager-style label matchers (`name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trigger {
    pub matchers: Vec<String>,
    pub severity: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Phase {
    pub id: String,
    pub title: String,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub id: String,
    pub title: String,
    pub detail: String,
    pub role: String,
    pub kind: StepKind,
    pub timebox: Option<Span>,
    pub depends_on: Vec<String>,
    pub required: bool,
    /// Changes the AI system in a way that may affect the evaluation of causes (AI Act 73(6)).
    pub alters_ai_system: bool,
    pub template: Option<String>,
    /// A program the step runs (`warroom run`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<StepAction>,
    /// A second, different responder must approve before it runs or is ticked.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub two_person: bool,
    /// The clocks whose submission does this step: recording the last of them ticks it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<String>,
    /// The decisions recording which does this step (the moment of awareness): it is ticked
    /// when they are recorded, and not before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub records: Vec<super::clock::def::Decision>,
}

impl StepKind {
    /// Work that outlives operations: it may be finished after the close.
    pub const fn is_follow_up(self) -> bool {
        matches!(self, Self::Regulatory | Self::Communication | Self::Postmortem)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepKind {
    Triage,
    Containment,
    Forensic,
    Compensating,
    Communication,
    Regulatory,
    Recovery,
    Postmortem,
}

impl StepKind {
    pub const ALL: [Self; 8] = [
        Self::Triage,
        Self::Containment,
        Self::Forensic,
        Self::Compensating,
        Self::Communication,
        Self::Regulatory,
        Self::Recovery,
        Self::Postmortem,
    ];

    pub const fn name(self) -> &'static str {
        match self {
            Self::Triage => "triage",
            Self::Containment => "containment",
            Self::Forensic => "forensic",
            Self::Compensating => "compensating",
            Self::Communication => "communication",
            Self::Regulatory => "regulatory",
            Self::Recovery => "recovery",
            Self::Postmortem => "postmortem",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommsTemplate {
    pub id: String,
    pub title: String,
    pub audience: String,
    pub body: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegulatorProcedure {
    pub clock: String,
    pub recipient: String,
    pub channel: String,
    pub procedure: String,
}

/// The scope labels of a runbook that names none.
pub const DEFAULT_SCOPE_LABELS: [&str; 3] = ["tenant", "agent", "tool"];

impl Runbook {
    pub fn scope_labels(&self) -> Vec<String> {
        self.scope_labels.clone().unwrap_or_else(|| DEFAULT_SCOPE_LABELS.iter().map(|l| (*l).to_owned()).collect())
    }

    /// Every step in runbook order, with the phase it belongs to.
    pub fn steps(&self) -> impl Iterator<Item = (&Phase, &Step)> {
        self.phases.iter().flat_map(|p| p.steps.iter().map(move |s| (p, s)))
    }

    pub fn step_index(&self, id: &str) -> Option<usize> {
        self.steps().position(|(_, s)| s.id == id)
    }

    pub fn step_ids(&self) -> impl Iterator<Item = &str> {
        self.steps().map(|(_, s)| s.id.as_str())
    }

    pub fn severity_level(&self, id: &str) -> Option<&SeverityLevel> {
        self.severity.levels.iter().find(|l| l.id.eq_ignore_ascii_case(id))
    }

    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.id == id)
    }

    pub fn review_due(&self) -> NaiveDate {
        let days = i64::try_from(self.review_every.seconds() / 86_400).unwrap_or(i64::MAX);
        self.last_reviewed.checked_add_signed(chrono::Duration::days(days)).unwrap_or(NaiveDate::MAX)
    }
}
