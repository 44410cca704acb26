//! A stakeholder update from the console: which audience (the most pressing first), the text
//! its comms template gives (edited freely), then a confirmation before it is recorded and
//! queued to the audience's notifiers.

use chrono::{DateTime, Utc};

use super::{Purpose, execute};
use crate::domain::command::Command;
use crate::domain::duration::at_a_glance;
use crate::domain::updates::{self, Urgency};
use crate::tui::form::{Field, Form};
use crate::tui::message::Effect;
use crate::tui::model::{FlashKind, Model};

const AUDIENCE: &str = "audience";
const TEXT: &str = "text";

pub fn open(model: &mut Model, incident: Option<String>, now: DateTime<Utc>) -> Option<Form> {
    let entry = model.current()?;
    let state = &entry.incident;
    let mut audiences: Vec<&str> = updates::audiences(state);
    if audiences.is_empty() {
        let id = state.id.clone();
        model.say(FlashKind::Refused, format!("{id}'s runbook names no update audience (updates:)"), now);
        return None;
    }
    let due = updates::due(state);
    audiences.sort_by_key(|a| due.iter().position(|d| d.audience == *a).unwrap_or(usize::MAX));
    let options = audiences
        .iter()
        .map(|audience| {
            let when = match due.iter().find(|d| d.audience == *audience) {
                Some(d) if d.urgency(now) == Urgency::Late => format!("LATE {}", at_a_glance(now - d.due_at)),
                Some(d) => format!("due in {}", at_a_glance(d.due_at - now)),
                None => "no cadence now".to_owned(),
            };
            let last = updates::last_update(state, audience).map_or_else(
                || "none sent yet".to_owned(),
                |u| {
                    let lost = updates::reached(state, u) == updates::Reached::GivenUp;
                    format!("last {} ago{}", at_a_glance(now - u.at), if lost { ", NOT DELIVERED" } else { "" })
                },
            );
            ((*audience).to_owned(), format!("{when}, {last}"))
        })
        .collect();
    let parties = model.parties.as_ref().ok();
    let drafts = audiences
        .iter()
        .map(|a| ((*a).to_owned(), wrapped(&updates::draft(state, a, now, parties), EDITOR_COLUMNS)))
        .collect::<Vec<_>>();
    Some(Form::new(
        Purpose::Update { drafts },
        "Stakeholder update",
        incident,
        vec![
            Field::choice(AUDIENCE, "Audience", options),
            Field::multiline(TEXT, "The update as it goes out (from the comms template; edit it)"),
            Field::confirm_explicitly(
                "Send it (y)? It is recorded, then queued to the audience's notifiers in warroom.yaml",
            ),
        ],
    ))
}

/// Reaching the text: the chosen audience's draft, unless the responder has written their own.
pub fn prefill(form: &mut Form) {
    let Purpose::Update { drafts } = &form.purpose else { return };
    let chosen = form.answer(AUDIENCE);
    let Some((_, draft)) = drafts.iter().find(|(a, _)| *a == chosen) else { return };
    let draft = draft.clone();
    let untouched = |text: &str| text.trim().is_empty() || drafts.iter().any(|(_, d)| d == text);
    if let Some(field) = form.fields.get_mut(form.index)
        && field.name == TEXT
        && untouched(&field.value())
    {
        field.fill(&draft);
    }
}

/// What the form's editor shows without scrolling sideways at 80 columns.
const EDITOR_COLUMNS: usize = 64;

/// `text` with its paragraphs reflowed to at most `width` columns, broken between words (a
/// word longer than that stays whole); list items and blank lines keep their own lines.
fn wrapped(text: &str, width: usize) -> String {
    let starts_item = |line: &str| {
        let line = line.trim_start();
        line.starts_with("- ")
            || line.starts_with("* ")
            || line.split_once(". ").is_some_and(|(n, _)| n.parse::<u32>().is_ok())
    };
    let mut paragraphs: Vec<String> = Vec::new();
    for line in text.lines() {
        match paragraphs.last_mut() {
            Some(last) if !last.is_empty() && !line.trim().is_empty() && !starts_item(line) => {
                last.push(' ');
                last.push_str(line.trim());
            }
            _ => paragraphs.push(line.trim_end().to_owned()),
        }
    }
    let mut out = Vec::new();
    for line in &paragraphs {
        let mut current = String::new();
        for word in line.split(' ') {
            if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
                out.push(std::mem::take(&mut current));
            } else if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        out.push(current);
    }
    out.join("\n")
}

pub fn finish(form: &Form) -> Vec<Effect> {
    let command = Command::SendUpdate { audience: form.answer(AUDIENCE), text: form.answer(TEXT), targets: Vec::new() };
    execute(form, command)
}
