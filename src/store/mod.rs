//! The append-only, hash-chained evidence log. See docs/log-format.md.

pub mod ascii_json;
pub mod bundle;
pub mod error;
pub mod incident_log;
pub mod line;
pub mod scan;
pub mod verify;
pub mod workspace;

use std::fs::File;
use std::path::Path;

use chrono::{DateTime, Utc};

pub use error::StoreError;
pub use incident_log::IncidentLog;
pub use workspace::Workspace;

use crate::domain::Command;
use crate::domain::event::{Actor, Envelope};

/// What the rest of warroom needs from a store. The file workspace is one adapter; a
/// replicated store (PostgreSQL with LISTEN/NOTIFY) would be another.
pub trait EventStore {
    /// Allocates a fresh incident id and records the declaration `command(id)` builds.
    /// Returns the new id once the declaration is durable.
    fn declare(
        &self,
        actor: &Actor,
        now: DateTime<Utc>,
        command: &dyn Fn(String) -> Command,
    ) -> Result<String, StoreError>;

    /// Checks `command` against the incident's current state and appends the resulting events.
    /// Returns once they are durable.
    fn execute(
        &self,
        id: &str,
        actor: &Actor,
        now: DateTime<Utc>,
        command: Command,
    ) -> Result<Vec<Envelope>, StoreError>;

    fn load(&self, id: &str) -> Result<IncidentLog, StoreError>;
}

pub(crate) fn fsync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(|e| StoreError::io("sync", dir, e))
}
