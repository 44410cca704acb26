//! The pure core: runbook model, events, incident state, the fold and `decide`.
//! No I/O, no terminal, no async: a test in `tests/architecture.rs` keeps it so.

pub mod actions;
pub mod actor;
pub mod alert;
pub mod audit;
pub mod checklist;
pub mod clock;
mod clock_fold;
pub mod command;
pub mod containment;
pub mod decide;
pub mod decide_containment;
pub mod decide_decision;
pub mod decide_declare;
pub mod decide_filing;
mod decide_pause;
pub mod decide_support;
pub mod describe;
pub mod duration;
pub mod duties;
pub mod event;
pub mod handover;
mod in_effect;
pub mod inbox;
pub mod incident;
pub mod parties;
pub mod placeholder;
pub mod refusal;
pub mod refusal_about;
pub mod refusal_clock;
pub mod runbook;
pub mod sanitize;
pub mod search;
pub mod service_audit;
pub mod step_gate;
pub mod suggest;
pub mod when;

pub use command::Command;
pub use decide::decide;
pub use event::{Actor, Event};
pub use incident::{Incident, IncidentState, StepState, StepStatus};
pub use refusal::Refusal;
pub use runbook::Runbook;
