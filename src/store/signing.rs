//! The workspace's signing policy: with an `allowed_signers` file every event must be signed
//! by a key allowed for its actor; without one, logs are unsigned (as before the file).

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::StoreError;
use super::allowed_signers::{AllowedSigners, FILE_NAME};
use super::keyring::{Keyring, SigningKey};
use super::line::{Digest32, attach_signature};
use super::signature;

/// What a process proves its appends with: the keys it signs with, and the witnesses it
/// leaves checkpoints with.
#[derive(Default)]
pub struct Proofs {
    pub keyring: Arc<Keyring>,
    pub witnesses: Vec<std::path::PathBuf>,
}

pub struct Signing {
    pub allowed: AllowedSigners,
    pub keyring: Arc<Keyring>,
}

/// Reads `<root>/allowed_signers`: `None` when there is none (signatures are then not
/// required), an error naming `file:line` when it is malformed.
pub fn read_policy(root: &Path) -> Result<Option<AllowedSigners>, StoreError> {
    let path = root.join(FILE_NAME);
    match std::fs::read_to_string(&path) {
        Ok(text) => AllowedSigners::parse(&text, &path.display().to_string()).map(Some).map_err(StoreError::Signers),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StoreError::Signers(format!("cannot read {}: {e}", path.display()))),
    }
}

impl Signing {
    /// The key that signs for `actor` now, or why this process cannot.
    pub fn key_for(&self, actor: &str, now: DateTime<Utc>) -> Result<SigningKey, StoreError> {
        self.keyring.find(&self.allowed, actor, now).map_err(StoreError::CannotSign)
    }

    /// Signs the last line staged in `bytes` (line `seq` of `log`, whose hash is `hash`);
    /// the signature as the line holds it.
    pub fn sign_last(
        &self,
        key: &SigningKey,
        log: &str,
        seq: u64,
        hash: &Digest32,
        bytes: &mut Vec<u8>,
    ) -> Result<String, StoreError> {
        let message = signature::message(log, seq, hash);
        let sig = self.keyring.sign(key, message.as_bytes()).map_err(StoreError::CannotSign)?;
        let sig = signature::to_line(&sig).map_err(StoreError::CannotSign)?;
        attach_signature(bytes, &sig);
        Ok(sig)
    }
}
