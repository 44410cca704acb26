//! Steps done by recording a decision (a runbook step's `records:`, such as the moment of
//! awareness): the tick waits for the decision, and the decision ticks the step, so the
//! checklist and the clocks never disagree about it.

use super::clock::def::Decision;
use super::event::Event;
use super::incident::{Incident, StepStatus};
use super::refusal::Refusal;
use super::refusal_clock::ClockRefusal;
use super::runbook::Step;

/// Refuses a tick of `step` while a decision it records is not recorded.
pub fn check_tick(incident: &Incident, step: &Step) -> Result<(), Refusal> {
    match step.records.iter().find(|d| incident.clock_facts.decided(**d).is_none()) {
        Some(decision) => {
            Err(Refusal::Clock(ClockRefusal::RecordsDecision { step: step.id.clone(), decision: decision.name() }))
        }
        None => Ok(()),
    }
}

/// The ticks recording `decision` brings: each pending step that records it, whose other
/// decisions are recorded, whose dependencies are done and which needs no second responder.
pub fn ticks(incident: &Incident, decision: Decision) -> Vec<Event> {
    let recorded = |d: &Decision| *d == decision || incident.clock_facts.decided(*d).is_some();
    incident
        .runbook
        .steps()
        .map(|(_, step)| step)
        .filter(|step| step.records.contains(&decision) && step.records.iter().all(recorded))
        .filter(|step| !step.two_person && incident.open_dependencies(step).next().is_none())
        .filter(|step| incident.step(&step.id).is_some_and(|(_, state)| state.status == StepStatus::Pending))
        .map(|step| Event::StepTicked {
            step: step.id.clone(),
            note: Some(format!("recorded: the decision {}", decision.name())),
            forced: false,
            hold_override: None,
        })
        .collect()
}
