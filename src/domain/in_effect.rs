//! Which of an incident's actions are still in effect although they could be undone: what the
//! checklist marks, the status shows, and closing warns about and records.

use super::actions::ActionRun;
use super::incident::Incident;

impl Incident {
    /// Runs whose effect is still in the world although their step's action has an undo.
    pub fn never_undone(&self) -> impl Iterator<Item = &ActionRun> {
        self.containment.runs.iter().filter(|r| {
            r.in_effect()
                && self.step(&r.step).is_some_and(|(s, _)| s.action.as_ref().is_some_and(|a| a.undo.is_some()))
        })
    }

    /// The run of `step` still in effect that its undo would reverse.
    pub fn in_effect(&self, step: &str) -> Option<&ActionRun> {
        self.never_undone().filter(|r| r.step == step).last()
    }
}
