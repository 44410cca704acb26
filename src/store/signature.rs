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
    let mismatch = || "the signature does not match the line".to_owned();
    if sig.public_key().ed25519().is_some() {
        return check_ed25519(sig, msg).ok_or_else(mismatch);
    }
    ssh_key::PublicKey::new(sig.public_key().clone(), "").verify(NAMESPACE, msg, sig).map_err(|_| mismatch())
}

/// Checks many signatures at once: ed25519 ones in batches (one multi-scalar multiplication
/// per batch, about twice as fast as one by one); a batch that fails is checked one by one,
/// so each result is the signature's own.
pub fn check_many(items: &[(&SshSig, &[u8])]) -> Vec<Result<(), String>> {
    let mut results: Vec<Option<Result<(), String>>> = vec![None; items.len()];
    let ready: Vec<(usize, Ed25519Parts)> =
        items.iter().enumerate().filter_map(|(i, (sig, msg))| ed25519_parts(sig, msg).map(|p| (i, p))).collect();
    for batch in ready.chunks(BATCH) {
        let messages: Vec<&[u8]> = batch.iter().map(|(_, p)| p.signed.as_slice()).collect();
        let signatures: Vec<ed25519_dalek::Signature> = batch.iter().map(|(_, p)| p.signature).collect();
        let keys: Vec<ed25519_dalek::VerifyingKey> = batch.iter().map(|(_, p)| p.key).collect();
        if ed25519_dalek::verify_batch(&messages, &signatures, &keys).is_ok() {
            for (i, _) in batch {
                results[*i] = Some(Ok(()));
            }
        }
    }
    items.iter().zip(results).map(|((sig, msg), done)| done.unwrap_or_else(|| check(sig, msg))).collect()
}

const BATCH: usize = 64;

/// An ed25519 signature ready to check: the key's point, the signature, the signed data.
struct Ed25519Parts {
    key: ed25519_dalek::VerifyingKey,
    signature: ed25519_dalek::Signature,
    signed: Vec<u8>,
}

fn ed25519_parts(sig: &SshSig, msg: &[u8]) -> Option<Ed25519Parts> {
    thread_local! {
        static KEYS: std::cell::RefCell<std::collections::HashMap<[u8; 32], ed25519_dalek::VerifyingKey>> =
            std::cell::RefCell::default();
    }
    let public = sig.public_key().ed25519()?.0;
    if sig.namespace() != NAMESPACE || sig.algorithm() != ssh_key::Algorithm::Ed25519 || !sig.reserved().is_empty() {
        return None;
    }
    // Each key's curve point is decoded once per thread, not once per signature.
    let key = KEYS.with_borrow_mut(|keys| {
        if keys.len() > 1024 {
            keys.clear();
        }
        keys.get(&public).copied().or_else(|| {
            let key = ed25519_dalek::VerifyingKey::from_bytes(&public).ok()?;
            keys.insert(public, key);
            Some(key)
        })
    })?;
    let signature = ed25519_dalek::Signature::from_slice(sig.signature_bytes()).ok()?;
    let signed = SshSig::signed_data(NAMESPACE, sig.hash_alg(), msg).ok()?;
    Some(Ed25519Parts { key, signature, signed })
}

/// One ed25519 signature checked as `ssh-key` checks it (cofactorless, as OpenSSH does).
fn check_ed25519(sig: &SshSig, msg: &[u8]) -> Option<()> {
    use ed25519_dalek::Verifier;
    let parts = ed25519_parts(sig, msg)?;
    parts.key.verify(&parts.signed, &parts.signature).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signed(seed: u8, messages: &[&str]) -> Vec<SshSig> {
        let pair = ssh_key::private::Ed25519Keypair::from_seed(&[seed; 32]);
        let key = ssh_key::PrivateKey::from(pair);
        messages.iter().map(|m| key.sign(NAMESPACE, HASH_ALG, m.as_bytes()).expect("sign")).collect()
    }

    #[test]
    fn a_batch_with_one_bad_signature_names_exactly_that_one() {
        let texts: Vec<String> = (0..150).map(|n| format!("line {n}")).collect();
        let messages: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mut sigs = signed(7, &messages);
        sigs.extend(signed(9, &["another key"]));
        let mut items: Vec<(&SshSig, &[u8])> = sigs.iter().zip(&messages).map(|(s, m)| (s, m.as_bytes())).collect();
        items.push((&sigs[150], b"another key"));
        assert!(check_many(&items).iter().all(Result::is_ok));
        items[70].1 = b"a changed line";
        let results = check_many(&items);
        let bad: Vec<usize> = results.iter().enumerate().filter(|(_, r)| r.is_err()).map(|(i, _)| i).collect();
        assert_eq!(bad, [70]);
        assert_eq!(results[70], check(items[70].0, items[70].1), "the same verdict one by one");
    }
}
