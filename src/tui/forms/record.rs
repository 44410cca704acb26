//! Forms that record on the incident: a note, its severity, a role, resolving, closing (it
//! says what carries on into follow-up and what the bundle will hold) and archiving.

use chrono::{DateTime, Utc};

use super::{Purpose, execute};
use crate::domain::command::Command;
use crate::domain::incident::IncidentState;
use crate::domain::sanitize;
use crate::domain::when;
use crate::tui::form::{Field, Form};
use crate::tui::keymap::Action;
use crate::tui::message::Effect;
use crate::tui::model::{FlashKind, Model};

const TEXT: &str = "text";
const LEVEL: &str = "level";
const REASON: &str = "reason";
const ROLE: &str = "role";
const NAME: &str = "name";
const WHEN: &str = "when";
const STEAD: &str = "stead";

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
        Action::Fact => Form::new(
            Purpose::Fact,
            "Record a backdated fact",
            incident,
            vec![
                Field::text(WHEN, "When it happened (2026-11-24 01:31 UTC, -2h, RFC 3339)", true),
                Field::multiline(TEXT, "What happened (first bad retrieval in trace 7f3a)"),
            ],
        ),
        Action::Severity => {
            let levels: Vec<(String, String)> = runbook
                .severity
                .levels
                .iter()
                .map(|l| (l.id.clone(), format!("{} — {}", l.name, l.definition)))
                .collect();
            // The list starts on the severity the incident has now.
            let now_at = levels.iter().position(|(id, _)| *id == entry.incident.severity).unwrap_or(0);
            let label = format!("Severity (now {})", entry.incident.severity);
            Form::new(
                Purpose::Severity,
                "Change severity",
                incident,
                vec![Field::choice_at(LEVEL, &label, levels, now_at), Field::text(REASON, "Reason", true)],
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
        Action::AcceptCommand => match &entry.incident.handover {
            Some(handover) if handover.to == model.actor => Form::new(
                Purpose::AcceptCommand,
                "Accept command",
                incident.clone(),
                vec![Field::confirm(&format!(
                    "Take command of {} from {}? From now on you are the commander.",
                    incident.unwrap_or_default(),
                    crate::domain::sanitize::line(&handover.from)
                ))],
            ),
            _ => {
                model.say(FlashKind::Refused, "no command is being handed to you on this incident", now);
                return None;
            }
        },
        Action::Resolve => {
            let id = incident.clone().unwrap_or_default();
            let open = entry.incident.open_operational_steps();
            let mut still = match open.len() {
                0 => String::new(),
                n => format!(" {n} required step{} still open: {}.", if n == 1 { "" } else { "s" }, open.join(", ")),
            };
            // The monitoring's last word: an alert still firing says the problem may not be over.
            let firing: Vec<String> = entry
                .incident
                .alerts
                .values()
                .filter(|t| t.alert.status == crate::domain::alert::Status::Firing)
                .map(|t| crate::domain::sanitize::line(t.alert.name()).into_owned())
                .collect();
            if !firing.is_empty() {
                let n = firing.len();
                still.push_str(&format!(
                    " {n} alert{} still firing: {}.",
                    if n == 1 { "" } else { "s" },
                    firing.join(", ")
                ));
            }
            if let Some(commander) = entry.incident.commander().filter(|c| *c != model.actor) {
                let what = format!("resolve {id}.{still} Follow-up steps stay open");
                return Some(in_stead(commander, &what, id, Command::Resolve));
            }
            let question = format!("Resolve {id}?{still} Follow-up steps stay open.");
            Form::new(Purpose::Resolve, "Resolve", incident, vec![Field::confirm(&question)])
        }
        Action::Close if entry.incident.state == IncidentState::Active => {
            model.say(FlashKind::Refused, "resolve it first (R), then close", now);
            return None;
        }
        Action::Close if entry.incident.state != IncidentState::Resolved => {
            model.say(FlashKind::Refused, "already closed: archive it (Z) when its duties are done", now);
            return None;
        }
        Action::Close => close(model, incident, now),
        Action::Archive if entry.incident.state != IncidentState::Closed => {
            model.say(FlashKind::Refused, "only a closed incident is archived: close it first (C)", now);
            return None;
        }
        Action::Archive => archive(model, incident, now),
        _ => return None,
    })
}

fn close(model: &Model, incident: Option<String>, now: DateTime<Utc>) -> Form {
    let Some(entry) = model.current() else {
        return Form::new(Purpose::Close { reason_asked: false }, "Close", incident, Vec::new());
    };
    let open = entry.incident.open_operational_steps();
    let owed = entry.incident.open_duties(now);
    let mut fields = Vec::new();
    if !open.is_empty() {
        let label = format!("Reason to close anyway ({} required steps open: {})", open.len(), open.join(", "));
        fields.push(Field::text(REASON, &label, true));
    }
    let carried = if owed.is_empty() {
        String::new()
    } else {
        format!("Still owed, kept in follow-up until archived: {}. ", owed.join(", "))
    };
    let drafts = entry.incident.clocks.len() + entry.incident.runbook.comms.len();
    let in_effect: Vec<String> =
        entry.incident.never_undone().map(|r| format!("{} #{}", r.step, r.started_seq)).collect();
    let warning = if in_effect.is_empty() {
        String::new()
    } else {
        format!("WARNING: never undone, still in effect: {} (U on the step undoes). ", in_effect.join(", "))
    };
    fields.push(Field::confirm_explicitly(&format!(
        "{warning}{carried}Close {}? Operations end (no more runs but undos, no severity changes); \
         decisions, submissions, content, notes, roles and steps go on until archived (Z). Then exported \
         to exports/ in the workspace: post-mortem, timeline (JSON, CSV), regulatory annex, {drafts} \
         redacted drafts, the log, SHA256SUMS.",
        incident.clone().unwrap_or_default()
    )));
    Form::new(Purpose::Close { reason_asked: !open.is_empty() }, "Close", incident, fields)
}

fn archive(model: &Model, incident: Option<String>, now: DateTime<Utc>) -> Form {
    let duties = model.current().map(|entry| entry.incident.open_duties(now)).unwrap_or_default();
    let mut fields = Vec::new();
    if !duties.is_empty() {
        let label = format!("Reason to archive with duties open ({})", duties.join(", "));
        fields.push(Field::text(REASON, &label, true));
    }
    fields.push(Field::confirm_explicitly(&format!(
        "Archive {}? Its log is sealed: nothing more is recorded. The last bundle revision is written to exports/.",
        incident.clone().unwrap_or_default()
    )));
    Form::new(Purpose::Archive { reason_asked: !duties.is_empty() }, "Archive", incident, fields)
}

/// Asks a responder refused because only the commander may do `what` whether they act in the
/// commander's stead.
pub fn in_stead(commander: &str, what: &str, incident: String, command: Command) -> Form {
    let (commander, what) = (sanitize::line(commander), sanitize::line(what));
    let question = format!(
        "Only the commander ({commander}) may {what}. Act in their stead? The log records that you took this \
         decision for {commander}, who holds command."
    );
    let title = "Act in the commander's stead";
    let fields = vec![
        Field::text(STEAD, &format!("Why {commander} cannot decide it (unreachable since 02:10, paged twice)"), true),
        Field::confirm_explicitly(&question),
    ];
    Form::new(Purpose::InStead { command: Box::new(command) }, title, Some(incident), fields)
}

/// Asks for the alert label `label` that the action of `step` names and no alert brought.
pub fn state_label(incident: String, label: &str, step: &str) -> Form {
    let prompt = format!(
        "{label}: no alert of this incident brought it; the action of {step} needs it. Its value (then r runs it)"
    );
    let title = format!("State the alert label {label}");
    Form::new(
        Purpose::StateLabel { label: label.to_owned() },
        title,
        Some(incident),
        vec![Field::text(TEXT, &prompt, true)],
    )
}

/// The fact's time is checked as it is entered, so nothing typed is lost.
pub fn invalid_time(field: &str, text: &str, now: DateTime<Utc>) -> Option<String> {
    (field == WHEN).then(|| super::past_time(text, now)).flatten()
}

pub fn finish(form: &Form, now: DateTime<Utc>) -> Vec<Effect> {
    let command = match form.purpose {
        Purpose::Note => Command::Note { text: form.answer(TEXT) },
        Purpose::StateLabel { ref label } => Command::Label { label: label.clone(), value: form.answer(TEXT) },
        Purpose::Fact => match when::parse(&form.answer(WHEN), now) {
            Ok(at) => Command::Fact { text: form.answer(TEXT), at },
            Err(_) => return Vec::new(),
        },
        Purpose::Severity => Command::Severity { to: form.answer(LEVEL), reason: form.answer(REASON) },
        Purpose::Assign => Command::Assign { role: form.answer(ROLE), name: form.answer(NAME) },
        Purpose::Resolve => Command::Resolve,
        Purpose::AcceptCommand => Command::AcceptCommand,
        Purpose::InStead { ref command } => Command::InStead { command: command.clone(), reason: form.answer(STEAD) },
        Purpose::Close { reason_asked } => {
            let reason = if reason_asked { form.optional(REASON) } else { None };
            Command::Close { force: reason.is_some(), reason }
        }
        Purpose::Archive { reason_asked } => {
            Command::Archive { reason: if reason_asked { form.optional(REASON) } else { None } }
        }
        _ => return Vec::new(),
    };
    execute(form, command)
}
