//! The append-only, hash-chained evidence log. See docs/log-format.md.

pub mod allowed_signers;
pub mod checkpoint;
pub mod copy;
pub mod error;
mod file_adapter;
mod file_follow;
pub mod follow;
pub mod incident_log;
pub mod keyring;
pub mod lease;
pub mod ledger;
pub mod line;
mod live_proof;
mod log_guard;
pub mod medium;
pub mod memory;
pub mod port;
pub mod postgres;
mod principals;
mod quarantine;
pub mod scan;
mod session;
#[cfg(test)]
mod session_tests;
pub mod signature;
pub mod signature_check;
pub mod signing;
pub mod verify;
pub mod workspace;
mod workspace_inbox;

use std::fs::File;
use std::path::Path;

pub use error::{Failure, StoreError};
pub use incident_log::IncidentLog;
pub use memory::MemoryStore;
pub use port::Store;
pub use postgres::PgStore;
pub use workspace::Workspace;

pub fn fsync_dir(dir: &Path) -> Result<(), StoreError> {
    File::open(dir).and_then(|d| d.sync_all()).map_err(|e| StoreError::io("sync", dir, e))
}
