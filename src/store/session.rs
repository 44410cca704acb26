//! Session keys: a process signs its events with an ed25519 key it made in memory, which the
//! responder's own key certifies once as an OpenSSH user certificate naming them. One request
//! to the ssh-agent per session instead of one per write (the agent takes about half a
//! millisecond to sign). `allowed_signers` lets it only where the responder's key is listed
//! with `cert-authority`, which is how `ssh-keygen -Y verify` accepts such a signature too.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};
use ssh_key::certificate::{Builder, CertType};
use ssh_key::public::KeyData;
use ssh_key::sha2::{Digest, Sha256};

use super::signature::{Certified, Sig};

/// How far before the first event a certificate is valid from (another responder's clock may
/// be behind), and how long it lasts. A certificate is renewed an hour before it ends.
const EARLIER: Duration = Duration::minutes(5);
pub(super) const LASTS: Duration = Duration::hours(12);
pub(super) const RENEW_BEFORE: Duration = Duration::hours(1);

/// A session key and the certificate that vouches for it.
pub struct Session {
    pub authority: KeyData,
    signing: ed25519_dalek::SigningKey,
    public: KeyData,
    certified: Arc<Certified>,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    /// The logs a write of this session's certificate has reached durably.
    carried: HashSet<String>,
}

impl Session {
    /// Makes a session key for `principal` and has `authority` certify it for events recorded
    /// around `at`. The certificate is checked before it is relied on.
    pub fn new<S: ssh_key::SigningKey>(principal: &str, authority: &S, at: DateTime<Utc>) -> Result<Self, String> {
        let mut seed = [0u8; 32];
        let mut nonce = [0u8; 16];
        getrandom::getrandom(&mut seed)
            .and_then(|()| getrandom::getrandom(&mut nonce))
            .map_err(|e| format!("no randomness for a session key: {e}"))?;
        let signing = ed25519_dalek::SigningKey::from_bytes(&seed);
        let public = KeyData::Ed25519(ssh_key::public::Ed25519PublicKey(signing.verifying_key().to_bytes()));
        let (from, until) = (at - EARLIER, at + LASTS);
        let seconds = |t: DateTime<Utc>| u64::try_from(t.timestamp()).map_err(|_| format!("no certificate for {t}"));
        let mut builder = Builder::new(nonce.to_vec(), public.clone(), seconds(from)?, seconds(until)?)
            .map_err(|e| format!("cannot make a session certificate: {e}"))?;
        builder
            .cert_type(CertType::User)
            .and_then(|b| b.key_id(format!("warroom {}", std::process::id())))
            .and_then(|b| b.valid_principal(principal))
            .map_err(|e| format!("cannot make a session certificate: {e}"))?;
        let certificate = builder.sign(authority).map_err(|e| format!("cannot certify a session key: {e}"))?;
        certificate
            .verify_signature()
            .map_err(|_| "the session certificate's signature does not verify with the certifying key".to_owned())?;
        let blob = certificate.to_bytes().map_err(|e| format!("cannot encode a session certificate: {e}"))?;
        let certified = Arc::new(Certified { certificate, blob });
        Ok(Self { authority: authority.public_key(), signing, public, certified, from, until, carried: HashSet::new() })
    }

    /// Whether this session may sign, certified by `authority`, an event recorded at `at`.
    pub fn covers(&self, authority: &KeyData, at: DateTime<Utc>) -> bool {
        &self.authority == authority && at >= self.from && at < self.until - RENEW_BEFORE
    }

    /// Whether `log` already holds this session's certificate (`sig` being one of its own).
    pub fn has_carried(&self, sig: &Sig, log: &str) -> bool {
        sig.sshsig.public_key() == &self.public && self.carried.contains(log)
    }

    /// `sig`, with this session's certificate, is now durably in `log`.
    pub fn carried(&mut self, sig: &Sig, log: &str) {
        if sig.sshsig.public_key() == &self.public && sig.certificate.is_some() {
            self.carried.insert(log.to_owned());
        }
    }

    pub fn sign(&self, msg: &[u8]) -> Result<Sig, String> {
        let sig = super::signature::sign_ed25519(&self.signing, &self.public, msg)?;
        Ok(Sig { sshsig: sig.sshsig, certificate: Some(self.certified.clone()) })
    }
}

/// Whether `certified` vouches for its key as `principal`'s at `at`, as OpenSSH judges a
/// certificate in a signature: a user certificate, naming `principal`, valid at `at`,
/// signed by the key it names as its authority (whether that key may certify for
/// `principal` is `allowed_signers`' to say).
pub fn judge(certified: &Certified, principal: &str, at: DateTime<Utc>) -> Result<(), String> {
    let certificate = &certified.certificate;
    if certificate.cert_type() != CertType::User {
        return Err("is a host certificate".to_owned());
    }
    if !certificate.valid_principals().iter().any(|p| p == principal) {
        return Err(format!("does not name {}", crate::domain::sanitize::line(principal)));
    }
    let day = |seconds: u64| {
        i64::try_from(seconds)
            .ok()
            .and_then(|s| DateTime::from_timestamp(s, 0))
            .map_or_else(|| "the end of time".to_owned(), |t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
    };
    let when = u64::try_from(at.timestamp()).unwrap_or_default();
    if when < certificate.valid_after() {
        return Err(format!("is not valid before {}", day(certificate.valid_after())));
    }
    if when >= certificate.valid_before() {
        return Err(format!("expired at {}", day(certificate.valid_before())));
    }
    if !signature_holds(certified) {
        return Err("is not signed by the key it names".to_owned());
    }
    Ok(())
}

/// Certificates whose signature has been checked: a log signed in one session carries the
/// same certificate on every signed line, and checking it costs as much as the line's own.
static CHECKED: Mutex<Option<HashSet<[u8; 32]>>> = Mutex::new(None);
const REMEMBERED: usize = 4096;

fn signature_holds(certified: &Certified) -> bool {
    let digest: [u8; 32] = Sha256::digest(&certified.blob).into();
    if CHECKED.lock().unwrap_or_else(PoisonError::into_inner).as_ref().is_some_and(|seen| seen.contains(&digest)) {
        return true;
    }
    if certified.certificate.verify_signature().is_err() {
        return false;
    }
    let mut checked = CHECKED.lock().unwrap_or_else(PoisonError::into_inner);
    let seen = checked.get_or_insert_with(HashSet::new);
    if seen.len() >= REMEMBERED {
        seen.clear();
    }
    seen.insert(digest);
    true
}
