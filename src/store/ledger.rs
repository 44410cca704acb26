//! What the adapters that keep logs of line bytes share, wherever the bytes live (files, a
//! database): the logs caught up in this process, group commit on them, the signing policy and
//! witnesses, and the fault that refuses writes until the storage works again.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};

use super::allowed_signers::AllowedSigners;
use super::checkpoint;
use super::error::StoreError;
use super::incident_log::{Fold, IncidentLog, Log};
use super::keyring::SigningKey;
use super::medium::Medium;
use super::port::{Committed, Outcome};
use super::signing::{Proofs, Signing};
use crate::domain::event::{Actor, Envelope, Event};
use crate::domain::inbox::Inbox;
use crate::domain::incident::{Incident, IncidentState};
use crate::domain::{Command, decide};

/// Where an adapter keeps its logs, and the little bookkeeping beside them.
pub trait Shelf {
    /// The bytes of log `name` (an incident's id, or `inbox`).
    fn medium(&self, name: &str) -> Box<dyn Medium>;
    /// Whether incident `id` was declared here.
    fn holds(&self, id: &str) -> Result<bool, StoreError>;
    /// The incidents listed open (a cache of the logs: one may have been archived since).
    fn listed_open(&self) -> Result<Vec<String>, StoreError>;
    /// Incident `id`'s log ends archived: it is no longer listed open.
    fn unlist(&self, id: &str);
    /// Whether the inbox log exists, creating it when `create`.
    fn inbox_exists(&self, create: bool) -> Result<bool, StoreError>;
    /// Takes the next free incident id of `now`'s day, unique across every writer.
    fn allocate(&self, now: DateTime<Utc>) -> Result<String, StoreError>;
    /// Makes log `name` exist (empty when new) and, an incident's, listed open.
    fn admit(&self, name: &str) -> Result<(), StoreError>;
    /// Proves the storage writable again (a durable probe write).
    fn probe(&self) -> bool;
    /// Where a torn tail is copied aside.
    fn quarantine_dir(&self) -> PathBuf;
    fn unknown(&self, id: &str) -> StoreError;
}

pub struct Ledger {
    /// Why writes are refused, since a write failed for the storage's own reasons.
    fault: Mutex<Option<String>>,
    /// When recovery was last tried, so that a storm of refused writes probes a few times a
    /// second, not once each.
    last_probe: Mutex<Option<Instant>>,
    /// Logs this process has written, kept caught up so that the next write reads only
    /// what other processes appended since.
    logs: Mutex<HashMap<String, IncidentLog>>,
    /// The signing policy, when the workspace has an `allowed_signers` file.
    pub(super) signing: Option<Signing>,
    /// Directories every append leaves a checkpoint in.
    pub(super) witnesses: Vec<PathBuf>,
}

/// How often recovery may probe.
const PROBE_GAP: Duration = Duration::from_millis(500);

impl Ledger {
    pub fn new(policy: Option<AllowedSigners>, proofs: Proofs) -> Self {
        let Proofs { keyring, witnesses } = proofs;
        Self {
            fault: Mutex::new(None),
            last_probe: Mutex::new(None),
            logs: Mutex::new(HashMap::new()),
            signing: policy.map(|allowed| Signing { allowed: Arc::new(allowed), keyring }),
            witnesses,
        }
    }

    pub fn fault(&self) -> Option<String> {
        self.fault.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }

    /// Passes `result` on, first marking the store faulty when it failed for the storage's
    /// own reasons.
    pub fn guard<T>(&self, result: Result<T, StoreError>) -> Result<T, StoreError> {
        if let Err(e) = &result
            && e.is_storage_fault()
            && !matches!(e, StoreError::Unhealthy { .. })
        {
            let mut fault = self.fault.lock().unwrap_or_else(PoisonError::into_inner);
            if fault.is_none() {
                tracing::error!(event = "fault", error = %e, "writes are refused until the store can write again");
            }
            *fault = Some(e.cause());
        }
        result
    }

    /// Ok when writes work: healthy, or recovered now.
    pub fn ensure_healthy(&self, shelf: &dyn Shelf) -> Result<(), StoreError> {
        match self.fault() {
            None => Ok(()),
            Some(_) if self.recover(shelf) => Ok(()),
            Some(cause) => Err(StoreError::Unhealthy { cause }),
        }
    }

    /// After a fault: proves the storage writable again with a probe, then forgets every log
    /// it had read, so the next write re-reads each log and re-verifies its tail (what a
    /// failed write left behind is never trusted). True once healthy.
    pub fn recover(&self, shelf: &dyn Shelf) -> bool {
        let Some(cause) = self.fault() else { return true };
        {
            let mut last = self.last_probe.lock().unwrap_or_else(PoisonError::into_inner);
            if last.is_some_and(|at| at.elapsed() < PROBE_GAP) {
                return false;
            }
            *last = Some(Instant::now());
        }
        if !shelf.probe() {
            return false;
        }
        self.logs.lock().unwrap_or_else(PoisonError::into_inner).clear();
        *self.fault.lock().unwrap_or_else(PoisonError::into_inner) = None;
        tracing::warn!(event = "recovery", after = %cause, "the store writes again");
        true
    }

    /// Declares a fresh incident with `declare(id)` and, in the same group commit, `more`.
    /// Returns the id and each command's outcome (the declaration's first), once durable.
    pub fn declare_all(
        &self,
        shelf: &dyn Shelf,
        actor: &Actor,
        now: DateTime<Utc>,
        declare: &dyn Fn(String) -> Command,
        more: Vec<Command>,
    ) -> Result<(String, Vec<Outcome>), StoreError> {
        self.ensure_healthy(shelf)?;
        decide(None, declare(String::new()), now, &actor.name)?;
        self.signing_key(actor, now)?;
        let id = self.guard(shelf.allocate(now))?;
        let commands = std::iter::once(declare(id.clone())).chain(more).collect();
        let (recovered, outcomes) = self.execute_all(shelf, &id, actor, now, commands)?;
        debug_assert!(recovered.is_empty(), "a fresh log has nothing to recover");
        Ok((id, outcomes))
    }

    /// Group commit on one incident: each command is decided on the state the ones before it
    /// left, and all accepted events are written once. Returns recovery's events and each
    /// command's outcome, once durable.
    pub fn execute_all(
        &self,
        shelf: &dyn Shelf,
        id: &str,
        actor: &Actor,
        now: DateTime<Utc>,
        commands: Vec<Command>,
    ) -> Result<Committed, StoreError> {
        self.ensure_healthy(shelf)?;
        if !self.guard(shelf.holds(id))? {
            return Err(shelf.unknown(id));
        }
        let key = self.signing_key(actor, now)?;
        let mut logs = self.logs.lock().unwrap_or_else(PoisonError::into_inner);
        let log = logs.entry(id.to_owned()).or_insert_with(|| Log::on(id, shelf.medium(id), self.policy()));
        log.set_floor(self.witnessed_floor(id));
        let signer = self.signing.as_ref().zip(key.as_ref());
        let result = log.transact_all(actor, now, &shelf.quarantine_dir(), signer, commands, |state, command| {
            Ok(decide(state, command, now, &actor.name)?)
        });
        let result = self.guard(result);
        if result.is_ok() {
            self.witness(log, actor, now);
        }
        let archived = log.incident().is_some_and(|i| i.state == IncidentState::Archived);
        if result.is_err() {
            logs.remove(id);
        }
        let written = result?;
        if archived {
            shelf.unlist(id);
        }
        Ok(written)
    }

    /// The incident as its log folds, caught up through this process's cache (so that a
    /// process reading it again reads only what was appended since).
    pub fn incident(&self, shelf: &dyn Shelf, id: &str) -> Result<Incident, StoreError> {
        if !shelf.holds(id)? {
            return Err(shelf.unknown(id));
        }
        let mut logs = self.logs.lock().unwrap_or_else(PoisonError::into_inner);
        let log = logs.entry(id.to_owned()).or_insert_with(|| Log::on(id, shelf.medium(id), self.policy()));
        if let Err(e) = log.catch_up(|_| {}) {
            logs.remove(id);
            return Err(e);
        }
        log.incident().cloned().ok_or_else(|| StoreError::Undeclared { id: id.to_owned() })
    }

    /// Runs `look` over the open incidents, each caught up incrementally through this process's
    /// cache (so a long-running intake reads only what was appended since). Archived ones are
    /// unlisted; one whose log is damaged is left out (it is read-only until repaired).
    pub fn with_open<T>(&self, shelf: &dyn Shelf, look: impl FnOnce(&[&Incident]) -> T) -> Result<T, StoreError> {
        let ids = shelf.listed_open()?;
        let mut logs = self.logs.lock().unwrap_or_else(PoisonError::into_inner);
        logs.retain(|id, _| ids.contains(id));
        for id in &ids {
            if !shelf.holds(id)? {
                logs.remove(id);
                continue;
            }
            let log = logs.entry(id.clone()).or_insert_with(|| Log::on(id, shelf.medium(id), self.policy()));
            match log.catch_up(|_| {}) {
                Ok(()) => {}
                Err(StoreError::Corrupt { .. } | StoreError::WrongLog { .. }) => {
                    logs.remove(id);
                }
                Err(e) => return Err(e),
            }
        }
        let mut open = Vec::with_capacity(logs.len());
        for (id, log) in logs.iter() {
            match log.incident() {
                Some(incident) if incident.state == IncidentState::Archived => shelf.unlist(id),
                Some(incident) => open.push(incident),
                None => {}
            }
        }
        open.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(look(&open))
    }

    /// The unrouted-alert inbox as it stands (empty before the first unrouted alert).
    pub fn inbox(&self, shelf: &dyn Shelf) -> Result<Inbox, StoreError> {
        if !shelf.inbox_exists(false)? {
            return Ok(Inbox::default());
        }
        let mut log: Log<Inbox> = Log::on(INBOX, shelf.medium(INBOX), None);
        log.catch_up(|_| {})?;
        Ok(log.state().cloned().unwrap_or_default())
    }

    /// Appends to the inbox what `decide` makes of its current state, durably.
    pub fn inbox_transact(
        &self,
        shelf: &dyn Shelf,
        actor: &Actor,
        now: DateTime<Utc>,
        decide: impl FnOnce(&Inbox) -> Result<Vec<Event>, StoreError>,
    ) -> Result<Vec<Envelope>, StoreError> {
        self.ensure_healthy(shelf)?;
        let key = self.signing_key(actor, now)?;
        self.guard(shelf.inbox_exists(true))?;
        let mut log: Log<Inbox> = Log::on(INBOX, shelf.medium(INBOX), None);
        let empty = Inbox::default();
        let signer = self.signing.as_ref().zip(key.as_ref());
        let quarantine = shelf.quarantine_dir();
        let written =
            self.guard(log.transact(actor, now, &quarantine, signer, |state| decide(state.unwrap_or(&empty))))?;
        self.witness(&log, actor, now);
        Ok(written)
    }

    /// The key that signs `actor`'s events now: `None` when the workspace does not require
    /// signatures, an error (nothing is appended) when it does and this process holds none.
    pub fn signing_key(&self, actor: &Actor, now: DateTime<Utc>) -> Result<Option<SigningKey>, StoreError> {
        self.signing.as_ref().map(|signing| signing.key_for(&actor.name, now)).transpose()
    }

    /// The workspace's `allowed_signers`, when it requires signatures.
    pub fn allowed_signers(&self) -> Option<&AllowedSigners> {
        self.signing.as_ref().map(|s| &*s.allowed)
    }

    /// The signing policy, shared with the logs that prove their grants by it.
    pub fn policy(&self) -> Option<&Arc<AllowedSigners>> {
        self.signing.as_ref().map(|s| &s.allowed)
    }

    pub fn sign_detached(&self, principal: &str, at: DateTime<Utc>, msg: &[u8]) -> Result<Option<String>, StoreError> {
        self.signing.as_ref().map(|signing| signing.sign_detached(principal, at, msg)).transpose()
    }

    pub fn witnesses(&self) -> &[PathBuf] {
        &self.witnesses
    }

    /// The furthest checkpoint of `log` that a witness holds and that may be relied on, and
    /// which witness holds it.
    fn witnessed_floor(&self, log: &str) -> Option<(checkpoint::Checkpoint, String)> {
        self.witnesses
            .iter()
            .filter_map(|dir| Some((checkpoint::latest_in(dir, log)?, dir.display().to_string())))
            .filter(|(checkpoint, _)| checkpoint::check_trust(checkpoint, self.allowed_signers()).is_ok())
            .max_by_key(|(checkpoint, _)| checkpoint.seq)
    }

    /// Leaves a checkpoint of `log` as this process just wrote it with every witness. A
    /// witness that is away is logged, never a reason to refuse: the event is already durable.
    fn witness<S: Fold>(&self, log: &Log<S>, actor: &Actor, now: DateTime<Utc>) {
        if self.witnesses.is_empty() {
            return;
        }
        let Some(checkpoint) = log.checkpoint(&actor.name, now) else { return };
        for dir in &self.witnesses {
            if let Err(why) = checkpoint::witness(dir, &checkpoint) {
                tracing::warn!(event = "fault", log = %checkpoint.log, witness = %dir.display(), error = %why, "a checkpoint was not left with a witness");
            }
        }
    }
}

/// The unrouted-alert inbox's log name.
pub const INBOX: &str = "inbox";
