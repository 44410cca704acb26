//! What a signature covers and how it sits in a line. A process signs the last line of each
//! write with SSHSIG (namespace `warroom`) over a short text naming the log, the line's `seq`
//! and its hash; since each line's hash chains the lines before, that signature also covers
//! the earlier lines of the same write. The signature goes after the seal:
//! `…,"hash":"<hex>","sig":"<base64 SSHSIG>"}`.

use std::sync::Arc;

use base64ct::{Base64, Encoding};
use ssh_encoding::{Decode, Encode};
use ssh_key::public::KeyData;
use ssh_key::{Certificate, HashAlg, SshSig};

use super::line::{Digest32, hex};

/// The text a signature is made over (`signatures/<seq>.msg` in an export).
pub fn message(log: &str, seq: u64, hash: &Digest32) -> String {
    format!("warroom signed event\nlog {log}\nseq {seq}\nhash {}\n", hex(hash))
}

pub const HASH_ALG: HashAlg = HashAlg::Sha512;

/// The SSHSIG namespace of every warroom signature (`ssh-keygen -Y … -n warroom`).
pub const NAMESPACE: &str = "warroom";

pub fn fingerprint(key: &KeyData) -> String {
    key.fingerprint(HashAlg::Sha256).to_string()
}

/// A signature as warroom stores it: an SSHSIG made by a key, or by a session key that an
/// OpenSSH user certificate vouches for. SSHSIG carries the certificate where it carries a
/// public key (as `ssh-keygen -Y sign` does with a certificate), so stock OpenSSH checks both.
#[derive(Clone, Debug)]
pub struct Sig {
    /// The SSHSIG, naming the key that made it (a certificate's subject key).
    pub sshsig: SshSig,
    pub certificate: Option<Arc<Certified>>,
}

/// A session key's certificate, and its bytes as the signature carries them.
#[derive(Clone, Debug)]
pub struct Certified {
    pub certificate: Certificate,
    pub blob: Vec<u8>,
}

impl Sig {
    pub fn by_key(sshsig: SshSig) -> Self {
        Self { sshsig, certificate: None }
    }

    /// The key `allowed_signers` must allow: the certifying key of a certificate, else the key
    /// that signed.
    pub fn authority(&self) -> &KeyData {
        self.certificate.as_ref().map_or(self.sshsig.public_key(), |c| c.certificate.signature_key())
    }

    /// The authority's fingerprint, and the session key's when a certificate vouches for it.
    pub fn describe(&self) -> String {
        match &self.certificate {
            None => fingerprint(self.sshsig.public_key()),
            Some(c) => format!(
                "{} (session key {})",
                fingerprint(c.certificate.signature_key()),
                fingerprint(self.sshsig.public_key())
            ),
        }
    }

    fn to_bytes(&self) -> Result<Vec<u8>, String> {
        let mut bytes = Vec::new();
        self.sshsig.encode(&mut bytes).map_err(|e| format!("cannot encode a signature: {e}"))?;
        match &self.certificate {
            None => Ok(bytes),
            Some(c) => swap_public_key(&bytes, &c.blob),
        }
    }

    fn from_bytes(bytes: &[u8]) -> Result<Self, String> {
        let unreadable = |e: &dyn std::fmt::Display| format!("not an SSH signature: {e}");
        let key_blob = &bytes[public_key_span(bytes).map_err(|e| unreadable(&e))?];
        let mut algorithm = key_blob;
        let name = String::decode(&mut algorithm).map_err(|e| unreadable(&e))?;
        if !name.ends_with(CERTIFICATE_SUFFIX) {
            return decode_whole(bytes).map(Self::by_key);
        }
        let certificate =
            Certificate::from_bytes(key_blob).map_err(|e| format!("an unreadable session certificate: {e}"))?;
        let mut subject = Vec::new();
        certificate.public_key().encode(&mut subject).map_err(|e| unreadable(&e))?;
        let plain = swap_public_key(bytes, &subject)?;
        let sshsig = decode_whole(&plain)?;
        Ok(Self { sshsig, certificate: Some(Arc::new(Certified { certificate, blob: key_blob.to_vec() })) })
    }
}

/// An SSHSIG that is all of `bytes` (bytes after it would ride along unsigned).
fn decode_whole(bytes: &[u8]) -> Result<SshSig, String> {
    let mut rest = bytes;
    let sig = SshSig::decode(&mut rest).map_err(|e| format!("not an SSH signature: {e}"))?;
    if !rest.is_empty() {
        return Err(format!("not an SSH signature: {} bytes follow its end", rest.len()));
    }
    Ok(sig)
}

/// Whether a signature as stored in a line carries a certificate, read from its first bytes
/// alone (cheap enough for every signed line of a log).
pub fn names_certificate(text: &[u8]) -> bool {
    let prefix = &text[..text.len().min(96) / 4 * 4];
    let Ok(bytes) = std::str::from_utf8(prefix).map_err(drop).and_then(|p| Base64::decode_vec(p).map_err(drop)) else {
        return false;
    };
    let Some(mut algorithm) = bytes.get(PREAMBLE + 4..) else { return false };
    String::decode(&mut algorithm).is_ok_and(|name| name.ends_with(CERTIFICATE_SUFFIX))
}

/// The session certificates a log carries, by session key. A session's first signature in a
/// log carries its certificate; its later ones there name the session key alone, and are
/// completed from the earlier one before they are judged or exported.
#[derive(Default)]
pub struct Carried(std::collections::HashMap<KeyData, Arc<Certified>>);

impl Carried {
    /// Learns `sig`'s certificate when `sig` is good over `msg` (one that fails could name
    /// another's session key), or gives it the one its key's session carried earlier.
    pub fn complete(&mut self, sig: &mut Sig, msg: &[u8]) {
        match &sig.certificate {
            Some(certified) => {
                if !self.0.contains_key(sig.sshsig.public_key()) && check(sig, msg).is_ok() {
                    self.0.insert(sig.sshsig.public_key().clone(), certified.clone());
                }
            }
            None => sig.certificate = self.0.get(sig.sshsig.public_key()).cloned(),
        }
    }
}

const CERTIFICATE_SUFFIX: &str = "-cert-v01@openssh.com";
/// `SSHSIG` and its version, before the public key.
const PREAMBLE: usize = 6 + 4;

/// Where the SSHSIG's public key blob lies in its bytes.
fn public_key_span(bytes: &[u8]) -> Result<std::ops::Range<usize>, ssh_encoding::Error> {
    if bytes.len() < PREAMBLE || &bytes[..6] != b"SSHSIG" {
        return Err(ssh_encoding::Error::Length);
    }
    let mut rest = &bytes[PREAMBLE..];
    let len = usize::decode(&mut rest)?;
    let start = bytes.len() - rest.len();
    if rest.len() < len {
        return Err(ssh_encoding::Error::Length);
    }
    Ok(start..start + len)
}

fn swap_public_key(bytes: &[u8], key_blob: &[u8]) -> Result<Vec<u8>, String> {
    let span = public_key_span(bytes).map_err(|e| format!("not an SSH signature: {e}"))?;
    let mut out = bytes[..PREAMBLE].to_vec();
    key_blob.encode(&mut out).map_err(|e| format!("cannot encode a signature: {e}"))?;
    out.extend_from_slice(&bytes[span.end..]);
    Ok(out)
}

/// Signs `msg` (SSHSIG, namespace `warroom`) with an ed25519 key ready to sign.
pub fn sign_ed25519(ready: &ed25519_dalek::SigningKey, public: &KeyData, msg: &[u8]) -> Result<Sig, String> {
    use ed25519_dalek::Signer;
    let data = SshSig::signed_data(NAMESPACE, HASH_ALG, msg).map_err(|e| e.to_string())?;
    let signature = ssh_key::Signature::new(ssh_key::Algorithm::Ed25519, ready.sign(&data).to_bytes().to_vec())
        .map_err(|e| e.to_string())?;
    SshSig::new(public.clone(), NAMESPACE, HASH_ALG, signature).map(Sig::by_key).map_err(|e| e.to_string())
}

/// The signature as it is stored in a line.
pub fn to_line(sig: &Sig) -> Result<String, String> {
    Ok(Base64::encode_string(&sig.to_bytes()?))
}

/// The signature without its certificate, for a log that already carries it.
pub fn to_line_without_certificate(sig: &Sig) -> Result<String, String> {
    to_line(&Sig::by_key(sig.sshsig.clone()))
}

pub fn from_line(text: &[u8]) -> Result<Sig, String> {
    let bytes = Base64::decode_vec(std::str::from_utf8(text).map_err(|_| "not base64")?)
        .map_err(|_| "the signature is not base64".to_owned())?;
    Sig::from_bytes(&bytes)
}

const PEM_BEGIN: &str = "-----BEGIN SSH SIGNATURE-----";
const PEM_END: &str = "-----END SSH SIGNATURE-----";

/// The signature armored for `ssh-keygen -Y verify -s` (70 columns, as OpenSSH writes it).
pub fn armored(sig: &Sig) -> Result<String, String> {
    let base64 = Base64::encode_string(&sig.to_bytes()?);
    let mut out = format!("{PEM_BEGIN}\n");
    for chunk in base64.as_bytes().chunks(70) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(PEM_END);
    out.push('\n');
    Ok(out)
}

pub fn from_armored(text: &str) -> Result<Sig, String> {
    let body = text
        .trim()
        .strip_prefix(PEM_BEGIN)
        .and_then(|rest| rest.strip_suffix(PEM_END))
        .ok_or("not an armored SSH signature")?;
    let base64: String = body.split_whitespace().collect();
    from_line(base64.as_bytes())
}

/// Checks that `sig` is a `warroom` signature over `msg` by the key that made it (whether
/// that key may sign for anyone is `allowed_signers`' to say).
pub fn check(sig: &Sig, msg: &[u8]) -> Result<(), String> {
    check_sshsig(&sig.sshsig, msg)
}

fn check_sshsig(sig: &SshSig, msg: &[u8]) -> Result<(), String> {
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
pub fn check_many(items: &[(&Sig, &[u8])]) -> Vec<Result<(), String>> {
    let mut results: Vec<Option<Result<(), String>>> = vec![None; items.len()];
    let ready: Vec<(usize, Ed25519Parts)> = items
        .iter()
        .enumerate()
        .filter_map(|(i, (sig, msg))| ed25519_parts(&sig.sshsig, msg).map(|p| (i, p)))
        .collect();
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

    fn signed(seed: u8, messages: &[&str]) -> Vec<Sig> {
        let pair = ssh_key::private::Ed25519Keypair::from_seed(&[seed; 32]);
        let key = ssh_key::PrivateKey::from(pair);
        messages.iter().map(|m| Sig::by_key(key.sign(NAMESPACE, HASH_ALG, m.as_bytes()).expect("sign"))).collect()
    }

    #[test]
    fn a_batch_with_one_bad_signature_names_exactly_that_one() {
        let texts: Vec<String> = (0..150).map(|n| format!("line {n}")).collect();
        let messages: Vec<&str> = texts.iter().map(String::as_str).collect();
        let mut sigs = signed(7, &messages);
        sigs.extend(signed(9, &["another key"]));
        let mut items: Vec<(&Sig, &[u8])> = sigs.iter().zip(&messages).map(|(s, m)| (s, m.as_bytes())).collect();
        items.push((&sigs[150], b"another key"));
        assert!(check_many(&items).iter().all(Result::is_ok));
        items[70].1 = b"a changed line";
        let results = check_many(&items);
        let bad: Vec<usize> = results.iter().enumerate().filter(|(_, r)| r.is_err()).map(|(i, _)| i).collect();
        assert_eq!(bad, [70]);
        assert_eq!(results[70], check(items[70].0, items[70].1), "the same verdict one by one");
    }

    #[test]
    fn bytes_after_the_sshsig_are_refused_and_a_plain_signature_names_no_certificate() {
        let sig = &signed(3, &["a line"])[0];
        let line = to_line(sig).expect("encode");
        assert!(from_line(line.as_bytes()).is_ok());
        assert!(!names_certificate(line.as_bytes()));
        let mut bytes = Base64::decode_vec(&line).expect("base64");
        bytes.extend_from_slice(b"riding along");
        let padded = Base64::encode_string(&bytes);
        assert_eq!(
            from_line(padded.as_bytes()).err().as_deref(),
            Some("not an SSH signature: 12 bytes follow its end")
        );
    }
}
