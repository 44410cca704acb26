//! Moving a workspace between stores (`warroom store copy`): every log, byte for byte, each
//! chain verified in the source before and in the target after. Copying again resumes a copy
//! cut short (a target log that is a prefix of its source gets the rest) and changes nothing
//! that is already there; a target log that differs from its source is refused, never touched.

use std::io::Read;

use super::StoreError;
use super::follow::LogName;
use super::ledger::{INBOX, Shelf};
use super::port::Store;

/// What a copy did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Copied {
    /// Logs whose bytes were written, wholly or their missing end.
    pub written: Vec<String>,
    /// Logs the target already held whole.
    pub unchanged: Vec<String>,
    pub events: u64,
    pub bytes: u64,
}

/// Copies every log of `from` into `to`.
pub fn copy(from: &dyn Store, to: &dyn Store) -> Result<Copied, StoreError> {
    let logs = from.logs()?;
    let mut verified = Vec::with_capacity(logs.len());
    for log in &logs {
        let check = from.verify(log).map_err(|failure| damaged(from, log, failure))?;
        verified.push(check);
    }
    let mut copied = Copied::default();
    for (log, source) in logs.iter().zip(&verified) {
        let bytes = from.read_log(log)?;
        if bytes.len() as u64 != source.bytes {
            let why = format!("{log} changed while it was copied: copy again");
            return Err(StoreError::Conflict(why));
        }
        let added = to.import(log, &bytes)?;
        let target = to.verify(log).map_err(|failure| damaged(to, log, failure))?;
        if (target.events, target.head) != (source.events, source.head) {
            let why = format!("{log} in {} does not end as the source does after the copy", to.location());
            return Err(StoreError::Conflict(why));
        }
        copied.events += target.events;
        copied.bytes += target.bytes;
        if added > 0 { &mut copied.written } else { &mut copied.unchanged }.push(log.to_string());
    }
    Ok(copied)
}

fn damaged(store: &dyn Store, log: &LogName, failure: super::verify::VerifyFailure) -> StoreError {
    StoreError::Damaged { file: format!("{} ({log})", store.location()), why: failure.to_string() }
}

/// The bytes of `name` on `shelf`, as stored.
pub(super) fn read_log(shelf: &dyn Shelf, name: &str) -> Result<Vec<u8>, StoreError> {
    let medium = shelf.medium(name);
    let at = medium.location().to_owned();
    let mut view = medium.view().map_err(|e| StoreError::io("read", &at, e))?;
    let mut bytes = Vec::new();
    view.read_from(0).and_then(|mut r| r.read_to_end(&mut bytes)).map_err(|e| StoreError::io("read", &at, e))?;
    Ok(bytes)
}

/// Writes `bytes`, a whole log, as `name` on `shelf`, under the log's write lock: all of it
/// into a log that is new or empty, the rest into one that holds a beginning of it; the bytes
/// added. A log that ends archived is no longer listed open.
pub(super) fn import(shelf: &dyn Shelf, name: &str, bytes: &[u8]) -> Result<u64, StoreError> {
    shelf.admit(name)?;
    let medium = shelf.medium(name);
    let at = medium.location().to_owned();
    let mut hold = medium.hold().map_err(|e| StoreError::io("open for writing", &at, e))?;
    let mut held = Vec::new();
    hold.read_from(0).and_then(|mut r| r.read_to_end(&mut held)).map_err(|e| StoreError::io("read", &at, e))?;
    if !bytes.starts_with(&held) {
        let why = format!(
            "{name} in {} already holds {} bytes that are not the beginning of the copied log: nothing copied into it",
            at.display(),
            held.len()
        );
        return Err(StoreError::Conflict(why));
    }
    let rest = &bytes[held.len()..];
    if !rest.is_empty() {
        hold.append(rest).map_err(|e| StoreError::io("write", &at, e))?;
    }
    drop(hold);
    if name != INBOX && super::verify::ends_archived(bytes) {
        shelf.unlist(name);
    }
    Ok(rest.len() as u64)
}
