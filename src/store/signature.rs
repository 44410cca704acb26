//! What a signature covers and how it sits in a line. A process signs the last line of each
//! write with SSHSIG (namespace `warroom`) over a short text naming the log, the line's `seq`
//! and its hash; since each line's hash chains the lines before, that signature also covers
//! the earlier lines of the same write. The signature goes after the seal:
//! `…,"hash":"<hex>","sig":"<base64 SSHSIG>"}`.

use base64ct::{Base64, Encoding};
use ssh_encoding::{Decode, Encode};
use ssh_key::{HashAlg, LineEnding, SshSig};

use super::allowed_signers::NAMESPACE;
use super::line::{Digest32, hex};

/// The text a signature is made over (`signatures/<seq>.msg` in an export).
pub fn message(log: &str, seq: u64, hash: &Digest32) -> String {
    format!("warroom signed event\nlog {log}\nseq {seq}\nhash {}\n", hex(hash))
}

pub const HASH_ALG: HashAlg = HashAlg::Sha512;

/// The signature as it is stored in a line.
pub fn to_line(sig: &SshSig) -> Result<String, String> {
    let mut bytes = Vec::new();
    sig.encode(&mut bytes).map_err(|e| format!("cannot encode a signature: {e}"))?;
    Ok(Base64::encode_string(&bytes))
}

pub fn from_line(text: &[u8]) -> Result<SshSig, String> {
    let bytes = Base64::decode_vec(std::str::from_utf8(text).map_err(|_| "not base64")?)
        .map_err(|_| "the signature is not base64".to_owned())?;
    SshSig::decode(&mut bytes.as_slice()).map_err(|e| format!("not an SSH signature: {e}"))
}

/// The signature armored for `ssh-keygen -Y verify -s`.
pub fn armored(sig: &SshSig) -> Result<String, String> {
    sig.to_pem(LineEnding::LF).map_err(|e| format!("cannot armor a signature: {e}"))
}

/// Checks that `sig` is a `warroom` signature over `msg` by the key it names.
pub fn check(sig: &SshSig, msg: &[u8]) -> Result<(), String> {
    if sig.namespace() != NAMESPACE {
        return Err(format!("signed for namespace {:?}, not {NAMESPACE:?}", sig.namespace()));
    }
    ssh_key::PublicKey::new(sig.public_key().clone(), "")
        .verify(NAMESPACE, msg, sig)
        .map_err(|_| "the signature does not match the line".to_owned())
}
