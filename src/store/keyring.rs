//! The keys this process can sign with: the responder's ssh-agent (`SSH_AUTH_SOCK`, so agent
//! forwarding into a shared tmux host works) and key files (`--key`, `WARROOM_KEY`). Which of
//! them signs for a responder is what `allowed_signers` allows for that name. A key the agent
//! holds and `allowed_signers` lists with `cert-authority` certifies a session key once, and
//! that key signs each write (see `session`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use chrono::{DateTime, Utc};
use ssh_agent_client_rs::{Client, Identity};
use ssh_key::public::KeyData;
use ssh_key::{PrivateKey, SshSig};

use super::allowed_signers::{AllowedSigners, NAMESPACE, Refused, fingerprint};
use super::session::Session;
use super::signature::{HASH_ALG, Sig, sign_ed25519};

/// Where a key's private half is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Holder {
    File(usize),
    Agent,
}

/// How a key signs: itself, or by certifying a session key once (`cert-authority`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    Direct(Holder),
    Session(Holder),
}

/// A key this process holds that may sign for `principal`, found for an event at `at`.
#[derive(Clone, Debug)]
pub struct SigningKey {
    pub principal: String,
    pub key: KeyData,
    source: Source,
    at: DateTime<Utc>,
}

impl SigningKey {
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.key)
    }

    fn allowed(&self, allowed: &AllowedSigners, at: DateTime<Utc>) -> bool {
        match self.source {
            Source::Direct(_) => allowed.check(&self.principal, &self.key, at).is_ok(),
            Source::Session(_) => allowed.may_certify(&self.principal, &self.key, at).is_ok(),
        }
    }
}

/// A key file loaded, with an ed25519 key ready to sign (deriving it costs as much as signing).
struct KeyFile {
    path: PathBuf,
    key: PrivateKey,
    ed25519: Option<ed25519_dalek::SigningKey>,
}

#[derive(Default)]
pub struct Keyring {
    files: Vec<KeyFile>,
    agent: Option<PathBuf>,
    found: Mutex<HashMap<String, SigningKey>>,
    sessions: Mutex<HashMap<String, Session>>,
}

impl Keyring {
    /// Loads the key files now (a bad one is a one-line error) and remembers the agent socket.
    pub fn new(key_files: &[PathBuf], agent: Option<PathBuf>) -> Result<Self, String> {
        let files = key_files
            .iter()
            .map(|path| {
                let key = load(path)?;
                let ed25519 = key.key_data().ed25519().and_then(|pair| ed25519_dalek::SigningKey::try_from(pair).ok());
                Ok(KeyFile { path: path.clone(), key, ed25519 })
            })
            .collect::<Result<_, String>>()?;
        Ok(Self { files, agent: agent.filter(|a| !a.as_os_str().is_empty()), ..Self::default() })
    }

    /// A key this process holds that `allowed` lets sign for `principal` at `at`. A key in the
    /// agent that may certify for `principal` signs through a session key (one agent request
    /// per session, not per write); a key file signs itself.
    pub fn find(&self, allowed: &AllowedSigners, principal: &str, at: DateTime<Utc>) -> Result<SigningKey, String> {
        let mut found = self.found.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(key) = found.get(principal).filter(|k| k.allowed(allowed, at)) {
            return Ok(SigningKey { at, ..key.clone() });
        }
        let mut held: Vec<(KeyData, Holder)> = self
            .files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.key.public_key().key_data().clone(), Holder::File(i)))
            .collect();
        let mut agent_trouble = None;
        if let Some(socket) = &self.agent {
            match agent_keys(socket) {
                Ok(keys) if keys.is_empty() => {
                    agent_trouble = Some("it holds no keys: locked? `ssh-add -X` unlocks it".to_owned());
                }
                Ok(keys) => held.extend(keys.into_iter().map(|k| (k, Holder::Agent))),
                Err(why) => agent_trouble = Some(why),
            }
        }
        let mut refusal: Option<(String, Refused)> = None;
        for (key, holder) in held {
            match choose(allowed, principal, &key, holder, at) {
                Ok(source) => {
                    let key = SigningKey { principal: principal.to_owned(), key, source, at };
                    found.insert(principal.to_owned(), key.clone());
                    return Ok(key);
                }
                Err(Refused::NotListed) => {}
                Err(why) => refusal = Some((fingerprint(&key), why)),
            }
        }
        if let Some((print, why)) = refusal {
            return Err(format!("{principal}'s key {print} cannot sign: {why}"));
        }
        Err(self.nothing_for(principal, agent_trouble))
    }

    fn nothing_for(&self, principal: &str, agent_trouble: Option<String>) -> String {
        let places = match (&self.agent, self.files.is_empty()) {
            (None, true) => {
                return format!(
                    "no key of {principal}'s to sign with: no ssh-agent (SSH_AUTH_SOCK is not set) and no --key"
                );
            }
            (Some(_), true) => "in the ssh-agent".to_owned(),
            (None, false) => format!("in {}", self.file_names()),
            (Some(_), false) => format!("in the ssh-agent or in {}", self.file_names()),
        };
        let trouble = agent_trouble.map(|t| format!(" ({t})")).unwrap_or_default();
        format!("no key of {principal}'s {places}{trouble}: run your own console with your agent, or --key")
    }

    fn file_names(&self) -> String {
        self.files.iter().map(|f| f.path.display().to_string()).collect::<Vec<_>>().join(", ")
    }

    /// Signs `msg` (SSHSIG, namespace `warroom`) with `key`.
    pub fn sign(&self, key: &SigningKey, msg: &[u8]) -> Result<Sig, String> {
        let signed = match key.source {
            Source::Direct(Holder::File(i)) => {
                let file = self.files.get(i).ok_or("the key file is gone")?;
                match &file.ed25519 {
                    Some(ready) => sign_ed25519(ready, &key.key, msg),
                    None => file
                        .key
                        .sign(NAMESPACE, HASH_ALG, msg)
                        .map(Sig::by_key)
                        .map_err(|e| format!("cannot sign: {e}")),
                }
            }
            Source::Direct(Holder::Agent) => self.agent_sign(key, msg),
            Source::Session(holder) => self.session_sign(key, holder, msg),
        };
        if signed.is_err() {
            self.found.lock().unwrap_or_else(PoisonError::into_inner).remove(&key.principal);
        }
        signed
    }

    /// Whether `log` already holds the certificate of the session that made `sig`.
    pub fn has_carried(&self, key: &SigningKey, sig: &Sig, log: &str) -> bool {
        let sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        sessions.get(&key.principal).is_some_and(|session| session.has_carried(sig, log))
    }

    /// A write signed with `sig` is durably in `log`.
    pub fn carried(&self, key: &SigningKey, sig: &Sig, log: &str) {
        let mut sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(session) = sessions.get_mut(&key.principal) {
            session.carried(sig, log);
        }
    }

    fn session_sign(&self, key: &SigningKey, holder: Holder, msg: &[u8]) -> Result<Sig, String> {
        let mut sessions = self.sessions.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(session) = sessions.get(&key.principal).filter(|s| s.covers(&key.key, key.at)) {
            return session.sign(msg);
        }
        let session = match holder {
            Holder::File(i) => {
                let file = self.files.get(i).ok_or("the key file is gone")?;
                Session::new(&key.principal, &file.key, key.at)?
            }
            Holder::Agent => {
                let authority = AgentAuthority { keyring: self, key: key.key.clone(), trouble: RefCell::default() };
                Session::new(&key.principal, &authority, key.at)
                    .map_err(|why| authority.trouble.take().unwrap_or(why))?
            }
        };
        let signed = session.sign(msg);
        sessions.insert(key.principal.clone(), session);
        signed
    }

    /// What the agent answers when asked to sign `data` with `key`, checked by the caller.
    fn agent_signature(&self, key: &KeyData, data: &[u8]) -> Result<ssh_key::Signature, String> {
        let socket = self.agent.as_deref().ok_or("no ssh-agent")?;
        let mut client = connect(socket)?;
        let identity: Identity<'_> = ssh_key::PublicKey::new(key.clone(), "").into();
        client.sign(identity, data).map_err(|e| match e {
            ssh_agent_client_rs::Error::RemoteFailure => {
                format!("the ssh-agent refused to sign with {} (locked? `ssh-add -X` unlocks it)", fingerprint(key))
            }
            other => agent_failed(other),
        })
    }

    fn agent_sign(&self, key: &SigningKey, msg: &[u8]) -> Result<Sig, String> {
        let data = SshSig::signed_data(NAMESPACE, HASH_ALG, msg).map_err(|e| e.to_string())?;
        let signature = self.agent_signature(&key.key, &data)?;
        let sig = Sig::by_key(SshSig::new(key.key.clone(), NAMESPACE, HASH_ALG, signature).map_err(|e| e.to_string())?);
        // The agent is another program: what it returns is checked before it is relied on.
        super::signature::check(&sig, msg).map_err(|_| {
            format!("the ssh-agent returned a signature that does not verify with {}", key.fingerprint())
        })?;
        Ok(sig)
    }
}

/// How `key` (held by `holder`) may sign for `principal`: a key in the agent that may certify
/// does so through a session; otherwise the key signs itself if it may, or certifies.
fn choose(
    allowed: &AllowedSigners,
    principal: &str,
    key: &KeyData,
    holder: Holder,
    at: DateTime<Utc>,
) -> Result<Source, Refused> {
    let certify = if can_certify(key) { allowed.may_certify(principal, key, at) } else { Err(Refused::NotListed) };
    if holder == Holder::Agent && certify.is_ok() {
        return Ok(Source::Session(holder));
    }
    match (allowed.check(principal, key, at), certify) {
        (Ok(()), _) => Ok(Source::Direct(holder)),
        (_, Ok(())) => Ok(Source::Session(holder)),
        (Err(Refused::NotListed), Err(why)) | (Err(why), _) => Err(why),
    }
}

/// Keys that certify session keys. An RSA key in the agent would sign a certificate with
/// SHA-1 unless asked otherwise, which OpenSSH no longer accepts: it signs each write itself.
fn can_certify(key: &KeyData) -> bool {
    key.ed25519().is_some() || key.ecdsa().is_some()
}

/// The agent as the authority that certifies a session key.
struct AgentAuthority<'a> {
    keyring: &'a Keyring,
    key: KeyData,
    trouble: RefCell<Option<String>>,
}

impl signature::Signer<ssh_key::Signature> for AgentAuthority<'_> {
    fn try_sign(&self, data: &[u8]) -> Result<ssh_key::Signature, signature::Error> {
        self.keyring.agent_signature(&self.key, data).map_err(|why| {
            self.trouble.replace(Some(why));
            signature::Error::new()
        })
    }
}

impl From<&AgentAuthority<'_>> for KeyData {
    fn from(authority: &AgentAuthority<'_>) -> Self {
        authority.key.clone()
    }
}

/// How long the agent may take to answer: the log's lock is held meanwhile, so a stalled
/// agent (a forwarded connection gone quiet, a key waiting for confirmation) must not hold
/// every other responder's writes for long.
pub const AGENT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

fn connect(socket: &Path) -> Result<Client, String> {
    let stream = std::os::unix::net::UnixStream::connect(socket)
        .map_err(|e| format!("cannot reach the ssh-agent at {}: {e}", socket.display()))?;
    let deadline = std::time::Instant::now() + AGENT_TIMEOUT;
    Ok(Client::with_read_write(Box::new(Deadline { stream, deadline })))
}

/// The agent's connection, given one deadline for the whole exchange: an agent that trickles
/// its answer a byte at a time runs out of time as surely as one that says nothing.
struct Deadline {
    stream: std::os::unix::net::UnixStream,
    deadline: std::time::Instant,
}

impl Deadline {
    fn left(&self) -> std::io::Result<std::time::Duration> {
        let left = self.deadline.saturating_duration_since(std::time::Instant::now());
        if left.is_zero() {
            return Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "the ssh-agent took too long"));
        }
        Ok(left)
    }
}

impl std::io::Read for Deadline {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let left = self.left()?;
        self.stream.set_read_timeout(Some(left))?;
        self.stream.read(buf)
    }
}

impl std::io::Write for Deadline {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let left = self.left()?;
        self.stream.set_write_timeout(Some(left))?;
        self.stream.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.stream.flush()
    }
}

/// The agent's failure in words; a timeout says how long it was given.
fn agent_failed(e: ssh_agent_client_rs::Error) -> String {
    match e {
        ssh_agent_client_rs::Error::AgentCommunicationError(io)
            if matches!(io.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) =>
        {
            format!(
                "the ssh-agent did not answer within {} s (a key waiting for confirmation?)",
                AGENT_TIMEOUT.as_secs()
            )
        }
        ssh_agent_client_rs::Error::AgentCommunicationError(io) => format!("the ssh-agent failed: {io}"),
        other => format!("the ssh-agent failed: {other}"),
    }
}

fn agent_keys(socket: &Path) -> Result<Vec<KeyData>, String> {
    let identities = connect(socket)?.list_all_identities().map_err(agent_failed)?;
    Ok(identities
        .into_iter()
        .filter_map(|identity| match identity {
            Identity::PublicKey(key) => Some(key.key_data().clone()),
            Identity::Certificate(_) => None,
        })
        .collect())
}

/// An OpenSSH private key file is a few KiB (a 16384-bit RSA key about 13).
const MAX_KEY_FILE: u64 = 64 * 1024;

fn load(path: &Path) -> Result<PrivateKey, String> {
    use std::os::unix::fs::PermissionsExt;
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| format!("key file {shown}: {e}"))?;
    if !meta.is_file() || meta.len() > MAX_KEY_FILE {
        return Err(format!("key file {shown} is not an OpenSSH private key file"));
    }
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(format!("key file {shown} is open to others (mode {mode:04o}): chmod 600 {shown}"));
    }
    let text = std::fs::read(path).map_err(|e| format!("key file {shown}: {e}"))?;
    let key = PrivateKey::from_openssh(&text).map_err(|_| format!("key file {shown} is not an OpenSSH private key"))?;
    if key.is_encrypted() {
        return Err(format!("key file {shown} has a passphrase: add it to your ssh-agent (ssh-add {shown}) instead"));
    }
    Ok(key)
}
