//! Regulatory clocks: the catalog model, the counting rules and each clock's state.

pub mod calendar;
pub mod def;
pub mod display;
pub mod facts;
pub mod member_state;
pub mod period;
pub mod status;
pub mod zone;

pub use def::{Anchor, ClockDef, Decision, PauseRule, Period};
pub use facts::{ClockFacts, DecisionRecord, Informed, Pause, Resumed, Submission, SubmissionPhase, Waiver, label};
pub use period::Deadline;
pub use status::{ClockState, ClockStatus, Schedule, evaluate, evaluate_scheduled, schedule};

/// Whether a step may be done now, under the AI Act evidence hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepHold {
    Free,
    Held { clocks: Vec<String> },
}
