//! News from the store: what its follower says changed, turned into messages for `update`.

use super::message::Msg;
use super::model::LogLine;
use crate::domain::describe::describe;
use crate::domain::event::Envelope;
use crate::store::port::{Change, Follower};

/// The console's view of the store's changes (this console's writes and every other's).
pub struct Feed<'s> {
    follower: Box<dyn Follower + 's>,
}

pub fn log_line(envelope: &Envelope) -> LogLine {
    let actor = envelope.actor.name.clone();
    let text = describe(envelope);
    let text = text.strip_prefix(&format!("{actor} ")).map_or_else(|| text.clone(), str::to_owned);
    let run = match &envelope.event {
        crate::domain::event::Event::ActionStarted { .. } => Some(envelope.seq),
        crate::domain::event::Event::ActionFinished { started_seq, .. } => Some(*started_seq),
        _ => None,
    };
    LogLine { seq: envelope.seq, at: envelope.at, actor, kind: envelope.event.kind(), text, run }
}

impl<'s> Feed<'s> {
    pub fn new(follower: Box<dyn Follower + 's>) -> Self {
        Self { follower }
    }

    /// What changed since the last call: incidents that gained events, those no longer open,
    /// and the waiting unrouted alerts when the inbox changed.
    pub fn refresh(&mut self) -> Vec<Msg> {
        match self.follower.changes() {
            Ok(changes) => changes.into_iter().map(news).collect(),
            Err(e) => vec![Msg::Problem(e.to_string())],
        }
    }
}

fn news(change: Change) -> Msg {
    match change {
        Change::Open { incident, appended } => {
            Msg::Changed { incident, appended: appended.iter().map(log_line).collect() }
        }
        Change::Gone(id) => Msg::Gone(id),
        Change::Inbox(inbox) => {
            let mut items: Vec<_> = inbox.open_items().cloned().collect();
            items.sort_by_key(|item| item.first_seen);
            Msg::Unrouted(items)
        }
        Change::Unreadable { incident: Some(id), error } => Msg::Unreadable { id, why: error.to_string() },
        Change::Unreadable { incident: None, error } => Msg::Problem(error.to_string()),
    }
}
