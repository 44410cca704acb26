//! Forms that are not about one step or clock: declare (from a runbook or an unrouted alert),
//! dismiss an unrouted alert, switch the responder, filter the log, the `:` command line.

use super::Purpose;
use crate::domain::inbox::InboxItem;
use crate::domain::incident::IncidentState;
use crate::tui::form::{Field, Form};
use crate::tui::keymap::Action;
use crate::tui::message::Effect;
use crate::tui::model::{Model, Pane};

const REASON: &str = "reason";
const NAME: &str = "name";
const TEXT: &str = "text";
const LINE: &str = "line";
const INCIDENT: &str = "incident";

pub fn open(model: &Model, action: Action, incident: Option<String>) -> Option<Form> {
    Some(match action {
        Action::Declare => Form::new(
            Purpose::Declare { declarable: model.declarable.clone() },
            "Declare an incident",
            None,
            super::declaration::fields(model.runbooks.clone(), "Runbook"),
        ),
        Action::SwitchResponder => Form::new(
            Purpose::SwitchResponder,
            "Switch the acting responder",
            None,
            vec![Field::text(NAME, "Who is at the keyboard now?", true)],
        ),
        Action::Search => {
            let now = model.log.filter.as_ref().map(|f| format!("now “{f}”; ")).unwrap_or_default();
            let label = format!(
                "Search every incident: ids, titles, notes, alerts; the log shows matching lines ({now}empty shows all)"
            );
            Form::new(Purpose::Search, "Search", None, vec![Field::text(TEXT, &label, false)])
        }
        Action::CommandLine => Form::new(
            Purpose::CommandLine,
            "Command",
            incident,
            vec![Field::text(
                LINE,
                "The CLI's commands, e.g. tick INC kill-switch, note . \"text\" (. is the selected incident; ↑ recalls earlier lines)",
                true,
            )],
        ),
        _ => return None,
    })
}

/// In the unrouted inbox: declare an incident from the alert under the cursor, or attach or
/// dismiss the marked alerts (`marked`; none marked: the one under the cursor).
pub fn for_alert(model: &Model, action: Action, item: &InboxItem, marked: &[String]) -> Option<Form> {
    let (key, name) = (item.alert.key.clone(), item.alert.name().to_owned());
    let keys = if marked.is_empty() { vec![key.clone()] } else { marked.to_vec() };
    let which = match marked.len() {
        0 => format!("alert {name}"),
        1 => "1 marked alert".to_owned(),
        n => format!("{n} marked alerts"),
    };
    // What is acted on, by name: the marks, not the cursor, when there are marks.
    let named: Vec<String> = keys
        .iter()
        .map(|key| {
            let item = model.unrouted.iter().find(|i| i.alert.key == *key);
            item.map_or_else(|| key.clone(), |i| format!("{} ({key})", crate::domain::sanitize::line(i.alert.name())))
        })
        .collect();
    let named = named.join(", ");
    Some(match action {
        Action::Declare => {
            let summary = item.alert.summary().map_or_else(|| format!("{name} alert"), str::to_owned);
            Form::new(
                Purpose::DeclareFromAlert { key, summary, declarable: model.declarable.clone() },
                format!("Declare an incident from alert {name}"),
                None,
                super::declaration::fields(model.runbooks.clone(), "Runbook (aware is recorded at the alert's start)"),
            )
        }
        Action::AttachAlert => {
            let takes = |e: &&crate::tui::model::IncidentEntry| {
                matches!(e.incident.state, IncidentState::Active | IncidentState::Resolved)
            };
            let open = model.incidents.iter().filter(takes).filter(|e| !e.incident.drill);
            let drills = model.incidents.iter().filter(takes).filter(|e| e.incident.drill);
            let mut options: Vec<(String, String)> = open
                .chain(drills)
                .map(|e| {
                    let i = &e.incident;
                    let drill = if i.drill { "DRILL " } else { "" };
                    (
                        i.id.clone(),
                        format!("{} {drill}{} {}", i.id, i.severity, crate::domain::sanitize::line(&i.title)),
                    )
                })
                .collect();
            let selected = model.current().map(|e| e.incident.id.clone());
            if let Some(at) = options.iter().position(|(id, _)| Some(id) == selected.as_ref()) {
                let chosen = options.remove(at);
                options.insert(0, chosen);
            }
            if options.is_empty() {
                return None;
            }
            Form::new(
                Purpose::AttachAlert { keys },
                format!("Attach {which} to an open incident"),
                None,
                vec![
                    Field::choice(INCIDENT, "The incident it belongs to (later deliveries land there too)", options),
                    Field::confirm(&format!("Attach {named} now?")),
                ],
            )
        }
        Action::DismissAlert => Form::new(
            Purpose::DismissAlert { keys },
            format!("Dismiss {which}"),
            None,
            vec![Field::text(REASON, &format!("Why {named}: no incident needed (kept in the inbox log)"), true)],
        ),
        _ => return None,
    })
}

pub fn finish(model: &mut Model, form: Form) -> Vec<Effect> {
    match form.purpose.clone() {
        Purpose::Declare { .. } => {
            let (runbook, severity, title) = super::declaration::chosen(&form);
            vec![Effect::Declare { runbook, severity, title }]
        }
        Purpose::DeclareFromAlert { key, .. } => {
            let (runbook, severity, title) = super::declaration::chosen(&form);
            vec![Effect::DeclareFromAlert { key, runbook, severity, title }]
        }
        Purpose::DismissAlert { keys } => {
            model.inbox_marks.clear();
            keys.into_iter().map(|key| Effect::DismissAlert { key, reason: form.answer(REASON) }).collect()
        }
        Purpose::AttachAlert { keys } => {
            model.inbox_marks.clear();
            keys.into_iter().map(|key| Effect::AttachAlert { key, incident: form.answer(INCIDENT) }).collect()
        }
        Purpose::SwitchResponder => vec![Effect::SwitchResponder { to: form.answer(NAME).trim().to_owned() }],
        Purpose::CommandLine => {
            model.remember_command(&form.answer(LINE));
            let selected = model.current().map(|e| e.incident.id.clone());
            vec![Effect::CommandLine { line: form.answer(LINE), selected }]
        }
        Purpose::Search => {
            model.log.filter = form.optional(TEXT);
            model.log.from_bottom = 0;
            model.focus = Pane::Log;
            model.log.filter.clone().map(|query| Effect::Find { query: Some(query) }).into_iter().collect()
        }
        _ => Vec::new(),
    }
}
