//! The console's forms, one purpose each: what it asks (named fields), how an answer is
//! checked as it is typed, and the effect its answers become. `update` only routes to them.

pub mod action;
pub mod clocks;
mod declaration;
mod declare;
pub mod input;
mod paging;
mod record;
mod steps;
mod updates;

use chrono::{DateTime, Utc};

use super::form::Form;
pub use super::form::Purpose;
use super::keymap::Action;
use super::message::Effect;
use super::model::{FlashKind, Model};
pub use declaration::declarable;
pub use declare::for_alert;
pub use record::in_stead;
pub use steps::{asks_on_tick, tick};

/// The form `action` opens on the selected incident and step, if it opens one.
pub fn open(model: &mut Model, action: Action, now: DateTime<Utc>) -> Option<Form> {
    let incident = model.current().map(|e| e.incident.id.clone());
    let needs_incident =
        !matches!(action, Action::Declare | Action::SwitchResponder | Action::CommandLine | Action::Search);
    if needs_incident && incident.is_none() {
        model.say(FlashKind::Refused, "no incident selected: declare one with D", now);
        return None;
    }
    let step = model.cursor_step().map(str::to_owned).unwrap_or_default();
    match action {
        Action::Skip | Action::Reopen | Action::OverrideHold => steps::open(action, incident, step),
        Action::Note
        | Action::Fact
        | Action::Severity
        | Action::Assign
        | Action::AcceptCommand
        | Action::Resolve
        | Action::Close
        | Action::Archive => record::open(model, action, incident, now),
        Action::Decide | Action::Notify | Action::Waive => clocks::open(model, action, incident, now),
        Action::Acknowledge => paging::open(model, incident, now),
        Action::StakeholderUpdate => updates::open(model, incident, now),
        Action::Declare | Action::SwitchResponder | Action::Search | Action::CommandLine => {
            declare::open(model, action, incident)
        }
        _ => None,
    }
}

/// A completed form becomes effects (or, for a search, a change of view).
pub fn finish(model: &mut Model, form: Form, now: DateTime<Utc>) -> Vec<Effect> {
    match &form.purpose {
        Purpose::Tick { .. } | Purpose::Skip { .. } | Purpose::Reopen { .. } | Purpose::OverrideHold { .. } => {
            steps::finish(&form)
        }
        Purpose::RunAction { .. } | Purpose::RequestApproval { .. } | Purpose::Approve { .. } => {
            action::finish(model, form, now)
        }
        Purpose::Note
        | Purpose::StateLabel { .. }
        | Purpose::Fact
        | Purpose::Severity
        | Purpose::Assign
        | Purpose::AcceptCommand
        | Purpose::InStead { .. }
        | Purpose::Resolve
        | Purpose::Close { .. }
        | Purpose::Archive { .. } => record::finish(&form, now),
        Purpose::Decide { .. } | Purpose::Notify { .. } | Purpose::Waive => clocks::finish(model, &form, now),
        Purpose::Acknowledge => paging::finish(&form),
        Purpose::Update { .. } => updates::finish(&form),
        Purpose::Declare { .. }
        | Purpose::DeclareFromAlert { .. }
        | Purpose::DismissAlert { .. }
        | Purpose::AttachAlert { .. }
        | Purpose::SwitchResponder
        | Purpose::Search
        | Purpose::CommandLine => declare::finish(model, form),
    }
}

/// Why the text typed into `field` cannot be taken (it stays in the field to correct).
pub fn invalid(purpose: &Purpose, field: &str, text: &str, now: DateTime<Utc>) -> Option<String> {
    match purpose {
        Purpose::Decide { .. } => clocks::invalid_time(field, text, now),
        Purpose::Fact => record::invalid_time(field, text, now),
        Purpose::StateLabel { label } => crate::domain::alert::stated_label(label, text).err(),
        _ => None,
    }
}

/// The field just reached, filled where the form knows its current value.
pub fn entered(form: &mut super::form::Form) {
    match &form.purpose {
        Purpose::Decide { .. } => clocks::prefill(form),
        Purpose::Notify { .. } => clocks::offer_phases(form),
        Purpose::Declare { .. } | Purpose::DeclareFromAlert { .. } => declaration::entered(form),
        Purpose::Update { .. } => updates::prefill(form),
        _ => {}
    }
}

/// Why `text` is not a time at or before `now`, if it is not.
fn past_time(text: &str, now: DateTime<Utc>) -> Option<String> {
    match crate::domain::when::parse(text, now) {
        Ok(at) if at > now => Some("that time lies in the future".to_owned()),
        Ok(_) => None,
        Err(_) => Some("use 2026-11-24 02:10 (UTC), -30m or RFC 3339".to_owned()),
    }
}

/// The form's command on its incident.
fn execute(form: &Form, command: crate::domain::command::Command) -> Vec<Effect> {
    form.incident.clone().map(|incident| Effect::Execute { incident, command }).into_iter().collect()
}
