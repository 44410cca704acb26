//! The workspace's side of signing: which key signs for an actor, and what a process can say
//! about its signing (the console's status bar, `warroom status`).

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::StoreError;
use super::allowed_signers::AllowedSigners;
use super::checkpoint;
use super::incident_log::Log;
use super::keyring::SigningKey;
use super::workspace::Workspace;
use crate::domain::event::Actor;

impl Workspace {
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
    pub(super) fn policy(&self) -> Option<&std::sync::Arc<AllowedSigners>> {
        self.signing.as_ref().map(|s| &s.allowed)
    }

    pub fn witnesses(&self) -> &[PathBuf] {
        &self.witnesses
    }

    /// The furthest checkpoint of `log` that a witness holds and that may be relied on, and
    /// which witness holds it.
    pub(super) fn witnessed_floor(&self, log: &str) -> Option<(checkpoint::Checkpoint, String)> {
        self.witnesses
            .iter()
            .filter_map(|dir| Some((checkpoint::latest_in(dir, log)?, dir.display().to_string())))
            .filter(|(checkpoint, _)| checkpoint::check_trust(checkpoint, self.allowed_signers()).is_ok())
            .max_by_key(|(checkpoint, _)| checkpoint.seq)
    }

    /// Leaves a checkpoint of `log` as this process just wrote it with every witness. A
    /// witness that is away is logged, never a reason to refuse: the event is already durable.
    pub(super) fn witness<S: super::incident_log::Fold>(&self, log: &Log<S>, actor: &Actor, now: DateTime<Utc>) {
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
