//! The unrouted-alert inbox of a file workspace: `<root>/inbox.jsonl`, a log like an
//! incident's.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::error::StoreError;
use super::fsync_dir;
use super::incident_log::Log;
use super::workspace::Workspace;
use crate::domain::event::{Actor, Envelope, Event};
use crate::domain::inbox::Inbox;
use crate::private_fs;

impl Workspace {
    pub fn inbox_path(&self) -> PathBuf {
        self.root().join("inbox.jsonl")
    }

    /// The unrouted-alert inbox as it stands (empty before the first unrouted alert).
    pub fn inbox(&self) -> Result<Inbox, StoreError> {
        let path = self.inbox_path();
        if !path.exists() {
            return Ok(Inbox::default());
        }
        let mut log: Log<Inbox> = Log::new("inbox", path, None);
        log.catch_up(|_| {})?;
        Ok(log.state().cloned().unwrap_or_default())
    }

    /// Appends to the inbox what `decide` makes of its current state, durably.
    pub fn inbox_transact(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        decide: impl FnOnce(&Inbox) -> Result<Vec<Event>, StoreError>,
    ) -> Result<Vec<Envelope>, StoreError> {
        self.ensure_healthy()?;
        let key = self.signing_key(actor, now)?;
        let path = self.inbox_path();
        if !path.exists() {
            let created = private_fs::options().create(true).append(true).open(&path);
            self.guard(created.map_err(|e| StoreError::io("create", &path, e)))?;
            self.guard(fsync_dir(self.root()))?;
        }
        let mut log: Log<Inbox> = Log::new("inbox", path, None);
        let quarantine = self.root().join("quarantine");
        let empty = Inbox::default();
        let signer = self.signing.as_ref().zip(key.as_ref());
        let written =
            self.guard(log.transact(actor, now, &quarantine, signer, |state| decide(state.unwrap_or(&empty))))?;
        self.witness(&log, actor, now);
        Ok(written)
    }
}
