//! Forms on the step under the cursor: skip or reopen it (with the reason), tick it past the
//! AI Act evidence hold (the commander's logged override).

use super::{Purpose, execute};
use crate::domain::command::Command;
use crate::tui::form::{Field, Form};
use crate::tui::keymap::Action;
use crate::tui::message::Effect;

const REASON: &str = "reason";

pub fn open(action: Action, incident: Option<String>, step: String) -> Option<Form> {
    Some(match action {
        Action::Skip => Form::new(
            Purpose::Skip { step: step.clone() },
            format!("Skip {step}"),
            incident,
            vec![Field::text(REASON, "Reason for skipping", true)],
        ),
        Action::Reopen => Form::new(
            Purpose::Reopen { step: step.clone() },
            format!("Reopen {step}"),
            incident,
            vec![Field::text(REASON, "Reason for reopening", true)],
        ),
        Action::OverrideHold => Form::new(
            Purpose::OverrideHold { step: step.clone() },
            format!("Tick {step} past the AI Act evidence hold"),
            incident,
            vec![
                Field::text(REASON, "Why the AI system must change before the authority is informed", true),
                Field::confirm("This is logged as the commander's override of Art. 73(6). Continue?"),
            ],
        ),
        _ => return None,
    })
}

pub fn finish(form: &Form) -> Vec<Effect> {
    let reason = form.answer(REASON);
    match form.purpose.clone() {
        Purpose::Skip { step } => execute(form, Command::Skip { step, reason }),
        Purpose::Reopen { step } => execute(form, Command::Reopen { step, reason }),
        Purpose::OverrideHold { step } => {
            execute(form, Command::Tick { step, note: None, force: false, override_hold: Some(reason) })
        }
        _ => Vec::new(),
    }
}
