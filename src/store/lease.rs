//! Leases: a job that must run in one place at a time (delivering the outbox) runs in the
//! process holding its lease. Held until dropped; a process that dies releases it with it, so
//! another process takes the job over.

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::Write;
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use super::StoreError;

/// Held while alive.
pub struct Lease {
    _held: Box<dyn Send + Sync>,
}

impl Lease {
    /// A lease held while `held` lives.
    pub fn holding(held: Box<dyn Send + Sync>) -> Self {
        Self { _held: held }
    }
}

impl std::fmt::Debug for Lease {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Lease")
    }
}

/// The lease `name` on a file workspace: an exclusive `flock` on `leases/NAME.lock`, which
/// names its holder (`holder`) for people asking who delivers.
pub fn on_file(root: &Path, name: &str, holder: &str) -> Result<Option<Lease>, StoreError> {
    let dir = root.join("leases");
    std::fs::create_dir_all(&dir).map_err(|e| StoreError::io("create", &dir, e))?;
    let path = dir.join(format!("{name}.lock"));
    let mut file: File = OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(&path)
        .map_err(|e| StoreError::io("open", &path, e))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => return Ok(None),
        Err(TryLockError::Error(e)) => return Err(StoreError::io("lock", &path, e)),
    }
    // Who holds it is a courtesy for people; the lock is what counts.
    let _ = file.set_len(0).and_then(|()| writeln!(file, "{holder}"));
    Ok(Some(Lease { _held: Box::new(file) }))
}

/// Who holds the lease `name` on a file workspace, if anyone does.
pub fn file_holder(root: &Path, name: &str) -> Option<String> {
    let path = root.join("leases").join(format!("{name}.lock"));
    let file = File::open(&path).ok()?;
    match file.try_lock_shared() {
        Ok(()) => None,
        Err(_) => std::fs::read_to_string(&path).ok().map(|s| s.trim().to_owned()),
    }
}

/// Leases held in this process (the in-memory store).
#[derive(Default)]
pub struct InProcess {
    held: Arc<Mutex<BTreeSet<String>>>,
}

struct Release {
    held: Arc<Mutex<BTreeSet<String>>>,
    name: String,
}

impl Drop for Release {
    fn drop(&mut self) {
        self.held.lock().unwrap_or_else(PoisonError::into_inner).remove(&self.name);
    }
}

impl InProcess {
    pub fn take(&self, name: &str) -> Option<Lease> {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        held.insert(name.to_owned())
            .then(|| Lease { _held: Box::new(Release { held: Arc::clone(&self.held), name: name.to_owned() }) })
    }
}
