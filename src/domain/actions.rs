//! What steps do and what came of it: a step's runnable action, the approvals of the
//! two-person rule, an action's run and outcome, the side effects the agent had in the world,
//! and what forensic steps preserved. Plain types; the containment state folds them.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::duration::Span;

/// A program a step runs: argv (never a shell string), placeholders expanded inside one
/// argument each (docs/templates.md).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepAction {
    pub program: String,
    #[serde(default)]
    pub args: Vec<String>,
    #[serde(default)]
    pub cwd: Option<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    pub timeout: Span,
    /// A zero exit ticks the step.
    #[serde(default)]
    pub tick_on_success: bool,
}

/// How long a two-person request waits for its approval, unless the runbook says otherwise.
pub const DEFAULT_APPROVAL_WINDOW_MINUTES: i64 = 15;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approval {
    pub step: String,
    pub requested_by: String,
    pub requested_seq: u64,
    pub requested_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub granted_by: Option<String>,
    pub granted_at: Option<DateTime<Utc>>,
    /// Spent by the run or tick it allowed.
    pub used: bool,
}

impl Approval {
    pub fn usable(&self, now: DateTime<Utc>) -> bool {
        self.granted_by.is_some() && !self.used && now < self.expires_at
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionOutcome {
    pub exit_code: Option<i32>,
    pub timed_out: bool,
    pub started_at: DateTime<Utc>,
    pub ended_at: DateTime<Utc>,
    /// The end of the output, bounded; the whole of it is in `output_file`.
    pub output_tail: String,
    pub output_bytes: u64,
    /// Relative to the workspace.
    pub output_file: String,
    pub output_sha256: String,
    /// The process that ran it died before it ended: recorded by the next warroom process
    /// that opened the incident, with the output the file held then.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub abandoned: bool,
}

impl ActionOutcome {
    pub const fn succeeded(&self) -> bool {
        matches!(self.exit_code, Some(0)) && !self.timed_out && !self.abandoned
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionRun {
    pub step: String,
    pub argv: Vec<String>,
    pub cwd: Option<String>,
    pub by: String,
    /// The warroom process that started it (host and pid), to tell a run still going from one
    /// whose process died.
    pub host: String,
    pub pid: u32,
    pub started_seq: u64,
    pub started_at: DateTime<Utc>,
    pub outcome: Option<ActionOutcome>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EffectState {
    Pending,
    Compensated,
    Irreversible,
}

impl EffectState {
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(Self::Pending),
            "compensated" => Some(Self::Compensated),
            "irreversible" => Some(Self::Irreversible),
            _ => None,
        }
    }

    pub const fn name(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Compensated => "compensated",
            Self::Irreversible => "irreversible",
        }
    }
}

/// Something the agent did in the world: e-mails sent, payments made, records changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SideEffect {
    pub id: String,
    pub what: String,
    pub place: String,
    pub count: u64,
    pub owner: String,
    pub state: EffectState,
    pub evidence: Option<String>,
    pub recorded_by: String,
    pub updated_at: DateTime<Utc>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Preserved {
    pub step: String,
    pub identifier: String,
    pub location: String,
    /// A hash of what was preserved, or the receipt of the system that holds it.
    pub digest: String,
    pub by: String,
    pub at: DateTime<Utc>,
}
