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

/// Thousands of responders' keys fit in far less.
const MAX_POLICY: u64 = 4 << 20;

pub struct Signing {
    pub allowed: Arc<AllowedSigners>,
    pub keyring: Arc<Keyring>,
}

/// Reads `<root>/allowed_signers`: `None` when there is none (signatures are then not
/// required), an error naming `file:line` when it is malformed.
pub fn read_policy(root: &Path) -> Result<Option<AllowedSigners>, StoreError> {
    let path = root.join(FILE_NAME);
    let meta = match std::fs::metadata(&path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(StoreError::Signers(format!("cannot read {}: {e}", path.display()))),
    };
    if !meta.is_file() || meta.len() > MAX_POLICY {
        return Err(StoreError::Signers(format!(
            "{} is not a regular file of at most {} MiB",
            path.display(),
            MAX_POLICY >> 20
        )));
    }
    match std::fs::read_to_string(&path) {
        Ok(text) => AllowedSigners::parse(&text, &path.display().to_string()).map(Some).map_err(StoreError::Signers),
        Err(e) => Err(StoreError::Signers(format!("cannot read {}: {e}", path.display()))),
    }
}

impl Signing {
    /// The key that signs for `actor` now, or why this process cannot.
    pub fn key_for(&self, actor: &str, now: DateTime<Utc>) -> Result<SigningKey, StoreError> {
        self.keyring.find(&self.allowed, actor, now).map_err(StoreError::CannotSign)
    }

    /// Signs `msg` as `principal` (an export's `SHA256SUMS`): the armored signature.
    pub fn sign_detached(&self, principal: &str, at: DateTime<Utc>, msg: &[u8]) -> Result<String, StoreError> {
        let key = self.key_for(principal, at)?;
        let sig = self.keyring.sign(&key, msg).map_err(StoreError::CannotSign)?;
        signature::armored(&sig).map_err(StoreError::CannotSign)
    }

    /// Signs the last line staged in `bytes` (line `seq` of `log`, whose hash is `hash`). A
    /// session's certificate goes into a log once: later lines there carry the signature alone.
    pub fn sign_last(
        &self,
        key: &SigningKey,
        log: &str,
        seq: u64,
        hash: &Digest32,
        bytes: &mut Vec<u8>,
    ) -> Result<LineSignature, StoreError> {
        let message = signature::message(log, seq, hash);
        let sig = self.keyring.sign(key, message.as_bytes()).map_err(StoreError::CannotSign)?;
        let in_line = if self.keyring.has_carried(key, &sig, log) {
            signature::to_line_without_certificate(&sig)
        } else {
            signature::to_line(&sig)
        };
        attach_signature(bytes, &in_line.map_err(StoreError::CannotSign)?);
        Ok(LineSignature { sig })
    }

    /// The write that `signed` signed is durably in `log`.
    pub fn written(&self, key: &SigningKey, signed: &LineSignature, log: &str) {
        self.keyring.carried(key, &signed.sig, log);
    }
}

/// A line's signature as made (with its certificate, as a checkpoint carries it).
pub struct LineSignature {
    pub sig: signature::Sig,
}
