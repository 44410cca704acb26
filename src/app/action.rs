//! Running a step's action: prepared and shown to the responder, gated by the two-person rule,
//! and run exactly as confirmed, with its start and outcome recorded.

use super::{App, AppError};
use crate::action::{self, Prepared, orphan};
use crate::domain::Command;
use crate::domain::actions::ActionOutcome;
use crate::domain::event::Event;
use crate::domain::incident::{Incident, IncidentState};
use crate::domain::{Refusal, step_gate};

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

/// What the responder chose beyond the action itself: run although steps it depends on are
/// open, and (commander) the reason for running it under the AI Act evidence hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunOptions {
    pub force: bool,
    pub override_hold: Option<String>,
    /// In the commander's stead (past the evidence hold, for one who is not the commander): why.
    pub in_stead: Option<String>,
}

/// The action as the responder confirmed it, and what happened.
#[derive(Debug)]
pub struct Ran {
    pub incident: String,
    pub started_seq: u64,
    pub outcome: ActionOutcome,
    pub ticked: bool,
}

/// Prepares the action of `step` (or its undo) on the incident as it stands, under the rules a
/// tick obeys (a closed incident, open dependencies, the evidence hold): a refusal runs and
/// records nothing. For a two-person step with no usable approval of exactly this argv, records
/// the request (once) instead of letting it run.
pub fn prepare(app: &App, incident: &str, step: &str, undo: bool, options: &RunOptions) -> Result<Gate, AppError> {
    let id = app.store.resolve_id(incident)?;
    let mut state = current(app, &id)?;
    if !reap_abandoned(app, &state)?.is_empty() {
        state = current(app, &id)?;
    }
    let now = app.now();
    let prepared = action::prepare(&state, step, undo, &app.actor.name, now).map_err(AppError::Refused)?;
    check_rules(&state, &prepared, options, app)?;
    let usable = state.containment.usable_approval(step, Some(&prepared.argv), now).is_some();
    let approval = if !prepared.two_person || usable {
        Approval::Ready
    } else if let Some(waiting) = state.containment.waiting_request(step, now) {
        Approval::Waiting { requested_by: waiting.requested_by.clone(), seq: waiting.requested_seq }
    } else {
        let request = Command::RequestApproval { step: step.to_owned(), argv: Some(prepared.argv.clone()) };
        let written = app.store.execute(&id, app.actor, now, request)?;
        Approval::Requested(written.last().map_or(0, |e| e.seq))
    };
    Ok(Gate { incident: id, prepared, approval })
}

/// The rules a tick obeys, for the step whose action is about to run.
pub fn check_rules(incident: &Incident, prepared: &Prepared, options: &RunOptions, app: &App) -> Result<(), AppError> {
    match incident.state {
        IncidentState::Archived => {
            return Err(AppError::Refused(Refusal::Archived(incident.id.clone()).to_string()));
        }
        IncidentState::Closed if prepared.undoes.is_none() => {
            return Err(AppError::Refused(Refusal::Closed(incident.id.clone()).to_string()));
        }
        _ => {}
    }
    let definition = incident.step(&prepared.step).map(|(step, _)| step);
    let Some(definition) = definition else { return Ok(()) };
    match step_gate::rules(
        incident,
        definition,
        options.force,
        options.override_hold.clone(),
        app.now(),
        &app.actor.name,
    ) {
        Err(refusal) if !(app.in_stead.is_some() && refusal.commander_needed().is_some()) => {
            Err(AppError::from(refusal))
        }
        _ => Ok(()),
    }
}

/// Runs the action the responder confirmed. If the incident changed since so that the action
/// would differ (an alert changed a placeholder, the runbook was reloaded), nothing runs and
/// the responder is asked to confirm the new one.
pub fn run(
    app: &App,
    incident: &str,
    confirmed: &Prepared,
    options: &RunOptions,
    output: impl FnMut(&str),
) -> Result<Ran, AppError> {
    let app = &app.in_commanders_stead(options.in_stead.as_deref().or(app.in_stead));
    let result = run_confirmed(app, incident, confirmed, options, output);
    match &result {
        Ok(ran) => tracing::info!(
            event = "append", actor = %app.actor.name, call = "run", incident = %ran.incident, step = %confirmed.step,
            exit_code = ran.outcome.exit_code.map_or(-1, i64::from), timed_out = ran.outcome.timed_out
        ),
        Err(e) => super::error::log(app, "run", Some(incident), e),
    }
    result
}

fn run_confirmed(
    app: &App,
    incident: &str,
    confirmed: &Prepared,
    options: &RunOptions,
    output: impl FnMut(&str),
) -> Result<Ran, AppError> {
    let id = app.store.resolve_id(incident)?;
    let state = current(app, &id)?;
    let again = action::prepare(&state, &confirmed.step, confirmed.undo, &app.actor.name, confirmed.at)
        .map_err(AppError::Refused)?;
    if again != *confirmed {
        return Err(AppError::refused(format!(
            "the action of {} changed since it was confirmed (now: {}); confirm it again",
            confirmed.step,
            again.argv.join(" ")
        )));
    }
    let start = Command::StartAction {
        step: confirmed.step.clone(),
        argv: confirmed.argv.clone(),
        cwd: confirmed.cwd.clone(),
        force: options.force,
        override_hold: options.override_hold.clone(),
        drill: confirmed.drill,
        undoes: confirmed.undoes,
    };
    let written = app.store.execute(&id, app.actor, app.now(), app.as_given(start))?;
    let started_seq = written.iter().find(|e| matches!(e.event, Event::ActionStarted { .. })).map_or(0, |e| e.seq);
    let outcome = if confirmed.simulated() {
        let mut output = output;
        output("DRILL: dry run: nothing ran. In a real incident this argv runs.\n");
        ActionOutcome::simulated(app.now())
    } else {
        action::run_program(app.dir, &id, started_seq, confirmed, &app.clock, output)?
    };
    let finish = Command::FinishAction { started_seq, outcome: outcome.clone() };
    let written = app.store.execute(&id, app.actor, app.now(), finish)?;
    let ticked = written.iter().any(|e| matches!(e.event, Event::StepTicked { .. }));
    Ok(Ran { incident: id, started_seq, outcome, ticked })
}

fn current(app: &App, id: &str) -> Result<Incident, AppError> {
    Ok(app.store.incident(id)?)
}

/// Records as abandoned every action of `incident` still running in the log whose warroom
/// process, on this host, is gone: what is left of its process group is ended first, and the
/// outcome holds the output its file had. Returns their start seqs.
pub fn reap_abandoned(app: &App, incident: &Incident) -> Result<Vec<u64>, AppError> {
    let mut reaped = Vec::new();
    let orphans = incident.containment.runs.iter().filter(|run| {
        run.outcome.is_none() && run.host == app.actor.host && run.pid != std::process::id() && !orphan::alive(run.pid)
    });
    for run in orphans {
        let relative = action::run::output_file(&incident.id, run.started_seq, &run.step);
        let file = app.dir.join(&relative);
        if let Some(group) = orphan::leftover_group(&file) {
            orphan::end_group(group, action::run::GRACE);
        }
        let _ = std::fs::remove_file(orphan::group_file(&file));
        let captured = orphan::captured_so_far(&file);
        let mut tail = captured.tail;
        tail.push_str(&format!(
            "\n[warroom: abandoned: warroom process {} on {} ended before the action did]",
            run.pid, run.host
        ));
        let outcome = ActionOutcome {
            exit_code: None,
            timed_out: false,
            started_at: run.started_at,
            ended_at: app.now(),
            output_tail: tail,
            output_bytes: captured.bytes,
            output_file: relative,
            output_sha256: captured.sha256,
            abandoned: true,
            simulated: false,
            not_started: false,
        };
        let finish = Command::FinishAction { started_seq: run.started_seq, outcome };
        app.store.execute(&incident.id, app.actor, app.now(), finish)?;
        tracing::warn!(event = "recovery", incident = %incident.id, started_seq = run.started_seq, "an abandoned action was recorded");
        reaped.push(run.started_seq);
    }
    Ok(reaped)
}
