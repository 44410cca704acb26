//! Forms on the step under the cursor: skip or reopen it (with the reason), tick it past the
//! AI Act evidence hold (the commander's logged override), confirm running its action.

use chrono::{DateTime, Utc};

use super::{Purpose, execute};
use crate::action::Prepared;
use crate::domain::command::Command;
use crate::tui::form::{Field, Form};
use crate::tui::keymap::Action;
use crate::tui::message::Effect;
use crate::tui::model::{ActionView, FlashKind, Model};

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

/// The confirmation before an action runs: the exact argv, which is what runs if confirmed.
pub fn confirm_action(incident: String, prepared: Prepared) -> Form {
    let argv = prepared.argv.iter().map(|a| format!("{a:?}")).collect::<Vec<_>>().join(" ");
    let question = format!("Run, without a shell, with a {}s timeout: {argv}", prepared.timeout.as_secs());
    let title = format!("Run the action of {}", prepared.step);
    Form::new(
        Purpose::RunAction { prepared: Box::new(prepared) },
        title,
        Some(incident),
        vec![Field::confirm(&question)],
    )
}

pub fn finish(model: &mut Model, form: Form, now: DateTime<Utc>) -> Vec<Effect> {
    let reason = form.answer(REASON);
    match form.purpose.clone() {
        Purpose::Skip { step } => execute(&form, Command::Skip { step, reason }),
        Purpose::Reopen { step } => execute(&form, Command::Reopen { step, reason }),
        Purpose::OverrideHold { step } => {
            execute(&form, Command::Tick { step, note: None, force: false, override_hold: Some(reason) })
        }
        Purpose::RunAction { prepared } => {
            let Some(incident) = form.incident else { return Vec::new() };
            model.action = Some(ActionView {
                incident: incident.clone(),
                step: prepared.step.clone(),
                argv: prepared.argv.clone(),
                output: String::new(),
                finished: None,
            });
            model.say(FlashKind::Done, format!("running {}…", prepared.step), now);
            vec![Effect::RunAction { incident, prepared }]
        }
        _ => Vec::new(),
    }
}
