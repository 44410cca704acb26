//! Questions asked of an incident's checklist: a step and its state, what is open, what the
//! room should do now, how far along it is.

use super::incident::{Incident, StepState};
use super::runbook::Step;

impl Incident {
    pub fn step(&self, id: &str) -> Option<(&Step, &StepState)> {
        let index = self.runbook.step_index(id)?;
        let (_, step) = self.runbook.steps().nth(index)?;
        Some((step, self.steps.get(index)?))
    }

    /// Steps in runbook order with their phase title and state.
    pub fn checklist(&self) -> impl Iterator<Item = (&str, &Step, &StepState)> {
        self.runbook.steps().zip(&self.steps).map(|((phase, step), state)| (phase.title.as_str(), step, state))
    }

    /// Dependencies of `step` that are still pending.
    pub fn open_dependencies<'a>(&'a self, step: &'a Step) -> impl Iterator<Item = &'a str> + 'a {
        step.depends_on.iter().filter(|dep| self.step(dep).is_some_and(|(_, s)| s.status.is_open())).map(String::as_str)
    }

    /// The first open step whose dependencies are all met: what the room should do now.
    pub fn current_step(&self) -> Option<&Step> {
        self.checklist()
            .find(|(_, step, state)| state.status.is_open() && self.open_dependencies(step).next().is_none())
            .map(|(_, step, _)| step)
    }

    pub fn open_required_steps(&self) -> Vec<&str> {
        self.checklist()
            .filter(|(_, step, state)| step.required && state.status.is_open())
            .map(|(_, step, _)| step.id.as_str())
            .collect()
    }

    /// The open required steps that operations must finish before the close: every one but
    /// the follow-up (regulatory filings, communications, the post-mortem), which may go on
    /// after it and must be done, or explained, before the archive.
    pub fn open_operational_steps(&self) -> Vec<&str> {
        self.checklist()
            .filter(|(_, step, state)| step.required && state.status.is_open() && !step.kind.is_follow_up())
            .map(|(_, step, _)| step.id.as_str())
            .collect()
    }

    pub fn progress(&self) -> (usize, usize) {
        let finished = self.steps.iter().filter(|s| !s.status.is_open()).count();
        (finished, self.steps.len())
    }
}
