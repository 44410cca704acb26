//! Forms that record on the incident: a note, its severity, a role, resolving and closing
//! (close says what stays open and what the bundle will hold).

use chrono::{DateTime, Utc};

use super::{Purpose, execute};
use crate::domain::clock::ClockState;
use crate::domain::command::Command;
use crate::domain::incident::IncidentState;
use crate::tui::form::{Field, Form};
use crate::tui::keymap::Action;
use crate::tui::message::Effect;
use crate::tui::model::{FlashKind, Model};

const TEXT: &str = "text";
const LEVEL: &str = "level";
const REASON: &str = "reason";
const ROLE: &str = "role";
const NAME: &str = "name";

pub fn open(model: &mut Model, action: Action, incident: Option<String>, now: DateTime<Utc>) -> Option<Form> {
    let entry = model.current()?;
    let runbook = &entry.incident.runbook;
    Some(match action {
        Action::Note => Form::new(
            Purpose::Note,
            "Add a note",
            incident,
            vec![Field::multiline(TEXT, "Note (TODO: … becomes an action item)")],
        ),
        Action::Severity => {
            let levels = runbook
                .severity
                .levels
                .iter()
                .map(|l| (l.id.clone(), format!("{} — {}", l.name, l.definition)))
                .collect();
            Form::new(
                Purpose::Severity,
                "Change severity",
                incident,
                vec![Field::choice(LEVEL, "Severity", levels), Field::text(REASON, "Reason", true)],
            )
        }
        Action::Assign => {
            let roles = runbook
                .roles
                .iter()
                .map(|r| {
                    let holder = entry.incident.roles.get(&r.id).map_or("unassigned".to_owned(), Clone::clone);
                    (r.id.clone(), format!("{} ({holder})", r.title))
                })
                .collect();
            Form::new(
                Purpose::Assign,
                "Assign a role",
                incident,
                vec![Field::choice(ROLE, "Role", roles), Field::text(NAME, "Responder's name", true)],
            )
        }
        Action::Resolve => Form::new(
            Purpose::Resolve,
            "Resolve",
            incident.clone(),
            vec![Field::confirm(&format!("Resolve {}? Follow-up steps stay open.", incident.unwrap_or_default()))],
        ),
        Action::Close if entry.incident.state == IncidentState::Active => {
            model.say(FlashKind::Refused, "resolve it first (R), then close", now);
            return None;
        }
        Action::Close => close(model, incident, now),
        _ => return None,
    })
}

fn close(model: &Model, incident: Option<String>, now: DateTime<Utc>) -> Form {
    let Some(entry) = model.current() else {
        return Form::new(Purpose::Close { reason_asked: false }, "Close", incident, Vec::new());
    };
    let open = entry.incident.open_required_steps();
    let running: Vec<String> = entry
        .incident
        .clock_statuses(now)
        .iter()
        .filter(|s| matches!(s.state, ClockState::Running | ClockState::DueSoon | ClockState::Overdue))
        .map(|s| s.def.id.clone())
        .collect();
    let mut still = Vec::new();
    if !open.is_empty() {
        still.push(format!("{} required steps open: {}", open.len(), open.join(", ")));
    }
    if !running.is_empty() {
        still.push(format!("clocks running unsubmitted: {}", running.join(", ")));
    }
    let mut fields = Vec::new();
    if !still.is_empty() {
        fields.push(Field::text(REASON, &format!("Reason to close anyway ({})", still.join("; ")), true));
    }
    let drafts = entry.incident.clocks.len() + entry.incident.runbook.comms.len();
    let in_effect: Vec<String> =
        entry.incident.never_undone().map(|r| format!("{} #{}", r.step, r.started_seq)).collect();
    let warning = if in_effect.is_empty() {
        String::new()
    } else {
        format!("WARNING: never undone, still in effect: {} (U on the step undoes). ", in_effect.join(", "))
    };
    fields.push(Field::confirm_explicitly(&format!(
        "{warning}Close and seal {}? This cannot be undone. Then exported to exports/ in the workspace: \
         post-mortem, timeline (JSON, CSV), regulatory annex, {drafts} redacted drafts, the sealed log, SHA256SUMS.",
        incident.clone().unwrap_or_default()
    )));
    Form::new(Purpose::Close { reason_asked: !still.is_empty() }, "Close", incident, fields)
}

pub fn finish(form: &Form) -> Vec<Effect> {
    let command = match form.purpose {
        Purpose::Note => Command::Note { text: form.answer(TEXT) },
        Purpose::Severity => Command::Severity { to: form.answer(LEVEL), reason: form.answer(REASON) },
        Purpose::Assign => Command::Assign { role: form.answer(ROLE), name: form.answer(NAME) },
        Purpose::Resolve => Command::Resolve,
        Purpose::Close { reason_asked } => {
            let reason = if reason_asked { form.optional(REASON) } else { None };
            Command::Close { force: reason.is_some(), reason }
        }
        _ => return Vec::new(),
    };
    execute(form, command)
}
