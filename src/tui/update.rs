//! `update`: the console's one place of change. A message (a key, a tick, news from the log,
//! the outcome of a command) changes the view model and may ask for effects (append, declare,
//! switch responder), which the event loop carries out and reports back. No I/O here. Keys go
//! to `keys`, forms to `forms`; this file routes and folds news in.

use chrono::{DateTime, Utc};

use super::keymap::Keymap;
pub use super::message::{Effect, Msg, Refused};
use super::model::{ACTION_OUTPUT_LIMIT, FlashKind, IncidentEntry, LogLine, Mode, Model, Pane};
use crate::domain::incident::Incident;

pub fn update(model: &mut Model, msg: Msg, keymap: &Keymap, now: DateTime<Utc>) -> Vec<Effect> {
    let by_key = matches!(msg, Msg::Key(_));
    let effects = handle(model, msg, keymap, now);
    model.keep_clock_pointed(by_key, now);
    effects
}

fn handle(model: &mut Model, msg: Msg, keymap: &Keymap, now: DateTime<Utc>) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => super::keys::on_key(model, key, keymap, now),
        Msg::Tick => {
            if model.flash.as_ref().is_some_and(|f| f.kind == FlashKind::Done && f.until <= now) {
                model.flash = None;
            }
            Vec::new()
        }
        Msg::Changed { incident, appended } => {
            model.unreadable.remove(&incident.id);
            on_changed(model, *incident, appended);
            Vec::new()
        }
        Msg::Unreadable { id, why } => {
            if model.unreadable.insert(id.clone(), why.clone()).as_ref() != Some(&why) {
                model.say(FlashKind::Refused, format!("✗ {id} cannot be read: {why}"), now);
            }
            Vec::new()
        }
        Msg::Gone(id) => {
            model.unreadable.remove(&id);
            let selected = model.current().map(|e| e.incident.id.clone());
            model.incidents.retain(|e| e.incident.id != id);
            model.reselect(selected.as_deref());
            Vec::new()
        }
        Msg::Done(outcome) => {
            let submitted = model.submitted.take();
            let (kind, text) = match outcome {
                Ok(text) => (FlashKind::Done, text),
                Err(Refused { text, about }) => {
                    if let Some(mut form) =
                        submitted.filter(|_| matches!(model.mode, Mode::Normal | Mode::Inbox { .. }))
                    {
                        let hint = if about.is_some_and(|about| form.return_to(about)) {
                            "answers kept: correct this one, Enter goes on, Esc drops them"
                        } else {
                            "answers kept: Shift-Tab goes back, Esc drops them"
                        };
                        form.error = Some(format!("{text} ({hint})"));
                        model.open_form_over(*form);
                    }
                    (FlashKind::Refused, text)
                }
            };
            model.say(kind, text, now);
            Vec::new()
        }
        Msg::InSteadOffered { why, commander, what, incident, command } => {
            model.submitted = None;
            model.say(FlashKind::Refused, why, now);
            model.open_form_over(super::forms::in_stead(&commander, &what, incident, *command));
            Vec::new()
        }
        Msg::Found { query, found } => {
            super::found::show(model, query, found);
            Vec::new()
        }
        Msg::Record(record) => {
            model.record = Some(record);
            super::browse::open(model, super::model::Detail::Record);
            Vec::new()
        }
        Msg::Problem(text) => {
            model.say(FlashKind::Refused, text, now);
            Vec::new()
        }
        Msg::Paste(text) => {
            super::forms::input::on_paste(model, &text);
            Vec::new()
        }
        Msg::Health(fault) => {
            if fault.is_none() {
                model.say(FlashKind::Done, "✓ the store writes again", now);
            }
            model.store_fault = fault;
            Vec::new()
        }
        Msg::Unrouted(items) => {
            model.inbox_marks.retain(|key| items.iter().any(|item| &item.alert.key == key));
            model.unrouted = items;
            if let Mode::Inbox { cursor } = &mut model.mode {
                *cursor = (*cursor).min(model.unrouted.len().saturating_sub(1));
            }
            Vec::new()
        }
        Msg::ActionOutput(text) => {
            if let Some(view) = model.action.as_mut() {
                view.output.push_str(&text);
                if view.output.len() > ACTION_OUTPUT_LIMIT {
                    let cut = view.output.len() - ACTION_OUTPUT_LIMIT;
                    let cut = (cut..view.output.len()).find(|i| view.output.is_char_boundary(*i)).unwrap_or(cut);
                    view.output.drain(..cut);
                }
            }
            Vec::new()
        }
        Msg::ActionFinished(ok, text) => {
            if let Some(view) = model.action.as_mut() {
                view.finished = Some((ok, text.clone()));
            }
            let kind = if ok { FlashKind::Done } else { FlashKind::Refused };
            model.say(kind, text, now);
            Vec::new()
        }
        Msg::ResponderSwitched { to, text, signer } => {
            model.actor = to;
            model.signer = signer;
            model.say(FlashKind::Done, text, now);
            Vec::new()
        }
        Msg::Resized(columns, rows) => {
            model.screen = (columns, rows);
            Vec::new()
        }
        Msg::Runbooks(list) => {
            model.runbooks = list;
            Vec::new()
        }
        Msg::Select(id) => {
            if let Some(index) = model.incidents.iter().position(|e| e.incident.id == id) {
                model.selected = index;
                model.focus = Pane::Checklist;
                model.point_at_current_step();
            }
            Vec::new()
        }
    }
}

/// The first open step after `cursor` in the checklist's order, else the current step: a tick
/// moves on from the step it ticked, wherever the current one is.
fn next_open_after(incident: &Incident, cursor: usize) -> usize {
    let after = incident.steps.iter().enumerate().skip(cursor + 1).find(|(_, s)| s.status.is_open());
    after.map(|(index, _)| index).unwrap_or_else(|| {
        let current = incident.current_step().map(|s| s.id.clone());
        current.and_then(|id| incident.runbook.step_index(&id)).unwrap_or(cursor)
    })
}

fn on_changed(model: &mut Model, incident: Incident, appended: Vec<LogLine>) {
    let selected = model.current().map(|e| e.incident.id.clone());
    let is_selected = selected.as_deref() == Some(incident.id.as_str());
    if is_selected && !model.log.follows() {
        model.log.from_bottom += appended.len();
    }
    let cursor = model.step_cursor;
    // Only this responder's own tick moves the cursor on: another's never puts a step under it
    // that the next keystroke would tick unseen.
    let own = appended.iter().any(|line| line.actor == model.actor);
    match model.incidents.iter_mut().find(|e| e.incident.id == incident.id) {
        Some(entry) => {
            let was_open = entry.incident.steps.get(cursor).is_some_and(|s| s.status.is_open());
            let now_open = incident.steps.get(cursor).is_some_and(|s| s.status.is_open());
            entry.incident = incident;
            entry.timeline.extend(appended);
            if is_selected && own && was_open && !now_open {
                model.step_cursor = next_open_after(&entry.incident, cursor);
            }
        }
        None => {
            model.incidents.push(IncidentEntry { incident, timeline: appended });
            // Real incidents above drills, each in declaration order.
            model.incidents.sort_by(|a, b| (a.incident.drill, &a.incident.id).cmp(&(b.incident.drill, &b.incident.id)));
        }
    }
    model.reselect(selected.as_deref());
    if selected.is_none() {
        model.point_at_current_step();
    }
}
