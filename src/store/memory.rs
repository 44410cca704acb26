//! The in-memory store: the same line bytes, chain and decisions as the file workspace, held
//! in memory. For tests (the application's scenarios run on both adapters) and previews; it
//! keeps nothing when the process ends.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};

use super::StoreError;
use super::incident_log::Fold;
use super::line::{self, Digest32};
use super::port::{Committed, Outcome, Store};
use crate::domain::event::{Actor, Envelope, Event};
use crate::domain::inbox::Inbox;
use crate::domain::incident::{Incident, IncidentState};
use crate::domain::{Command, decide};

#[derive(Default)]
pub struct MemoryStore {
    incidents: Mutex<BTreeMap<String, Lines<Incident>>>,
    inbox: Mutex<Option<Lines<Inbox>>>,
}

impl MemoryStore {
    pub fn new() -> Self {
        Self::default()
    }
}

/// One log: its line bytes and the state they fold into.
struct Lines<S> {
    identity: String,
    bytes: Vec<u8>,
    seq: u64,
    head: Digest32,
    state: Option<S>,
}

impl<S: Fold> Lines<S> {
    fn new(identity: &str) -> Self {
        Self { identity: identity.to_owned(), bytes: Vec::new(), seq: 0, head: line::genesis(identity), state: None }
    }

    /// Each item decided on the state the ones before it left; accepted events appended.
    fn commit<T>(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        items: Vec<T>,
        mut decide: impl FnMut(Option<&S>, T) -> Result<Vec<Event>, StoreError>,
    ) -> Vec<Outcome> {
        items
            .into_iter()
            .map(|item| decide(self.state.as_ref(), item).and_then(|events| self.append(actor, now, events)))
            .collect()
    }

    fn append(&mut self, actor: &Actor, now: DateTime<Utc>, events: Vec<Event>) -> Outcome {
        let mut written = Vec::with_capacity(events.len());
        for event in events {
            let seq = self.seq + 1;
            let head = line::encode(&mut self.bytes, seq, &self.head, now, actor, &event).map_err(|e| {
                StoreError::NotSaved { incident: self.identity.clone(), source: std::io::Error::other(e) }
            })?;
            let envelope = Envelope { seq, at: now, actor: actor.clone(), event };
            match self.state.as_mut() {
                Some(state) => state.apply(&envelope),
                None => self.state = S::begin(&envelope),
            }
            (self.seq, self.head) = (seq, head);
            written.push(envelope);
        }
        Ok(written)
    }
}

impl MemoryStore {
    fn incidents(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Lines<Incident>>> {
        self.incidents.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn unknown(&self, id: &str, known: &BTreeMap<String, Lines<Incident>>) -> StoreError {
        let hint = crate::domain::suggest::did_you_mean(id, known.keys().map(String::as_str));
        StoreError::UnknownIncident { id: id.to_owned(), hint }
    }
}

impl Store for MemoryStore {
    fn declare_all(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        declare: &dyn Fn(String) -> Command,
        more: Vec<Command>,
    ) -> Result<(String, Vec<Outcome>), StoreError> {
        decide(None, declare(String::new()), now, &actor.name)?;
        let mut incidents = self.incidents();
        let day = now.format("%Y%m%d").to_string();
        let id = (1..).map(|n| format!("INC-{day}-{n:03}")).find(|id| !incidents.contains_key(id)).unwrap_or_default();
        let mut lines = Lines::new(&id);
        let commands = std::iter::once(declare(id.clone())).chain(more).collect();
        let outcomes =
            lines.commit(actor, now, commands, |state, command| Ok(decide(state, command, now, &actor.name)?));
        if lines.state.is_none() {
            let refused = outcomes.into_iter().next().and_then(Result::err);
            return Err(refused.unwrap_or_else(|| StoreError::Export("the declaration was not recorded".into())));
        }
        incidents.insert(id.clone(), lines);
        Ok((id, outcomes))
    }

    fn execute_all(
        &self,
        id: &str,
        actor: &Actor,
        now: DateTime<Utc>,
        commands: Vec<Command>,
    ) -> Result<Committed, StoreError> {
        let mut incidents = self.incidents();
        if !incidents.contains_key(id) {
            return Err(self.unknown(id, &incidents));
        }
        let lines = incidents.get_mut(id).ok_or_else(|| StoreError::Export(format!("{id} vanished")))?;
        let outcomes =
            lines.commit(actor, now, commands, |state, command| Ok(decide(state, command, now, &actor.name)?));
        Ok((Vec::new(), outcomes))
    }

    fn incident(&self, id: &str) -> Result<Incident, StoreError> {
        let incidents = self.incidents();
        incidents.get(id).and_then(|l| l.state.clone()).ok_or_else(|| self.unknown(id, &incidents))
    }

    fn log_bytes(&self, id: &str) -> Result<Vec<u8>, StoreError> {
        let incidents = self.incidents();
        incidents.get(id).map(|l| l.bytes.clone()).ok_or_else(|| self.unknown(id, &incidents))
    }

    fn all_ids(&self) -> Result<Vec<String>, StoreError> {
        Ok(self.incidents().keys().cloned().collect())
    }

    fn open_ids(&self) -> Result<Vec<String>, StoreError> {
        let incidents = self.incidents();
        Ok(incidents
            .iter()
            .filter(|(_, l)| l.state.as_ref().is_some_and(|i| i.state != IncidentState::Closed))
            .map(|(id, _)| id.clone())
            .collect())
    }

    fn look_at_open(&self, look: &mut dyn FnMut(&[&Incident])) -> Result<(), StoreError> {
        let incidents = self.incidents();
        let open: Vec<&Incident> =
            incidents.values().filter_map(|l| l.state.as_ref()).filter(|i| i.state != IncidentState::Closed).collect();
        look(&open);
        Ok(())
    }

    fn inbox(&self) -> Result<Inbox, StoreError> {
        let inbox = self.inbox.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(inbox.as_ref().and_then(|l| l.state.clone()).unwrap_or_default())
    }

    fn inbox_append(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        decide: &mut dyn FnMut(&Inbox) -> Result<Vec<Event>, StoreError>,
    ) -> Result<Vec<Envelope>, StoreError> {
        let mut inbox = self.inbox.lock().unwrap_or_else(PoisonError::into_inner);
        let lines = inbox.get_or_insert_with(|| Lines::new("inbox"));
        let empty = Inbox::default();
        let outcome = lines.commit(actor, now, vec![()], |state, ()| decide(state.unwrap_or(&empty)));
        outcome.into_iter().next().unwrap_or(Ok(Vec::new()))
    }

    fn is_healthy(&self) -> bool {
        true
    }
}
