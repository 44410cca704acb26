//! Following a store: what changed since the last look, and a wake-up call when something
//! may have (the console's live feed). Each adapter keeps its own reading position per
//! follower, so the follower sees this process's writes as well as every other writer's.

use std::fmt;

use super::StoreError;
use crate::domain::event::Envelope;
use crate::domain::inbox::Inbox;
use crate::domain::incident::{Incident, IncidentState};

/// Called, from any thread, when the store may have changed. It should only schedule a look.
pub type Wake = Box<dyn Fn() + Send + Sync>;

/// One thing a follower learns on a look.
#[derive(Debug)]
pub enum Change {
    /// An open incident as it now stands, with the events appended since the last look (all
    /// of them the first time it is seen).
    Open { incident: Box<Incident>, appended: Vec<Envelope> },
    /// An incident seen open before is no longer open (archived, or its log is gone).
    Gone(String),
    /// The unrouted-alert inbox changed.
    Inbox(Inbox),
    /// One log could not be read (the incident's, or the inbox's when `incident` is `None`);
    /// the others were.
    Unreadable { incident: Option<String>, error: StoreError },
}

pub trait Follower {
    /// What changed since the last call (everything open, the first time).
    fn changes(&mut self) -> Result<Vec<Change>, StoreError>;
}

/// What one incident's catch-up says, and whether the follower keeps reading it: an archived
/// incident is reported gone once (never, when it was archived before it was first seen). A
/// closed one stays: its duties go on.
pub(super) fn incident_news(
    incident: &Incident,
    appended: Vec<Envelope>,
    first_look: bool,
    news: &mut Vec<Change>,
) -> bool {
    if incident.state == IncidentState::Archived {
        if !first_look {
            news.push(Change::Gone(incident.id.clone()));
        }
        return false;
    }
    if first_look || !appended.is_empty() {
        news.push(Change::Open { incident: Box::new(incident.clone()), appended });
    }
    true
}

/// A log the store keeps: one incident's, or the unrouted-alert inbox.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogName {
    Incident(String),
    Inbox,
}

impl fmt::Display for LogName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Incident(id) => f.write_str(id),
            Self::Inbox => f.write_str("inbox"),
        }
    }
}
