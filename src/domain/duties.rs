//! What stands between a closed incident and its archive: its open duties.

use chrono::{DateTime, Utc};

use super::clock::ClockState;
use super::incident::Incident;

impl Incident {
    /// What stands between this incident and its archive: each clock not yet submitted in
    /// full (with every content item its form asks for), waived or found not to apply, and
    /// each required step still open.
    pub fn open_duties(&self, now: DateTime<Utc>) -> Vec<String> {
        let clocks = self.clock_statuses(now).into_iter().filter_map(|status| {
            let id = status.def.id.as_str();
            match status.state {
                ClockState::NotApplicable => None,
                ClockState::SubmittedOnTime | ClockState::SubmittedLate => {
                    status.still_owed().map(|owed| format!("{id} ({owed})"))
                }
                ClockState::AwaitingAnchor => Some(format!("{id} (not started: record its anchor or waive it)")),
                ClockState::Running => Some(format!("{id} (running)")),
                ClockState::DueSoon => Some(format!("{id} (due soon)")),
                ClockState::Overdue => Some(format!("{id} (OVERDUE)")),
            }
        });
        let steps = self.open_required_steps().into_iter().map(|step| format!("step {step}"));
        clocks.chain(steps).collect()
    }
}
