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
    /// What runs in a drill.
    #[serde(default, skip_serializing_if = "DrillMode::is_dry_run")]
    pub drill: DrillMode,
    /// The program that reverses this action's effect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undo: Option<UndoAction>,
    /// This action is the `undo` of that step's action (its program copied from it at load).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub undoes: Option<String>,
}

/// What an action does when the incident is a drill.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrillMode {
    /// The argv is shown and recorded as simulated; nothing runs.
    #[default]
    DryRun,
    /// It runs as in a real incident: the runbook's author asserts that is safe.
    Run,
    /// This program runs instead (a staging target, say).
    Instead {
        program: String,
        #[serde(default)]
        args: Vec<String>,
    },
}

impl DrillMode {
    pub const fn is_dry_run(&self) -> bool {
        matches!(self, Self::DryRun)
    }
}

/// How an action ran in a drill, as recorded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrillRun {
    /// Shown, recorded, not run.
    DryRun,
    /// The real program ran, with `WARROOM_DRILL=1`.
    Run,
    /// The runbook's drill program ran instead, with `WARROOM_DRILL=1`.
    Instead,
}

impl DrillRun {
    pub const fn describe(self) -> &'static str {
        match self {
            Self::DryRun => "DRILL: dry run, nothing runs",
            Self::Run => "DRILL: the REAL action runs (the runbook says drill: run)",
            Self::Instead => "DRILL: the runbook's drill program runs instead",
        }
    }
}

/// The program that reverses an action's effect (argv, placeholders as in the action).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UndoAction {
    pub program: String,
    #[serde(default)]
    pub args: Vec<String>,
}

/// An argv as it is shown for confirming: each argument quoted, so spaces and quotes inside one
/// argument cannot pass for another.
pub fn quoted(argv: &[String]) -> String {
    argv.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(" ")
}

/// How long a two-person request waits for its approval, unless the runbook says otherwise.
pub const DEFAULT_APPROVAL_WINDOW_MINUTES: i64 = 15;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Approval {
    pub step: String,
    pub requested_by: String,
    pub requested_seq: u64,
    /// The login, host and process the request came from.
    pub requested_from: (String, String, u32),
    pub requested_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    pub granted_by: Option<String>,
    pub granted_at: Option<DateTime<Utc>>,
    /// The seq of the line that granted it.
    pub granted_seq: Option<u64>,
    /// Why the grant does not count, when the log cannot prove its approver wrote it (under
    /// a signing policy: its line is not covered by a good signature of theirs).
    pub unproven: Option<String>,
    /// The exact argv the request is for (a request to tick by hand has none).
    pub argv: Option<Vec<String>>,
    /// The seq of the run or tick that spent it.
    pub spent_by: Option<u64>,
}

impl Approval {
    /// Granted by a second responder whose grant the log proves.
    pub fn granted(&self) -> bool {
        self.granted_by.is_some() && self.unproven.is_none()
    }

    /// Granted, unspent and unexpired, for `argv` when the request named one.
    pub fn usable(&self, argv: Option<&[String]>, now: DateTime<Utc>) -> bool {
        let same_argv = match (&self.argv, argv) {
            (Some(requested), Some(argv)) => requested.as_slice() == argv,
            _ => true,
        };
        self.granted() && self.spent_by.is_none() && now < self.expires_at && same_argv
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
    /// A drill's dry run: nothing ran.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub simulated: bool,
    /// The program could not be started (not found, not executable): nothing ran, so the
    /// approval the run spent stands again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_started: bool,
}

impl ActionOutcome {
    pub const fn succeeded(&self) -> bool {
        self.simulated || (matches!(self.exit_code, Some(0)) && !self.timed_out && !self.abandoned)
    }

    /// A drill's dry run, recorded at `at`: nothing ran, nothing was written.
    pub fn simulated(at: DateTime<Utc>) -> Self {
        Self {
            exit_code: None,
            timed_out: false,
            started_at: at,
            ended_at: at,
            output_tail: "[warroom: drill dry run: nothing ran]".to_owned(),
            output_bytes: 0,
            output_file: String::new(),
            output_sha256: String::new(),
            abandoned: false,
            simulated: true,
            not_started: false,
        }
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
    /// Started although steps it depends on were open.
    pub forced: bool,
    /// The commander's reason for running it under the AI Act evidence hold.
    pub hold_override: Option<String>,
    pub drill: Option<DrillRun>,
    /// The run whose effect this one reverses.
    pub undoes: Option<u64>,
    /// The run that reversed this one's effect.
    pub undone_by: Option<u64>,
}

impl ActionRun {
    /// Its effect is in the world now: it ran for real, succeeded, and was not reversed.
    pub fn in_effect(&self) -> bool {
        self.undone_by.is_none()
            && self.undoes.is_none()
            && self.outcome.as_ref().is_some_and(|o| o.succeeded() && !o.simulated)
    }
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
