//! Containment that acts: runnable step actions, the two-person rule, the ledger of side
//! effects the agent had in the world, and what forensic steps preserved. Types, folding and
//! decisions; running a program is the runner's job, outside the domain.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::command::Command;
use super::duration::Span;
use super::event::{Envelope, Event};
use super::incident::{Incident, StepStatus};
use super::refusal::Refusal;
use super::runbook::Step;

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
}

impl ActionOutcome {
    pub const fn succeeded(&self) -> bool {
        matches!(self.exit_code, Some(0)) && !self.timed_out
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ActionRun {
    pub step: String,
    pub argv: Vec<String>,
    pub cwd: Option<String>,
    pub by: String,
    pub started_seq: u64,
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

/// What the incident knows of containment.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Containment {
    pub approvals: Vec<Approval>,
    pub runs: Vec<ActionRun>,
    pub effects: BTreeMap<String, SideEffect>,
    pub preserved: Vec<Preserved>,
}

impl Containment {
    pub fn apply(&mut self, envelope: &Envelope) {
        let by = envelope.actor.name.clone();
        match &envelope.event {
            Event::ApprovalRequested { step, expires_at } => self.approvals.push(Approval {
                step: step.clone(),
                requested_by: by,
                requested_seq: envelope.seq,
                requested_at: envelope.at,
                expires_at: *expires_at,
                granted_by: None,
                granted_at: None,
                used: false,
            }),
            Event::ApprovalGranted { requested_seq, .. } => {
                if let Some(a) = self.approvals.iter_mut().find(|a| a.requested_seq == *requested_seq) {
                    a.granted_by = Some(by);
                    a.granted_at = Some(envelope.at);
                }
            }
            Event::ActionStarted { step, argv, cwd, approval } => {
                self.spend(*approval);
                self.runs.push(ActionRun {
                    step: step.clone(),
                    argv: argv.clone(),
                    cwd: cwd.clone(),
                    by,
                    started_seq: envelope.seq,
                    outcome: None,
                });
            }
            Event::ActionFinished { started_seq, outcome, .. } => {
                if let Some(run) = self.runs.iter_mut().find(|r| r.started_seq == *started_seq) {
                    run.outcome = Some((**outcome).clone());
                }
            }
            Event::StepTicked { step, .. } => {
                let granted = self.approvals.iter().rposition(|a| a.step == *step && a.granted_by.is_some() && !a.used);
                if let Some(index) = granted {
                    self.approvals[index].used = true;
                }
            }
            Event::EffectRecorded { id, what, place, count, owner, state, evidence } => {
                self.effects.insert(
                    id.clone(),
                    SideEffect {
                        id: id.clone(),
                        what: what.clone(),
                        place: place.clone(),
                        count: *count,
                        owner: owner.clone(),
                        state: *state,
                        evidence: evidence.clone(),
                        recorded_by: by,
                        updated_at: envelope.at,
                    },
                );
            }
            Event::EffectUpdated { id, state, evidence, count, owner } => {
                if let Some(effect) = self.effects.get_mut(id) {
                    effect.state = *state;
                    effect.evidence = evidence.clone().or_else(|| effect.evidence.take());
                    effect.count = count.unwrap_or(effect.count);
                    effect.owner = owner.clone().unwrap_or_else(|| effect.owner.clone());
                    effect.updated_at = envelope.at;
                }
            }
            Event::EvidencePreserved { step, identifier, location, digest } => self.preserved.push(Preserved {
                step: step.clone(),
                identifier: identifier.clone(),
                location: location.clone(),
                digest: digest.clone(),
                by,
                at: envelope.at,
            }),
            _ => {}
        }
    }

    fn spend(&mut self, approval: Option<u64>) {
        if let Some(a) = approval.and_then(|seq| self.approvals.iter_mut().find(|a| a.requested_seq == seq)) {
            a.used = true;
        }
    }

    /// The approval that lets `step` run or be ticked now, if any.
    pub fn usable_approval(&self, step: &str, now: DateTime<Utc>) -> Option<&Approval> {
        self.approvals.iter().rev().find(|a| a.step == step && a.usable(now))
    }

    /// The request for `step` still waiting for its second responder.
    pub fn waiting_request(&self, step: &str, now: DateTime<Utc>) -> Option<&Approval> {
        self.approvals.iter().rev().find(|a| a.step == step && a.granted_by.is_none() && now < a.expires_at)
    }

    pub fn irreversible(&self) -> impl Iterator<Item = &SideEffect> {
        self.effects.values().filter(|e| e.state == EffectState::Irreversible)
    }
}

/// For a step under the two-person rule: the seq of the approval that allows it now.
pub fn approval_for(incident: &Incident, step: &Step, now: DateTime<Utc>) -> Result<Option<u64>, Refusal> {
    if !step.two_person {
        return Ok(None);
    }
    incident
        .containment
        .usable_approval(&step.id, now)
        .map(|a| Some(a.requested_seq))
        .ok_or_else(|| Refusal::NeedsApproval { step: step.id.clone() })
}

/// The containment commands, decided.
pub fn decide(incident: &Incident, command: Command, now: DateTime<Utc>, actor: &str) -> Result<Vec<Event>, Refusal> {
    let step_of = |id: &str| -> Result<&Step, Refusal> {
        let index = incident.runbook.step_index(id).ok_or_else(|| Refusal::UnknownStep {
            step: id.to_owned(),
            hint: super::suggest::did_you_mean(id, incident.runbook.steps().map(|(_, s)| s.id.as_str())),
        })?;
        incident.runbook.steps().nth(index).map(|(_, s)| s).ok_or(Refusal::NotDeclared)
    };
    match command {
        Command::RequestApproval { step } => {
            let definition = step_of(&step)?;
            if !definition.two_person {
                return Err(Refusal::NotTwoPerson { step });
            }
            if let Some(waiting) = incident.containment.waiting_request(&step, now) {
                return Err(Refusal::ApprovalAlreadyRequested { step, by: waiting.requested_by.clone() });
            }
            let window = incident.runbook.approval_window.map_or_else(
                || chrono::Duration::minutes(DEFAULT_APPROVAL_WINDOW_MINUTES),
                |span| chrono::Duration::seconds(i64::try_from(span.seconds()).unwrap_or(i64::MAX / 2)),
            );
            Ok(vec![Event::ApprovalRequested { step, expires_at: now + window }])
        }
        Command::Approve { step } => {
            step_of(&step)?;
            let request =
                incident.containment.approvals.iter().rev().find(|a| a.step == step && a.granted_by.is_none());
            let Some(request) = request else { return Err(Refusal::NoApprovalRequest { step }) };
            if now >= request.expires_at {
                return Err(Refusal::ApprovalExpired { step, at: request.expires_at });
            }
            if request.requested_by == actor {
                return Err(Refusal::SelfApproval { step });
            }
            Ok(vec![Event::ApprovalGranted { step, requested_seq: request.requested_seq }])
        }
        Command::StartAction { step, argv, cwd } => {
            let definition = step_of(&step)?;
            if definition.action.is_none() {
                return Err(Refusal::NoAction { step });
            }
            let approval = approval_for(incident, definition, now)?;
            Ok(vec![Event::ActionStarted { step, argv, cwd, approval }])
        }
        Command::FinishAction { started_seq, outcome } => {
            let run = incident.containment.runs.iter().find(|r| r.started_seq == started_seq && r.outcome.is_none());
            let Some(run) = run else { return Err(Refusal::NoRunningAction { seq: started_seq }) };
            let definition = step_of(&run.step)?;
            let mut events =
                vec![Event::ActionFinished { step: run.step.clone(), started_seq, outcome: Box::new(outcome.clone()) }];
            let pending = incident
                .runbook
                .step_index(&run.step)
                .and_then(|i| incident.steps.get(i))
                .is_some_and(|s| s.status == StepStatus::Pending);
            if outcome.succeeded() && pending && definition.action.as_ref().is_some_and(|a| a.tick_on_success) {
                events.push(Event::StepTicked {
                    step: run.step.clone(),
                    note: Some(format!("action exited 0 (#{started_seq})")),
                    forced: false,
                    hold_override: None,
                });
            }
            Ok(events)
        }
        Command::AddEffect { id, what, place, count, owner, state, evidence } => {
            if incident.containment.effects.contains_key(&id) {
                return Err(Refusal::EffectExists { id });
            }
            for (text, what) in [
                (&what, "what the agent did (--what)"),
                (&place, "where (--where)"),
                (&owner, "the owner of its reversal (--owner)"),
            ] {
                if text.trim().is_empty() {
                    return Err(Refusal::EmptyText(what));
                }
            }
            Ok(vec![Event::EffectRecorded { id, what, place, count, owner, state, evidence }])
        }
        Command::UpdateEffect { id, state, evidence, count, owner } => {
            let Some(effect) = incident.containment.effects.get(&id) else {
                let hint = super::suggest::did_you_mean(&id, incident.containment.effects.keys().map(String::as_str));
                return Err(Refusal::UnknownEffect { id, hint });
            };
            if state != EffectState::Pending && evidence.as_deref().is_none_or(|e| e.trim().is_empty()) {
                return Err(Refusal::EmptyText("the evidence of compensation or irreversibility (--evidence)"));
            }
            if effect.state == state && evidence.is_none() && count.is_none() && owner.is_none() {
                return Err(Refusal::EffectUnchanged { id });
            }
            Ok(vec![Event::EffectUpdated { id, state, evidence, count, owner }])
        }
        Command::Preserve { step, identifier, location, digest } => {
            let definition = step_of(&step)?;
            if definition.kind != super::runbook::StepKind::Forensic {
                return Err(Refusal::NotForensic { step });
            }
            for (text, what) in [
                (&identifier, "what was preserved (--id)"),
                (&location, "where it is kept (--location)"),
                (&digest, "its hash or receipt (--digest)"),
            ] {
                if text.trim().is_empty() {
                    return Err(Refusal::EmptyText(what));
                }
            }
            Ok(vec![Event::EvidencePreserved { step, identifier, location, digest }])
        }
        _ => Err(Refusal::NotDeclared),
    }
}
