//! A workspace on disk: one log per incident, plus markers naming the open ones so that
//! startup reads what is open, not all history.
//!
//! ```text
//! <root>/incidents/INC-20261124-001.jsonl   the evidence (append-only)
//! <root>/open/INC-20261124-001              marker: a cache, rebuilt from the log when stale
//! <root>/quarantine/                        torn tails copied aside by recovery
//! <root>/leases/outbox.lock                  held (flock) by the process delivering the outbox
//! ```

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use super::error::StoreError;
use super::fsync_dir;
use super::ledger::{INBOX, Ledger, Shelf};
use super::medium::{FileMedium, Medium};
use super::signing::{Proofs, read_policy};
use crate::domain::suggest::did_you_mean;
use crate::private_fs;

pub struct Workspace {
    root: PathBuf,
    pub(super) ledger: Ledger,
}

impl Workspace {
    /// Opens (creating if needed) the workspace at `root`, signing with no keys, witnessed by none.
    pub fn open(root: &Path) -> Result<Self, StoreError> {
        Self::open_with(root, Proofs::default())
    }

    /// Opens the workspace at `root`; when it requires signatures, `proofs.keyring` signs, and
    /// every append leaves a checkpoint with each of `proofs.witnesses`.
    pub fn open_with(root: &Path, proofs: Proofs) -> Result<Self, StoreError> {
        for sub in ["incidents", "open"] {
            let dir = root.join(sub);
            private_fs::create_dir_all(&dir).map_err(|e| StoreError::io("create", &dir, e))?;
        }
        Ok(Self { root: root.to_owned(), ledger: Ledger::new(read_policy(root)?, proofs) })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn log_path(&self, id: &str) -> PathBuf {
        self.root.join("incidents").join(format!("{id}.jsonl"))
    }

    fn marker_path(&self, id: &str) -> PathBuf {
        self.root.join("open").join(id)
    }

    /// Every incident ever declared here, oldest first.
    pub fn all_ids(&self) -> Result<Vec<String>, StoreError> {
        let dir = self.root.join("incidents");
        let mut ids = list(&dir)?
            .into_iter()
            .filter_map(|name| name.strip_suffix(".jsonl").map(str::to_owned))
            .collect::<Vec<_>>();
        ids.sort();
        Ok(ids)
    }

    /// The ids marked open, not yet archived (a cache of the logs: an id may have been archived since).
    pub fn open_ids(&self) -> Result<Vec<String>, StoreError> {
        let mut ids = list(&self.root.join("open"))?;
        ids.sort();
        Ok(ids)
    }
}

impl Workspace {
    /// Finds every incident whose log does not end archived but has no open marker (a log cut
    /// before its close, a lost marker) and marks it open again: `(id, what was done)` for each.
    /// Reads only the last line of each unmarked log.
    pub fn reconcile_markers(&self) -> Vec<(String, String)> {
        let Ok(ids) = self.all_ids() else { return Vec::new() };
        ids.into_iter()
            .filter(|id| !self.marker_path(id).exists() && !ends_archived(&self.log_path(id)))
            .filter_map(|id| self.repair_marker(&id).map(|done| (id, done)))
            .collect()
    }

    /// Sets the open marker of `id` by what its log says (a log cut before its close, or a
    /// marker lost, would otherwise hide an active incident); what was set right, if anything.
    pub fn repair_marker(&self, id: &str) -> Option<String> {
        let path = self.log_path(id);
        let marker = self.marker_path(id);
        // The last line says whether it is archived: no need to fold the whole log again.
        let archived = path.exists() && ends_archived(&path);
        let repaired = match (archived, marker.exists()) {
            (false, false) => {
                private_fs::write(&marker, b"").ok().map(|()| "marked open again: its log does not end archived")
            }
            (true, true) => fs::remove_file(&marker).ok().map(|()| "open marker removed: its log ends archived"),
            _ => None,
        }?;
        let _ = fsync_dir(&self.root.join("open"));
        tracing::warn!(event = "recovery", incident = %id, repaired, "an open marker was set right from the log");
        Some(repaired.to_owned())
    }
}

impl Shelf for Workspace {
    /// Allocates the next free id of `now`'s day. `create_new` makes it unique across processes.
    fn allocate(&self, now: DateTime<Utc>) -> Result<String, StoreError> {
        let day = now.format("%Y%m%d").to_string();
        let name = |n: u64| format!("INC-{day}-{n:03}");
        let mut n = first_free(|n| self.log_path(&name(n)).exists());
        loop {
            let id = name(n);
            let path = self.log_path(&id);
            match private_fs::options().write(true).create_new(true).open(&path) {
                Ok(_) => {
                    let marker = self.marker_path(&id);
                    private_fs::write(&marker, b"").map_err(|e| StoreError::io("create", &marker, e))?;
                    fsync_dir(&self.root.join("incidents"))?;
                    fsync_dir(&self.root.join("open"))?;
                    return Ok(id);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => n += 1,
                Err(e) => return Err(StoreError::io("create", &path, e)),
            }
        }
    }

    fn medium(&self, name: &str) -> Box<dyn Medium> {
        let path = if name == INBOX { self.inbox_path() } else { self.log_path(name) };
        Box::new(FileMedium::new(path))
    }

    fn holds(&self, id: &str) -> Result<bool, StoreError> {
        Ok(self.log_path(id).exists())
    }

    fn listed_open(&self) -> Result<Vec<String>, StoreError> {
        self.open_ids()
    }

    fn unlist(&self, id: &str) {
        let _ = fs::remove_file(self.marker_path(id));
    }

    fn inbox_exists(&self, create: bool) -> Result<bool, StoreError> {
        let path = self.inbox_path();
        if path.exists() || !create {
            return Ok(path.exists());
        }
        private_fs::options().create(true).append(true).open(&path).map_err(|e| StoreError::io("create", &path, e))?;
        fsync_dir(self.root())?;
        Ok(true)
    }

    fn admit(&self, name: &str) -> Result<(), StoreError> {
        if name == INBOX {
            return self.inbox_exists(true).map(drop);
        }
        let (path, marker) = (self.log_path(name), self.marker_path(name));
        private_fs::options().create(true).append(true).open(&path).map_err(|e| StoreError::io("create", &path, e))?;
        private_fs::write(&marker, b"").map_err(|e| StoreError::io("create", &marker, e))?;
        fsync_dir(&self.root.join("incidents"))?;
        fsync_dir(&self.root.join("open"))
    }

    fn probe(&self) -> bool {
        let probe = self.root.join(".probe");
        let written = fs::write(&probe, [0u8; PROBE_BYTES])
            .and_then(|()| fs::File::open(&probe)?.sync_all())
            .and_then(|()| fs::remove_file(&probe));
        if written.is_err() {
            let _ = fs::remove_file(&probe);
        }
        written.is_ok()
    }

    fn quarantine_dir(&self) -> PathBuf {
        self.root.join("quarantine")
    }

    fn unknown(&self, id: &str) -> StoreError {
        let known = self.all_ids().unwrap_or_default();
        let hint = did_you_mean(id, known.iter().map(String::as_str));
        StoreError::UnknownIncident { id: id.to_owned(), hint }
    }
}

/// Whether the last complete line of the log at `path` is its archiving (an unreadable log is
/// taken as archived: it is for `verify` to name).
fn ends_archived(path: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut file) = fs::File::open(path) else { return true };
    let len = file.metadata().map_or(0, |m| m.len());
    let from = len.saturating_sub(64 * 1024);
    let mut tail = Vec::new();
    if file.seek(SeekFrom::Start(from)).and_then(|_| file.read_to_end(&mut tail)).is_err() {
        return true;
    }
    super::verify::ends_archived(&tail)
}

/// How much a probe writes: enough to need free blocks, not just a free inode.
const PROBE_BYTES: usize = 64 * 1024;

fn list(dir: &Path) -> Result<Vec<String>, StoreError> {
    let entries = fs::read_dir(dir).map_err(|e| StoreError::io("list", dir, e))?;
    Ok(entries.filter_map(|entry| entry.ok()?.file_name().into_string().ok()).filter(|n| !n.starts_with('.')).collect())
}

/// The smallest n ≥ 1 with `taken(n)` false, assuming ids are handed out in order: a doubling
/// probe then a binary search, so a busy day costs a few stats, not one per incident.
fn first_free(taken: impl Fn(u64) -> bool) -> u64 {
    let mut high = 1;
    while taken(high) {
        high *= 2;
    }
    let mut low = high / 2;
    while low + 1 < high {
        let mid = low + (high - low) / 2;
        if taken(mid) { low = mid } else { high = mid }
    }
    high.max(1)
}

#[cfg(test)]
mod tests {
    use super::first_free;

    #[test]
    fn first_free_finds_the_gap_after_a_dense_prefix() {
        for used in [0u64, 1, 2, 3, 7, 8, 9, 1000] {
            assert_eq!(first_free(|n| n <= used), used + 1);
        }
    }
}
