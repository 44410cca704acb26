//! Running a step's action: prepared and shown to the responder, gated by the two-person rule,
//! and run exactly as confirmed, with its start and outcome recorded.

use super::{App, AppError};
use crate::action::{self, Prepared};
use crate::domain::Command;
use crate::domain::actions::ActionOutcome;
use crate::domain::event::Event;
use crate::domain::incident::Incident;

/// Whether a prepared action may run now.
#[derive(Debug, PartialEq, Eq)]
pub enum Approval {
    /// Not a two-person step, or a second responder's approval is waiting to be spent.
    Ready,
    /// Two-person step: this call recorded the request (its seq).
    Requested(u64),
    /// Two-person step: a request is already waiting for a second responder.
    Waiting { requested_by: String, seq: u64 },
}

/// The action of `step` as it would run now, and whether it may.
#[derive(Debug)]
pub struct Gate {
    pub incident: String,
    pub prepared: Prepared,
    pub approval: Approval,
}

/// The action as the responder confirmed it, and what happened.
#[derive(Debug)]
pub struct Ran {
    pub incident: String,
    pub started_seq: u64,
    pub outcome: ActionOutcome,
    pub ticked: bool,
}

/// Prepares the action of `step` on the incident as it stands; for a two-person step with no
/// usable approval, records the request (once) instead of letting it run.
pub fn prepare(app: &App, incident: &str, step: &str) -> Result<Gate, AppError> {
    let id = app.store.resolve_id(incident)?;
    let state = current(app, &id)?;
    let now = app.now();
    let prepared = action::prepare(&state, step, &app.actor.name, now).map_err(AppError::Refused)?;
    let approval = if !prepared.two_person || state.containment.usable_approval(step, now).is_some() {
        Approval::Ready
    } else if let Some(waiting) = state.containment.waiting_request(step, now) {
        Approval::Waiting { requested_by: waiting.requested_by.clone(), seq: waiting.requested_seq }
    } else {
        let written = app.store.execute(&id, app.actor, now, Command::RequestApproval { step: step.to_owned() })?;
        Approval::Requested(written.last().map_or(0, |e| e.seq))
    };
    Ok(Gate { incident: id, prepared, approval })
}

/// Runs the action the responder confirmed. If the incident changed since so that the action
/// would differ (an alert changed a placeholder, the runbook was reloaded), nothing runs and
/// the responder is asked to confirm the new one.
pub fn run(app: &App, incident: &str, confirmed: &Prepared, output: impl FnMut(&str)) -> Result<Ran, AppError> {
    let result = run_confirmed(app, incident, confirmed, output);
    match &result {
        Ok(ran) => tracing::info!(
            event = "append", actor = %app.actor.name, call = "run", incident = %ran.incident, step = %confirmed.step,
            exit_code = ran.outcome.exit_code.map_or(-1, i64::from), timed_out = ran.outcome.timed_out
        ),
        Err(e) => super::error::log(app, "run", Some(incident), e),
    }
    result
}

fn run_confirmed(app: &App, incident: &str, confirmed: &Prepared, output: impl FnMut(&str)) -> Result<Ran, AppError> {
    let id = app.store.resolve_id(incident)?;
    let state = current(app, &id)?;
    let again = action::prepare(&state, &confirmed.step, &app.actor.name, confirmed.at).map_err(AppError::Refused)?;
    if again != *confirmed {
        return Err(AppError::refused(format!(
            "the action of {} changed since it was confirmed (now: {}); confirm it again",
            confirmed.step,
            again.argv.join(" ")
        )));
    }
    let start =
        Command::StartAction { step: confirmed.step.clone(), argv: confirmed.argv.clone(), cwd: confirmed.cwd.clone() };
    let written = app.store.execute(&id, app.actor, app.now(), start)?;
    let started_seq = written.iter().find(|e| matches!(e.event, Event::ActionStarted { .. })).map_or(0, |e| e.seq);
    let outcome = action::run_program(app.dir, &id, started_seq, confirmed, &app.clock, output)?;
    let finish = Command::FinishAction { started_seq, outcome: outcome.clone() };
    let written = app.store.execute(&id, app.actor, app.now(), finish)?;
    let ticked = written.iter().any(|e| matches!(e.event, Event::StepTicked { .. }));
    Ok(Ran { incident: id, started_seq, outcome, ticked })
}

fn current(app: &App, id: &str) -> Result<Incident, AppError> {
    Ok(app.store.incident(id)?)
}
