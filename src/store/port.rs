//! The store port: everything the application needs from storage. The file workspace is one
//! adapter, the in-memory store another (tests); a replicated one (PostgreSQL) implements the
//! same trait without touching `app`, `tui` or `cli`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::StoreError;
use super::allowed_signers::AllowedSigners;
use super::keyring::SigningKey;
use crate::domain::Command;
use crate::domain::event::{Actor, Envelope, Event};
use crate::domain::inbox::Inbox;
use crate::domain::incident::Incident;
use crate::domain::suggest::did_you_mean;

pub use super::follow::{Change, Follower, LogName, Wake};
pub use super::incident_log::{Committed, Outcome};
pub use super::verify::{Verified, VerifyFailure};

pub trait Store: Send + Sync {
    /// Declares a fresh incident with `declare(id)` and, in the same commit, `more`. Returns
    /// the id and each command's outcome (the declaration's first), once durable.
    fn declare_all(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        declare: &dyn Fn(String) -> Command,
        more: Vec<Command>,
    ) -> Result<(String, Vec<Outcome>), StoreError>;

    /// Group commit on one incident: each command is decided on the state the ones before it
    /// left, and everything accepted is made durable at once.
    fn execute_all(
        &self,
        id: &str,
        actor: &Actor,
        now: DateTime<Utc>,
        commands: Vec<Command>,
    ) -> Result<Committed, StoreError>;

    /// The incident as its log folds, whole.
    fn incident(&self, id: &str) -> Result<Incident, StoreError>;

    /// The incident's log exactly as stored (the line bytes), checked: an export's evidence.
    fn log_bytes(&self, id: &str) -> Result<Vec<u8>, StoreError>;

    /// Every incident ever declared, oldest first.
    fn all_ids(&self) -> Result<Vec<String>, StoreError>;

    /// The incidents not known to be archived (an id may have been archived since).
    fn open_ids(&self) -> Result<Vec<String>, StoreError>;

    /// Runs `look` over the open incidents as they stand (a damaged one is left out).
    fn look_at_open(&self, look: &mut dyn FnMut(&[&Incident])) -> Result<(), StoreError>;

    /// The unrouted-alert inbox as it stands.
    fn inbox(&self) -> Result<Inbox, StoreError>;

    /// Appends to the inbox what `decide` makes of its current state, durably.
    fn inbox_append(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        decide: &mut dyn FnMut(&Inbox) -> Result<Vec<Event>, StoreError>,
    ) -> Result<Vec<Envelope>, StoreError>;

    /// Why writes are refused, while they are: a write failed for the storage's own reasons
    /// (full, read-only, failing) and has not worked since.
    fn fault(&self) -> Option<String>;

    /// Tries writing again after a fault (at most a few times a second, however often asked);
    /// true once writes work. Every write attempt tries it too.
    fn recover(&self) -> bool;

    /// The key that signs `actor`'s events now: `None` when the store does not require
    /// signatures, an error naming why when it does and this process holds no such key.
    fn signing_key(&self, _actor: &Actor, _now: DateTime<Utc>) -> Result<Option<SigningKey>, StoreError> {
        Ok(None)
    }

    /// The hashes lines `seqs` of `log` claim (a seq past its end, or a log not held, is left
    /// out).
    fn line_hashes(
        &self,
        log: &LogName,
        seqs: &BTreeSet<u64>,
    ) -> Result<BTreeMap<u64, super::line::Digest32>, StoreError> {
        match log {
            LogName::Incident(id) => match self.log_bytes(id) {
                Ok(bytes) => {
                    super::line::hashes_of_lines(bytes.as_slice(), seqs).map_err(|e| StoreError::Export(e.to_string()))
                }
                Err(StoreError::UnknownIncident { .. }) => Ok(BTreeMap::new()),
                Err(e) => Err(e),
            },
            LogName::Inbox => Ok(BTreeMap::new()),
        }
    }

    /// The lease on the job `name` (`outbox`) when no other process holds it: the job runs
    /// while it is held. `holder` says who holds it, for people asking.
    fn lease(&self, name: &str, holder: &str) -> Result<Option<super::lease::Lease>, StoreError>;

    /// Who holds the lease `name` now, when the store can tell.
    fn lease_holder(&self, _name: &str) -> Option<String> {
        None
    }

    /// Directories every append leaves a checkpoint in.
    fn witnesses(&self) -> &[std::path::PathBuf] {
        &[]
    }

    /// Signs `msg` (SSHSIG, namespace `warroom`, armored) as `principal` at `at`, when the store
    /// requires signatures; refused when this process holds no key of theirs.
    fn sign_detached(&self, _principal: &str, _at: DateTime<Utc>, _msg: &[u8]) -> Result<Option<String>, StoreError> {
        Ok(None)
    }

    /// Which keys may sign for whom, when the store requires signatures.
    fn allowed_signers(&self) -> Option<&AllowedSigners> {
        None
    }

    fn is_healthy(&self) -> bool {
        self.fault().is_none()
    }

    /// Follows the store from now on: `wake` is called whenever it may have changed, and the
    /// follower says what did. Dropping the follower stops the wake-ups.
    fn follow<'s>(&'s self, wake: Wake) -> Result<Box<dyn Follower + 's>, StoreError>;

    /// Every log held: each incident's, oldest first, then the inbox's once an alert went
    /// unrouted.
    fn logs(&self) -> Result<Vec<LogName>, StoreError>;

    /// Re-checks one log line by line: each line's seal, the chain and the sequence.
    fn verify(&self, log: &LogName) -> Result<Verified, VerifyFailure>;

    /// The bytes of `log` as stored, unverified (`store copy` verifies before and after).
    fn read_log(&self, log: &LogName) -> Result<Vec<u8>, StoreError> {
        Err(StoreError::Store(format!("{log}: the {} store cannot be copied", self.location())))
    }

    /// Takes `bytes`, the whole of `log` from another store (see `store::copy`); the bytes added.
    fn import(&self, log: &LogName, _bytes: &[u8]) -> Result<u64, StoreError> {
        Err(StoreError::Store(format!("{log}: the {} store cannot take a copy", self.location())))
    }

    /// Where the evidence lives, for people (a directory, a database).
    fn location(&self) -> String;

    /// Sets the store's own bookkeeping right from the logs (an active incident not listed as
    /// open is listed again); a line for each thing it set right.
    fn reconcile(&self) -> Vec<String>;

    /// Declares one incident; its id once durable.
    fn declare(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        declare: &dyn Fn(String) -> Command,
    ) -> Result<String, StoreError> {
        let (id, mut outcomes) = self.declare_all(actor, now, declare, Vec::new())?;
        outcomes.pop().unwrap_or(Ok(Vec::new()))?;
        Ok(id)
    }

    /// One command on one incident; its events once durable.
    fn execute(
        &self,
        id: &str,
        actor: &Actor,
        now: DateTime<Utc>,
        command: Command,
    ) -> Result<Vec<Envelope>, StoreError> {
        let (mut written, outcomes) = self.execute_all(id, actor, now, vec![command])?;
        for outcome in outcomes {
            written.extend(outcome?);
        }
        Ok(written)
    }

    /// The incident `wanted` names: its exact id (any case), or the one id ending in
    /// `-wanted` (`001`), preferring the open one when days repeat the tail.
    fn resolve_id(&self, wanted: &str) -> Result<String, StoreError> {
        let upper = wanted.trim().to_uppercase();
        let ids = self.all_ids()?;
        if ids.contains(&upper) {
            return Ok(upper);
        }
        let tail = format!("-{upper}");
        let mut matches: Vec<&String> = ids.iter().filter(|id| id.ends_with(&tail)).collect();
        if matches.len() > 1 {
            let open = self.open_ids()?;
            matches.retain(|id| open.contains(id));
        }
        match matches.as_slice() {
            [one] => Ok((*one).clone()),
            _ => Err(StoreError::UnknownIncident {
                id: wanted.to_owned(),
                hint: did_you_mean(wanted, ids.iter().map(String::as_str)),
            }),
        }
    }
}

impl dyn Store + '_ {
    /// Appends to the inbox what `decide` makes of its current state, durably.
    pub fn inbox_transact(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        decide: impl FnOnce(&Inbox) -> Result<Vec<Event>, StoreError>,
    ) -> Result<Vec<Envelope>, StoreError> {
        let mut decide = Some(decide);
        self.inbox_append(actor, now, &mut |inbox| decide.take().map_or_else(|| Ok(Vec::new()), |d| d(inbox)))
    }

    /// `look` over the open incidents, returning what it returns.
    pub fn with_open<T>(&self, look: impl FnOnce(&[&Incident]) -> T) -> Result<T, StoreError> {
        let mut look = Some(look);
        let mut looked = None;
        self.look_at_open(&mut |open| {
            if let Some(look) = look.take() {
                looked = Some(look(open));
            }
        })?;
        if let Some(look) = look {
            return Ok(look(&[]));
        }
        looked.ok_or_else(|| StoreError::Export("the store lost sight of its open incidents".into()))
    }
}
