//! One log file (an incident's, or the unrouted-alert inbox): caught up incrementally,
//! folded into its state, appended under an exclusive lock.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use std::sync::Arc;

use super::allowed_signers::AllowedSigners;
use super::checkpoint::Checkpoint;
use super::error::StoreError;
use super::keyring::SigningKey;
use super::line;
use super::live_proof::LiveProof;
use super::medium::{FileMedium, Hold, Medium, View};
use super::scan::{self, Position, ScanError, TornTail};
use super::signing::Signing;
use crate::domain::event::{Actor, Envelope, Event};
use crate::domain::inbox::Inbox;
use crate::domain::incident::Incident;

/// The state a log folds into.
pub trait Fold: Sized {
    /// The state the log's first event starts (`None`: the log is not of this kind).
    fn begin(first: &Envelope) -> Option<Self>;
    fn apply(&mut self, envelope: &Envelope);
    /// The identity the state claims, checked against the log's own.
    fn identity(&self) -> Option<&str>;
    /// What the log proves of the two-person grant at `seq` (see `live_proof`).
    fn judge_grant(&mut self, _seq: u64, _unproven: Option<String>) {}
}

impl Fold for Incident {
    fn begin(first: &Envelope) -> Option<Self> {
        Self::declared(first)
    }

    fn apply(&mut self, envelope: &Envelope) {
        Self::apply(self, envelope);
    }

    fn identity(&self) -> Option<&str> {
        Some(&self.id)
    }

    fn judge_grant(&mut self, seq: u64, unproven: Option<String>) {
        self.containment.judge_grant(seq, unproven);
    }
}

impl Fold for Inbox {
    fn begin(first: &Envelope) -> Option<Self> {
        let mut inbox = Self::default();
        inbox.apply(first);
        Some(inbox)
    }

    fn apply(&mut self, envelope: &Envelope) {
        Self::apply(self, envelope);
    }

    fn identity(&self) -> Option<&str> {
        None
    }
}

pub struct Log<S> {
    id: String,
    medium: Box<dyn Medium>,
    pub(super) pos: Position,
    pub(super) state: Option<S>,
    pub(super) torn: Option<TornTail>,
    /// The signature on the last line this process wrote, while that line is the head.
    pub(super) head_sig: Option<(u64, super::signature::Sig)>,
    /// The latest checkpoint a witness holds of this log, and which witness: the log may not
    /// be written while it says less.
    pub(super) floor: Option<(Checkpoint, String)>,
    /// The last line, when it carries no signature: its seq and actor.
    pub(super) unsigned_tail: Option<(u64, String)>,
    /// Under a signing policy: which two-person grants the log proves.
    pub(super) proof: Option<LiveProof>,
    /// Who has recorded as a service and who by hand, so neither name is used as the other.
    pub(super) principals: super::principals::Principals,
}

pub type IncidentLog = Log<Incident>;

/// One item's share of a group commit: its events, or why it was refused.
pub type Outcome = Result<Vec<Envelope>, StoreError>;

/// What a group commit appended: recovery's events, then each item's outcome.
pub type Committed = (Vec<Envelope>, Vec<Outcome>);

/// Who signs what a process appends, when the workspace requires signatures.
pub type Signer<'a> = Option<(&'a Signing, &'a SigningKey)>;

impl Log<Incident> {
    pub fn incident(&self) -> Option<&Incident> {
        self.state.as_ref()
    }

    pub fn into_incident(self) -> Option<Incident> {
        self.state
    }
}

impl<S: Fold> Log<S> {
    /// The log of `id` at `path`; under a signing policy (`policy`), grants of the two-person
    /// rule count only when the log proves them.
    pub fn new(id: &str, path: PathBuf, policy: Option<&Arc<AllowedSigners>>) -> Self {
        Self::on(id, Box::new(FileMedium::new(path)), policy)
    }

    /// The log of `id` kept in `medium`.
    pub fn on(id: &str, medium: Box<dyn Medium>, policy: Option<&Arc<AllowedSigners>>) -> Self {
        Self {
            id: id.to_owned(),
            medium,
            pos: Position::START,
            state: None,
            torn: None,
            head_sig: None,
            floor: None,
            unsigned_tail: None,
            proof: policy.map(|allowed| LiveProof::new(allowed.clone(), id)),
            principals: super::principals::Principals::default(),
        }
    }

    pub fn state(&self) -> Option<&S> {
        self.state.as_ref()
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn path(&self) -> &Path {
        self.medium.location()
    }

    pub const fn position(&self) -> Position {
        self.pos
    }

    pub const fn torn_tail(&self) -> Option<TornTail> {
        self.torn
    }

    /// Reads what was appended since the last call (by this or any other process).
    pub fn catch_up(&mut self, each: impl FnMut(&Envelope)) -> Result<(), StoreError> {
        let mut view = self.medium.view().map_err(|e| StoreError::io("read", self.path(), e))?;
        self.catch_up_from(&mut *view, each)
    }

    fn catch_up_from(&mut self, view: &mut dyn View, mut each: impl FnMut(&Envelope)) -> Result<(), StoreError> {
        let read_error = |e| StoreError::io("read", self.medium.location(), e);
        let len = view.byte_len().map_err(read_error)?;
        let replaced = match self.pos.hash {
            Some(hash) if self.pos.seq > 0 => !view.continues(self.pos.seq, &hash).map_err(read_error)?,
            _ => false,
        };
        if len < self.pos.offset || replaced {
            // The log is not the one last read: restored from a shorter copy, or a failover
            // lost lines this process had read. Start over.
            self.pos = Position::START;
            self.state = None;
        }
        let started = self.pos;
        let reader = view.read_from(self.pos.offset).map_err(read_error)?;
        let id = self.id.clone();
        let state = &mut self.state;
        let mut wrong_log = None;
        let genesis = line::genesis(&self.id);
        if self.pos.offset == 0 {
            self.unsigned_tail = None;
            self.principals = super::principals::Principals::default();
            if let Some(proof) = self.proof.as_mut() {
                proof.restart();
            }
        }
        let unsigned_tail = &mut self.unsigned_tail;
        let proof = &mut self.proof;
        let principals = &mut self.principals;
        let result = scan::scan_sealed(reader, self.pos, genesis, |envelope, seal| {
            *unsigned_tail = seal.sig.is_none().then(|| (envelope.seq, envelope.actor.name.clone()));
            principals.saw(&envelope);
            each(&envelope);
            match state {
                Some(folded) => folded.apply(&envelope),
                None => {
                    *state = S::begin(&envelope);
                    if let Some(declared) = state.as_ref().and_then(S::identity).filter(|claimed| *claimed != id) {
                        wrong_log = Some(declared.to_owned());
                    }
                }
            }
            if let (Some(proof), Some(folded)) = (proof.as_mut(), state.as_mut()) {
                for (seq, unproven) in proof.read(&envelope, &seal) {
                    folded.judge_grant(seq, unproven);
                }
            }
        });
        self.judge_pending();
        if let Some(declared) = wrong_log {
            return Err(StoreError::WrongLog { file: self.path().display().to_string(), declared });
        }
        match result {
            Ok((pos, torn)) => {
                self.pos = pos;
                self.torn = torn;
                Ok(())
            }
            Err(ScanError::Io(e)) => Err(StoreError::io("read", self.path(), e)),
            Err(ScanError::Corrupt(c)) if c.seq == started.seq + 1 && started.offset > 0 => {
                // What follows does not continue the chain this process read: the log was
                // replaced by another history (restored from a copy, or a failover lost lines
                // this process had seen). Read it again from its start.
                tracing::warn!(event = "fault", log = %self.id, seq = c.seq, "the log no longer continues what was read; reading it again");
                self.pos = Position::START;
                self.state = None;
                self.catch_up_from(view, each)
            }
            Err(ScanError::Corrupt(c)) => {
                tracing::error!(event = "fault", log = %self.id, seq = c.seq, fault = %c.fault, "a line of the log does not verify; the log is read-only");
                Err(StoreError::Corrupt { incident: self.id.clone(), seq: c.seq, fault: c.fault })
            }
        }
    }

    /// Under the log's exclusive lock: catch up, quarantine a torn tail, let `decide` look at
    /// the current state, and append what it returns in one write followed by `sync_data`.
    /// Returns only once the events are durable.
    pub fn transact(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        quarantine_dir: &Path,
        signer: Signer<'_>,
        decide: impl FnOnce(Option<&S>) -> Result<Vec<Event>, StoreError>,
    ) -> Result<Vec<Envelope>, StoreError> {
        let mut decide = Some(decide);
        let (mut written, results) = self.transact_all(actor, now, quarantine_dir, signer, vec![()], |state, ()| {
            decide.take().map_or_else(|| Ok(Vec::new()), |decide| decide(state))
        })?;
        for result in results {
            written.extend(result?);
        }
        Ok(written)
    }

    /// Group commit: under one lock, `decide` looks at each item in turn, seeing the events of
    /// the items before it; everything accepted goes out in one write and one `sync_data`.
    /// Returns what recovery appended (a quarantined torn tail), then each item's own outcome
    /// (its events, or why it was refused), only once all of it is durable.
    pub fn transact_all<T>(
        &mut self,
        actor: &Actor,
        now: DateTime<Utc>,
        quarantine_dir: &Path,
        signer: Signer<'_>,
        items: Vec<T>,
        mut decide: impl FnMut(Option<&S>, T) -> Result<Vec<Event>, StoreError>,
    ) -> Result<Committed, StoreError> {
        let mut file = self.medium.hold().map_err(|e| StoreError::io("open for writing", self.path(), e))?;
        self.catch_up_from(&mut *file, |_| {})?;
        self.check_floor()?;
        self.check_unsigned_tail(actor, signer)?;
        let mut recovered = Vec::new();
        if let Some(torn) = self.torn {
            let event = self.quarantine(&mut *file, torn, quarantine_dir)?;
            let mut bytes = Vec::new();
            recovered = self.stage(&mut bytes, actor, now, vec![event])?;
            self.flush(&mut *file, &mut bytes, signer)?;
        }
        let mut bytes = Vec::with_capacity(512 * items.len());
        let mut outcomes = Vec::with_capacity(items.len());
        for item in items {
            let outcome = match decide(self.state.as_ref(), item) {
                Ok(events) => self
                    .may_grant(&events, actor, signer, now)
                    .and_then(|()| self.may_record(&events, actor))
                    .and_then(|()| {
                        let staged = self.stage(&mut bytes, actor, now, events)?;
                        self.wrote(&staged, signer);
                        Ok(staged)
                    }),
                Err(refused) => Err(refused),
            };
            outcomes.push(outcome);
        }
        self.flush(&mut *file, &mut bytes, signer)?;
        Ok((recovered, outcomes))
    }

    /// Encodes `events` after what is staged so far and folds them in. Not durable until `flush`.
    fn stage(
        &mut self,
        bytes: &mut Vec<u8>,
        actor: &Actor,
        now: DateTime<Utc>,
        events: Vec<Event>,
    ) -> Result<Vec<Envelope>, StoreError> {
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let first = self.pos.seq + 1;
        let envelopes: Vec<Envelope> = events
            .into_iter()
            .zip(first..)
            .map(|(event, seq)| Envelope { seq, at: now, actor: actor.clone(), event })
            .collect();
        let before = bytes.len();
        let mut prev = self.pos.hash.unwrap_or_else(|| line::genesis(&self.id));
        for envelope in &envelopes {
            prev = line::encode(bytes, envelope.seq, &prev, now, actor, &envelope.event)
                .map_err(|e| self.not_saved(std::io::Error::other(e)))?;
        }
        let last = first + envelopes.len() as u64 - 1;
        let offset = self.pos.offset + (bytes.len() - before) as u64;
        self.pos = Position { seq: last, hash: Some(prev), offset };
        self.unsigned_tail = Some((last, actor.name.clone()));
        for envelope in &envelopes {
            self.principals.saw(envelope);
            match self.state.as_mut() {
                Some(state) => state.apply(envelope),
                None => self.state = S::begin(envelope),
            }
        }
        Ok(envelopes)
    }

    /// Signs the last staged line (when a signer is given), writes what was staged in one
    /// write and syncs it. On failure the file is cut back to where it ended (cutting needs no
    /// free space, so no torn tail is left on a full disk) and the staged state is forgotten:
    /// the next catch-up reads the file again from its start.
    fn flush(&mut self, file: &mut dyn Hold, bytes: &mut Vec<u8>, signer: Signer<'_>) -> Result<(), StoreError> {
        if bytes.is_empty() {
            return Ok(());
        }
        let mut signed = None;
        if let (Some((signing, key)), Some(hash)) = (signer, self.pos.hash) {
            let before = bytes.len();
            match signing.sign_last(key, &self.id, self.pos.seq, &hash, bytes) {
                Ok(line_signature) => {
                    self.head_sig = Some((self.pos.seq, line_signature.sig.clone()));
                    signed = Some((signing, key, line_signature));
                }
                Err(refused) => {
                    self.pos = Position::START;
                    self.state = None;
                    return Err(refused);
                }
            }
            self.pos.offset += (bytes.len() - before) as u64;
        }
        let end = file.byte_len().map_err(|e| StoreError::io("read", self.path(), e))?;
        let result = file.append(bytes);
        if result.is_ok()
            && let Some((signing, key, line_signature)) = &signed
        {
            signing.written(key, line_signature, &self.id);
            self.unsigned_tail = None;
        }
        result.map_err(|e| {
            if file.cut(end).is_ok() {
                tracing::warn!(event = "recovery", log = %self.id, offset = end, "the failed write was cut from the log");
            }
            self.pos = Position::START;
            self.state = None;
            self.not_saved(e)
        })
    }

    fn not_saved(&self, source: std::io::Error) -> StoreError {
        tracing::error!(event = "fault", log = %self.id, error = %source, "a write did not become durable");
        StoreError::NotSaved { incident: self.id.clone(), source }
    }
}
