//! What a log checks before it is written on, and what it proves after: the floor its
//! witnesses hold, unsigned lines a signature must not adopt, and which grants of the
//! two-person rule its signatures prove.

use chrono::{DateTime, Utc};

use super::checkpoint::Checkpoint;
use super::error::StoreError;
use super::incident_log::{Fold, Log, Signer};
use super::line;
use crate::domain::event::{Actor, Envelope, Event};
use crate::domain::service_audit::is_machine_work;

impl<S: Fold> Log<S> {
    /// A checkpoint of the log as it stands after this process's last write, signed by the
    /// signature that write carried.
    pub fn checkpoint(&self, signer: &str, at: DateTime<Utc>) -> Option<Checkpoint> {
        let mut checkpoint = Checkpoint::new(self.id(), self.pos.seq, &self.pos.hash?, at);
        if let Some((seq, sig)) = &self.head_sig
            && *seq == self.pos.seq
        {
            checkpoint.signer = Some(signer.to_owned());
            checkpoint.sig = super::signature::to_line(sig).ok();
        }
        Some(checkpoint)
    }

    pub fn set_floor(&mut self, floor: Option<(Checkpoint, String)>) {
        self.floor = floor;
    }

    /// A log cut below, or rewritten at, its latest witnessed checkpoint is not written on:
    /// appending would bury the damage under new lines.
    pub(super) fn check_floor(&self) -> Result<(), StoreError> {
        let Some((checkpoint, source)) = &self.floor else { return Ok(()) };
        if self.pos.seq > checkpoint.seq {
            return Ok(());
        }
        let head = self.pos.hash.map(|h| line::hex(&h));
        match super::checkpoint::compare(checkpoint, Some(self.pos.seq), head.as_deref()) {
            None => Ok(()),
            Some(mismatch) => {
                let why = mismatch.describe(checkpoint, source);
                tracing::error!(event = "fault", log = %self.id(), %why, "the log says less than its witness; the log is read-only");
                Err(StoreError::BehindWitness { incident: self.id().to_owned(), why })
            }
        }
    }

    /// Under a signing policy, a signature covers the unsigned lines of its actor just before
    /// it (one write's lines share the signature on its last). A line of this actor's that
    /// nobody signed (written by hand, or before the policy) must not become theirs by it.
    pub(super) fn check_unsigned_tail(&self, actor: &Actor, signer: Signer<'_>) -> Result<(), StoreError> {
        match &self.unsigned_tail {
            Some((seq, name)) if signer.is_some() && *name == actor.name => Err(StoreError::CannotSign(format!(
                "seq {seq} of {}, recorded as {name}, carries no signature, and the next signature of {name}'s would cover it: \
                 `warroom verify` shows it; another responder's write ends it",
                self.id()
            ))),
            _ => Ok(()),
        }
    }

    /// Grants at the log's end that no signature covers yet do not count.
    pub(super) fn judge_pending(&mut self) {
        if let (Some(proof), Some(state)) = (self.proof.as_ref(), self.state.as_mut()) {
            for (seq, unproven) in proof.pending() {
                state.judge_grant(seq, unproven);
            }
        }
    }

    /// A grant this process is about to sign must not be signed by a key of the requester's.
    pub(super) fn may_grant(
        &self,
        events: &[Event],
        actor: &Actor,
        signer: Signer<'_>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        match (&self.proof, signer) {
            (Some(proof), Some((_, key))) => {
                proof.may_grant(events, &actor.name, &key.key, at).map_err(StoreError::CannotSign)
            }
            _ => Ok(()),
        }
    }

    /// A service records only a machine's work, under a name no responder has used here; a
    /// responder's own work is not recorded under a service's name.
    pub(super) fn may_record(&self, events: &[Event], actor: &Actor) -> Result<(), StoreError> {
        let name = &actor.name;
        let by_hand = events.iter().find(|e| !is_machine_work(e));
        let why = match (actor.service, by_hand) {
            (true, Some(event)) => format!("{name} records as a service, and a service never records {}", event.kind()),
            (true, None) if self.principals.by_hand(name) => format!(
                "{name} has recorded on {} as a responder, so it cannot also record as a service \
                 (run the outbox or the listener under a name of its own, such as the default `outbox`)",
                self.id()
            ),
            (false, Some(event)) if self.principals.service(name) => format!(
                "{name} records on {} as a service, so a responder cannot record {} under that name",
                self.id(),
                event.kind()
            ),
            _ => return Ok(()),
        };
        Err(StoreError::CannotSign(crate::domain::sanitize::line(&why).into_owned()))
    }

    /// Lines this process staged, to be signed by `signer`'s key.
    pub(super) fn wrote(&mut self, lines: &[Envelope], signer: Signer<'_>) {
        if let (Some(proof), Some((_, key))) = (self.proof.as_mut(), signer) {
            proof.wrote(lines, &key.key);
        }
    }
}
