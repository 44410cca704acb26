//! Recovery of a torn tail: copied aside a chunk at a time, whatever its size, then cut from
//! the log.

use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

use sha2::{Digest, Sha256};

use super::error::StoreError;
use super::incident_log::{Fold, Log};
use super::line::{self, Digest32};
use super::medium::Hold;
use super::scan::TornTail;
use crate::domain::event::Event;

impl<S: Fold> Log<S> {
    /// Copies the torn bytes aside (durably), then cuts them from the log. They were never
    /// acknowledged, and the copy keeps them as evidence.
    pub(super) fn quarantine(&mut self, file: &mut dyn Hold, torn: TornTail, dir: &Path) -> Result<Event, StoreError> {
        let mut bytes = Vec::new();
        file.read_from(torn.offset)
            .map_err(|e| StoreError::io("read", self.path(), e))?
            .take(line::MAX_LINE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| StoreError::io("read", self.path(), e))?;
        if bytes.len() <= line::MAX_LINE_BYTES && line::is_whole_line(&bytes) {
            tracing::error!(event = "fault", log = %self.id(), seq = self.pos.seq + 1, "a whole line lost its newline; the log is read-only");
            return Err(StoreError::Corrupt {
                incident: self.id().to_owned(),
                seq: self.pos.seq + 1,
                fault: line::LineFault::Unterminated,
            });
        }
        crate::private_fs::create_dir_all(dir).map_err(|e| StoreError::io("create", dir, e))?;
        let name = format!("{}.{}.torn", self.id(), torn.offset);
        let target = dir.join(&name);
        let mut copy = crate::private_fs::options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&target)
            .map_err(|e| StoreError::io("create", &target, e))?;
        let mut hasher = Sha256::new();
        let torn_bytes = file.read_from(torn.offset).map_err(|e| StoreError::io("read", self.path(), e))?;
        let copied =
            copy_hashing(torn_bytes, &mut copy, &mut hasher).map_err(|e| StoreError::io("write", &target, e))?;
        super::fsync_dir(dir)?;
        file.cut(torn.offset).map_err(|e| StoreError::io("truncate", self.path(), e))?;
        self.torn = None;
        tracing::warn!(event = "recovery", log = %self.id(), bytes = copied, file = %target.display(), "a torn tail was quarantined");
        Ok(Event::TornTailQuarantined {
            file: format!("quarantine/{name}"),
            bytes: copied,
            sha256: line::hex(&Digest32::from(hasher.finalize())),
        })
    }
}

/// Copies what `file` reads into `copy` (synced), a chunk at a time, hashing what it copies;
/// returns how many bytes.
pub fn copy_hashing(mut file: impl Read, copy: &mut File, hasher: &mut Sha256) -> std::io::Result<u64> {
    let mut chunk = vec![0; 1 << 20];
    let mut copied = 0;
    loop {
        let n = match file.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&chunk[..n]);
        copy.write_all(&chunk[..n])?;
        copied += n as u64;
    }
    copy.sync_all()?;
    Ok(copied)
}
