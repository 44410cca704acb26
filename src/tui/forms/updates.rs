//! A stakeholder update from the console: which audience (the most pressing first), the text
//! its comms template gives (edited freely), then a confirmation before it is recorded and
//! queued to the audience's notifiers.

use chrono::{DateTime, Utc};

use super::{Purpose, execute};
use crate::domain::command::Command;
use crate::domain::duration::at_a_glance;
use crate::domain::outbound::{NotifierKind, Target};
use crate::domain::parties::WorkspaceParties;
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
    let drafts =
        audiences.iter().map(|a| ((*a).to_owned(), paragraphs(&updates::draft(state, a, now, parties)))).collect();
    let confirms =
        audiences.iter().map(|a| ((*a).to_owned(), confirmation(a, state.drill, parties))).collect::<Vec<_>>();
    let first = confirms.first().map(|(_, q)| q.clone()).unwrap_or_default();
    Some(Form::new(
        Purpose::Update { drafts, confirms },
        "Stakeholder update",
        incident,
        vec![
            Field::choice(AUDIENCE, "Audience", options),
            Field::multiline(TEXT, "The update as it goes out (a draft from the incident's facts; edit it)"),
            Field::confirm_explicitly(&first),
        ],
    ))
}

/// The question before an update to `audience` is recorded: where `warroom.yaml` sends it.
fn confirmation(audience: &str, drill: bool, parties: Option<&WorkspaceParties>) -> String {
    let reachable = parties.map(|p| p.reachable(p.audiences.get(audience))).unwrap_or_default();
    let (pagers, targets): (Vec<_>, Vec<_>) =
        reachable.into_iter().partition(|(_, kind, _)| *kind == NotifierKind::Pagerduty);
    let named = |(target, kind, drill_safe): &(Target, NotifierKind, bool)| {
        let to = target.to.as_deref().map(|to| format!(" {to}")).unwrap_or_default();
        let simulated = if drill && !drill_safe { " (simulated: not drill-safe)" } else { "" };
        format!("{} ({}){to}{simulated}", target.notifier, kind.name())
    };
    let mut question = if targets.is_empty() {
        format!(
            "Record it (y)? No notifier in warroom.yaml sends updates for {audience} (audiences:): it is recorded as sent; send it by hand"
        )
    } else {
        format!("Send it (y)? Recorded, then queued to {}", targets.iter().map(named).collect::<Vec<_>>().join(", "))
    };
    if !pagers.is_empty() {
        let names = pagers.iter().map(|(t, ..)| t.notifier.as_str()).collect::<Vec<_>>().join(", ");
        question.push_str(&format!(". Not to {names}: a pagerduty notifier pages, it does not inform"));
    }
    question
}

/// Reaching the text: the chosen audience's draft, unless the responder has written their own;
/// the confirmation names where that audience's updates go.
pub fn prefill(form: &mut Form) {
    let Purpose::Update { drafts, confirms } = &form.purpose else { return };
    let chosen = form.answer(AUDIENCE);
    let question = confirms.iter().find(|(a, _)| *a == chosen).map(|(_, q)| q.clone());
    let Some((_, draft)) = drafts.iter().find(|(a, _)| *a == chosen) else { return };
    let draft = draft.clone();
    let untouched = |text: &str| text.trim().is_empty() || drafts.iter().any(|(_, d)| d == text);
    if let (Some(question), Some(confirm)) = (question, form.fields.iter_mut().find(|f| f.name == "confirm")) {
        confirm.label = question;
    }
    if let Some(field) = form.fields.get_mut(form.index)
        && field.name == TEXT
        && untouched(&field.value())
    {
        field.fill(&draft);
    }
}

/// `text` with each paragraph on one line (the editor wraps it, and so does a mail reader or
/// chat): a template's line breaks inside a sentence would go out as they are. List items and
/// blank lines keep their own lines.
fn paragraphs(text: &str) -> String {
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
    paragraphs.join("\n")
}

pub fn finish(form: &Form) -> Vec<Effect> {
    let command = Command::SendUpdate { audience: form.answer(AUDIENCE), text: form.answer(TEXT), targets: Vec::new() };
    execute(form, command)
}
