//! Forms on the step under the cursor: skip or reopen it (with the reason), tick it past the
//! AI Act evidence hold (the commander's logged override).

use super::{Purpose, execute};
use crate::domain::command::Command;
use crate::domain::runbook::StepKind;
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

const DONE: &str = "done";

/// Whether ticking a step of `kind` asks what was done: evidence, a filing or a message
/// leaves a record someone will look for, and a tick alone is not one.
pub const fn asks_on_tick(kind: StepKind) -> bool {
    matches!(kind, StepKind::Forensic | StepKind::Regulatory | StepKind::Communication)
}

/// Ticking `step` of `kind` (`files`: its tick is a filing): what was done, required when the
/// responder asked for a note (`T`), else optional (Enter on nothing ticks it; Esc does not).
pub fn tick(
    incident: Option<String>,
    step: &str,
    (kind, files): (StepKind, bool),
    forced_past: &[String],
    note_required: bool,
) -> Form {
    let force = !forced_past.is_empty();
    let question = match kind {
        StepKind::Regulatory if files => "What was submitted, to whom, with which reference",
        StepKind::Regulatory => "What was decided, on what evidence",
        StepKind::Communication => "What was sent, to whom",
        _ => "What was done",
    };
    // Ticking past open dependencies is recorded as forced: it asks why, naming them.
    let question = if force {
        format!(
            "Steps it depends on are OPEN ({}): it is recorded as FORCED. {question}, and why now",
            forced_past.join(", ")
        )
    } else {
        question.to_owned()
    };
    let note_required = note_required || force;
    let label = if note_required {
        format!("{question}?")
    } else {
        format!("{question}? (Enter on nothing ticks it without a note · Esc: not ticked)")
    };
    let verb = if force { "Force-tick" } else { "Tick" };
    let title = format!("{verb} {step} ({})", kind.name());
    let purpose = Purpose::Tick { step: step.to_owned(), force };
    if kind == StepKind::Forensic {
        // The preservation record itself, as `warroom preserve` takes it: a note is not one.
        let note = if force {
            format!("{question}?")
        } else if note_required {
            "Note?".to_owned()
        } else {
            "Note? (Enter on nothing: none)".to_owned()
        };
        let fields = vec![
            Field::text(IDENTIFIER, "What was preserved (its identifier)?", true),
            Field::text(LOCATION, "Where is it kept?", true),
            Field::text(DIGEST, "Its hash or receipt?", true),
            Field::text(DONE, &note, note_required),
        ];
        return Form::new(purpose, title, incident, fields);
    }
    Form::new(purpose, title, incident, vec![Field::text(DONE, &label, note_required)])
}

const IDENTIFIER: &str = "identifier";
const LOCATION: &str = "location";
const DIGEST: &str = "digest";

pub fn finish(form: &Form) -> Vec<Effect> {
    let reason = form.answer(REASON);
    match form.purpose.clone() {
        Purpose::Tick { step, force } => {
            let preserved = form.fields.iter().any(|f| f.name == IDENTIFIER).then(|| Command::Preserve {
                step: step.clone(),
                identifier: form.answer(IDENTIFIER),
                location: form.answer(LOCATION),
                digest: form.answer(DIGEST),
            });
            let tick = Command::Tick { step, note: form.optional(DONE), force, override_hold: None };
            preserved.into_iter().chain([tick]).flat_map(|command| execute(form, command)).collect()
        }
        Purpose::Skip { step } => execute(form, Command::Skip { step, reason }),
        Purpose::Reopen { step } => execute(form, Command::Reopen { step, reason }),
        Purpose::OverrideHold { step } => {
            execute(form, Command::Tick { step, note: None, force: false, override_hold: Some(reason) })
        }
        _ => Vec::new(),
    }
}
