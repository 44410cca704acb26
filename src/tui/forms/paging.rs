//! Answering a page from the console: the responder picks which of the incident's unanswered
//! pages they have; it stops escalating (the role itself is taken with the assign form).

use chrono::{DateTime, Utc};

use super::{Purpose, execute};
use crate::domain::command::Command;
use crate::domain::paging::{Paging, paging, said};
use crate::tui::form::{Field, Form};
use crate::tui::message::Effect;
use crate::tui::model::{FlashKind, Model};

const ROLE: &str = "role";

pub fn open(model: &mut Model, incident: Option<String>, now: DateTime<Utc>) -> Option<Form> {
    let entry = model.current()?;
    let waiting: Vec<(String, String)> = entry
        .incident
        .runbook
        .roles
        .iter()
        .filter(|role| matches!(paging(&entry.incident, &role.id), Paging::Waiting { .. }))
        .filter_map(|role| {
            let (_, text) = said(&entry.incident, &role.id, now)?;
            Some((role.id.clone(), format!("{} — {text}", role.title)))
        })
        .collect();
    if waiting.is_empty() {
        let id = entry.incident.id.clone();
        model.say(
            FlashKind::Refused,
            format!("no page on {id} is waiting for an answer (w shows each role's paging)"),
            now,
        );
        return None;
    }
    Some(Form::new(
        Purpose::Acknowledge,
        "Acknowledge a page",
        incident,
        vec![Field::choice(ROLE, "The page you answer: it stops escalating (taking the role is a: assign)", waiting)],
    ))
}

pub fn finish(form: &Form) -> Vec<Effect> {
    execute(form, Command::Acknowledge { role: Some(form.answer(ROLE)), via: None, answered_by: None })
}
