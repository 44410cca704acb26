//! The in-memory store: the same line bytes, chain and decisions as the file workspace, held
//! in memory. For tests (the application's scenarios run on both adapters) and previews; it
//! keeps nothing when the process ends.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};

use super::StoreError;
use super::follow::{Change, Follower, LogName, Wake, incident_news};
use super::incident_log::Fold;
use super::line::{self, Digest32};
use super::port::{Committed, Outcome, Store};
use super::scan::{self, Position, ScanError};
use super::verify::{Verified, VerifyFailure, verify_reader};
use crate::domain::event::{Actor, Envelope, Event};
use crate::domain::inbox::Inbox;
use crate::domain::incident::{Incident, IncidentState};
use crate::domain::{Command, decide};

#[derive(Default)]
pub struct MemoryStore {
    incidents: Mutex<BTreeMap<String, Lines<Incident>>>,
    inbox: Mutex<Option<Lines<Inbox>>>,
    followers: Mutex<BTreeMap<u64, Wake>>,
    next_follower: AtomicU64,
    leases: super::lease::InProcess,
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

    fn inbox_lines(&self) -> std::sync::MutexGuard<'_, Option<Lines<Inbox>>> {
        self.inbox.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Tells every follower the store changed.
    fn wake(&self) {
        for wake in self.followers.lock().unwrap_or_else(PoisonError::into_inner).values() {
            wake();
        }
    }

    fn unknown(&self, id: &str, known: &BTreeMap<String, Lines<Incident>>) -> StoreError {
        let hint = crate::domain::suggest::did_you_mean(id, known.keys().map(String::as_str));
        StoreError::UnknownIncident { id: id.to_owned(), hint }
    }
}

impl Store for MemoryStore {
    fn lease(&self, name: &str, _holder: &str) -> Result<Option<super::lease::Lease>, StoreError> {
        Ok(self.leases.take(name))
    }

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
        drop(incidents);
        self.wake();
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
        drop(incidents);
        self.wake();
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
            .filter(|(_, l)| l.state.as_ref().is_some_and(|i| i.state != IncidentState::Archived))
            .map(|(id, _)| id.clone())
            .collect())
    }

    fn look_at_open(&self, look: &mut dyn FnMut(&[&Incident])) -> Result<(), StoreError> {
        let incidents = self.incidents();
        let open: Vec<&Incident> = incidents
            .values()
            .filter_map(|l| l.state.as_ref())
            .filter(|i| i.state != IncidentState::Archived)
            .collect();
        look(&open);
        Ok(())
    }

    fn inbox(&self) -> Result<Inbox, StoreError> {
        let inbox = self.inbox_lines();
        Ok(inbox.as_ref().and_then(|l| l.state.clone()).unwrap_or_default())
    }

    fn inbox_append(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        decide: &mut dyn FnMut(&Inbox) -> Result<Vec<Event>, StoreError>,
    ) -> Result<Vec<Envelope>, StoreError> {
        let mut inbox = self.inbox_lines();
        let lines = inbox.get_or_insert_with(|| Lines::new("inbox"));
        let empty = Inbox::default();
        let outcome = lines.commit(actor, now, vec![()], |state, ()| decide(state.unwrap_or(&empty)));
        drop(inbox);
        self.wake();
        outcome.into_iter().next().unwrap_or(Ok(Vec::new()))
    }

    fn fault(&self) -> Option<String> {
        None
    }

    fn recover(&self) -> bool {
        true
    }

    fn follow<'s>(&'s self, wake: Wake) -> Result<Box<dyn Follower + 's>, StoreError> {
        let id = self.next_follower.fetch_add(1, Ordering::SeqCst);
        self.followers.lock().unwrap_or_else(PoisonError::into_inner).insert(id, wake);
        Ok(Box::new(MemoryFollower { store: self, id, seen: BTreeMap::new(), inbox_seen: 0 }))
    }

    fn logs(&self) -> Result<Vec<LogName>, StoreError> {
        let mut logs: Vec<LogName> = self.incidents().keys().cloned().map(LogName::Incident).collect();
        if self.inbox_lines().is_some() {
            logs.push(LogName::Inbox);
        }
        Ok(logs)
    }

    fn verify(&self, log: &LogName) -> Result<Verified, VerifyFailure> {
        let bytes = match log {
            LogName::Incident(id) => self.incidents().get(id).map(|l| l.bytes.clone()),
            LogName::Inbox => self.inbox_lines().as_ref().map(|l| l.bytes.clone()),
        };
        let missing = || VerifyFailure::Unreadable(std::io::Error::other(format!("no log {log}")));
        verify_reader(bytes.ok_or_else(missing)?.as_slice(), &log.to_string(), None)
    }

    fn reconcile(&self) -> Vec<String> {
        Vec::new()
    }

    fn location(&self) -> String {
        "memory (kept only while this process runs)".to_owned()
    }
}

/// A follower of the in-memory store: where it last read each log it follows.
struct MemoryFollower<'a> {
    store: &'a MemoryStore,
    id: u64,
    seen: BTreeMap<String, Position>,
    inbox_seen: u64,
}

impl Follower for MemoryFollower<'_> {
    fn changes(&mut self) -> Result<Vec<Change>, StoreError> {
        let mut news = Vec::new();
        if let Some(inbox) = self.store.inbox_lines().as_ref().filter(|l| l.seq > self.inbox_seen) {
            self.inbox_seen = inbox.seq;
            news.push(Change::Inbox(inbox.state.clone().unwrap_or_default()));
        }
        let incidents = self.store.incidents();
        for (id, lines) in incidents.iter() {
            let Some(incident) = &lines.state else { continue };
            let first_look = !self.seen.contains_key(id);
            if first_look && incident.state == IncidentState::Archived {
                continue;
            }
            let from = self.seen.get(id).copied().unwrap_or(Position::START);
            let mut appended = Vec::new();
            let rest = lines.bytes.get(usize::try_from(from.offset).unwrap_or(usize::MAX)..).unwrap_or_default();
            match scan::scan(rest, from, line::genesis(id), |envelope| appended.push(envelope)) {
                Ok((to, _)) => {
                    self.seen.insert(id.clone(), to);
                }
                Err(ScanError::Io(e)) => {
                    news.push(Change::Unreadable {
                        incident: Some(id.clone()),
                        error: StoreError::io("read", std::path::Path::new(id), e),
                    });
                    continue;
                }
                Err(ScanError::Corrupt(c)) => {
                    news.push(Change::Unreadable {
                        incident: Some(id.clone()),
                        error: StoreError::Corrupt { incident: id.clone(), seq: c.seq, fault: c.fault },
                    });
                    continue;
                }
            }
            if !incident_news(incident, appended, first_look, &mut news) {
                self.seen.remove(id);
            }
        }
        Ok(news)
    }
}

impl Drop for MemoryFollower<'_> {
    fn drop(&mut self) {
        self.store.followers.lock().unwrap_or_else(PoisonError::into_inner).remove(&self.id);
    }
}
