//! The unrouted-alert inbox: alerts no runbook's triggers match. Never dropped: each waits
//! here until a responder declares an incident from it or dismisses it with a reason.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::alert::Alert;
use super::event::{Envelope, Event};
use super::refusal::Refusal;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InboxState {
    Open,
    Dismissed { by: String, reason: String },
    Declared { incident: String },
    Attached { incident: String, by: String },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InboxItem {
    pub alert: Alert,
    pub first_seen: DateTime<Utc>,
    pub last_seen: DateTime<Utc>,
    /// Deliveries that changed something (a new status or start time); exact retries are not stored.
    pub deliveries: u32,
    pub state: InboxState,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Inbox {
    pub items: BTreeMap<String, InboxItem>,
}

impl Inbox {
    pub fn apply(&mut self, envelope: &Envelope) {
        match &envelope.event {
            Event::AlertUnrouted { alert } => {
                let item = self.items.entry(alert.key.clone()).or_insert_with(|| InboxItem {
                    alert: (**alert).clone(),
                    first_seen: envelope.at,
                    last_seen: envelope.at,
                    deliveries: 0,
                    state: InboxState::Open,
                });
                item.alert = (**alert).clone();
                item.last_seen = envelope.at;
                item.deliveries += 1;
            }
            Event::UnroutedDismissed { key, reason } => {
                if let Some(item) = self.items.get_mut(key) {
                    item.state = InboxState::Dismissed { by: envelope.actor.name.clone(), reason: reason.clone() };
                }
            }
            Event::UnroutedDeclared { key, incident } => {
                if let Some(item) = self.items.get_mut(key) {
                    item.state = InboxState::Declared { incident: incident.clone() };
                }
            }
            Event::UnroutedAttached { key, incident } => {
                if let Some(item) = self.items.get_mut(key) {
                    item.state = InboxState::Attached { incident: incident.clone(), by: envelope.actor.name.clone() };
                }
            }
            _ => {}
        }
    }

    pub fn open_items(&self) -> impl Iterator<Item = &InboxItem> {
        self.items.values().filter(|i| i.state == InboxState::Open)
    }

    /// The item a responder acts on: it must be waiting.
    pub fn waiting(&self, key: &str) -> Result<&InboxItem, Refusal> {
        let item = self.items.get(key).ok_or_else(|| Refusal::UnknownUnrouted(key.to_owned()))?;
        let how = match &item.state {
            InboxState::Open => return Ok(item),
            InboxState::Dismissed { by, reason } => format!("dismissed by {by} ({reason})"),
            InboxState::Declared { incident } => format!("declared as {incident}"),
            InboxState::Attached { incident, by } => format!("attached to {incident} by {by}"),
        };
        Err(Refusal::UnroutedHandled { key: key.to_owned(), how })
    }

    /// Dismissing a waiting item, with the reason.
    pub fn dismiss(&self, key: &str, reason: String) -> Result<Event, Refusal> {
        if reason.trim().is_empty() {
            return Err(Refusal::EmptyText("the reason for dismissing"));
        }
        self.waiting(key)?;
        Ok(Event::UnroutedDismissed { key: key.to_owned(), reason })
    }

    /// Whether `alert` is exactly what is already recorded under its key (a retry).
    pub fn is_repeat(&self, alert: &Alert) -> bool {
        self.items.get(&alert.key).is_some_and(|item| same_delivery(&item.alert, alert))
    }
}

/// The same status, start and end: a retry or a repeat notification, not news.
pub fn same_delivery(a: &Alert, b: &Alert) -> bool {
    a.status == b.status && a.starts_at == b.starts_at && a.ends_at == b.ends_at
}
