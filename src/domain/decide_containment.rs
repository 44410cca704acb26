//! The containment commands decided: approvals requested and granted, actions started and
//! finished, side effects recorded and updated, evidence preserved.

use chrono::{DateTime, Utc};

use super::actions::{DEFAULT_APPROVAL_WINDOW_MINUTES, EffectState};
use super::command::Command;
use super::event::Event;
use super::incident::{Incident, StepStatus};
use super::refusal::Refusal;
use super::refusal_approval::ApprovalRefusal;
use super::runbook::Step;
use super::step_gate::clear;

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
        Command::RequestApproval { step, argv } => {
            let definition = step_of(&step)?;
            if !super::step_gate::needs_two(incident, definition) {
                return Err(ApprovalRefusal::NotTwoPerson { step }.into());
            }
            if let Some(waiting) = incident.containment.waiting_request(&step, now) {
                return Err(ApprovalRefusal::ApprovalAlreadyRequested { step, by: waiting.requested_by.clone() }.into());
            }
            let window = incident.runbook.approval_window.map_or_else(
                || chrono::Duration::minutes(DEFAULT_APPROVAL_WINDOW_MINUTES),
                |span| chrono::Duration::seconds(i64::try_from(span.seconds()).unwrap_or(i64::MAX / 2)),
            );
            Ok(vec![Event::ApprovalRequested { step, expires_at: now + window, argv }])
        }
        Command::Approve { step, argv } => {
            step_of(&step)?;
            let request = incident.containment.approvals.iter().rev().find(|a| a.step == step && !a.granted());
            let Some(request) = request else { return Err(ApprovalRefusal::NoApprovalRequest { step }.into()) };
            if now >= request.expires_at {
                return Err(ApprovalRefusal::ApprovalExpired { step, at: request.expires_at }.into());
            }
            if same_person(&request.requested_by, actor) {
                return Err(ApprovalRefusal::SelfApproval { step }.into());
            }
            if let (Some(requested), Some(shown)) = (&request.argv, &argv)
                && requested != shown
            {
                return Err(ApprovalRefusal::ApprovalChanged { step, requested: requested.clone() }.into());
            }
            Ok(vec![Event::ApprovalGranted { step, requested_seq: request.requested_seq }])
        }
        Command::StartAction { step, argv, cwd, force, override_hold, drill, undoes } => {
            let definition = step_of(&step)?;
            if definition.action.is_none() {
                return Err(Refusal::NoAction { step });
            }
            if let Some(seq) = undoes {
                undoable(incident, seq)?;
            }
            if incident.drill != drill.is_some() {
                return Err(Refusal::DrillMismatch { drill: incident.drill });
            }
            let cleared = clear(incident, definition, force, override_hold, Some(&argv), now, actor)?;
            Ok(vec![Event::ActionStarted {
                step,
                argv,
                cwd,
                approval: cleared.approval,
                forced: cleared.forced,
                hold_override: cleared.hold_override,
                drill,
                undoes,
            }])
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
            let direct_undo = run.undoes.is_some() && definition.action.as_ref().is_some_and(|a| a.undoes.is_none());
            let ticks = definition.action.as_ref().is_some_and(|a| a.tick_on_success) && !direct_undo;
            if outcome.succeeded() && pending && ticks {
                let how = if outcome.simulated { "simulated in a drill (dry run)" } else { "action exited 0" };
                events.push(Event::StepTicked {
                    step: run.step.clone(),
                    note: Some(format!("{how} (#{started_seq})")),
                    forced: run.forced || incident.open_dependencies(definition).next().is_some(),
                    hold_override: run.hold_override.clone(),
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

/// The run `seq` can be reversed: it ended well and nothing reversed it yet.
fn undoable(incident: &Incident, seq: u64) -> Result<(), Refusal> {
    let run = incident.containment.runs.iter().find(|r| r.started_seq == seq);
    match run {
        Some(run)
            if run.undoes.is_none()
                && run.undone_by.is_none()
                && run.outcome.as_ref().is_some_and(|o| o.succeeded()) =>
        {
            Ok(())
        }
        _ => Err(Refusal::NothingToUndo { seq }),
    }
}

/// Names that would pass for the same responder on a screen (case and surrounding space aside).
fn same_person(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}
