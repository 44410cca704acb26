//! The runbook file as written: YAML with a location on every value a check may point at.
//! `check` turns it into the domain model or located diagnostics.

use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::domain::runbook::StepKind;

pub type Located = Spanned<String>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRunbook {
    pub id: Located,
    pub title: String,
    pub version: Spanned<Version>,
    pub owner: String,
    pub summary: String,
    pub last_reviewed: Located,
    pub review_every: Located,
    pub drill_every: Located,
    pub severity: RawSeverity,
    pub roles: Vec<RawRole>,
    pub on_call: Vec<RawEscalation>,
    #[serde(default)]
    pub triggers: Vec<RawTrigger>,
    #[serde(default)]
    pub clocks: Vec<Located>,
    pub phases: Vec<RawPhase>,
    #[serde(default)]
    pub comms: Vec<RawComms>,
    #[serde(default)]
    pub regulator: Vec<RawRegulator>,
    pub postmortem: String,
    #[serde(default)]
    pub approval_window: Option<Located>,
    #[serde(default)]
    pub group_by: Vec<Located>,
    #[serde(default)]
    pub scope_labels: Option<Vec<Located>>,
    #[serde(default)]
    pub updates: Vec<RawUpdate>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawUpdate {
    pub audience: Located,
    #[serde(default)]
    pub template: Option<Located>,
    pub every: std::collections::BTreeMap<String, Located>,
}

#[derive(Deserialize)]
#[serde(untagged)]
pub enum Version {
    Number(u64),
    Text(String),
}

impl Version {
    pub fn text(&self) -> String {
        match self {
            Self::Number(n) => n.to_string(),
            Self::Text(t) => t.clone(),
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSeverity {
    pub default: Located,
    pub guidance: String,
    pub levels: Vec<RawLevel>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLevel {
    pub id: Located,
    pub name: String,
    pub definition: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRole {
    pub id: Located,
    pub title: String,
    pub duties: String,
    #[serde(default)]
    pub required: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEscalation {
    pub role: Located,
    pub page: String,
    #[serde(default)]
    pub escalate_after: Option<Located>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTrigger {
    pub matchers: Vec<Located>,
    pub severity: Located,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPhase {
    pub id: Located,
    pub title: String,
    pub steps: Vec<RawStep>,
}

const fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub id: Located,
    pub title: String,
    pub detail: String,
    pub role: Located,
    pub kind: StepKind,
    #[serde(default)]
    pub timebox: Option<Located>,
    #[serde(default)]
    pub depends_on: Vec<Located>,
    #[serde(default = "yes")]
    pub required: bool,
    #[serde(default)]
    pub alters_ai_system: bool,
    #[serde(default)]
    pub template: Option<Located>,
    #[serde(default)]
    pub action: Option<RawAction>,
    #[serde(default)]
    pub two_person: bool,
    /// The clocks whose submission does this step (it is ticked when each is submitted).
    #[serde(default)]
    pub files: Vec<Located>,
    /// The decisions recording which does this step (it is ticked when they are recorded).
    #[serde(default)]
    pub records: Vec<Located>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAction {
    /// Absent when the action `undoes` another step's.
    #[serde(default)]
    pub program: Option<Located>,
    #[serde(default)]
    pub args: Vec<Located>,
    #[serde(default)]
    pub cwd: Option<Located>,
    #[serde(default)]
    pub env: std::collections::BTreeMap<String, Located>,
    #[serde(default)]
    pub timeout: Option<Located>,
    #[serde(default)]
    pub tick_on_success: bool,
    #[serde(default)]
    pub drill: Option<RawDrill>,
    #[serde(default)]
    pub undo: Option<RawProgram>,
    /// The step whose action's `undo` this action runs.
    #[serde(default)]
    pub undoes: Option<Located>,
}

/// `drill: dry_run`, `drill: run`, or `drill: { program, args }`.
#[derive(Deserialize)]
#[serde(untagged)]
pub enum RawDrill {
    Mode(Located),
    Instead(RawProgram),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawProgram {
    pub program: Located,
    #[serde(default)]
    pub args: Vec<Located>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawComms {
    pub id: Located,
    pub title: String,
    pub audience: String,
    pub body: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRegulator {
    pub clock: Located,
    pub recipient: String,
    pub channel: String,
    pub procedure: String,
}
